//! Conferences and directives entered by hand, and a directive's page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::calendar::Calendar;
use crate::domain::dates::parse_date;
use crate::domain::ids::DirectiveId;
use crate::domain::permissions::{Act, Action};
use crate::domain::recurrence::{DueRule, Recurrence};
use crate::domain::status::Counts;
use crate::domain::status::Status;
use crate::domain::status::Timeliness;
use crate::error::AppError;
use crate::models::directive::{
    self, Assignee, Conference, Directive, Item, ItemTask, ListedDirective, NewDirective, NewItem,
};
use crate::models::task::Filter;
use crate::models::token::random_token;
use crate::models::unit::{self, Group, Unit};
use crate::web::auth::Auth;
use crate::web::call::Call;
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render, render_status, Ctx, Errors};
use crate::web::query::{lenient, Paged, Query};
use crate::web::review_form::{ItemRow, ReviewForm, Side};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "directives/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<(ListedDirective, Counts)>,
    /// The conference the list is narrowed to, with its directives' buckets together.
    conference: Option<(Conference, Counts)>,
    buckets: Vec<&'static str>,
    page: i64,
    pages: i64,
}

impl ListPage {
    fn count(&self, c: &Counts, b: &&str) -> i64 {
        Timeliness::parse(b).map(|b| c.get(b)).unwrap_or(0)
    }

    /// The list behind a directive's numbers: the counted tasks, in one bucket or all.
    fn directive_link(&self, id: &DirectiveId, bucket: &str) -> String {
        crate::web::list_filter::list_url(&Filter {
            directive_id: Some(*id),
            bucket: Timeliness::parse(bucket),
            ..Filter::counted()
        })
    }

    /// The same for the conference's numbers.
    fn conference_link(&self, id: &i64, bucket: &str) -> String {
        crate::web::list_filter::list_url(&Filter {
            conference_id: Some(*id),
            bucket: Timeliness::parse(bucket),
            ..Filter::counted()
        })
    }

    fn page_link(&self, page: impl std::fmt::Display) -> String {
        match &self.conference {
            Some((c, _)) => format!("/directives?conference={}&page={page}", c.id),
            None => format!("/directives?page={page}"),
        }
    }
}

/// `/directives`: newest first, fifty a page, each with the four buckets of its tasks linking
/// to the lists behind them; `?conference=` narrows to one conference and adds its totals.
/// `/directives?conference=…&page=…`.
#[derive(Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient")]
    conference: Option<i64>,
    #[serde(flatten)]
    paged: Paged,
}

pub async fn list(Query(query): Query<ListQuery>, call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ViewDirectives)?;
    let conference_id = query.conference;
    let page = query.paged.page();
    let today = crate::web::tasks::today();
    let (rows, total, conference) = crate::web::error::run(&call.state.pool, move |conn| {
        let conference = match conference_id {
            Some(id) => {
                let c = directive::conference(conn, id)?.ok_or(WebError::NotFound)?;
                Some((c, directive::conference_buckets(conn, id, today)?))
            }
            None => None,
        };
        let (rows, total) = directive::page_of(conn, conference_id, page)?;
        let ids: Vec<DirectiveId> = rows.iter().map(|d| d.id).collect();
        let mut counts = directive::buckets(conn, &ids, today)?;
        let rows = rows
            .into_iter()
            .map(|d| {
                let c = counts.remove(&d.id).unwrap_or_default();
                (d, c)
            })
            .collect();
        Ok((rows, total, conference))
    })
    .await?;
    render(&ListPage {
        ctx: Ctx::new(&call.auth),
        rows,
        conference,
        buckets: Timeliness::ALL.iter().map(|b| b.as_str()).collect(),
        page,
        pages: ((total + directive::PAGE - 1) / directive::PAGE).max(1),
    })
}

