//! The periodic report's pages: choosing the period and scope, reading the draft, editing the
//! narrative and heading, downloading it as Word, issuing it; the issued reports, each
//! downloadable again, and a new version with a reason.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;

use crate::app::periodic::{self as use_case, Draft, Request};
use crate::domain::dates::{format_date, parse_date};
use crate::domain::ids::{UnitId, UserId};
use crate::domain::permissions::{allowed, Act, Action, Actor, Role, Target};
use crate::models::periodic::Issued;
use crate::models::tally::{Axis, Scope};
use crate::reports::periodic::{Heading, Report};
use crate::reports::stats::{self, Preset};
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{download, redirect, render, render_status, Ctx, Errors};
use crate::web::query::Query;
use crate::web::tasks::today;

/// Which report, as the address or the form's hidden fields carry it: kept as text, so a
/// hand-written link never fails (anything unreadable takes its default).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    /// month, quarter, half, year or custom.
    period: String,
    year: String,
    /// The month (1–12), quarter (1–4) or half (1–2).
    n: String,
    from: String,
    to: String,
    /// due or assigned.
    by: String,
    /// all, leader:ID or unit:ID.
    scope: String,
}

impl Choice {
    /// The request it names; by default the month just ended, by due date, the whole
    /// ministry; a leader's own units when a leader asks for "mine".
    fn request(&self, today: NaiveDate, actor_id: UserId) -> Request {
        let last_month = today.with_day(1).expect("first day") - Months::new(1);
        let preset = if self.period.is_empty() {
            Preset::Month
        } else {
            Preset::read(&self.period)
        };
        let year = self
            .year
            .trim()
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y));
        let year = year.unwrap_or(match preset {
            Preset::Month if self.period.is_empty() => last_month.year(),
            _ => today.year(),
        });
        let n = self.n.trim().parse().unwrap_or(match preset {
            Preset::Month if self.period.is_empty() => last_month.month(),
            Preset::Month => today.month(),
            Preset::Quarter => (today.month() - 1) / 3 + 1,
            Preset::Half => (today.month() - 1) / 6 + 1,
            _ => 1,
        });
        let period = match preset {
            Preset::Custom => stats::period(
                Preset::Custom,
                today,
                (parse_date(&self.from), parse_date(&self.to)),
            ),
            _ => stats::numbered(preset, year, n)
                .unwrap_or_else(|| stats::period(preset, today, (None, None))),
        };
        let scope = match self.scope.split_once(':') {
            Some(("unit", id)) => id.parse().map_or(Scope::All, |u| Scope::Unit(UnitId(u))),
            Some(("leader", id)) => id
                .parse()
                .map_or(Scope::All, |l| Scope::LeaderOf(UserId(l))),
            _ if self.scope == "mine" => Scope::LeaderOf(actor_id),
            _ => Scope::All,
        };
        Request {
            preset,
            period,
            axis: Axis::read(&self.by),
            scope,
        }
    }

    /// The choice as the form shows it, for the request made of it.
    fn of(r: &Request) -> Choice {
        let preset = r.preset;
        let (from, to) = r.period;
        Choice {
            period: preset.as_str().into(),
            year: from.year().to_string(),
            n: match preset {
                Preset::Month => from.month(),
                Preset::Quarter => (from.month() - 1) / 3 + 1,
                Preset::Half => (from.month() - 1) / 6 + 1,
                _ => 1,
            }
            .to_string(),
            from: format_date(from),
            to: format_date(to),
            by: r.axis.as_str().into(),
            scope: match r.scope {
                Scope::All => "all".into(),
                Scope::Unit(u) => format!("unit:{u}"),
                Scope::LeaderOf(l) => format!("leader:{l}"),
            },
        }
    }

    /// The choice as (name, value), for hidden fields and addresses.
    fn hidden(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("period", &self.period),
            ("year", &self.year),
            ("n", &self.n),
            ("from", &self.from),
            ("to", &self.to),
            ("by", &self.by),
            ("scope", &self.scope),
        ]
    }

    fn is_scope(&self, kind: &str, id: impl std::fmt::Display) -> bool {
        self.scope == format!("{kind}:{id}")
    }

    /// The address of this choice (the page, or the Word file).
    fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.hidden() {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

/// The address of the report for `req` (the dashboard links its period to it).
pub fn link(req: &Request) -> String {
    format!("/reports/periodic?{}", Choice::of(req).query())
}

/// The heading and narrative as typed: text, so a wrong date comes back as it was typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    body: String,
    issuer: String,
    issuer_abbr: String,
    number: String,
    place: String,
    date: String,
    authority: String,
    signer_title: String,
    signer_name: String,
    /// One recipient per line.
    recipients: String,
    assessment: String,
    proposals: String,
    /// Why a new version is issued.
    reason: String,
}

