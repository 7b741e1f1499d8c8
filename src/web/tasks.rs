//! The inbox, a task's page, and everything done to a task from it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use crate::domain::dates::{format_opt_date, parse_date, today_in_vietnam};
use crate::domain::ids::TaskId;
use crate::domain::paging::{Page, Total};
use crate::domain::permissions::{decide, Action, Actor, Decision, Target};
use crate::domain::status::{Move, Status, Timeliness};
use crate::models::attachment::{self, Attachment};
use crate::models::directive::{self, Directive, Item};
use crate::models::explanation::{self, Explanation, State as ExplanationState};
use crate::models::extension::{self, Request};
use crate::models::journal::{self, Entry};
use crate::models::listing;
use crate::models::task::{self, Filter, ListRow, ReportRow, Sort, Task};
use crate::models::unit::{self, Unit};
use crate::web::auth::Auth;
use crate::web::call::{Call, LazyCall};
use crate::web::error::{WebError, WebResult};
use crate::web::list_filter;
use crate::web::pages::{render, render_status, uploaded_file, Ctx, Errors};
use crate::web::AppState;

pub fn today() -> NaiveDate {
    today_in_vietnam(chrono::Utc::now())
}

use crate::domain::calendar::{DUE_SOON_WORKING_DAYS, EXPLANATION_WORKING_DAYS};

/// Fills in what the filter needs from the database: the "due soon" window counted on the
/// working calendar, and a leader's own units dropped when no unit is in their charge (they see
/// the whole ministry, as before any unit was given a leader).
pub fn resolve_filter(conn: &mut crate::db::DbConn, mut f: Filter) -> WebResult<Filter> {
    if let Some(leader) = f.in_charge_of {
        if unit::in_charge_of(conn, leader)?.is_empty() {
            f.in_charge_of = None;
        }
    }
    if f.due_soon_until.is_some() {
        f.due_soon_until = Some(crate::models::calendar::working_days_after(
            conn,
            today(),
            DUE_SOON_WORKING_DAYS,
        )?);
    }
    Ok(f)
}

/// The filter as the list's form shows it, and the links to its other pages and sorts.
pub struct FilterView {
    filter: Filter,
    pub status: String,
    pub bucket: String,
    pub unit: String,
    pub directive: String,
    /// The directive's number, as typed or of the directive chosen.
    pub directive_no: String,
    pub conference: String,
    pub due_from: String,
    pub due_to: String,
    pub q: String,
    pub extended: bool,
    pub soon: bool,
    pub assigned_from: String,
    pub assigned_to: String,
    pub lead: String,
    /// "mine" when narrowed to the units a leader is in charge of, else "all".
    pub scope: &'static str,
    /// Only the tasks handed to the person.
    pub mine: bool,
    pub sort: String,
}

impl FilterView {
    fn of(f: &Filter) -> Self {
        fn id(v: Option<impl std::fmt::Display>) -> String {
            v.map(|v| v.to_string()).unwrap_or_default()
        }
        FilterView {
            filter: f.clone(),
            status: list_filter::status_word(f),
            bucket: f.bucket.map(|b| b.as_str().to_string()).unwrap_or_default(),
            unit: id(f.unit_id),
            directive: id(f.directive_id),
            directive_no: String::new(),
            conference: id(f.conference_id),
            due_from: format_opt_date(f.due_from),
            due_to: format_opt_date(f.due_to),
            q: f.q.clone(),
            extended: f.extended,
            soon: f.due_soon_until.is_some(),
            assigned_from: format_opt_date(f.assigned_from),
            assigned_to: format_opt_date(f.assigned_to),
            lead: id(f.lead_unit_id),
            scope: if f.in_charge_of.is_some() {
                "mine"
            } else {
                "all"
            },
            mine: f.assignee.is_some(),
            sort: f.sort.as_str().to_string(),
        }
    }

    /// The list URL with these filters at another page.
    pub fn url(&self, page: Page) -> String {
        list_filter::list_url(&Filter {
            page,
            ..self.filter.clone()
        })
    }

    /// An export of the whole list (whatever page is shown).
    pub fn export(&self, ext: &str) -> String {
        self.url(Page::First)
            .replacen("/tasks?", &format!("/reports/tasks.{ext}?"), 1)
    }

    /// The list URL with these filters over the leader's own units (or the whole ministry).
    pub fn scope_url(&self, leader: crate::domain::ids::UserId, mine: bool) -> String {
        list_filter::list_url(&Filter {
            page: Page::First,
            in_charge_of: mine.then_some(leader),
            ..self.filter.clone()
        })
    }
}