#[derive(Template)]
#[template(path = "directives/show.html")]
struct ShowPage {
    ctx: Ctx,
    d: Directive,
    conference: Option<Conference>,
    items: Vec<(Item, Vec<ItemTask>)>,
    /// Items given to several units, and the units across them: the progress matrix.
    matrix_items: Vec<Item>,
    matrix_units: Vec<String>,
    today: chrono::NaiveDate,
    /// The units this notice reaches that no one has been told (still, now).
    unreachable: Vec<String>,
    /// Whether the person may correct the notice, and its newest signed scan.
    can_correct: bool,
    signed: Option<(i64, String)>,
}

impl ShowPage {
    /// "20 of 34 done, 6 overdue" for an item.
    fn done_of(&self, tasks: &[ItemTask]) -> (usize, usize, usize) {
        let done = tasks.iter().filter(|t| t.status == Status::Done).count();
        let overdue = tasks
            .iter()
            .filter(|t| t.bucket(&self.today) == "open_overdue")
            .count();
        let counted = tasks
            .iter()
            .filter(|t| t.status != Status::Cancelled)
            .count();
        (done, counted, overdue)
    }

    /// A recurring item's periods, latest first, each with its tasks (one per lead unit).
    fn periods<'a>(&self, tasks: &'a [ItemTask]) -> Vec<(chrono::NaiveDate, Vec<&'a ItemTask>)> {
        let mut out: Vec<(chrono::NaiveDate, Vec<&ItemTask>)> = Vec::new();
        for t in tasks {
            let Some(start) = t.period_start else {
                continue;
            };
            match out.last_mut() {
                Some((s, list)) if *s == start => list.push(t),
                _ => out.push((start, vec![t])),
            }
        }
        out
    }

    /// The tasks an item's progress counts: those of its latest period for a recurring item.
    fn current(&self, tasks: &[ItemTask]) -> Vec<ItemTask> {
        let latest = tasks.iter().filter_map(|t| t.period_start).max();
        tasks
            .iter()
            .filter(|t| t.period_start == latest)
            .cloned()
            .collect()
    }

    /// How an item's periods fall due, in words.
    fn rule_shown(&self, item: &Item) -> String {
        match item.rule() {
            Some(rule) => {
                let (kind, n) = rule.parts();
                self.ctx
                    .t(&format!("item.rule_shown.{kind}"))
                    .replace("{n}", &n.to_string())
            }
            None => String::new(),
        }
    }

    /// The task of an item for a unit, for the matrix's cell.
    fn cell(&self, item: &Item, unit: &str) -> Option<&ItemTask> {
        self.items
            .iter()
            .find(|(i, _)| i.id == item.id)
            .and_then(|(_, tasks)| tasks.iter().find(|t| t.unit == unit))
    }
}

pub async fn show(call: Call, path: web::Path<DirectiveId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ViewDirectives)?;
    let id = path.into_inner();
    let (d, conference, items, tasks, unreachable, signed) =
        crate::db::run(&call.state.pool, move |conn| {
            let d = directive::get(conn, id)?;
            let c = match d.conference_id {
                Some(c) => directive::conference(conn, c)?,
                None => None,
            };
            let reached = directive::units_of(conn, id)?;
            let unreachable: Vec<String> = unit::unreachable(conn, &reached)?
                .into_iter()
                .map(|u| u.name)
                .collect();
            Ok((
                d,
                c,
                directive::items(conn, id)?,
                directive::tasks_by_item(conn, id)?,
                unreachable,
                crate::models::correction::signed(conn, id)?,
            ))
        })
        .await?;
    let items: Vec<(Item, Vec<ItemTask>)> = items
        .into_iter()
        .map(|i| {
            let mine = tasks
                .iter()
                .filter(|t| t.item_id == i.id)
                .cloned()
                .collect();
            (i, mine)
        })
        .collect();
    // Every item, also those given to one unit: the matrix is the notice at a glance, a row
    // per unit in Vietnamese order.
    let matrix_items: Vec<Item> = items
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, _)| i.clone())
        .collect();
    let mut matrix_units: Vec<String> = items
        .iter()
        .flat_map(|(_, t)| t.iter().map(|x| x.unit.clone()))
        .collect();
    matrix_units.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(x));
    matrix_units.dedup();
    render(&ShowPage {
        can_correct: crate::domain::permissions::allowed(
            &call.auth.actor()?,
            Action::CorrectDirective,
            crate::domain::permissions::Target::System,
        ),
        signed,
        ctx: Ctx::new(&call.auth),
        d,
        conference,
        items,
        matrix_items,
        matrix_units,
        today: crate::web::tasks::today(),
        unreachable,
    })
}

