//! The periodic report and grading: drafting a report for a period (computed now, with the
//! secretariat's text), issuing it (frozen with the rule in force), issuing a new version
//! with a reason, and the admin setting a new version of the grading rule.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::dates::Moment;
use crate::domain::grading::{Invalid, Rule};
use crate::domain::ids::UnitId;
use crate::domain::permissions::{Act, Action, Actor, Target};
use crate::domain::webhook::Event;
use crate::error::{AppError, AppResult};
use crate::models::periodic::{self, Ask, NewIssued};
use crate::models::tally::{Axis, Scope};
use crate::reports::periodic::{
    compose, default_assessment, default_proposals, Heading, Period, Report,
};
use crate::reports::stats::{self, Preset};

use super::allow;

/// Which report: a period, the date that puts a task in it, and whose tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub preset: Preset,
    pub period: (NaiveDate, NaiveDate),
    pub axis: Axis,
    pub scope: Scope,
}

impl Request {
    /// How the scope is stored beside an issued report.
    fn scope_key(&self) -> (&'static str, Option<i64>) {
        match self.scope {
            Scope::All => ("all", None),
            Scope::Unit(u) => ("unit", Some(u.0)),
            Scope::LeaderOf(l) => ("leader", Some(l.0)),
        }
    }

    /// The request an issued report was made for, to issue it again.
    fn of_issued(i: &periodic::Issued) -> Request {
        Request {
            preset: Preset::read(&i.preset),
            period: (i.period_from, i.period_to),
            axis: Axis::read(&i.axis),
            scope: match (i.scope_kind.as_str(), i.scope_id) {
                ("unit", Some(u)) => Scope::Unit(UnitId(u)),
                ("leader", Some(l)) => Scope::LeaderOf(crate::domain::ids::UserId(l)),
                _ => Scope::All,
            },
        }
    }
}

/// What the secretariat writes: the heading's particulars and the narrative. Empty narrative
/// parts are drafted from the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub heading: Heading,
    pub assessment: String,
    pub proposals: String,
}

/// The heading of a report the Ministry Office issues, as the decree lays it out; every line
/// can be changed before issuing.
pub fn default_heading(today: NaiveDate) -> Heading {
    Heading {
        body: "BỘ KHOA HỌC VÀ CÔNG NGHỆ".into(),
        issuer: "VĂN PHÒNG BỘ".into(),
        number: String::new(),
        issuer_abbr: "BC-VP".into(),
        place: "Hà Nội".into(),
        date: today,
        authority: "TL. BỘ TRƯỞNG".into(),
        signer_title: "CHÁNH VĂN PHÒNG".into(),
        signer_name: String::new(),
        recipients: vec![
            "- Bộ trưởng (để báo cáo);".into(),
            "- Các Thứ trưởng;".into(),
            "- Các đơn vị thuộc Bộ;".into(),
            "- Lưu: VT, VP.".into(),
        ],
    }
}

/// Whose tasks, in the report's words.
fn scope_words(conn: &mut DbConn, scope: Scope) -> AppResult<String> {
    Ok(match scope {
        Scope::All => "các đơn vị".into(),
        Scope::Unit(u) => crate::models::unit::get(conn, u)?.name,
        Scope::LeaderOf(l) => format!(
            "các đơn vị do đồng chí {} phụ trách",
            crate::models::user::get(conn, l)?.name
        ),
    })
}

/// The report for the request as of `today`, graded by `rule`.
fn make(
    conn: &mut DbConn,
    actor: &Actor,
    req: &Request,
    rule: (i64, Rule),
    draft: Option<&Draft>,
    today: NaiveDate,
) -> AppResult<Report> {
    let before = stats::previous(req.preset, req.period);
    let ask = Ask {
        axis: req.axis,
        period: req.period,
        before,
        scope: req.scope,
        today,
        long_days: rule.1.long_counts().then_some(rule.1.long_days),
    };
    let figures = periodic::gather(conn, &ask, actor)?;
    let period = Period {
        preset: req.preset.as_str().into(),
        from: req.period.0,
        to: req.period.1,
        axis: req.axis.as_str().into(),
        title: stats::title(req.preset, req.period),
        before_from: before.0,
        before_to: before.1,
    };
    let heading = draft.map_or_else(|| default_heading(today), |d| d.heading.clone());
    let scope = scope_words(conn, req.scope)?;
    let mut report = compose(
        figures,
        rule,
        heading,
        period,
        scope,
        today,
        Default::default(),
    );
    let text = |t: Option<&String>| t.filter(|t| !t.trim().is_empty()).cloned();
    report.assessment =
        text(draft.map(|d| &d.assessment)).unwrap_or_else(|| default_assessment(&report));
    report.proposals =
        text(draft.map(|d| &d.proposals)).unwrap_or_else(|| default_proposals(&report));
    Ok(report)
}

