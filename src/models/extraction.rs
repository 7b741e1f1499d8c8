//! The extractor's view of the database's unit directory.

use diesel::prelude::*;

use crate::db::schema::{unit_aliases, unit_group_members, unit_groups, units};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::extract::units::Directory;

/// Active units with every name they answer to, and groups with their members.
pub fn directory(conn: &mut DbConn) -> AppResult<Directory> {
    let rows: Vec<(i64, String, String)> = units::table
        .filter(units::active.eq(true))
        .order(units::id)
        .select((units::id, units::name, units::short_name))
        .load(conn)?;
    let aliases: Vec<(i64, String)> = unit_aliases::table
        .select((unit_aliases::unit_id, unit_aliases::alias))
        .load(conn)?;
    let position: std::collections::HashMap<i64, usize> =
        rows.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
    let mut names: Vec<(i64, Vec<String>)> = rows
        .into_iter()
        .map(|(id, n, s)| (id, vec![n, s]))
        .collect();
    for (unit, alias) in aliases {
        if let Some(i) = position.get(&unit) {
            names[*i].1.push(alias);
        }
    }
    let groups: Vec<(i64, String)> = unit_groups::table
        .select((unit_groups::id, unit_groups::name))
        .load(conn)?;
    let members: Vec<(i64, i64)> = unit_group_members::table
        .select((unit_group_members::group_id, unit_group_members::unit_id))
        .load(conn)?;
    let groups = groups
        .into_iter()
        .map(|(gid, name)| {
            let m = members
                .iter()
                .filter(|(g, _)| *g == gid)
                .filter_map(|(_, u)| position.get(u).copied())
                .collect();
            (gid, name, m)
        })
        .collect();
    Ok(Directory::new(names, groups))
}