#[derive(Template)]
#[template(path = "directives/new.html")]
struct NewPage {
    ctx: Ctx,
    form_token: String,
    conference_id: String,
    number: String,
    issued_on: String,
    signer: String,
    title: String,
    body: String,
    items: Vec<ItemRow>,
    errors: Errors,
    conferences: Vec<Conference>,
    groups: Vec<(Group, i64)>,
    units: Vec<Unit>,
    recurrences: Vec<&'static str>,
    /// The pasted text cut where items came from: (text, the item's label when it is one).
    source_parts: Vec<(String, Option<String>)>,
    drafts: Vec<directive::Draft>,
    warnings: Vec<&'static str>,
    /// Units the notice would reach that no one would hear from: published only once the
    /// person says so.
    unreachable: Vec<String>,
    /// The conference the notice's title names, when none of the known ones is it.
    proposed_conference: String,
}

impl NewPage {
    /// True when a text was read but no item came of it.
    fn nothing_drafted(&self) -> bool {
        !self.body.is_empty() && self.items.iter().all(|i| i.text.trim().is_empty())
    }

    fn item_error(&self, i: &usize, name: &str) -> &'static str {
        self.errors.get(&format!("item{i}.{name}"))
    }

    /// What a chosen assignee ("u:<id>", "g:<id>") is called in the picker.
    fn assignee_name(&self, value: &str) -> String {
        match Assignee::parse(value) {
            Some(Assignee::Unit(id)) => self
                .units
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.clone()),
            Some(Assignee::Group(id)) => self
                .groups
                .iter()
                .find(|(g, _)| g.id == id)
                .map(|(g, n)| format!("{} ({n})", g.name)),
            None => None,
        }
        .unwrap_or_else(|| value.to_string())
    }
}

async fn new_page(
    state: &web::Data<AppState>,
    mut page: NewPage,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let unresolved: Vec<String> = page.items.iter().map(|i| i.unresolved.clone()).collect();
    let (conferences, groups, units, drafts, suggestions) =
        crate::web::error::run(&state.pool, move |conn| {
            let suggestions = unresolved
                .iter()
                .map(|u| suggest(conn, u))
                .collect::<WebResult<Vec<_>>>()?;
            Ok((
                directive::conferences(conn)?,
                unit::groups(conn)?,
                unit::list(conn, "", false)?,
                directive::drafts(conn)?,
                suggestions,
            ))
        })
        .await?;
    // The conference the title names: chosen when it is known, proposed when it is not.
    if page.conference_id.is_empty() {
        if let Some(named) = conference_in_title(&page.title) {
            let folded = crate::domain::text::fold(&named);
            match conferences
                .iter()
                .find(|c| crate::domain::text::fold(&c.name) == folded)
            {
                Some(c) => page.conference_id = c.id.to_string(),
                None => page.proposed_conference = named,
            }
        }
    }
    page.conferences = conferences;
    page.groups = groups;
    page.units = units;
    page.drafts = drafts;
    for (item, s) in page.items.iter_mut().zip(suggestions) {
        item.suggestions = s;
    }
    page.source_parts = source_parts(&page.body, &page.items);
    render_status(&page, status)
}