#[derive(Template)]
#[template(path = "tasks/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ListRow>,
    total: Total,
    /// Where this page, the one before it and the one after it begin.
    page: Page,
    prev: Option<Page>,
    next: Option<Page>,
    f: FilterView,
    /// The unit and notice pickers, for those who see every unit.
    pickers: Option<std::sync::Arc<crate::web::list_pickers::Rendered>>,
    statuses: Vec<&'static str>,
    buckets: Vec<&'static str>,
    sorts: Vec<&'static str>,
    /// Filter fields that could not be read (a date that is no date).
    errors: Errors,
    /// The list over the leader's units in charge and over the whole ministry, for a leader
    /// in charge of some.
    scope_links: Option<(String, String)>,
    /// Whether the person may tick tasks to chase them, and to change or cancel them too.
    can_chase: bool,
    can_change: bool,
}

impl ListPage {
    /// This page of the list, to come back to after chasing from it.
    fn here(&self) -> String {
        self.f.url(self.page)
    }

    /// The list's filter as a query string, for a step over all of its tasks.
    fn query(&self) -> String {
        list_filter::to_query(&self.f.filter)
    }
}

pub async fn inbox(req: HttpRequest, call: LazyCall) -> WebResult<HttpResponse> {
    let query = req.query_string().to_string();
    let state = call.state.clone();
    let shared = state.clone();
    // The person and the page in one trip to the database: this is the page people land on.
    let (auth, filter, listed, pickers, leader, number) = call
        .run(move |conn, auth| {
            let actor = auth.actor()?;
            let leader = (actor.role == crate::domain::permissions::Role::Leader
                && !unit::in_charge_of(conn, actor.user_id)?.is_empty())
            .then_some(actor.user_id);
            let mut filter = resolve_filter(conn, list_filter::parse(&query, &actor))?;
            // A number typed into the directive field, found or not (kept and explained).
            let number = match list_filter::directive_number(&query) {
                Some(typed) => {
                    let found = directive::by_number(conn, &typed)?;
                    filter.directive_id = found.or(filter.directive_id);
                    Some((typed, found.is_some()))
                }
                // The field is shown only to those who see every unit.
                None => match filter.directive_id.filter(|_| task::sees_all(actor.role)) {
                    Some(d) => directive::get(conn, d).ok().map(|d| (d.number, true)),
                    None => None,
                },
            };
            let listed = listing::list(conn, &actor, &filter, today(), &shared.long_lists)?;
            // Pickers list what the person may filter by: everything for the ministry, nothing to
            // choose for a unit (their scope is fixed).
            let pickers = if task::sees_all(actor.role) {
                Some((shared.pickers.units(conn)?, shared.pickers.notices(conn)?))
            } else {
                None
            };
            Ok((auth, filter, listed, pickers, leader, number))
        })
        .await?;
    let pickers = match pickers {
        Some((units, notices)) => Some(state.list_pickers.get(&units, &notices, auth.lang)?),
        None => None,
    };
    let mut f = FilterView::of(&filter);
    let mut errors = Errors::default();
    for (field, typed) in list_filter::unreadable_dates(req.query_string()) {
        errors.add(field, "error.filter_date");
        match field {
            "due_from" => f.due_from = typed,
            "due_to" => f.due_to = typed,
            "assigned_from" => f.assigned_from = typed,
            _ => f.assigned_to = typed,
        }
    }
    if let Some((typed, found)) = number {
        if !found {
            errors.add("directive_no", "error.directive_number");
        }
        f.directive_no = typed;
    }
    let scope_links = leader.map(|l| (f.scope_url(l, true), f.scope_url(l, false)));
    let can_chase =
        crate::domain::permissions::allowed(&auth.actor()?, Action::ChaseMany, Target::System);
    let can_change =
        crate::domain::permissions::allowed(&auth.actor()?, Action::BulkChange, Target::System);
    render(&ListPage {
        can_chase,
        can_change,
        ctx: Ctx::new(&auth),
        rows: listed.rows,
        total: listed.total,
        page: filter.page,
        prev: listed.prev,
        next: listed.next,
        f,
        errors,
        pickers,
        scope_links,
        statuses: Status::ALL.iter().map(|s| s.as_str()).collect(),
        buckets: Timeliness::ALL.iter().map(|b| b.as_str()).collect(),
        sorts: Sort::ALL.iter().map(|s| s.as_str()).collect(),
    })
}

