//! The working calendar's yearly schedules, edited by administrators.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate};

use crate::domain::dates::parse_date;
use crate::domain::permissions::{allowed, Action, Target};
use crate::models::calendar;
use crate::web::auth::Auth;
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};
use crate::web::AppState;

fn require(auth: &Auth) -> WebResult<()> {
    if allowed(&auth.actor()?, Action::ManageCalendar, Target::System) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

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

struct Typed {
    first: String,
    last: String,
    kind: String,
    name: String,
}

async fn page(
    state: &web::Data<AppState>,
    auth: &Auth,
    year: i32,
    typed: Typed,
    errors: Errors,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let (official, days, years) = crate::db::run(&state.pool, move |conn| {
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
        ctx: Ctx::new(auth),
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

fn year_of(req: &HttpRequest) -> i32 {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.parse().ok())
        .filter(|y| (1990..=2200).contains(y))
        .unwrap_or_else(|| crate::web::tasks::today().year())
}

pub async fn page_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
) -> WebResult<HttpResponse> {
    require(&auth)?;
    let blank = Typed {
        first: String::new(),
        last: String::new(),
        kind: calendar::OFF.into(),
        name: String::new(),
    };
    page(
        &state,
        &auth,
        year_of(&req),
        blank,
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// One form for every change: `op` is add (a range of days), delete (one day), or the year's
/// official flag (mark / unmark).
pub async fn save(state: web::Data<AppState>, auth: Auth, form: Form) -> WebResult<HttpResponse> {
    auth.post(&form)?;
    require(&auth)?;
    let year: i32 = form
        .get("year")
        .parse()
        .ok()
        .filter(|y| (1990..=2200).contains(y))
        .ok_or_else(|| WebError::BadRequest("year".into()))?;
    let back = format!("/admin/calendar?year={year}&done=saved");
    match form.get("op") {
        "add" => {
            let typed = Typed {
                first: form.get("first").trim().into(),
                last: form.get("last").trim().into(),
                kind: form.get("kind").into(),
                name: form.get("name").trim().into(),
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
            if typed.kind == calendar::WORK
                && first.is_some_and(|d| d.weekday() != chrono::Weekday::Sat)
            {
                errors.add("first", "error.not_saturday");
            }
            if !errors.is_empty() {
                return page(
                    &state,
                    &auth,
                    year,
                    typed,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            let (a, b) = (first.unwrap_or_default(), last.unwrap_or_default());
            let (kind, name) = (typed.kind.clone(), typed.name.clone());
            crate::db::run(&state.pool, move |conn| {
                calendar::set_range(conn, a, b, &kind, &name)
            })
            .await?;
            Ok(redirect(&format!(
                "/admin/calendar?year={}&done=saved",
                a.year()
            )))
        }
        "delete" => {
            let day =
                parse_date(form.get("day")).ok_or_else(|| WebError::BadRequest("day".into()))?;
            crate::db::run(&state.pool, move |conn| calendar::delete_day(conn, day)).await?;
            Ok(redirect(&back))
        }
        "mark" => {
            let source = form.get("source").to_string();
            crate::db::run(&state.pool, move |conn| {
                calendar::mark_year(conn, year, &source)
            })
            .await?;
            Ok(redirect(&back))
        }
        "unmark" => {
            crate::db::run(&state.pool, move |conn| calendar::unmark_year(conn, year)).await?;
            Ok(redirect(&back))
        }
        _ => Err(WebError::BadRequest("op".into())),
    }
}