/// The conference a notice's title names ("Kết luận … tại Hội nghị giao ban …"): from "Hội
/// nghị" to the end of the title, without a trailing date or full stop.
fn conference_in_title(title: &str) -> Option<String> {
    let lower = title.to_lowercase();
    let at = lower.find("hội nghị")?;
    // `to_lowercase` keeps Vietnamese letters' byte lengths, so the index holds in `title`.
    let rest = title.get(at..)?;
    let rest = rest.split(" ngày ").next().unwrap_or(rest);
    let named = rest.trim().trim_end_matches(['.', ',', ';']).trim();
    (named.chars().count() > "Hội nghị".chars().count()).then(|| named.to_string())
}

/// Units a person may have meant by a mention the directory did not know: those whose names
/// share the mention's last words (usually the place).
fn suggest(conn: &mut crate::db::DbConn, unresolved: &str) -> WebResult<Vec<String>> {
    let mut out = Vec::new();
    for mention in unresolved.split("; ").filter(|m| !m.trim().is_empty()) {
        let words: Vec<&str> = mention.split_whitespace().collect();
        let place = words[words.len().saturating_sub(2)..].join(" ");
        for u in unit::list(conn, &place, false)?.into_iter().take(3) {
            if !out.contains(&u.name) {
                out.push(u.name);
            }
        }
    }
    Ok(out)
}

/// The pasted text cut into pieces, each item's text marked where it is found, in order.
fn source_parts(body: &str, items: &[ItemRow]) -> Vec<(String, Option<String>)> {
    let mut parts = Vec::new();
    let mut at = 0;
    for item in items {
        let text = item.text.trim();
        let prefix: String = text.chars().take(40).collect();
        if prefix.is_empty() {
            continue;
        }
        let Some(found) = body[at..].find(&prefix).map(|i| at + i) else {
            continue;
        };
        let mut end = if body[found..].starts_with(text) {
            found + text.len()
        } else {
            found + prefix.len()
        };
        while !body.is_char_boundary(end) {
            end += 1;
        }
        if found > at {
            parts.push((body[at..found].to_string(), None));
        }
        let label = if item.label.is_empty() {
            "•".to_string()
        } else {
            item.label.clone()
        };
        parts.push((body[found..end].to_string(), Some(label)));
        at = end;
    }
    if at < body.len() && !parts.is_empty() {
        parts.push((body[at..].to_string(), None));
    }
    parts
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    crate::domain::dates::format_opt_date(d)
}

/// The review form filled from what the extractor drafted.
fn from_draft(
    auth: &Auth,
    source: String,
    draft: crate::extract::Draft,
    directory: &crate::extract::units::Directory,
) -> NewPage {
    use crate::extract::units::Target;
    let value = |t: &Target| match t {
        Target::Unit(i) => format!("u:{}", directory.units[*i].id),
        Target::Group(g) => format!("g:{}", directory.groups[*g].id),
    };
    let mut page = blank(auth);
    page.number = draft.number.unwrap_or_default();
    page.issued_on = date_text(draft.issued_on);
    page.title = draft.title.unwrap_or_default();
    page.body = source;
    page.warnings = draft.warnings;
    page.items = draft
        .items
        .into_iter()
        .map(|i| ItemRow {
            label: i.label,
            text: i.text,
            leads: i.lead_targets.iter().map(value).collect(),
            coords: i.coordinating_targets.iter().map(value).collect(),
            due: date_text(i.deadline),
            workdays: String::new(),
            recurrence: i.recurrence.map(|r| r.as_str()).unwrap_or("").to_string(),
            unresolved: i.unresolved_units.join("; "),
            candidate: i.candidate,
            ..ItemRow::default()
        })
        .collect();
    if page.items.is_empty() {
        page.items.push(ItemRow::default());
    }
    page
}