/// What a person typed into one of the task page's forms, kept when it has to be shown again.
#[derive(Default, Clone)]
pub struct Typed {
    pub form: String,
    pub text: String,
    pub percent: String,
    pub due: String,
    pub errors: Errors,
    /// Any other field of the form, by name.
    pub more: Vec<(String, String)>,
}

impl Typed {
    /// What was typed into the field `name` beyond text, percent and date.
    pub fn more(&self, name: &str) -> &str {
        self.more
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The same, with what was typed into one more field.
    pub fn with(mut self, name: &str, value: &str) -> Typed {
        self.more.push((name.to_string(), value.to_string()));
        self
    }

    /// What was typed into the form named `form`, with its errors.
    pub fn of(form: &str, text: &str, percent: &str, due: &str, errors: Errors) -> Typed {
        Typed {
            form: form.to_string(),
            text: text.to_string(),
            percent: percent.to_string(),
            due: due.to_string(),
            errors,
            more: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "tasks/show.html")]
struct ShowPage {
    ctx: Ctx,
    v: TaskView,
    typed: Typed,
}

/// Which actions the task page offers: allowed for this person and possible in this status.
pub struct Can {
    pub start: bool,
    pub progress: bool,
    pub complete: bool,
    pub confirm: bool,
    pub ret: bool,
    pub cancel: bool,
    pub edit: bool,
    pub comment: bool,
    pub extend: bool,
    pub decide: bool,
    /// Đôn đốc: offered while the unit works on the task.
    pub chase: bool,
    /// Giải trình: ask, while the unit works on it and no round is open.
    pub ask_explanation: bool,
    /// The open round this person may answer.
    pub answer_explanation: Option<i64>,
    /// The answered round this person may decide.
    pub decide_explanation: Option<i64>,
    /// Hand the task to people of the unit (its head, while it is open).
    pub assign: bool,
    /// Give the person's coordinating unit's part.
    pub record_part: bool,
    /// Ask a coordinating unit for its part (the lead unit, while it works on the task).
    pub ask_part: bool,
    /// Send the task back as outside the unit's remit (none waiting already).
    pub send_back: bool,
    /// Move the task to another lead unit.
    pub transfer: bool,
    /// Keep a sent-back task with its unit.
    pub keep: bool,
    /// Keep the steps (the lead unit's people, while the task is open).
    pub steps: bool,
    /// Draft the completion report for the head (the lead unit's people, while it is worked on).
    pub draft: bool,
}

impl Can {
    /// Whether this person may answer round `id` now.
    pub fn answers(&self, id: &i64) -> bool {
        self.answer_explanation == Some(*id)
    }

    /// Whether this person may decide round `id` now.
    pub fn decides(&self, id: &i64) -> bool {
        self.decide_explanation == Some(*id)
    }

    /// The one action the page offers first (the others fold beneath it): what most often
    /// comes next for this person and task.
    pub fn next(&self) -> &'static str {
        if self.confirm {
            "confirm"
        } else if self.progress {
            "progress"
        } else if self.start {
            "start"
        } else if self.complete {
            "complete"
        } else {
            ""
        }
    }
}

/// What is pending on the task beside its status: it decides which actions are offered.
struct Pending<'a> {
    extension: bool,
    explanation: Option<&'a Explanation>,
    /// A return waiting for the secretariat.
    sent_back: bool,
}