/// The report as it would be issued now: figures of today, the rule in force.
pub fn draft(
    conn: &mut DbConn,
    actor: &Actor,
    req: &Request,
    draft: Option<&Draft>,
    today: NaiveDate,
) -> AppResult<Report> {
    allow(actor, Action::ViewReports, Target::System)?;
    let rule = crate::models::grading::current(conn)?;
    make(conn, actor, req, rule, draft, today)
}

/// Issues the report: computed and stored in one transaction, with the rule in force.
pub fn issue(conn: &mut DbConn, act: Act, req: &Request, d: &Draft) -> AppResult<i64> {
    let (actor, at) = (&act.actor, act.at);
    allow(actor, Action::IssueReport, Target::System)?;
    db::write(conn, |conn| {
        let rule = crate::models::grading::current(conn)?;
        let report = make(conn, actor, req, rule, Some(d), at.today)?;
        let new = NewIssued {
            series: None,
            version: 1,
            preset: req.preset.as_str(),
            scope: req.scope_key(),
            reason: "",
            by: actor.user_id,
            at: at.now,
        };
        let id = periodic::insert(conn, &report, &new)?;
        told(conn, id, 1, at)?;
        Ok(id)
    })
}

/// Other systems hear of an issued report, in the issuing transaction.
fn told(conn: &mut DbConn, id: i64, version: i32, at: Moment) -> AppResult<()> {
    let extra = serde_json::json!({
        "report": {"id": id, "version": version, "url": format!("/reports/issued/{id}")}
    });
    let key = format!("report:{id}");
    crate::models::webhook::tell(conn, Event::ReportIssued, key, &[], extra, at)
}

/// Issues a new version of an issued report: the same period and scope counted again today
/// with the rule now in force, the reason recorded. Earlier versions stay as they were.
pub fn reissue(conn: &mut DbConn, act: Act, id: i64, reason: &str, d: &Draft) -> AppResult<i64> {
    let (actor, at) = (&act.actor, act.at);
    allow(actor, Action::IssueReport, Target::System)?;
    if reason.trim().is_empty() {
        return Err(AppError::Refused("reason_required".into()));
    }
    db::write(conn, |conn| {
        let old = periodic::get(conn, id)?;
        let series = old.issued.series();
        let version = periodic::versions(conn, series)?
            .iter()
            .map(|v| v.version)
            .max()
            .unwrap_or(0)
            + 1;
        let req = Request::of_issued(&old.issued);
        let rule = crate::models::grading::current(conn)?;
        let report = make(conn, actor, &req, rule, Some(d), at.today)?;
        let new = NewIssued {
            series: Some(series),
            version,
            preset: req.preset.as_str(),
            scope: req.scope_key(),
            reason: reason.trim(),
            by: actor.user_id,
            at: at.now,
        };
        let id = periodic::insert(conn, &report, &new)?;
        told(conn, id, version, at)?;
        Ok(id)
    })
}

/// An issued report, for whoever may read reports.
pub fn issued(conn: &mut DbConn, actor: &Actor, id: i64) -> AppResult<periodic::Stored> {
    allow(actor, Action::ViewReports, Target::System)?;
    periodic::get(conn, id)
}

/// The admin puts a new version of the grading rule in force.
pub fn set_rule(
    conn: &mut DbConn,
    act: Act,
    rule: &Rule,
    note: &str,
) -> AppResult<Result<i64, Invalid>> {
    let (actor, at) = (&act.actor, act.at);
    allow(actor, Action::ManageGrading, Target::System)?;
    if let Err(e) = rule.check() {
        return Ok(Err(e));
    }
    db::write(conn, |conn| {
        crate::models::grading::set(conn, rule, note.trim(), actor.user_id, at).map(Ok)
    })
}