/// A field's longest text: a heading line, or the narrative's parts.
const LINE_MAX: usize = 300;
const TEXT_MAX: usize = 20_000;

impl DraftForm {
    fn of(r: &Report) -> DraftForm {
        let h = &r.heading;
        DraftForm {
            body: h.body.clone(),
            issuer: h.issuer.clone(),
            issuer_abbr: h.issuer_abbr.clone(),
            number: h.number.clone(),
            place: h.place.clone(),
            date: format_date(h.date),
            authority: h.authority.clone(),
            signer_title: h.signer_title.clone(),
            signer_name: h.signer_name.clone(),
            recipients: h.recipients.join("\n"),
            assessment: r.assessment.clone(),
            proposals: r.proposals.clone(),
            reason: String::new(),
        }
    }

    /// (field, label, rows, as typed) of the narrative's parts.
    fn narrative_fields(&self) -> Vec<(&'static str, &'static str, u8, &str)> {
        vec![
            ("assessment", "periodic.assessment", 6, &self.assessment),
            ("proposals", "periodic.proposals", 5, &self.proposals),
        ]
    }

    /// (field, label, as typed) of the heading's one-line particulars.
    fn heading_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        vec![
            ("body", "periodic.body", &self.body),
            ("issuer", "periodic.issuer", &self.issuer),
            ("issuer_abbr", "periodic.issuer_abbr", &self.issuer_abbr),
            ("number", "periodic.number", &self.number),
            ("place", "periodic.place", &self.place),
            ("date", "periodic.date", &self.date),
            ("authority", "periodic.authority", &self.authority),
            ("signer_title", "periodic.signer_title", &self.signer_title),
            ("signer_name", "periodic.signer_name", &self.signer_name),
        ]
    }

    /// The draft, or the fields at fault.
    fn draft(&self, errors: &mut Errors) -> Draft {
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.add("date", "error.date");
        }
        for (field, _, v) in self.heading_fields() {
            if v.chars().count() > LINE_MAX {
                errors.add(field, "error.too_long");
            }
        }
        for (field, v) in [
            ("recipients", &self.recipients),
            ("assessment", &self.assessment),
            ("proposals", &self.proposals),
            ("reason", &self.reason),
        ] {
            if v.chars().count() > TEXT_MAX {
                errors.add(field, "error.too_long");
            }
        }
        Draft {
            heading: Heading {
                body: self.body.trim().into(),
                issuer: self.issuer.trim().into(),
                issuer_abbr: self.issuer_abbr.trim().into(),
                number: self.number.trim().into(),
                place: self.place.trim().into(),
                date: date.unwrap_or_else(today),
                authority: self.authority.trim().into(),
                signer_title: self.signer_title.trim().into(),
                signer_name: self.signer_name.trim().into(),
                recipients: self
                    .recipients
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            },
            assessment: self.assessment.trim().into(),
            proposals: self.proposals.trim().into(),
        }
    }
}

#[derive(Template)]
#[template(path = "reports/periodic.html")]
struct DraftPage {
    ctx: Ctx,
    choice: Choice,
    leaders: Vec<(UserId, String)>,
    units: Vec<(UnitId, String)>,
    report: Report,
    form: DraftForm,
    errors: Errors,
    can_issue: bool,
}

impl DraftPage {
    fn docx_link(&self) -> String {
        format!("/reports/periodic.docx?{}", self.choice.query())
    }
}

/// The leaders and units a report may be narrowed to, for the form's list.
type Scopes = (Vec<(UserId, String)>, Vec<(UnitId, String)>);