fn can(actor: &Actor, scoped: &task::Scoped, pending: Pending) -> Can {
    let Pending {
        extension: extension_pending,
        explanation: open_round,
        sent_back,
    } = pending;
    let s = scoped.task.status();
    let t = Target::Task(scoped.scope());
    let ok = |a: Action| decide(actor, a, t) == Decision::Allow;
    Can {
        start: ok(Action::StartTask) && Move::Start.apply(s).is_some(),
        progress: ok(Action::AddProgress) && matches!(s, Status::Assigned | Status::InProgress),
        complete: ok(Action::ReportCompletion) && Move::ReportCompletion.apply(s).is_some(),
        confirm: ok(Action::ConfirmCompletion) && Move::Confirm.apply(s).is_some(),
        ret: ok(Action::ReturnCompletion) && Move::Return.apply(s).is_some(),
        cancel: ok(Action::CancelTask) && Move::Cancel.apply(s).is_some(),
        edit: ok(Action::EditTask) && s.is_open(),
        comment: ok(Action::Comment),
        extend: ok(Action::RequestExtension) && s.is_open() && !extension_pending,
        decide: ok(Action::DecideExtension) && s.is_open() && extension_pending,
        chase: ok(Action::Chase) && Status::WORKING.contains(&s),
        ask_explanation: ok(Action::AskExplanation) && s.is_working() && open_round.is_none(),
        answer_explanation: open_round
            .filter(|e| e.state == ExplanationState::Asked && ok(Action::AnswerExplanation))
            .map(|e| e.id),
        decide_explanation: open_round
            .filter(|e| e.state == ExplanationState::Answered && ok(Action::DecideExplanation))
            .map(|e| e.id),
        assign: ok(Action::AssignPeople) && s.is_open(),
        record_part: ok(Action::RecordCoordination) && s.is_open(),
        ask_part: ok(Action::AskCoordination) && s.is_working() && !scoped.coordinators.is_empty(),
        send_back: ok(Action::SendBack) && s.is_working() && !sent_back,
        transfer: ok(Action::TransferTask) && s.is_working(),
        keep: ok(Action::TransferTask) && s.is_working() && sent_back,
        steps: ok(Action::ManageSteps) && s.is_open(),
        draft: ok(Action::DraftCompletion) && s.is_working(),
    }
}

/// Loads a task the person may see; anything else is "not found".
async fn visible(state: &web::Data<AppState>, actor: Actor, id: TaskId) -> WebResult<task::Scoped> {
    let scoped = crate::db::run(&state.pool, move |conn| task::scoped(conn, id)).await?;
    match decide(&actor, Action::ViewTask, Target::Task(scoped.scope())) {
        Decision::Allow => Ok(scoped),
        _ => Err(WebError::NotFound),
    }
}

/// Everything the task page shows, loaded in one go for a person who may see the task.
struct TaskView {
    task: Task,
    bucket: String,
    directive: Directive,
    conference: String,
    item: Item,
    lead: String,
    coordinators: Vec<String>,
    journal: Vec<Entry>,
    reports: Vec<(ReportRow, Vec<Attachment>)>,
    other_files: Vec<Attachment>,
    extensions: Vec<Request>,
    /// Each time the unit was chased (đôn đốc), oldest first.
    chases: Vec<crate::models::chase::Chase>,
    /// Each round of giải trình, oldest first, and the names of the people in them.
    explanations: Vec<Explanation>,
    people: std::collections::HashMap<crate::domain::ids::UserId, String>,
    /// The date an answer is asked by unless the asker picks another: 3 working days on.
    default_reply_by: String,
    today: NaiveDate,
    /// Whom the task is handed to in the lead unit, and (for its head) whom it may be.
    assignees: Vec<crate::models::assignee::Assignee>,
    unit_people: Vec<crate::models::user::User>,
    /// Each coordinating unit's part, and the chain of lead units.
    parts: Vec<crate::models::coordination::Part>,
    transfers: Vec<crate::models::transfer::Transfer>,
    /// The units the secretariat may move the task to.
    other_units: Vec<Unit>,
    /// The steps inside the task, and the completion report drafted for the head.
    steps: Vec<crate::models::step::Step>,
    draft: Option<crate::models::step::Draft>,
    /// The due date before any change, when it was changed.
    original_due: Option<NaiveDate>,
    can: Can,
}

impl TaskView {
    /// Whether the person is among those the task is handed to (the form ticks them).
    fn assigned(&self, user: &crate::domain::ids::UserId) -> bool {
        self.assignees.iter().any(|a| a.user_id == *user)
    }

    /// The unit's date the task is handed with, as the form shows it.
    fn assigned_due(&self) -> String {
        format_opt_date(self.assignees.iter().find_map(|a| a.due_on))
    }

    /// Where a coordinating unit's part stands, as a word (`coordination.state.…`).
    fn part_state(&self, p: &crate::models::coordination::Part) -> &'static str {
        p.state(self.today).as_str()
    }

    /// The badge a part's state wears: the colours of the buckets it resembles.
    fn part_badge(&self, p: &crate::models::coordination::Part) -> &'static str {
        use crate::domain::coordination::State;
        match p.state(self.today) {
            State::NotYet => "",
            State::Asked => "b-open_within_deadline",
            State::Late => "b-open_overdue",
            State::Done => "b-done_on_time",
        }
    }

    /// The return waiting for the secretariat, if any.
    fn waiting_return(&self) -> Option<&crate::models::transfer::Transfer> {
        self.transfers.iter().find(|t| t.waiting())
    }

    /// A round unanswered past its date.
    fn overdue(&self, e: &Explanation) -> bool {
        e.overdue(self.today)
    }

    /// A person's name as the page shows it ("—" when unknown).
    fn person(&self, id: &Option<crate::domain::ids::UserId>) -> String {
        id.and_then(|id| self.people.get(&id).cloned())
            .unwrap_or_else(|| "—".to_string())
    }

    /// The files filed with a report (an explanation's answer).
    fn files_of(&self, report: &Option<i64>) -> Vec<&Attachment> {
        self.reports
            .iter()
            .filter(|(r, _)| Some(r.id) == *report)
            .flat_map(|(_, files)| files.iter())
            .collect()
    }
}

