//! What waits for each person ("Việc cần xử lý"): the secretariat's completions to confirm,
//! requests to decide, drafts and overdue tasks not chased for a week; a leader's requests to
//! decide and their units' overdue tasks; a unit's tasks to start, returned, to explain and due
//! soon. Each list is read through an index and stops at `CAP`, so the navigation can count it
//! on every page whatever the number of tasks.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::{
    chases, directive_drafts, explanations, extension_requests, reports, tasks,
};
use crate::db::DbConn;
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::permissions::{Actor, Role};
use crate::domain::status::{ReportKind, Status};
use crate::error::AppResult;
use crate::models::explanation::State;
use crate::models::extension::Decision;

/// The most a section counts: beyond it the page says "99+".
pub const CAP: i64 = 100;

/// A overdue task not chased for this many days is waiting for a chase.
pub const UNCHASED_DAYS: u64 = 7;

/// One kind of thing waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    AssignedToMe,
    ToConfirm,
    ExtensionsToDecide,
    ExplanationsToDecide,
    Drafts,
    OverdueNotChased,
    UnitsOverdue,
    ToStart,
    Returned,
    ToExplain,
    DueSoon,
    /// Parts the unit was asked for as a coordinating unit and has not given.
    PartsAsked,
    /// Tasks units sent back as outside their remit, waiting for the secretariat.
    SentBack,
}

impl Section {
    pub fn key(self) -> &'static str {
        match self {
            Section::AssignedToMe => "assigned_to_me",
            Section::ToConfirm => "to_confirm",
            Section::ExtensionsToDecide => "extensions",
            Section::ExplanationsToDecide => "explanations",
            Section::Drafts => "drafts",
            Section::OverdueNotChased => "not_chased",
            Section::UnitsOverdue => "units_overdue",
            Section::ToStart => "to_start",
            Section::Returned => "returned",
            Section::ToExplain => "to_explain",
            Section::DueSoon => "due_soon",
            Section::PartsAsked => "parts_asked",
            Section::SentBack => "sent_back",
        }
    }

    /// The sections a role's desk shows, in order.
    pub fn of(role: Role) -> &'static [Section] {
        match role {
            Role::Secretariat => &[
                Section::ToConfirm,
                Section::SentBack,
                Section::ExtensionsToDecide,
                Section::ExplanationsToDecide,
                Section::Drafts,
                Section::OverdueNotChased,
            ],
            Role::Leader => &[
                Section::ExplanationsToDecide,
                Section::ExtensionsToDecide,
                Section::UnitsOverdue,
            ],
            Role::UnitHead => &[
                Section::AssignedToMe,
                Section::ToStart,
                Section::Returned,
                Section::ToExplain,
                Section::PartsAsked,
                Section::DueSoon,
            ],
            Role::UnitStaff => &[
                Section::AssignedToMe,
                Section::ToStart,
                Section::Returned,
                Section::PartsAsked,
                Section::DueSoon,
            ],
            Role::Admin => &[],
        }
    }
}

/// The last day of the "due soon" window that starts `today`, on the working calendar.
pub fn due_soon_until(conn: &mut DbConn, today: NaiveDate) -> AppResult<NaiveDate> {
    crate::models::calendar::working_days_after(
        conn,
        today,
        crate::domain::calendar::DUE_SOON_WORKING_DAYS,
    )
}

/// What one section holds: the tasks (at most `CAP`, most urgent first) or, for drafts, ids of
/// drafts.
#[derive(Debug, Clone)]
pub struct Found {
    pub section: Section,
    pub ids: Vec<i64>,
}

impl Found {
    /// How many, up to `CAP`.
    pub fn count(&self) -> i64 {
        self.ids.len() as i64
    }
}

/// The units a leader looks at: those in their charge, or every unit when none is (None).
fn leader_units(conn: &mut DbConn, leader: UserId) -> AppResult<Option<Vec<UnitId>>> {
    let mine = crate::models::unit::in_charge_of(conn, leader)?;
    Ok((!mine.is_empty()).then_some(mine))
}

/// The `CAP` earliest due of ranges read separately, in due order.
fn first_due(mut picked: Vec<(Option<NaiveDate>, TaskId)>) -> Vec<i64> {
    picked.sort_unstable();
    picked
        .into_iter()
        .take(CAP as usize)
        .map(|p| p.1 .0)
        .collect()
}

fn ids(v: Vec<TaskId>) -> Vec<i64> {
    v.into_iter().map(|t| t.0).collect()
}

