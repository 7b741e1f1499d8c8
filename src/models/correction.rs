//! Corrections after publishing: a notice's particulars and signed scan, an item's wording and
//! units, a new item, a task's coordinating units. Each says why; the journal of every task
//! concerned records what changed and the reason.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{directive_files, directive_items, directives, task_coordinators, tasks};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::dates::{format_date, Moment};
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId, UserId};
use crate::error::AppResult;
use crate::models::directive::{self, Directive, Made};
use crate::models::{journal, task, unit};

/// A notice's particulars as corrected.
#[derive(Debug, Clone)]
pub struct Particulars {
    pub number: String,
    pub issued_on: NaiveDate,
    pub signer: String,
    pub title: String,
    pub body: String,
    pub register_no: String,
}

/// The changes as people read them ("Số: 88/TB-BKHCN → 89/TB-BKHCN"), for the journal and the
/// mail; `labels` names each field in the service's language.
pub fn changes(old: &Directive, new: &Particulars, labels: &[&str; 6]) -> Vec<String> {
    let pairs = [
        (old.number.as_str(), new.number.as_str()),
        (&format_date(old.issued_on), &format_date(new.issued_on)),
        (old.signer.as_str(), new.signer.as_str()),
        (old.title.as_str(), new.title.as_str()),
        (old.body.as_str(), new.body.as_str()),
        (old.register_no.as_str(), new.register_no.as_str()),
    ];
    pairs
        .iter()
        .zip(labels)
        .filter(|((a, b), _)| a.trim() != b.trim())
        .map(|((a, b), label)| {
            if *label == labels[4] {
                // The full text is long: only that it changed.
                label.to_string()
            } else {
                format!("{label}: {} → {}", a.trim(), b.trim())
            }
        })
        .collect()
}

/// Writes the same journal entry on each task, saying what changed and why.
fn note_on(conn: &mut DbConn, ids: &[TaskId], by: UserId, note: &str, at: Moment) -> AppResult<()> {
    for id in ids {
        let change = journal::Change::noted(journal::Kind::Corrected, note);
        journal::write(conn, *id, by, at.now, change)?;
    }
    Ok(())
}

/// "what changed. Lý do: why" as the journal and the mail say it.
pub fn with_reason(what: &[String], reason_word: &str, reason: &str) -> String {
    format!("{}. {reason_word}: {}", what.join("; "), reason.trim())
}

/// Corrects the notice's particulars; every task's search text and journal follow. Returns the
/// notice's tasks. The caller holds the transaction and checked the permission.
pub fn directive(
    conn: &mut DbConn,
    id: DirectiveId,
    new: &Particulars,
    note: &str,
    by: UserId,
    at: Moment,
) -> AppResult<Vec<TaskId>> {
    diesel::update(directives::table.find(id))
        .set((
            directives::number.eq(new.number.trim()),
            directives::issued_on.eq(new.issued_on),
            directives::signer.eq(new.signer.trim()),
            directives::title.eq(new.title.trim()),
            directives::body.eq(&new.body),
            directives::register_no.eq(new.register_no.trim()),
        ))
        .execute(conn)?;
    let ids = of_directive(conn, id)?;
    for t in &ids {
        task::refresh_search_text(conn, *t)?;
    }
    note_on(conn, &ids, by, note, at)?;
    Ok(ids)
}

fn of_directive(conn: &mut DbConn, id: DirectiveId) -> AppResult<Vec<TaskId>> {
    Ok(tasks::table
        .filter(tasks::directive_id.eq(id))
        .order(tasks::id)
        .select(tasks::id)
        .load(conn)?)
}

fn of_item(conn: &mut DbConn, id: ItemId) -> AppResult<Vec<TaskId>> {
    Ok(tasks::table
        .filter(tasks::item_id.eq(id))
        .order(tasks::id)
        .select(tasks::id)
        .load(conn)?)
}

