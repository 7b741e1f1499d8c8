//! Corrections after publishing, by the secretariat: each with a reason, recorded in the journal
//! of every task concerned, and told to the units concerned.

use crate::db::{self, DbConn};
use crate::domain::ids::{DirectiveId, ItemId, UnitId};
use crate::domain::permissions::{Act, Action, Target};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Lang};
use crate::mail::notices;
use crate::models::correction::{self, Particulars};
use crate::models::directive::{self, Assignee, Made, NewItem};
use crate::models::task::{Edit, Outcome};

use super::tasks::authorize;

/// The journal is kept in the service's language.
const LANG: Lang = Lang::Vi;

fn reasoned(what: &[String], reason: &str) -> String {
    correction::with_reason(what, t(LANG, "report.reason"), reason)
}

/// A signed scan of the notice: its file name and bytes (checked as a PDF by the caller).
pub type Signed<'a> = Option<(&'a str, &'a [u8])>;

/// Corrects the notice's particulars and keeps a new signed scan; refused when nothing changes.
pub fn directive(
    conn: &mut DbConn,
    act: Act,
    id: DirectiveId,
    new: &Particulars,
    signed: Signed,
    reason: &str,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    super::allow(actor, Action::CorrectDirective, Target::System)?;
    db::write(conn, |conn| {
        let old = directive::get(conn, id)?;
        let labels = [
            "directive.number",
            "directive.issued_on",
            "directive.signer",
            "directive.title",
            "directive.body",
            "directive.register_no",
        ]
        .map(|k| t(LANG, k));
        let mut what = correction::changes(&old, new, &labels);
        if let Some((name, bytes)) = signed {
            correction::keep_signed(conn, id, name, bytes, actor.user_id, at)?;
            what.push(format!("{}: {name}", t(LANG, "directive.signed")));
        }
        if what.is_empty() {
            return Err(AppError::Refused("correction_nothing".into()));
        }
        let note = reasoned(&what, reason);
        let ids = correction::directive(conn, id, new, &note, actor.user_id, at)?;
        notices::corrected(conn, &ids, &note, at)?;
        Ok(())
    })
}

/// Corrects an item's wording and adds lead or coordinating units to it.
pub fn item(
    conn: &mut DbConn,
    act: Act,
    id: ItemId,
    (label, text): (&str, &str),
    (leads, coordinators): (&[Assignee], &[Assignee]),
    reason: &str,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    super::allow(actor, Action::CorrectDirective, Target::System)?;
    db::write(conn, |conn| {
        let old = directive::item(conn, id)?;
        let leads = directive::expand(conn, leads)?;
        let coordinators = directive::expand(conn, coordinators)?;
        let mut what = Vec::new();
        if old.label.trim() != label.trim() {
            what.push(format!(
                "{}: {} → {}",
                t(LANG, "item.label"),
                old.label,
                label.trim()
            ));
        }
        if old.text.trim() != text.trim() {
            what.push(t(LANG, "item.text").to_string());
        }
        let names = crate::models::unit::names_by_id(
            conn,
            &[leads.clone(), coordinators.clone()].concat(),
        )?;
        let named = |ids: &[UnitId]| -> String {
            ids.iter()
                .filter_map(|u| names.get(u).cloned())
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !leads.is_empty() {
            what.push(format!(
                "{}: {}",
                t(LANG, "correction.added_leads"),
                named(&leads)
            ));
        }
        if !coordinators.is_empty() {
            what.push(format!(
                "{}: {}",
                t(LANG, "correction.added_coords"),
                named(&coordinators)
            ));
        }
        if what.is_empty() {
            return Err(AppError::Refused("correction_nothing".into()));
        }
        let note = reasoned(&what, reason);
        let ids = correction::item(
            conn,
            id,
            (label, text),
            (&leads, &coordinators),
            &note,
            actor.user_id,
            at,
        )?;
        notices::corrected(conn, &ids, &note, at)?;
        Ok(())
    })
}

/// Adds an item to a published notice, with its tasks; the units are told of the new item.
pub fn add_item(
    conn: &mut DbConn,
    act: Act,
    id: DirectiveId,
    item: &NewItem,
    reason: &str,
) -> AppResult<()> {
    let (actor, at) = (&act.actor, act.at);
    super::allow(actor, Action::CorrectDirective, Target::System)?;
    db::write(conn, |conn| {
        let d = directive::get(conn, id)?;
        let item_id = directive::insert_item(conn, id, item)?;
        let leads = directive::expand(conn, &item.leads)?;
        let coordinators = directive::expand(conn, &item.coordinators)?;
        let made = Made {
            directive_id: id,
            number: &d.number,
            title: &d.title,
            by: actor.user_id,
            at: at.now,
        };
        let row = (item_id, item.label.as_str(), item.text.as_str());
        let ids =
            directive::make_tasks(conn, &made, row, (&leads, &coordinators), item.due_on, None)?;
        let what = [format!(
            "{}: {}",
            t(LANG, "correction.added_item"),
            item.label.trim()
        )];
        let note = reasoned(&what, reason);
        for task in &ids {
            let change = crate::models::journal::Change::noted(
                crate::models::journal::Kind::Corrected,
                &note,
            );
            crate::models::journal::write(conn, *task, actor.user_id, at.now, change)?;
        }
        notices::assigned_tasks(conn, id, &ids, &format!("d{id}i{item_id}"), at)?;
        Ok(())
    })
}

/// Replaces a task's coordinating units at the version the secretariat saw; the units before
/// and after are told.
pub fn coordinators(
    conn: &mut DbConn,
    edit: Edit,
    units: &[UnitId],
    reason: &str,
) -> AppResult<Outcome> {
    db::write(conn, |conn| {
        authorize(conn, edit.actor, edit.task_id, Action::EditTask)?;
        let outcome = correction::coordinators(conn, edit, units, reason)?;
        if let Outcome::Done((before, after)) = &outcome {
            let what = [t(LANG, "task.coordinating").to_string()];
            let note = reasoned(&what, reason);
            notices::corrected(conn, &[edit.task_id], &note, edit.at)?;
            // Units taken off are no longer among the task's: tell them too.
            let gone: Vec<UnitId> = before
                .iter()
                .filter(|u| !after.contains(u))
                .copied()
                .collect();
            for unit in gone {
                let subject = format!("off{}u{unit}", edit.at.now.and_utc().timestamp());
                notices::to_unit(
                    conn,
                    crate::domain::mail::Kind::Corrected,
                    unit,
                    edit.task_id,
                    &subject,
                    &note,
                    edit.at,
                )?;
            }
        }
        Ok(outcome.map(|_| ()))
    })
}