/// Everything waiting for `actor`, section by section. `soon_until` ends the "due soon" window
/// (5 working days on, counted by the caller on the calendar).
pub fn waiting(
    conn: &mut DbConn,
    actor: &Actor,
    today: NaiveDate,
    soon_until: NaiveDate,
) -> AppResult<Vec<Found>> {
    let units = match actor.role {
        Role::Leader => leader_units(conn, actor.user_id)?,
        _ => None,
    };
    let unit = actor.unit_id.unwrap_or(UnitId(-1));
    let mut out = Vec::new();
    for &section in Section::of(actor.role) {
        let found = match section {
            Section::AssignedToMe => ids(crate::models::assignee::mine(conn, actor.user_id, CAP)?),
            Section::PartsAsked => ids(crate::models::coordination::asked_of(conn, unit, CAP)?),
            Section::SentBack => ids(crate::models::transfer::all_waiting(conn, CAP)?),
            // Oldest waiting first, straight from the (status, updated_at) index.
            Section::ToConfirm => ids(crate::db::load!(
                conn,
                tasks::table
                    .filter(tasks::status.eq(Status::Reported))
                    .order(tasks::updated_at)
                    .select(tasks::id)
                    .limit(CAP)
            )?),
            Section::ExtensionsToDecide => {
                let mut q = extension_requests::table
                    .inner_join(tasks::table)
                    .filter(extension_requests::status.eq(Decision::Pending))
                    .into_boxed();
                if let Some(u) = &units {
                    q = q.filter(crate::db::id_in(tasks::lead_unit_id, u));
                }
                ids(q
                    .order(extension_requests::id)
                    .select(tasks::id)
                    .limit(CAP)
                    .load(conn)?)
            }
            Section::ExplanationsToDecide => {
                let mut q = explanations::table
                    .filter(explanations::state.eq(State::Answered))
                    .into_boxed();
                if actor.role == Role::Leader {
                    // What they asked, and what their units answered.
                    q = match &units {
                        Some(u) => q.filter(
                            explanations::asked_by
                                .eq(actor.user_id)
                                .or(crate::db::id_in(explanations::unit_id, u)),
                        ),
                        None => q,
                    };
                }
                ids(q
                    .order(explanations::answered_at)
                    .select(explanations::task_id)
                    .limit(CAP)
                    .load(conn)?)
            }
            Section::Drafts => crate::db::load!(
                conn,
                directive_drafts::table
                    .order(directive_drafts::updated_at.desc())
                    .select(directive_drafts::id)
                    .limit(CAP)
            )?,
            Section::OverdueNotChased => {
                let week = today - Days::new(UNCHASED_DAYS);
                let mut picked: Vec<(Option<NaiveDate>, TaskId)> = Vec::new();
                // One (status, due_on) index range per status, merged: an IN over both
                // statuses would sort every overdue task.
                for status in Status::WORKING {
                    let rows: Vec<(Option<NaiveDate>, TaskId)> = crate::db::load!(
                        conn,
                        tasks::table
                            .filter(tasks::status.eq(status))
                            .filter(tasks::due_on.lt(today))
                            .filter(diesel::dsl::not(diesel::dsl::exists(
                                chases::table
                                    .filter(chases::task_id.eq(tasks::id))
                                    .filter(chases::on_day.gt(week)),
                            )))
                            .order((tasks::due_on, tasks::id))
                            .select((tasks::due_on, tasks::id))
                            .limit(CAP)
                    )?;
                    picked.extend(rows);
                }
                first_due(picked)
            }
            Section::UnitsOverdue => {
                let mut picked = Vec::new();
                // Per unit in charge and status (or per status for the whole ministry): each an
                // index range in due order, merged.
                let scopes: Vec<Option<UnitId>> = match &units {
                    Some(u) => u.iter().copied().map(Some).collect(),
                    None => vec![None],
                };
                for scope in scopes {
                    for status in Status::WORKING {
                        let mut q = tasks::table
                            .filter(tasks::status.eq(status))
                            .filter(tasks::due_on.lt(today))
                            .into_boxed();
                        if let Some(u) = scope {
                            q = q.filter(tasks::lead_unit_id.eq(u));
                        }
                        picked.extend(
                            q.order((tasks::due_on, tasks::id))
                                .select((tasks::due_on, tasks::id))
                                .limit(CAP)
                                .load::<(Option<NaiveDate>, TaskId)>(conn)?,
                        );
                    }
                }
                first_due(picked)
            }
            Section::ToStart => ids(crate::db::load!(
                conn,
                tasks::table
                    .filter(tasks::lead_unit_id.eq(unit))
                    .filter(tasks::status.eq(Status::Assigned))
                    .order((tasks::due_on, tasks::id))
                    .select(tasks::id)
                    .limit(CAP)
            )?),
            Section::Returned => ids(crate::db::load!(
                conn,
                tasks::table
                    .filter(tasks::lead_unit_id.eq(unit))
                    .filter(tasks::status.eq(Status::InProgress))
                    // Returns are few: read through their index, not the unit's tasks.
                    .filter(
                        tasks::id.eq_any(
                            reports::table
                                .filter(reports::kind.eq(ReportKind::Return))
                                .select(reports::task_id),
                        ),
                    )
                    .order((tasks::due_on, tasks::id))
                    .select(tasks::id)
                    .limit(CAP)
            )?),
            Section::ToExplain => ids(crate::db::load!(
                conn,
                explanations::table
                    .filter(explanations::unit_id.eq(unit))
                    .filter(explanations::state.eq(State::Asked))
                    .order(explanations::reply_by)
                    .select(explanations::task_id)
                    .limit(CAP)
            )?),
            Section::DueSoon => ids(crate::db::load!(
                conn,
                tasks::table
                    .filter(tasks::lead_unit_id.eq(unit))
                    .filter(crate::db::word_in(tasks::status, &Status::WORKING))
                    .filter(tasks::due_on.between(today, soon_until))
                    .order((tasks::due_on, tasks::id))
                    .select(tasks::id)
                    .limit(CAP)
            )?),
        };
        out.push(Found {
            section,
            ids: found,
        });
    }
    Ok(out)
}