/// Keeps a signed scan of the notice (earlier ones stay, the newest is shown).
pub fn keep_signed(
    conn: &mut DbConn,
    id: DirectiveId,
    name: &str,
    bytes: &[u8],
    by: UserId,
    at: Moment,
) -> AppResult<()> {
    diesel::insert_into(directive_files::table)
        .values((
            directive_files::directive_id.eq(id),
            directive_files::original_name.eq(crate::domain::filetype::clean_name(name)),
            directive_files::size.eq(bytes.len() as i64),
            directive_files::sha256.eq(crate::models::token::sha256_hex(bytes)),
            directive_files::data.eq(bytes),
            directive_files::uploaded_by.eq(by),
            directive_files::created_at.eq(at.now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The notice's newest signed scan: (id, name).
pub fn signed(conn: &mut DbConn, id: DirectiveId) -> AppResult<Option<(i64, String)>> {
    Ok(directive_files::table
        .filter(directive_files::directive_id.eq(id))
        .order(directive_files::id.desc())
        .select((directive_files::id, directive_files::original_name))
        .first(conn)
        .optional()?)
}

/// A signed scan's notice, name and bytes.
pub fn signed_file(conn: &mut DbConn, file: i64) -> AppResult<(DirectiveId, String, Vec<u8>)> {
    directive_files::table
        .find(file)
        .select((
            directive_files::directive_id,
            directive_files::original_name,
            directive_files::data,
        ))
        .first(conn)
        .found()
}

/// An item's wording corrected and units added: new lead units get their own task, new
/// coordinating units join each of the item's tasks. Returns the item's tasks afterwards. The
/// caller holds the transaction and checked the permission.
pub fn item(
    conn: &mut DbConn,
    id: ItemId,
    (label, text): (&str, &str),
    (leads, coordinators): (&[UnitId], &[UnitId]),
    note: &str,
    by: UserId,
    at: Moment,
) -> AppResult<Vec<TaskId>> {
    let it = directive::item(conn, id)?;
    let d = directive::get(conn, it.directive_id)?;
    diesel::update(directive_items::table.find(id))
        .set((
            directive_items::label.eq(label.trim()),
            directive_items::text.eq(text.trim()),
        ))
        .execute(conn)?;
    let before = of_item(conn, id)?;
    for t in &before {
        let lead: UnitId = tasks::table
            .find(t)
            .select(tasks::lead_unit_id)
            .first(conn)?;
        let has = task::coordinator_ids(conn, *t)?;
        for c in coordinators {
            if *c != lead && !has.contains(c) {
                diesel::insert_into(task_coordinators::table)
                    .values((
                        task_coordinators::task_id.eq(t),
                        task_coordinators::unit_id.eq(c),
                    ))
                    .execute(conn)?;
            }
        }
        task::sync_units(conn, *t)?;
        task::refresh_search_text(conn, *t)?;
    }
    note_on(conn, &before, by, note, at)?;
    // A lead unit that leads the item already keeps its one task.
    let existing: Vec<UnitId> = tasks::table
        .filter(tasks::item_id.eq(id))
        .select(tasks::lead_unit_id)
        .load(conn)?;
    let new_leads: Vec<UnitId> = leads
        .iter()
        .copied()
        .filter(|l| !existing.contains(l))
        .collect();
    let all_coords: Vec<UnitId> = match before.first() {
        Some(t) => task::coordinator_ids(conn, *t)?,
        None => coordinators.to_vec(),
    };
    let made = Made {
        directive_id: d.id,
        number: &d.number,
        title: &d.title,
        by,
        at: at.now,
    };
    let due = before
        .first()
        .map(|t| task::get(conn, *t))
        .transpose()?
        .and_then(|t| t.due_on)
        .or(it.due_on);
    let row = (id, label, text);
    let added = directive::make_tasks(conn, &made, row, (&new_leads, &all_coords), due, None)?;
    note_on(conn, &added, by, note, at)?;
    Ok(before.into_iter().chain(added).collect())
}

/// A task's coordinating units replaced, at the version the secretariat saw. Returns the units
/// before and after, or None when the task changed meanwhile. The caller holds the transaction.
pub fn coordinators(
    conn: &mut DbConn,
    edit: task::Edit,
    units: &[UnitId],
    reason: &str,
) -> AppResult<task::Outcome<(Vec<UnitId>, Vec<UnitId>)>> {
    let before = task::coordinator_ids(conn, edit.task_id)?;
    let outcome = task::claim_open(conn, &edit)?;
    let task::Outcome::Done(current) = outcome else {
        return Ok(outcome.map(|_| (Vec::new(), Vec::new())));
    };
    let mut after: Vec<UnitId> = units
        .iter()
        .copied()
        .filter(|u| *u != current.lead_unit_id)
        .collect();
    after.sort_unstable();
    after.dedup();
    diesel::delete(task_coordinators::table.filter(task_coordinators::task_id.eq(edit.task_id)))
        .execute(conn)?;
    for u in &after {
        diesel::insert_into(task_coordinators::table)
            .values((
                task_coordinators::task_id.eq(edit.task_id),
                task_coordinators::unit_id.eq(u),
            ))
            .execute(conn)?;
    }
    task::sync_units(conn, edit.task_id)?;
    let mut ids = before.clone();
    ids.extend(&after);
    let names = unit::names_by_id(conn, &ids)?;
    let list = |v: &[UnitId]| {
        let mut n: Vec<String> = v.iter().filter_map(|u| names.get(u).cloned()).collect();
        n.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(x));
        n.join("; ")
    };
    let change = journal::Change {
        kind: journal::Kind::CoordinatorsChanged,
        from: Some(&list(&before)),
        to: Some(&list(&after)),
        note: reason.trim(),
    };
    journal::write(conn, edit.task_id, edit.actor.user_id, edit.at.now, change)?;
    Ok(task::Outcome::Done((before, after)))
}