/// Paste (or a .txt or .docx file) in, the review form out, drafted by the extractor from the
/// database's own directory and calendar.
pub async fn draft_from_text(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CreateDirective)?;
    // One extraction at a time per person, off the request threads: a heavy paste slows its
    // sender, not the service.
    let Some(_turn) = call.state.extracting.start(actor.user_id) else {
        return Err(WebError::TooManyAttempts {
            retry_after_secs: 5,
        });
    };
    let (directory, calendar) = crate::db::run(&call.state.pool, |conn| {
        Ok((
            crate::models::extraction::directory(conn)?,
            crate::models::calendar::load(conn)?,
        ))
    })
    .await?;
    let (source, warning, draft, directory) = web::block(move || {
        let (source, warning) = source_of(&form);
        let draft = crate::extract::extract(&source, None, &directory, &calendar);
        (source, warning, draft, directory)
    })
    .await
    .map_err(|_| WebError::Internal("extraction failed".into()))?;
    let mut page = from_draft(&call.auth, source, draft, &directory);
    if let Some(w) = warning {
        page.warnings.insert(0, w);
    }
    new_page(&call.state, page, StatusCode::OK).await
}

/// The text to extract from: the uploaded file's (.txt or .docx) if one came, else the pasted
/// text; and a warning when the file could not be read.
fn source_of(form: &Form) -> (String, Option<&'static str>) {
    let mut source = form.get("source").to_string();
    let mut warning = None;
    if let Some(file) = form.files("file").next() {
        let ext = crate::domain::filetype::extension(&file.file_name);
        if file.too_large {
            warning = Some("extract.too_large");
        } else if ext == "txt" {
            match String::from_utf8(file.bytes.clone()) {
                Ok(text) => source = text,
                Err(_) => warning = Some("extract.not_utf8"),
            }
        } else if ext == "docx" {
            match crate::extract::docx::text_of_docx(&file.bytes) {
                Ok(text) => source = text,
                Err(crate::extract::docx::DocxError::TooLarge) => {
                    warning = Some("extract.too_large")
                }
                Err(crate::extract::docx::DocxError::NotDocx) => warning = Some("extract.not_docx"),
            }
        } else {
            warning = Some("extract.file_type");
        }
    }
    (source.replace("\r\n", "\n"), warning)
}

fn blank(auth: &Auth) -> NewPage {
    NewPage {
        ctx: Ctx::new(auth),
        form_token: random_token(),
        conference_id: String::new(),
        number: String::new(),
        issued_on: String::new(),
        signer: String::new(),
        title: String::new(),
        body: String::new(),
        items: vec![ItemRow::default(); 3],
        errors: Errors::default(),
        conferences: Vec::new(),
        groups: Vec::new(),
        units: Vec::new(),
        recurrences: Recurrence::ALL.iter().map(|r| r.as_str()).collect(),
        source_parts: Vec::new(),
        drafts: Vec::new(),
        warnings: Vec::new(),
        unreachable: Vec::new(),
        proposed_conference: String::new(),
    }
}

/// `/directives/new?draft=…`: a saved review to resume.
#[derive(Default, Deserialize)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "lenient")]
    draft: Option<i64>,
    /// The conference the new notice comes from (the conference page's link).
    #[serde(default, deserialize_with = "lenient")]
    conference: Option<i64>,
}

pub async fn new_form(Query(query): Query<NewQuery>, call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::CreateDirective)?;
    if let Some(id) = query.draft {
        // Resuming a saved review: its fields, read as if just sent.
        let (fields, calendar) = crate::db::run(&call.state.pool, move |conn| {
            Ok((
                directive::draft_fields(conn, id)?,
                crate::models::calendar::load(conn)?,
            ))
        })
        .await?;
        let (mut page, _) = read(&ReviewForm::from_fields(&fields), &call.auth, &calendar);
        page.errors = Errors::default();
        // Back from adding a conference: it is chosen.
        if let Some(c) = query.conference {
            page.conference_id = c.to_string();
        }
        return new_page(&call.state, page, StatusCode::OK).await;
    }
    let mut page = blank(&call.auth);
    if let Some(c) = query.conference {
        page.conference_id = c.to_string();
    }
    new_page(&call.state, page, StatusCode::OK).await
}