fn scopes(conn: &mut crate::db::DbConn) -> WebResult<Scopes> {
    let mut leaders: Vec<(UserId, String)> = crate::models::user::leaders(conn)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    leaders.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.1));
    let units = crate::models::unit::list(conn, "", false)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok((leaders, units))
}

async fn draft_page(
    call: &Call,
    choice: Choice,
    typed: Option<(DraftForm, Errors)>,
) -> WebResult<HttpResponse> {
    let actor = call.auth.allowed(Action::ViewReports)?;
    let today = today();
    let mut req = choice.request(today, actor.user_id);
    let draft = typed.as_ref().map(|(f, _)| f.draft(&mut Errors::default()));
    let chosen = !choice.scope.is_empty();
    let (report, req, (leaders, units)) = crate::web::error::run(&call.state.pool, move |conn| {
        // A leader in charge of units opens on those, as on the dashboard.
        if !chosen
            && actor.role == Role::Leader
            && !crate::models::unit::in_charge_of(conn, actor.user_id)?.is_empty()
        {
            req.scope = Scope::LeaderOf(actor.user_id);
        }
        let report = use_case::draft(conn, &actor, &req, draft.as_ref(), today)?;
        Ok((report, req, scopes(conn)?))
    })
    .await?;
    let (form, errors) = typed.unwrap_or_else(|| (DraftForm::of(&report), Errors::default()));
    let status = errors.status();
    render_status(
        &DraftPage {
            ctx: Ctx::new(&call.auth),
            choice: Choice::of(&req),
            leaders,
            units,
            report,
            form,
            errors,
            can_issue: allowed(&actor, Action::IssueReport, Target::System),
        },
        status,
    )
}

/// `GET /reports/periodic?period=month&year=2026&n=11&by=due&scope=all`: the report as it
/// would be issued now.
pub async fn show(Query(choice): Query<Choice>, call: Call) -> WebResult<HttpResponse> {
    draft_page(&call, choice, None).await
}

/// What the secretariat's form sent: the issuer, the report chosen, and the draft, or the page
/// again with what was typed and what is wrong with it.
async fn edited(
    call: &Call,
    form: &Form,
) -> WebResult<Result<(Actor, Request, Draft), HttpResponse>> {
    let actor = call.auth.post(form)?;
    call.auth.allowed(Action::IssueReport)?;
    let (choice, typed): (Choice, DraftForm) = (form.parse()?, form.parse()?);
    let mut errors = Errors::default();
    let draft = typed.draft(&mut errors);
    if !errors.is_empty() {
        return Ok(Err(draft_page(call, choice, Some((typed, errors))).await?));
    }
    Ok(Ok((actor, choice.request(today(), actor.user_id), draft)))
}

/// `POST /reports/periodic/preview`: the draft again with the text as edited.
pub async fn preview(call: Call, form: Form) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::IssueReport)?;
    let (choice, typed): (Choice, DraftForm) = (form.parse()?, form.parse()?);
    let mut errors = Errors::default();
    typed.draft(&mut errors);
    draft_page(&call, choice, Some((typed, errors))).await
}

fn docx_response(r: &Report) -> WebResult<HttpResponse> {
    let body =
        crate::reports::docx::write(r).map_err(|e| WebError::Internal(format!("docx: {e}")))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        format!(
            "bao-cao-{}-{}.docx",
            r.period.from.format("%Y%m%d"),
            r.period.to.format("%Y%m%d")
        ),
        body,
    ))
}

/// `GET /reports/periodic.docx?…`: the draft as Word, with the text drafted from the figures.
pub async fn draft_docx(Query(choice): Query<Choice>, call: Call) -> WebResult<HttpResponse> {
    let actor = call.auth.allowed(Action::ViewReports)?;
    let today = today();
    let req = choice.request(today, actor.user_id);
    let report = crate::web::error::run(&call.state.pool, move |conn| {
        Ok(use_case::draft(conn, &actor, &req, None, today)?)
    })
    .await?;
    docx_response(&report)
}

