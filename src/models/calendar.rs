//! The working calendar's yearly schedules as stored: loaded into the pure `Calendar`, edited
//! by administrators, seeded from the shipped schedules.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::{holiday_days, holiday_years};
use crate::db::DbConn;
use crate::domain::calendar::{Calendar, Schedule};
use crate::error::AppResult;

pub const OFF: &str = "off";
pub const WORK: &str = "work";

/// The calendar as the database holds it: two small tables, read whole.
pub fn load(conn: &mut DbConn) -> AppResult<Calendar> {
    read(conn, None)
}

/// The working day `n` working days after `day`, for a window of a few weeks from today (the
/// "due soon" window, a reply-by date): only that year's and the next year's schedules are
/// read, as every list of tasks due soon asks it (the whole calendar was a tenth of the page).
pub fn working_days_after(conn: &mut DbConn, day: NaiveDate, n: i64) -> AppResult<NaiveDate> {
    let calendar = read(conn, Some((day.year(), day.year() + 1)))?;
    Ok(calendar.add_working_days(day, n))
}

/// The schedules of the years from one to another (both included), or of every year.
fn read(conn: &mut DbConn, years: Option<(i32, i32)>) -> AppResult<Calendar> {
    let known: Vec<i32> = crate::db::load!(conn, {
        let mut q = holiday_years::table
            .select(holiday_years::year)
            .into_boxed();
        if let Some((from, to)) = years {
            q = q.filter(holiday_years::year.between(from, to));
        }
        q
    })?;
    let mut official: HashMap<i32, Schedule> = known
        .into_iter()
        .map(|y| (y, Schedule::default()))
        .collect();
    let first_and_last = years.and_then(|(from, to)| {
        Some((
            NaiveDate::from_ymd_opt(from, 1, 1)?,
            NaiveDate::from_ymd_opt(to, 12, 31)?,
        ))
    });
    let days: Vec<(NaiveDate, String, String)> = crate::db::load!(conn, {
        let mut q = holiday_days::table
            .select((holiday_days::day, holiday_days::kind, holiday_days::name))
            .into_boxed();
        if let Some((first, last)) = first_and_last {
            q = q.filter(holiday_days::day.between(first, last));
        }
        q
    })?;
    for (day, kind, name) in days {
        if let Some(s) = official.get_mut(&day.year()) {
            if kind == WORK {
                s.working_saturdays.insert(day, name);
            } else {
                s.days_off.insert(day, name);
            }
        }
    }
    Ok(Calendar::new(official))
}

/// Stores the shipped schedules into an empty calendar.
pub fn seed_if_empty(conn: &mut DbConn) -> AppResult<bool> {
    let n: i64 = holiday_years::table.count().get_result(conn)?;
    if n > 0 {
        return Ok(false);
    }
    crate::db::write(conn, |conn| {
        for (year, s) in crate::domain::holidays::shipped() {
            mark_year(conn, year, "Lịch nghỉ chính thức (kèm theo phần mềm)")?;
            for (d, name) in &s.days_off {
                set_day(conn, *d, OFF, name)?;
            }
            for (d, name) in &s.working_saturdays {
                set_day(conn, *d, WORK, name)?;
            }
        }
        Ok(true)
    })
}

pub fn mark_year(conn: &mut DbConn, year: i32, source: &str) -> AppResult<()> {
    diesel::delete(holiday_years::table.find(year)).execute(conn)?;
    diesel::insert_into(holiday_years::table)
        .values((
            holiday_years::year.eq(year),
            holiday_years::source.eq(source.trim()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn unmark_year(conn: &mut DbConn, year: i32) -> AppResult<()> {
    diesel::delete(holiday_years::table.find(year)).execute(conn)?;
    Ok(())
}

pub fn year_source(conn: &mut DbConn, year: i32) -> AppResult<Option<String>> {
    Ok(holiday_years::table
        .find(year)
        .select(holiday_years::source)
        .first(conn)
        .optional()?)
}

pub fn set_day(conn: &mut DbConn, day: NaiveDate, kind: &str, name: &str) -> AppResult<()> {
    diesel::delete(holiday_days::table.find(day)).execute(conn)?;
    diesel::insert_into(holiday_days::table)
        .values((
            holiday_days::day.eq(day),
            holiday_days::kind.eq(kind),
            holiday_days::name.eq(name.trim()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Declares every day of a range (one transaction); a year gets an official schedule by it.
pub fn set_range(
    conn: &mut DbConn,
    first: NaiveDate,
    last: NaiveDate,
    kind: &str,
    name: &str,
) -> AppResult<()> {
    crate::db::write(conn, |conn| {
        let mut d = first;
        while d <= last {
            if year_source(conn, d.year())?.is_none() {
                mark_year(conn, d.year(), "")?;
            }
            set_day(conn, d, kind, name)?;
            d = d + Days::new(1);
        }
        Ok(())
    })
}

pub fn delete_day(conn: &mut DbConn, day: NaiveDate) -> AppResult<()> {
    diesel::delete(holiday_days::table.find(day)).execute(conn)?;
    Ok(())
}

/// The declared days of a year, in order: (day, kind, name).
pub fn days_of_year(conn: &mut DbConn, year: i32) -> AppResult<Vec<(NaiveDate, String, String)>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    Ok(holiday_days::table
        .filter(holiday_days::day.between(first, last))
        .order(holiday_days::day)
        .select((holiday_days::day, holiday_days::kind, holiday_days::name))
        .load(conn)?)
}

pub fn years(conn: &mut DbConn) -> AppResult<Vec<i32>> {
    Ok(holiday_years::table
        .order(holiday_years::year)
        .select(holiday_years::year)
        .load(conn)?)
}
