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

/// A person as the mail sees them: where to write, in which language, and what they want.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct Person {
    id: UserId,
    email: String,
    role: Role,
    lang: String,
    mail_mode: String,
    mail_off: String,
    unit_id: Option<UnitId>,
}

impl Person {
    fn wants(&self, kind: Kind) -> bool {
        Prefs::parse(&self.mail_mode, &self.mail_off).wants(kind, self.role)
    }

    fn recipient(&self) -> Recipient {
        Recipient {
            address: self.email.to_lowercase(),
            user_id: Some(self.id),
            lang: self.lang.clone(),
        }
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
    let people: Vec<Person> = users::table
        .filter(users::unit_id.eq_any(unit_ids))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(Person::as_select())
        .load(conn)?;
    for p in people.iter().filter(|p| p.wants(kind)) {
        out.entry(p.unit_id.unwrap_or_default())
            .or_default()
            .push(p.recipient());
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
    let people: Vec<Person> = users::table
        .filter(users::role.eq(Role::Secretariat))
        .filter(users::active.eq(true))
        .select(Person::as_select())
        .load(conn)?;
    Ok(people
        .iter()
        .filter(|p| p.wants(kind))
        .map(Person::recipient)
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
    let rows: Vec<Person> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active.eq(true))
        .select(Person::as_select())
        .load(conn)?;
    Ok(rows
        .iter()
        .filter(|p| p.wants(kind))
        .map(|p| (p.id, p.recipient()))
        .collect())
}

/// One person, whatever their preferences (for mandatory mail such as a password reset).
pub fn user(conn: &mut DbConn, id: UserId) -> AppResult<Option<Recipient>> {
    let row: Option<Person> = users::table
        .find(id)
        .select(Person::as_select())
        .first(conn)
        .optional()?;
    Ok(row.as_ref().map(Person::recipient))
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
    let rows: Vec<(UnitId, Person)> = units::table
        .inner_join(users::table.on(units::leader_id.eq(users::id.nullable())))
        .filter(units::id.eq_any(unit_ids))
        .filter(users::active.eq(true))
        .select((units::id, Person::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, p)| p.wants(kind))
        .map(|(u, p)| (u, p.recipient()))
        .collect())
}