/// `POST /reports/periodic/docx`: the draft as Word with the text as edited.
pub async fn edited_docx(call: Call, form: Form) -> WebResult<HttpResponse> {
    let (actor, req, draft) = match edited(&call, &form).await? {
        Ok(edited) => edited,
        Err(page) => return Ok(page),
    };
    let today = today();
    let report = crate::web::error::run(&call.state.pool, move |conn| {
        Ok(use_case::draft(conn, &actor, &req, Some(&draft), today)?)
    })
    .await?;
    docx_response(&report)
}

/// `POST /reports/periodic/issue`: issues the report as drafted; it is frozen from then on.
pub async fn issue(call: Call, form: Form) -> WebResult<HttpResponse> {
    let (actor, req, draft) = match edited(&call, &form).await? {
        Ok(edited) => edited,
        Err(page) => return Ok(page),
    };
    let id = crate::web::error::run(&call.state.pool, move |conn| {
        Ok(use_case::issue(conn, Act::now(actor), &req, &draft)?)
    })
    .await?;
    Ok(redirect(&format!(
        "/reports/issued/{id}?done=report_issued"
    )))
}

#[derive(Template)]
#[template(path = "reports/issued_list.html")]
struct IssuedList {
    ctx: Ctx,
    issued: Vec<Issued>,
}

/// `GET /reports/issued`: every issued report, the latest first.
pub async fn list(call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ViewReports)?;
    let issued = crate::web::error::run(&call.state.pool, |conn| {
        Ok(crate::models::periodic::issued(conn, 500)?)
    })
    .await?;
    render(&IssuedList {
        ctx: Ctx::new(&call.auth),
        issued,
    })
}

#[derive(Template)]
#[template(path = "reports/issued.html")]
struct IssuedPage {
    ctx: Ctx,
    issued: Issued,
    versions: Vec<Issued>,
    report: Report,
    form: DraftForm,
    errors: Errors,
    can_issue: bool,
}

async fn issued_page(
    call: &Call,
    id: i64,
    typed: Option<(DraftForm, Errors)>,
) -> WebResult<HttpResponse> {
    let actor = call.auth.allowed(Action::ViewReports)?;
    let (stored, versions) = crate::web::error::run(&call.state.pool, move |conn| {
        let stored = use_case::issued(conn, &actor, id)?;
        let versions = crate::models::periodic::versions(conn, stored.issued.series())?;
        Ok((stored, versions))
    })
    .await?;
    let (form, errors) = typed.unwrap_or_else(|| {
        let mut f = DraftForm::of(&stored.report);
        f.date = format_date(today());
        (f, Errors::default())
    });
    let status = errors.status();
    render_status(
        &IssuedPage {
            ctx: Ctx::new(&call.auth),
            issued: stored.issued,
            versions,
            report: stored.report,
            form,
            errors,
            can_issue: allowed(&actor, Action::IssueReport, Target::System),
        },
        status,
    )
}

/// `GET /reports/issued/{id}`: an issued report as it was issued.
pub async fn show_issued(call: Call, path: web::Path<i64>) -> WebResult<HttpResponse> {
    issued_page(&call, path.into_inner(), None).await
}

/// `GET /reports/issued/{id}/docx`: the issued report's Word file, made again from what was
/// stored (the same every time).
pub async fn issued_docx(call: Call, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let actor = call.auth.allowed(Action::ViewReports)?;
    let id = path.into_inner();
    let stored = crate::web::error::run(&call.state.pool, move |conn| {
        Ok(use_case::issued(conn, &actor, id)?)
    })
    .await?;
    docx_response(&stored.report)
}

/// `POST /reports/issued/{id}/reissue`: a new version, counted again today, with a reason.
pub async fn reissue(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::IssueReport)?;
    let typed: DraftForm = form.parse()?;
    let mut errors = Errors::default();
    let draft = typed.draft(&mut errors);
    if typed.reason.trim().is_empty() {
        errors.add("reason", "error.required");
    }
    if !errors.is_empty() {
        return issued_page(&call, id, Some((typed, errors))).await;
    }
    let reason = typed.reason.clone();
    let new = crate::web::error::run(&call.state.pool, move |conn| {
        Ok(use_case::reissue(
            conn,
            Act::now(actor),
            id,
            &reason,
            &draft,
        )?)
    })
    .await?;
    Ok(redirect(&format!(
        "/reports/issued/{new}?done=report_reissued"
    )))
}