/// What was typed, and, when it is all valid, the directive to publish.
fn read(form: &ReviewForm, auth: &Auth, calendar: &Calendar) -> (NewPage, Option<NewDirective>) {
    let mut page = blank(auth);
    page.form_token = form.form_token.clone();
    page.conference_id = form.conference_id.clone();
    page.number = form.number.clone();
    page.issued_on = form.issued_on.clone();
    page.signer = form.signer.clone();
    page.title = form.title.clone();
    page.body = form.body.clone();
    page.items = form.items.clone();
    let e = &mut page.errors;
    if page.form_token.len() != 64 {
        page.form_token = random_token();
    }
    if page.number.is_empty() {
        e.add("number", "error.required");
    }
    let issued_on = parse_date(&page.issued_on);
    if issued_on.is_none() {
        e.add(
            "issued_on",
            if page.issued_on.is_empty() {
                "error.required"
            } else {
                "error.date"
            },
        );
    }
    if page.title.trim().is_empty() {
        e.add("title", "error.required");
    }
    let conference_id = match page.conference_id.trim() {
        "" => None,
        c => match c.parse::<i64>() {
            Ok(c) => Some(c),
            Err(_) => {
                e.add("conference_id", "error.invalid_choice");
                None
            }
        },
    };
    let mut items = Vec::new();
    for (i, row) in page.items.iter().enumerate() {
        // Rows left entirely blank are spare rows, not items.
        if row.text.trim().is_empty()
            && row.leads.is_empty()
            && row.label.trim().is_empty()
            && row.due.is_empty()
            && row.workdays.is_empty()
        {
            continue;
        }
        let f = |n: &str| format!("item{i}.{n}");
        if row.text.trim().is_empty() {
            e.add(&f("text"), "error.required");
        }
        let leads: Vec<Assignee> = row
            .leads
            .iter()
            .filter_map(|l| Assignee::parse(l))
            .collect();
        if leads.is_empty() {
            e.add(&f("leads"), "error.lead_required");
        }
        let coordinators: Vec<Assignee> = row
            .coords
            .iter()
            .filter_map(|l| Assignee::parse(l))
            .collect();
        let mut due_on = parse_date(&row.due);
        if !row.due.is_empty() && due_on.is_none() {
            e.add(&f("due"), "error.date");
        }
        if !row.workdays.is_empty() {
            match row.workdays.parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) && row.due.is_empty() => {
                    // Counted on the working calendar from the day the notice was issued.
                    due_on = issued_on.map(|d| calendar.add_working_days(d, n));
                }
                Ok(n) if (1..=365).contains(&n) => e.add(&f("workdays"), "error.workdays_and_date"),
                _ => e.add(&f("workdays"), "error.workdays"),
            }
        }
        let recurrence = match row.recurrence.as_str() {
            "" => None,
            r => Recurrence::parse(r).or_else(|| {
                e.add(&f("recurrence"), "error.invalid_choice");
                None
            }),
        };
        // A recurring item's periods fall due by its rule: the one typed, or the usual one.
        let rule = recurrence.and_then(|r| match (row.rule_kind.as_str(), row.rule_n.as_str()) {
            ("", "") => Some(DueRule::default_for(r)),
            (kind, n) => DueRule::parse(&format!("{kind}:{n}")).or_else(|| {
                e.add(&f("rule_n"), "error.due_rule");
                None
            }),
        });
        let until = parse_date(&row.until);
        if !row.until.is_empty() && until.is_none() {
            e.add(&f("until"), "error.date");
        }
        items.push(NewItem {
            label: row.label.clone(),
            text: row.text.clone(),
            leads,
            coordinators,
            due_on,
            recurrence,
            rule,
            until,
        });
    }
    if items.is_empty() && !e.has("item0.text") {
        e.add("items", "error.no_items");
    }
    let ok = e.is_empty();
    let new = match (ok, issued_on) {
        (true, Some(issued_on)) => Some(NewDirective {
            conference_id,
            number: page.number.clone(),
            issued_on,
            signer: page.signer.clone(),
            title: page.title.clone(),
            body: page.body.clone(),
            form_token: page.form_token.clone(),
            items,
        }),
        _ => None,
    };
    (page, new)
}

