//! Who receives a kind of message: a unit's people and contact addresses, the secretariat, one
//! person. Preferences are applied here, so a turned-off kind is never queued.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{units, users};
use crate::db::DbConn;
use crate::domain::ids::{UnitId, UserId};
use crate::domain::mail::{split_addresses, Kind, Prefs};
use crate::domain::permissions::Role;
use crate::error::AppResult;
use crate::mail::outbox::Recipient;

type PersonRow = (
    UserId,
    String,
    String,
    String,
    String,
    String,
    Option<UnitId>,
);

fn person_columns() -> (
    users::id,
    users::email,
    users::role,
    users::lang,
    users::mail_mode,
    users::mail_off,
    users::unit_id,
) {
    (
        users::id,
        users::email,
        users::role,
        users::lang,
        users::mail_mode,
        users::mail_off,
        users::unit_id,
    )
}

fn wants(row: &PersonRow, kind: Kind) -> bool {
    let role = Role::parse(&row.2).unwrap_or(Role::UnitStaff);
    Prefs::parse(&row.4, &row.5).wants(kind, role)
}

fn person(row: &PersonRow) -> Recipient {
    Recipient {
        address: row.1.to_lowercase(),
        user_id: Some(row.0),
        lang: row.3.clone(),
    }
}

/// For each unit: its active people who want `kind`, then its contact addresses (in Vietnamese)
/// when the unit takes this kind there (reminders or the digest, as the unit chose).
pub fn of_units(
    conn: &mut DbConn,
    unit_ids: &[UnitId],
    kind: Kind,
) -> AppResult<HashMap<UnitId, Vec<Recipient>>> {
    let mut out: HashMap<UnitId, Vec<Recipient>> = HashMap::new();
    if unit_ids.is_empty() {
        return Ok(out);
    }
    let people: Vec<PersonRow> = users::table
        .filter(users::unit_id.eq_any(unit_ids))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(person_columns())
        .load(conn)?;
    for p in people.iter().filter(|p| wants(p, kind)) {
        out.entry(p.6.unwrap_or_default())
            .or_default()
            .push(person(p));
    }
    let contacts: Vec<(UnitId, String, bool)> = units::table
        .filter(units::id.eq_any(unit_ids))
        .select((units::id, units::emails, units::mail_digest))
        .load(conn)?;
    for (unit, emails, digest) in contacts {
        let takes = match kind {
            Kind::Reminder => !digest,
            Kind::Digest => digest,
            _ => true,
        };
        if !takes {
            continue;
        }
        let list = out.entry(unit).or_default();
        for address in split_addresses(&emails) {
            if !list.iter().any(|r| r.address == address) {
                list.push(Recipient {
                    address,
                    user_id: None,
                    lang: "vi".into(),
                });
            }
        }
    }
    Ok(out)
}

/// The secretariat's active people who want `kind`.
pub fn secretariat(conn: &mut DbConn, kind: Kind) -> AppResult<Vec<Recipient>> {
    let people: Vec<PersonRow> = users::table
        .filter(users::role.eq(Role::Secretariat))
        .filter(users::active.eq(true))
        .select(person_columns())
        .load(conn)?;
    Ok(people
        .iter()
        .filter(|p| wants(p, kind))
        .map(person)
        .collect())
}

/// One active person, if they want `kind`.
pub fn user_wanting(conn: &mut DbConn, id: UserId, kind: Kind) -> AppResult<Option<Recipient>> {
    Ok(users_wanting(conn, &[id], kind)?.remove(&id))
}

/// Of these people, the active ones who want `kind`, in one query.
pub fn users_wanting(
    conn: &mut DbConn,
    ids: &[UserId],
    kind: Kind,
) -> AppResult<HashMap<UserId, Recipient>> {
    let rows: Vec<PersonRow> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active.eq(true))
        .select(person_columns())
        .load(conn)?;
    Ok(rows
        .iter()
        .filter(|p| wants(p, kind))
        .map(|p| (p.0, person(p)))
        .collect())
}

/// One person, whatever their preferences (for mandatory mail such as a password reset).
pub fn user(conn: &mut DbConn, id: UserId) -> AppResult<Option<Recipient>> {
    let row: Option<PersonRow> = users::table
        .find(id)
        .select(person_columns())
        .first(conn)
        .optional()?;
    Ok(row.as_ref().map(person))
}

/// For each unit: its active heads who want `kind`, or, for a unit without one, its contact
/// addresses: the person who answers for the unit's deadlines.
pub fn heads(
    conn: &mut DbConn,
    unit_ids: &[UnitId],
    kind: Kind,
) -> AppResult<HashMap<UnitId, Vec<Recipient>>> {
    let mut all = of_units(conn, unit_ids, kind)?;
    let heads: Vec<UserId> = users::table
        .filter(users::unit_id.eq_any(unit_ids))
        .filter(users::role.eq(Role::UnitHead))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    for list in all.values_mut() {
        let has_head = list
            .iter()
            .any(|r| r.user_id.is_some_and(|u| heads.contains(&u)));
        list.retain(|r| match r.user_id {
            Some(u) => heads.contains(&u),
            None => !has_head,
        });
    }
    Ok(all)
}

/// For each unit: its leader in charge, active and wanting `kind`.
pub fn leaders_in_charge(
    conn: &mut DbConn,
    unit_ids: &[UnitId],
    kind: Kind,
) -> AppResult<HashMap<UnitId, Recipient>> {
    let rows: Vec<(UnitId, PersonRow)> = units::table
        .inner_join(users::table.on(units::leader_id.eq(users::id.nullable())))
        .filter(units::id.eq_any(unit_ids))
        .filter(users::active.eq(true))
        .select((units::id, person_columns()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, p)| wants(p, kind))
        .map(|(u, p)| (u, person(&p)))
        .collect())
}
