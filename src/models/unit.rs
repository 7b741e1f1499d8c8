//! Units (đơn vị), their aliases and groups.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    task_coordinators, tasks, unit_aliases, unit_group_members, unit_groups, units, users,
};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::text::fold;
use crate::error::{AppError, AppResult};
use crate::models::journal;

use crate::domain::directory;
pub use crate::domain::directory::{NewUnit, UnitKind};
use crate::domain::ids::{TaskId, UnitId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub emails: String,
    pub active: bool,
    pub merged_into_id: Option<UnitId>,
    pub mail_digest: bool,
    /// Whom to reach there besides the contact addresses.
    pub head_name: String,
    pub focal_name: String,
    pub focal_phone: String,
    /// The leader (Thứ trưởng) in charge of the unit.
    pub leader_id: Option<UserId>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = unit_groups)]
pub struct Group {
    pub id: i64,
    pub name: String,
}

/// Everything a unit answers to, folded, so one LIKE finds it by any name.
fn search_key(name: &str, short: &str, aliases: &[String]) -> String {
    let mut key = fold(name);
    for s in std::iter::once(short).chain(aliases.iter().map(String::as_str)) {
        key.push_str(" | ");
        key.push_str(&fold(s));
    }
    key
}

pub fn count(conn: &mut DbConn) -> AppResult<i64> {
    Ok(units::table.count().get_result(conn)?)
}

/// Names and aliases must be unique in folded form, or a mention could not be resolved. Returns
/// the first of `names` that belongs to a unit other than `except_unit`.
fn taken_name<'a>(
    conn: &mut DbConn,
    names: &'a [String],
    except_unit: Option<UnitId>,
) -> AppResult<Option<&'a String>> {
    let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    let alias_owners: Vec<(String, UnitId)> = unit_aliases::table
        .filter(unit_aliases::folded.eq_any(&folded))
        .select((unit_aliases::folded, unit_aliases::unit_id))
        .load(conn)?;
    let unit_names: Vec<(UnitId, String)> =
        units::table.select((units::id, units::name)).load(conn)?;
    let other = |id: UnitId| Some(id) != except_unit;
    Ok(names.iter().zip(&folded).find_map(|(name, f)| {
        let by_alias = alias_owners.iter().any(|(a, id)| a == f && other(*id));
        let by_name = unit_names.iter().any(|(id, n)| other(*id) && fold(n) == *f);
        (by_alias || by_name).then_some(name)
    }))
}

pub fn create(
    conn: &mut DbConn,
    new: &NewUnit,
    aliases: &[String],
    at: NaiveDateTime,
) -> AppResult<UnitId> {
    let t = at;
    let id = diesel::insert_into(units::table)
        .values((
            units::name.eq(&new.name),
            units::short_name.eq(&new.short_name),
            units::kind.eq(new.kind.as_str()),
            units::emails.eq(&new.emails),
            units::active.eq(true),
            units::search_key.eq(search_key(&new.name, &new.short_name, aliases)),
            units::created_at.eq(t),
            units::updated_at.eq(t),
        ))
        .returning(units::id)
        .get_result(conn)?;
    insert_aliases(conn, id, aliases)?;
    Ok(id)
}