fn load_view(conn: &mut crate::db::DbConn, actor: &Actor, id: TaskId) -> WebResult<TaskView> {
    let scoped = task::scoped(conn, id)?;
    if decide(actor, Action::ViewTask, Target::Task(scoped.scope())) != Decision::Allow {
        return Err(WebError::NotFound);
    }
    let extensions = extension::for_task(conn, id)?;
    let pending = extensions
        .iter()
        .any(|e| e.status == extension::Decision::Pending);
    let explanations = explanation::for_task(conn, id)?;
    let open_round = explanations
        .iter()
        .find(|e| ExplanationState::OPEN.contains(&e.state));
    let transfers = crate::models::transfer::for_task(conn, id)?;
    let waiting = transfers.iter().any(|t| t.waiting());
    let can = can(
        actor,
        &scoped,
        Pending {
            extension: pending,
            explanation: open_round,
            sent_back: waiting,
        },
    );
    let people = explanation::people(conn, &explanations)?;
    // The reply-by date offered when asking for an explanation: the calendar is read (about a
    // sixth of the page's work) only for those who are offered the form.
    let default_reply_by = if can.ask_explanation || can.decide_explanation.is_some() {
        format_opt_date(Some(crate::models::calendar::working_days_after(
            conn,
            today(),
            EXPLANATION_WORKING_DAYS,
        )?))
    } else {
        String::new()
    };
    let task = scoped.task;
    let lead_unit = task.lead_unit_id;
    let (d, item, conference, lead) = directive::heading(conn, task.item_id, lead_unit)?;
    // The coordinating units' parts carry their names, in Vietnamese order.
    let parts = crate::models::coordination::for_task(conn, id)?;
    let coordinators: Vec<String> = parts.iter().map(|p| p.unit_name.clone()).collect();
    let (mut by_report, other_files): (Vec<Attachment>, Vec<Attachment>) =
        attachment::for_task(conn, id)?
            .into_iter()
            .partition(|a| a.report_id.is_some());
    let reports = task::reports(conn, id)?
        .into_iter()
        .map(|r| {
            let (mine, rest) = by_report.drain(..).partition(|a| a.report_id == Some(r.id));
            by_report = rest;
            (r, mine)
        })
        .collect();
    let bucket = task
        .timeliness(today())
        .map(|b| b.as_str().to_string())
        .unwrap_or_default();
    Ok(TaskView {
        task,
        bucket,
        directive: d,
        conference,
        item,
        lead,
        coordinators,
        original_due: None,
        journal: journal::for_task(conn, id)?,
        reports,
        other_files,
        extensions,
        chases: crate::models::chase::for_task(conn, id)?,
        explanations,
        people,
        default_reply_by,
        today: today(),
        assignees: crate::models::assignee::for_task(conn, id)?,
        unit_people: if can.assign || can.steps {
            crate::models::user::of_unit(conn, lead_unit)?
        } else {
            Vec::new()
        },
        parts,
        steps: crate::models::step::for_task(conn, id)?,
        draft: crate::models::step::draft(conn, id)?,
        transfers,
        other_units: if can.transfer {
            unit::list(conn, "", false)?
                .into_iter()
                .filter(|u| u.id != lead_unit && u.merged_into_id.is_none())
                .collect()
        } else {
            Vec::new()
        },
        can,
    })
    .map(|mut v| {
        // The first due-date change says what the date was before it: derived, not stored.
        v.original_due = v
            .journal
            .iter()
            .find(|e| e.kind == journal::Kind::DueDateChanged)
            .and_then(|e| e.from_value.as_deref())
            .and_then(parse_date);
        v
    })
}

fn render_view(
    auth: &Auth,
    v: TaskView,
    typed: Typed,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let page = ShowPage {
        ctx: Ctx::new(auth),
        v,
        typed,
    };
    render_status(&page, status)
}

