//! The working calendar's yearly schedules, edited by administrators.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::domain::dates::parse_date;
use crate::domain::permissions::Action;
use crate::models::calendar;
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};
use crate::web::query::{lenient, Query};

pub struct DayRow {
    pub day: NaiveDate,
    pub weekday: &'static str,
    pub kind: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: Ctx,
    year: i32,
    years: Vec<i32>,
    official: Option<String>,
    rows: Vec<DayRow>,
    /// What the statutory rule alone gives, shown for a year without a schedule.
    statutory: Vec<DayRow>,
    errors: Errors,
    first: String,
    last: String,
    kind: String,
    name: String,
}

fn weekday_key(d: NaiveDate) -> &'static str {
    [
        "weekday.mon",
        "weekday.tue",
        "weekday.wed",
        "weekday.thu",
        "weekday.fri",
        "weekday.sat",
        "weekday.sun",
    ][d.weekday().num_days_from_monday() as usize]
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Typed {
    first: String,
    last: String,
    kind: String,
    name: String,
}

async fn page(
    call: &Call,
    year: i32,
    typed: Typed,
    errors: Errors,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let (official, days, years) = crate::db::run(&call.state.pool, move |conn| {
        Ok((
            calendar::year_source(conn, year)?,
            calendar::days_of_year(conn, year)?,
            calendar::years(conn)?,
        ))
    })
    .await?;
    let rows = days
        .into_iter()
        .map(|(day, kind, name)| DayRow {
            day,
            weekday: weekday_key(day),
            kind,
            name,
        })
        .collect();
    let statutory = if official.is_none() {
        crate::domain::calendar::statutory(year)
            .days_off
            .into_iter()
            .map(|(day, name)| DayRow {
                day,
                weekday: weekday_key(day),
                kind: calendar::OFF.into(),
                name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let p = CalendarPage {
        ctx: Ctx::new(&call.auth),
        year,
        years,
        official,
        rows,
        statutory,
        errors,
        first: typed.first,
        last: typed.last,
        kind: typed.kind,
        name: typed.name,
    };
    render_status(&p, status)
}

/// `/admin/calendar?year=…`: this year when absent or out of range.
#[derive(Default, Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "lenient")]
    year: Option<i32>,
}

impl YearQuery {
    fn year(&self) -> i32 {
        self.year
            .filter(|y| (1990..=2200).contains(y))
            .unwrap_or_else(|| crate::web::tasks::today().year())
    }
}

pub async fn page_get(Query(query): Query<YearQuery>, call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageCalendar)?;
    let blank = Typed {
        first: String::new(),
        last: String::new(),
        kind: calendar::OFF.into(),
        name: String::new(),
    };
    page(
        &call,
        query.year(),
        blank,
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// A range of days off or a make-up working Saturday, as typed; `year` is the year the page
/// showed.
#[derive(Deserialize)]
struct RangeForm {
    #[serde(default, deserialize_with = "lenient")]
    year: Option<i32>,
    #[serde(flatten)]
    typed: Typed,
}

fn year_in_range(year: Option<i32>) -> WebResult<i32> {
    year.filter(|y| (1990..=2200).contains(y))
        .ok_or_else(|| WebError::BadRequest("year".into()))
}

/// `POST /admin/calendar/days`: adds a range of days off (or a make-up working Saturday).
pub async fn add_days(call: Call, form: Form) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageCalendar)?;
    let RangeForm { year, typed } = form.parse()?;
    let year = year_in_range(year)?;
    let typed = Typed {
        first: typed.first.trim().into(),
        last: typed.last.trim().into(),
        kind: typed.kind,
        name: typed.name.trim().into(),
    };
    let mut errors = Errors::default();
    let first = parse_date(&typed.first);
    let last = if typed.last.is_empty() {
        first
    } else {
        parse_date(&typed.last)
    };
    if first.is_none() {
        errors.add("first", "error.date");
    }
    if last.is_none() {
        errors.add("last", "error.date");
    }
    if let (Some(a), Some(b)) = (first, last) {
        if b < a || (b - a).num_days() > 31 {
            errors.add("last", "error.range");
        }
    }
    if typed.kind != calendar::OFF && typed.kind != calendar::WORK {
        errors.add("kind", "error.invalid_choice");
    }
    if typed.name.is_empty() {
        errors.add("name", "error.required");
    }
    if typed.kind == calendar::WORK && first.is_some_and(|d| d.weekday() != chrono::Weekday::Sat) {
        errors.add("first", "error.not_saturday");
    }
    let (Some(a), Some(b), true) = (first, last, errors.is_empty()) else {
        return page(&call, year, typed, errors, UNPROCESSABLE).await;
    };
    let (kind, name) = (typed.kind, typed.name);
    crate::db::run(&call.state.pool, move |conn| {
        calendar::set_range(conn, a, b, &kind, &name)
    })
    .await?;
    Ok(redirect(&saved(a.year())))
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// Where a change goes back to: the year's page, saying it was saved.
fn saved(year: i32) -> String {
    format!("/admin/calendar?year={year}&done=saved")
}

/// `POST /admin/calendar/days/{day}/delete`: the day goes back to the rule (a weekday works,
/// a weekend rests).
pub async fn delete_day(Posted { call, id, form }: Posted<String>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageCalendar)?;
    let day = parse_date(&id).ok_or(WebError::NotFound)?;
    crate::db::run(&call.state.pool, move |conn| {
        calendar::delete_day(conn, day)
    })
    .await?;
    Ok(redirect(&saved(day.year())))
}

/// A year in the address: one the calendar keeps, or no such page.
fn path_year(year: i32) -> WebResult<i32> {
    year_in_range(Some(year)).map_err(|_| WebError::NotFound)
}

#[derive(Deserialize)]
struct SourceForm {
    /// The decision the year's schedule comes from.
    #[serde(default)]
    source: String,
}

/// `POST /admin/calendar/{year}/official`: the year's schedule is the official one.
pub async fn mark_official(Posted { call, id, form }: Posted<i32>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageCalendar)?;
    let year = path_year(id)?;
    let SourceForm { source } = form.parse()?;
    crate::db::run(&call.state.pool, move |conn| {
        calendar::mark_year(conn, year, &source)
    })
    .await?;
    Ok(redirect(&saved(year)))
}

/// `POST /admin/calendar/{year}/unofficial`: the year falls back to the statutory holidays.
pub async fn unmark_official(Posted { call, id, form }: Posted<i32>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageCalendar)?;
    let year = path_year(id)?;
    crate::db::run(&call.state.pool, move |conn| {
        calendar::unmark_year(conn, year)
    })
    .await?;
    Ok(redirect(&saved(year)))
}