fn insert_aliases(conn: &mut DbConn, unit_id: UnitId, aliases: &[String]) -> AppResult<()> {
    for a in aliases.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        diesel::insert_into(unit_aliases::table)
            .values((
                unit_aliases::unit_id.eq(unit_id),
                unit_aliases::alias.eq(a),
                unit_aliases::folded.eq(fold(a)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn get(conn: &mut DbConn, id: UnitId) -> AppResult<Unit> {
    units::table
        .find(id)
        .select(Unit::as_select())
        .first(conn)
        .found()
}

pub fn aliases(conn: &mut DbConn, unit_id: UnitId) -> AppResult<Vec<String>> {
    Ok(unit_aliases::table
        .filter(unit_aliases::unit_id.eq(unit_id))
        .order(unit_aliases::id)
        .select(unit_aliases::alias)
        .load(conn)?)
}

/// Units for lists and pickers; `q` searches every name a unit answers to, without diacritics.
pub fn list(conn: &mut DbConn, q: &str, include_inactive: bool) -> AppResult<Vec<Unit>> {
    let terms = crate::domain::text::search_terms(q);
    // Every list page of a leader shows every unit in its picker: on the connection's own
    // backend (`db::load!`).
    let mut units: Vec<Unit> = crate::db::load!(conn, {
        let mut query = units::table.select(Unit::as_select()).into_boxed();
        if !include_inactive {
            query = query.filter(units::active.eq(true));
        }
        for term in &terms {
            query = query.filter(
                units::search_key
                    .like(crate::domain::text::like_pattern(term))
                    .escape('\\'),
            );
        }
        query
    })?;
    in_list_order(&mut units);
    Ok(units)
}

/// The order every list of units is shown in: by kind (ministry units, provincial
/// departments, people's committees, other bodies), then in Vietnamese alphabetical order.
pub fn in_list_order(units: &mut [Unit]) {
    let rank = |k: UnitKind| UnitKind::ALL.iter().position(|x| *x == k);
    // Keyed once per unit: every list page of a leader shows them all.
    units.sort_by_cached_key(|u| (rank(u.kind), crate::domain::text::vi_sort_key(&u.name)));
}

/// Of the given units, the active ones nobody would hear from: no active person in the unit
/// and no contact address. Publishing warns of them, and the directive page keeps saying so.
pub fn unreachable(conn: &mut DbConn, ids: &[UnitId]) -> AppResult<Vec<Unit>> {
    let staffed: Vec<UnitId> = users::table
        .filter(crate::db::id_in(users::unit_id, ids))
        .filter(users::active.eq(true))
        .select(users::unit_id.assume_not_null())
        .distinct()
        .load(conn)?;
    let mut out: Vec<Unit> = units::table
        .filter(crate::db::id_in(units::id, ids))
        .filter(units::emails.eq(""))
        .filter(units::active.eq(true))
        .select(Unit::as_select())
        .load::<Unit>(conn)?
        .into_iter()
        .filter(|u| !staffed.contains(&u.id))
        .collect();
    in_list_order(&mut out);
    Ok(out)
}

/// Units in list order cut into their kinds, each under its heading's word (`kinds.…`).
pub fn by_kind(units: &[Unit]) -> Vec<(String, Vec<&Unit>)> {
    let mut out: Vec<(String, Vec<&Unit>)> = Vec::new();
    for u in units {
        let heading = format!("kinds.{}", u.kind);
        match out.last_mut() {
            Some((h, members)) if *h == heading => members.push(u),
            _ => out.push((heading, vec![u])),
        }
    }
    out
}

pub fn names_by_id(conn: &mut DbConn, ids: &[UnitId]) -> AppResult<HashMap<UnitId, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(crate::db::load!(
        conn,
        units::table
            .filter(crate::db::id_in(units::id, ids))
            .select((units::id, units::name)),
    )?
    .into_iter()
    .collect())
}

/// Finds one active unit by exact name, short name or alias, ignoring case and diacritics.
/// Puts a leader in charge of a unit (or no one).
pub fn set_leader(conn: &mut DbConn, unit: UnitId, leader: Option<UserId>) -> AppResult<()> {
    diesel::update(units::table.find(unit))
        .set(units::leader_id.eq(leader))
        .execute(conn)?;
    Ok(())
}

/// The active units a leader is in charge of.
pub fn in_charge_of(conn: &mut DbConn, leader: UserId) -> AppResult<Vec<UnitId>> {
    Ok(units::table
        .filter(units::leader_id.eq(leader))
        .filter(units::active.eq(true))
        .select(units::id)
        .order(units::id)
        .load(conn)?)
}

pub fn find_by_name(conn: &mut DbConn, name: &str) -> AppResult<Option<Unit>> {
    Ok(find_by_names(conn, &[name])?.pop().flatten())
}

/// `find_by_name` for several names at once: the directory and the matching aliases are read
/// once, whatever the number of names.
pub fn find_by_names(conn: &mut DbConn, names: &[&str]) -> AppResult<Vec<Option<Unit>>> {
    let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    let aliases: HashMap<String, UnitId> = unit_aliases::table
        .filter(unit_aliases::folded.eq_any(&folded))
        .select((unit_aliases::folded, unit_aliases::unit_id))
        .load::<(String, UnitId)>(conn)?
        .into_iter()
        .collect();
    let all = list(conn, "", true)?;
    let by_id = |id: UnitId| all.iter().find(|u| u.id == id).cloned();
    Ok(folded
        .iter()
        .map(|f| {
            let alias = aliases.get(f).copied();
            let found = all.iter().find(|u| {
                Some(u.id) == alias || fold(&u.name) == *f || fold(&u.short_name) == *f
            })?;
            // A merged unit answers for the unit it was merged into.
            match (found.active, found.merged_into_id) {
                (false, Some(target)) => by_id(target),
                _ => Some(found.clone()),
            }
        })
        .collect())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct UnitForm {
    #[serde(deserialize_with = "crate::models::fields::trimmed")]
    pub name: String,
    #[serde(deserialize_with = "crate::models::fields::trimmed")]
    pub short_name: String,
    pub kind: String,
    pub emails: String,
    pub aliases: String,
    #[serde(deserialize_with = "crate::models::fields::checkbox")]
    pub active: bool,
    /// The contact addresses get one daily digest instead of single reminders.
    #[serde(deserialize_with = "crate::models::fields::checkbox")]
    pub mail_digest: bool,
    #[serde(default, deserialize_with = "crate::models::fields::trimmed")]
    pub head_name: String,
    #[serde(default, deserialize_with = "crate::models::fields::trimmed")]
    pub focal_name: String,
    #[serde(default, deserialize_with = "crate::models::fields::trimmed")]
    pub focal_phone: String,
    /// The leader in charge; none when the choice is empty.
    #[serde(default, deserialize_with = "crate::models::fields::optional_id")]
    pub leader_id: Option<UserId>,
}

impl UnitForm {
    /// The form filled with a unit as it is stored.
    pub fn of(u: Unit, aliases: String) -> UnitForm {
        UnitForm {
            name: u.name,
            short_name: u.short_name,
            kind: u.kind.as_str().to_string(),
            emails: u.emails,
            aliases,
            active: u.active,
            mail_digest: u.mail_digest,
            head_name: u.head_name,
            focal_name: u.focal_name,
            focal_phone: u.focal_phone,
            leader_id: u.leader_id,
        }
    }

    /// Field errors as (field, message key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(("name", "error.required"));
        }
        if self.name.chars().count() > 300 {
            errors.push(("name", "error.too_long"));
        }
        if UnitKind::parse(&self.kind).is_none() {
            errors.push(("kind", "error.invalid_choice"));
        }
        if self
            .email_list()
            .iter()
            .any(|e| !crate::models::user::looks_like_email(e))
        {
            errors.push(("emails", "error.email"));
        }
        errors
    }

    pub fn alias_list(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.aliases
            .lines()
            .map(str::trim)
            .filter(|a| !a.is_empty() && seen.insert(fold(a)))
            .map(str::to_string)
            .collect()
    }

    pub fn email_list(&self) -> Vec<String> {
        self.emails
            .split([',', ';', '\n', ' '])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
}

/// Creates or updates a unit from the admin form. Returns a field error when a name or alias
/// already belongs to another unit.
pub fn save(
    conn: &mut DbConn,
    id: Option<UnitId>,
    form: &UnitForm,
    at: NaiveDateTime,
) -> AppResult<Result<UnitId, (&'static str, String)>> {
    crate::db::write(conn, |conn| {
        let aliases = form.alias_list();
        let names: Vec<String> = std::iter::once(form.name.clone())
            .chain(aliases.iter().cloned())
            .collect();
        if let Some(n) = taken_name(conn, &names, id)? {
            return Ok(Err(("aliases", n.clone())));
        }
        if aliases.iter().any(|a| fold(a) == fold(&form.name)) {
            return Ok(Err(("aliases", form.name.clone())));
        }
        let kind = UnitKind::parse(&form.kind).unwrap_or(UnitKind::Ministry);
        let emails = form.email_list().join(", ");
        let new = NewUnit::new(&form.name, &form.short_name, kind, &emails);
        let id = match id {
            None => create(conn, &new, &aliases, at)?,
            Some(id) => {
                let old = get(conn, id)?;
                let mut aliases = aliases;
                // A renamed unit keeps answering to its former name.
                if fold(&old.name) != fold(&new.name)
                    && !aliases.iter().any(|a| fold(a) == fold(&old.name))
                {
                    aliases.push(old.name.clone());
                }
                diesel::update(units::table.find(id))
                    .set((
                        units::name.eq(&new.name),
                        units::short_name.eq(&new.short_name),
                        units::kind.eq(kind.as_str()),
                        units::emails.eq(&new.emails),
                        units::active.eq(form.active),
                        units::search_key.eq(search_key(&new.name, &new.short_name, &aliases)),
                        units::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                diesel::delete(unit_aliases::table.filter(unit_aliases::unit_id.eq(id)))
                    .execute(conn)?;
                insert_aliases(conn, id, &aliases)?;
                if old.name != new.name {
                    crate::models::task::refresh_search_text_for_unit(conn, id)?;
                }
                id
            }
        };
        diesel::update(units::table.find(id))
            .set((
                units::mail_digest.eq(form.mail_digest),
                units::head_name.eq(&form.head_name),
                units::focal_name.eq(&form.focal_name),
                units::focal_phone.eq(&form.focal_phone),
                units::leader_id.eq(form.leader_id),
            ))
            .execute(conn)?;
        Ok(Ok(id))
    })
}

/// Merges `from` into `into`: open tasks move to the surviving unit (each move journalled),
/// coordination moves too, `from`'s names become aliases of `into`, and `from` is deactivated.
/// Closed tasks keep their unit, so the record of who did what stays true.
pub fn merge(
    conn: &mut DbConn,
    from: UnitId,
    into: UnitId,
    actor: UserId,
    at: NaiveDateTime,
) -> AppResult<usize> {
    if from == into {
        return Err(AppError::Refused("merge into itself".into()));
    }
    crate::db::write(conn, |conn| {
        let source = get(conn, from)?;
        let target = get(conn, into)?;
        if !target.active {
            return Err(AppError::Refused("target inactive".into()));
        }
        let open = crate::domain::status::Status::OPEN;
        let moved: Vec<TaskId> = tasks::table
            .filter(tasks::lead_unit_id.eq(from))
            .filter(crate::db::word_in(tasks::status, &open))
            .select(tasks::id)
            .load(conn)?;
        for task_id in &moved {
            diesel::update(tasks::table.find(task_id))
                .set((
                    tasks::lead_unit_id.eq(into),
                    tasks::version.eq(tasks::version + 1),
                    tasks::updated_at.eq(at),
                ))
                .execute(conn)?;
            let change = journal::Change {
                kind: journal::Kind::UnitMerged,
                from: Some(&source.name),
                to: Some(&target.name),
                note: "",
            };
            journal::write(conn, *task_id, actor, at, change)?;
            // If the survivor was coordinating, it now leads instead.
            diesel::delete(
                task_coordinators::table
                    .filter(task_coordinators::task_id.eq(task_id))
                    .filter(task_coordinators::unit_id.eq(into)),
            )
            .execute(conn)?;
        }
        let open_coordinated: Vec<TaskId> = task_coordinators::table
            .inner_join(tasks::table)
            .filter(task_coordinators::unit_id.eq(from))
            .filter(crate::db::word_in(tasks::status, &open))
            .select(task_coordinators::task_id)
            .load(conn)?;
        for &task_id in &open_coordinated {
            let row = task_coordinators::table
                .filter(task_coordinators::task_id.eq(task_id))
                .filter(task_coordinators::unit_id.eq(from));
            let lead: UnitId = tasks::table
                .find(task_id)
                .select(tasks::lead_unit_id)
                .first(conn)?;
            let already: i64 = task_coordinators::table
                .filter(task_coordinators::task_id.eq(task_id))
                .filter(task_coordinators::unit_id.eq(into))
                .count()
                .get_result(conn)?;
            // The survivor takes the row over, with any part asked of it or given.
            if lead != into && already == 0 {
                diesel::update(row)
                    .set(task_coordinators::unit_id.eq(into))
                    .execute(conn)?;
            } else {
                diesel::delete(row).execute(conn)?;
            }
        }
        // The old names now belong to the survivor.
        let mut names = aliases(conn, from)?;
        names.push(source.name.clone());
        diesel::delete(unit_aliases::table.filter(unit_aliases::unit_id.eq(from))).execute(conn)?;
        let mut target_aliases = aliases(conn, into)?;
        for n in names {
            if !target_aliases.iter().any(|a| fold(a) == fold(&n)) && fold(&n) != fold(&target.name)
            {
                target_aliases.push(n);
            }
        }
        diesel::delete(unit_aliases::table.filter(unit_aliases::unit_id.eq(into))).execute(conn)?;
        insert_aliases(conn, into, &target_aliases)?;
        diesel::update(units::table.find(into))
            .set(units::search_key.eq(search_key(
                &target.name,
                &target.short_name,
                &target_aliases,
            )))
            .execute(conn)?;
        diesel::update(units::table.find(from))
            .set((
                units::active.eq(false),
                units::merged_into_id.eq(into),
                units::search_key.eq(search_key(&source.name, &source.short_name, &[])),
                units::updated_at.eq(at),
            ))
            .execute(conn)?;
        // A merged unit's members belong to the survivor's groups too.
        let group_ids: Vec<i64> = unit_group_members::table
            .filter(unit_group_members::unit_id.eq(from))
            .select(unit_group_members::group_id)
            .load(conn)?;
        diesel::delete(unit_group_members::table.filter(unit_group_members::unit_id.eq(from)))
            .execute(conn)?;
        for g in group_ids {
            add_group_member(conn, g, into)?;
        }
        for task_id in moved.iter().chain(&open_coordinated) {
            crate::models::task::refresh_search_text(conn, *task_id)?;
            crate::models::task::sync_units(conn, *task_id)?;
        }
        Ok(moved.len())
    })
}

pub fn create_group(conn: &mut DbConn, name: &str) -> AppResult<i64> {
    Ok(diesel::insert_into(unit_groups::table)
        .values((
            unit_groups::name.eq(name.trim()),
            unit_groups::folded.eq(fold(name)),
        ))
        .returning(unit_groups::id)
        .get_result(conn)?)
}

pub fn add_group_member(conn: &mut DbConn, group_id: i64, unit_id: UnitId) -> AppResult<()> {
    let member = unit_group_members::table
        .filter(unit_group_members::group_id.eq(group_id))
        .filter(unit_group_members::unit_id.eq(unit_id));
    let already: i64 = member.count().get_result(conn)?;
    if already == 0 {
        diesel::insert_into(unit_group_members::table)
            .values((
                unit_group_members::group_id.eq(group_id),
                unit_group_members::unit_id.eq(unit_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn groups(conn: &mut DbConn) -> AppResult<Vec<(Group, i64)>> {
    let groups: Vec<Group> = unit_groups::table
        .order(unit_groups::name)
        .select(Group::as_select())
        .load(conn)?;
    let counts: HashMap<i64, i64> = unit_group_members::table
        .group_by(unit_group_members::group_id)
        .select((unit_group_members::group_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(groups
        .into_iter()
        .map(|g| {
            let n = counts.get(&g.id).copied().unwrap_or(0);
            (g, n)
        })
        .collect())
}

pub fn get_group(conn: &mut DbConn, id: i64) -> AppResult<Group> {
    unit_groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
        .found()
}

/// The active members of a group: what a mention of the group fans out to.
pub fn group_members(conn: &mut DbConn, group_id: i64) -> AppResult<Vec<UnitId>> {
    Ok(unit_group_members::table
        .inner_join(units::table)
        .filter(unit_group_members::group_id.eq(group_id))
        .filter(units::active.eq(true))
        .order(units::name)
        .select(units::id)
        .load(conn)?)
}

/// Renames a group and replaces its members, in one transaction. Returns false if the name
/// belongs to another group.
pub fn save_group(
    conn: &mut DbConn,
    id: Option<i64>,
    name: &str,
    members: &[UnitId],
) -> AppResult<Option<i64>> {
    crate::db::write(conn, |conn| {
        let clash: Option<i64> = unit_groups::table
            .filter(unit_groups::folded.eq(fold(name)))
            .select(unit_groups::id)
            .first(conn)
            .optional()?;
        if clash.is_some_and(|c| Some(c) != id) {
            return Ok(None);
        }
        let id = match id {
            Some(id) => {
                diesel::update(unit_groups::table.find(id))
                    .set((
                        unit_groups::name.eq(name.trim()),
                        unit_groups::folded.eq(fold(name)),
                    ))
                    .execute(conn)?;
                diesel::delete(
                    unit_group_members::table.filter(unit_group_members::group_id.eq(id)),
                )
                .execute(conn)?;
                id
            }
            None => create_group(conn, name)?,
        };
        for m in members {
            add_group_member(conn, id, *m)?;
        }
        Ok(Some(id))
    })
}

pub fn all_group_members(conn: &mut DbConn, group_id: i64) -> AppResult<Vec<UnitId>> {
    Ok(unit_group_members::table
        .filter(unit_group_members::group_id.eq(group_id))
        .select(unit_group_members::unit_id)
        .load(conn)?)
}

/// Loads the directory into an empty database; does nothing once any unit exists.
pub fn seed_directory_if_empty(conn: &mut DbConn, at: NaiveDateTime) -> AppResult<bool> {
    if count(conn)? > 0 {
        return Ok(false);
    }
    crate::db::write(conn, |conn| {
        let mut groups = std::collections::HashMap::new();
        for g in [
            directory::GROUP_PROVINCIAL,
            directory::GROUP_MINISTRY,
            directory::GROUP_PEOPLES_COMMITTEES,
        ] {
            groups.insert(g, create_group(conn, g)?);
        }
        for (new, aliases, group) in directory::entries() {
            let id = create(conn, &new, &aliases, at)?;
            if let Some(gid) = groups.get(group) {
                add_group_member(conn, *gid, id)?;
            }
        }
        Ok(true)
    })
}