/// The task page again, with what was typed into one of its forms and the errors.
pub async fn show_page(
    call: &Call,
    id: TaskId,
    typed: Typed,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let view =
        crate::web::error::run(&call.state.pool, move |conn| load_view(conn, &actor, id)).await?;
    render_view(&call.auth, view, typed, status)
}

/// The task page: the person and the task in one trip to the database.
pub async fn show(call: LazyCall, path: web::Path<TaskId>) -> WebResult<HttpResponse> {
    let id = path.into_inner();
    let (auth, view) = call
        .run(move |conn, auth| {
            let view = load_view(conn, &auth.actor()?, id)?;
            Ok((auth, view))
        })
        .await?;
    render_view(&auth, view, Typed::default(), StatusCode::OK)
}

#[derive(Template)]
#[template(path = "tasks/conflict.html")]
struct ConflictPage {
    ctx: Ctx,
    action: String,
    form_action: String,
    yours_version: String,
    typed: Typed,
    due_typed: String,
    current: Task,
    last_change: Option<Entry>,
    /// Whether the action still applies to the task as it is now; if not, the page says why
    /// instead of offering to send it again.
    possible: bool,
}

/// Whether an action (as its route names it) can still be done to a task in `status`.
pub fn possible_now(action: &str, status: Status) -> bool {
    let mv = match action {
        "start" => Move::Start,
        "complete" => Move::ReportCompletion,
        "confirm" => Move::Confirm,
        "return" => Move::Return,
        "cancel" => Move::Cancel,
        "progress" => return matches!(status, Status::Assigned | Status::InProgress),
        _ => return status.is_open(),
    };
    mv.apply(status).is_some()
}

impl ConflictPage {
    fn action_key(&self) -> String {
        format!("action.{}", self.action)
    }
}

/// The 409 page: what the person sent beside the task as it is now, with their text kept and a
/// form to send it again on the current version (to `form_action`).
pub async fn conflict(
    call: &Call,
    action: &str,
    form_action: &str,
    yours_version: i32,
    typed: Typed,
    current: Task,
) -> WebResult<HttpResponse> {
    let id = current.id;
    let last_change = crate::db::run(&call.state.pool, move |conn| {
        Ok(journal::for_task(conn, id)?.pop())
    })
    .await?;
    let page = ConflictPage {
        ctx: Ctx::new(&call.auth),
        possible: possible_now(action, current.status),
        action: action.to_string(),
        form_action: form_action.to_string(),
        yours_version: yours_version.to_string(),
        due_typed: typed.due.clone(),
        typed,
        current,
        last_change,
    };
    render_status(&page, StatusCode::CONFLICT)
}

#[derive(Template)]
#[template(path = "tasks/edit.html")]
struct EditPage {
    ctx: Ctx,
    task: Task,
    item: Item,
    due_on: String,
    text: String,
    errors: Errors,
}

pub async fn edit_page(
    call: &Call,
    id: TaskId,
    due_on: String,
    text: String,
    errors: Errors,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let scoped = visible(&call.state, actor, id).await?;
    if decide(&actor, Action::EditTask, Target::Task(scoped.scope())) != Decision::Allow {
        return Err(WebError::Forbidden);
    }
    let task = scoped.task;
    let item_id = task.item_id;
    let item = crate::db::run(&call.state.pool, move |conn| directive::item(conn, item_id)).await?;
    render_status(
        &EditPage {
            ctx: Ctx::new(&call.auth),
            task,
            item,
            due_on,
            text,
            errors,
        },
        status,
    )
}

pub async fn edit_form(call: Call, path: web::Path<TaskId>) -> WebResult<HttpResponse> {
    let id = path.into_inner();
    let due = crate::db::run(&call.state.pool, move |conn| task::get(conn, id))
        .await?
        .due_on;
    edit_page(
        &call,
        id,
        format_opt_date(due),
        String::new(),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// Serves an attachment to those who may see its task, always as a download.
pub async fn download(call: Call, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let id = path.into_inner();
    let a = crate::db::run(&call.state.pool, move |conn| attachment::get(conn, id)).await?;
    visible(&call.state, actor, a.task_id).await?;
    let dir = call.state.settings.attachments_dir();
    let meta = a.clone();
    let bytes = crate::db::run(&call.state.pool, move |conn| {
        attachment::read(conn, &dir, &meta)
    })
    .await?;
    Ok(uploaded_file(&a.content_type, &a.original_name, bytes))
}