pub async fn create(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CreateDirective)?;
    let mut review = ReviewForm::from_fields(&form.fields);
    let typed = review.typed_names();
    let (calendar, units) = crate::db::run(&call.state.pool, move |conn| {
        let names: Vec<&str> = typed.iter().map(|(_, _, n)| n.as_str()).collect();
        let units = unit::find_by_names(conn, &names)?;
        let found: Vec<_> = typed.into_iter().zip(units).collect();
        Ok((crate::models::calendar::load(conn)?, found))
    })
    .await?;
    // Units found by name join the picker's choices; a name not found stays typed, with an error.
    let mut unknown: Vec<(usize, Side)> = Vec::new();
    for row in &mut review.items {
        row.add_leads.clear();
        row.add_coords.clear();
    }
    for ((i, side, name), unit) in units {
        let row = &mut review.items[i];
        let (chosen, typed) = match side {
            Side::Lead => (&mut row.leads, &mut row.add_leads),
            Side::Coordinating => (&mut row.coords, &mut row.add_coords),
        };
        match unit.filter(|u| u.active) {
            Some(u) => chosen.push(format!("u:{}", u.id)),
            None => {
                if !typed.is_empty() {
                    typed.push_str("; ");
                }
                typed.push_str(&name);
                if !unknown.contains(&(i, side)) {
                    unknown.push((i, side));
                }
            }
        }
    }
    let (mut page, new) = read(&review, &call.auth, &calendar);
    for (i, side) in &unknown {
        let field = match side {
            Side::Lead => "leads",
            Side::Coordinating => "coords",
        };
        page.errors
            .add(&format!("item{i}.{field}"), "error.unit_unknown");
    }
    let new = new.filter(|_| unknown.is_empty());
    if review.add_item || review.edit.is_some() {
        review.apply_edits();
        page.items = review.items;
        page.errors = Errors::default();
        if page.items.len() > crate::extract::MAX_ITEMS {
            page.items.truncate(crate::extract::MAX_ITEMS);
            page.warnings.push("extract.too_many_items");
        }
        return new_page(&call.state, page, StatusCode::OK).await;
    }
    if review.save_draft || review.add_conference.is_some() {
        review.save_draft = false;
        let conference = review.add_conference.take();
        let (token, title, fields) = (
            page.form_token.clone(),
            page.title.clone(),
            review.to_fields(),
        );
        let id = crate::db::run(&call.state.pool, move |conn| {
            directive::save_draft(
                conn,
                actor.user_id,
                &token,
                &title,
                &fields,
                crate::domain::dates::Moment::now().now,
            )
        })
        .await?;
        // Adding a conference keeps the review as a saved draft and comes back to it.
        return Ok(redirect(&match conference {
            Some(name) => format!(
                "/conferences/new?draft={id}&name={}",
                form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
            ),
            None => format!("/directives/new?draft={id}&done=draft_saved"),
        }));
    }
    let Some(new) = new else {
        return new_page(&call.state, page, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // Units no one would hear from: said before publishing, published once the person says so.
    if !review.publish_anyway {
        let d = new.clone();
        let silent = crate::db::run(&call.state.pool, move |conn| {
            // A form already published (a second press) goes straight to its directive.
            if directive::published_with(conn, &d.form_token)?.is_some() {
                return Ok(Vec::new());
            }
            let ids = directive::units_reached(conn, &d)?;
            unit::unreachable(conn, &ids)
        })
        .await;
        if let Ok(silent) = silent {
            if !silent.is_empty() {
                page.unreachable = silent.into_iter().map(|u| u.name).collect();
                return new_page(&call.state, page, StatusCode::OK).await;
            }
        }
    }
    let result = crate::db::run(&call.state.pool, move |conn| {
        crate::app::directives::publish(conn, Act::now(actor), &new)
    })
    .await;
    match result {
        Ok((id, _)) => Ok(redirect(&format!("/directives/{id}?done=published"))),
        // A unit or group that vanished or was deactivated since the form was loaded.
        Err(AppError::Refused(_)) | Err(AppError::NotFound) => {
            page.errors.add("items", "error.unit_gone");
            new_page(&call.state, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "directives/conference.html")]
struct ConferencePage {
    ctx: Ctx,
    name: String,
    held_on: String,
    place: String,
    /// The saved review to return to ("" when the person did not come from one).
    draft: String,
    errors: Errors,
}

/// A conference: its name, when and where it was held.
#[derive(Deserialize)]
struct ConferenceFields {
    #[serde(default)]
    name: String,
    /// The saved review to return to, if the person came from one.
    #[serde(default, deserialize_with = "crate::models::fields::optional_id")]
    draft: Option<i64>,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    place: String,
}

/// `/conferences/new?draft=…&name=…`: from a review, which it returns to afterwards.
#[derive(Default, Deserialize)]
pub struct ConferenceQuery {
    #[serde(default, deserialize_with = "lenient")]
    draft: Option<i64>,
    #[serde(default)]
    name: String,
}

pub async fn new_conference(
    Query(q): Query<ConferenceQuery>,
    auth: Auth,
) -> WebResult<HttpResponse> {
    auth.allowed(Action::CreateDirective)?;
    render(&ConferencePage {
        ctx: Ctx::new(&auth),
        name: q.name.chars().take(300).collect(),
        held_on: String::new(),
        place: String::new(),
        draft: q.draft.map(|d| d.to_string()).unwrap_or_default(),
        errors: Errors::default(),
    })
}

pub async fn create_conference(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CreateDirective)?;
    let ConferenceFields {
        name,
        draft,
        held_on,
        place,
    } = form.parse()?;
    let mut page = ConferencePage {
        ctx: Ctx::new(&call.auth),
        name,
        held_on: held_on.trim().to_string(),
        place,
        draft: draft.map(|d| d.to_string()).unwrap_or_default(),
        errors: Errors::default(),
    };
    if page.name.trim().is_empty() {
        page.errors.add("name", "error.required");
    }
    let held_on = parse_date(&page.held_on);
    if !page.held_on.is_empty() && held_on.is_none() {
        page.errors.add("held_on", "error.date");
    }
    if !page.errors.is_empty() {
        return render_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (name, place) = (page.name.clone(), page.place.clone());
    let id = crate::db::run(&call.state.pool, move |conn| {
        directive::create_conference(
            conn,
            &name,
            held_on,
            &place,
            actor.user_id,
            crate::domain::dates::Moment::now().now,
        )
    })
    .await?;
    Ok(redirect(&match draft {
        Some(d) => format!("/directives/new?draft={d}&conference={id}&done=conference"),
        None => format!("/directives/new?conference={id}&done=conference"),
    }))
}

#[cfg(test)]
mod tests {
    use super::conference_in_title;

    #[test]
    fn the_conference_a_title_names() {
        assert_eq!(
            conference_in_title(
                "Kết luận của Thứ trưởng tại Hội nghị giao ban công tác khoa học và công nghệ địa phương ngày 12/6/2026."
            )
            .as_deref(),
            Some("Hội nghị giao ban công tác khoa học và công nghệ địa phương")
        );
        assert_eq!(
            conference_in_title("Kết luận cuộc họp về chuyển đổi số"),
            None
        );
        assert_eq!(conference_in_title("Tại hội nghị."), None);
    }
}
