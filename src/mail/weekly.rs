//! A leader's Monday summary of the units in their charge: the four buckets of this year's
//! tasks and their change since last week's summary, the five most overdue tasks, and the
//! explanations waiting.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::DbConn;
use crate::domain::dates::format_date;
use crate::domain::mail::Kind;
use crate::domain::permissions::{Actor, Role};
use crate::domain::status::Timeliness;
use crate::error::AppResult;
use crate::i18n::{number, t};
use crate::mail::letter::{fill, section, Built, Context, Letter};
use crate::mail::payload::{self, Payload};
use crate::models::{explanation, task};

/// How many of the most overdue tasks the summary names.
const MOST_OVERDUE: i64 = 5;

/// The summary queued for the same leader a week earlier, if there was one.
fn last_week(conn: &mut DbConn, p: &payload::WeeklySummary) -> AppResult<Option<[i64; 4]>> {
    let earlier = (p.day - Days::new(7)).to_string();
    let rows: Vec<String> = outbox::table
        .filter(outbox::kind.eq(Kind::WeeklySummary))
        .filter(outbox::user_id.eq(p.leader))
        .select(outbox::payload)
        .order(outbox::id.desc())
        .limit(20)
        .load(conn)?;
    Ok(rows
        .iter()
        .filter_map(|r| match Payload::read(Kind::WeeklySummary, r) {
            Some(Payload::WeeklySummary(w)) if w.day.to_string() == earlier => Some(w.counts),
            _ => None,
        })
        .next())
}

/// "▲ 3", "▼ 2" or "=" against last week; nothing without a last week.
fn change(lang: crate::i18n::Lang, now: i64, before: Option<i64>) -> String {
    match before.map(|b| now - b) {
        Some(d) if d > 0 => format!(" (▲ {})", number(lang, d)),
        Some(d) if d < 0 => format!(" (▼ {})", number(lang, -d)),
        Some(_) => " (=)".to_string(),
        None => String::new(),
    }
}

pub(super) fn letter(
    conn: &mut DbConn,
    ctx: &Context,
    mut l: Letter,
    p: payload::WeeklySummary,
    today: NaiveDate,
) -> AppResult<Built> {
    let lang = l.lang;
    let day = format_date(p.day);
    l.subject = fill(
        lang,
        "mail.weekly.subject",
        &[("app", t(lang, "app.name")), ("date", &day)],
    );
    l.lines
        .push(fill(lang, "mail.weekly.intro", &[("date", &day)]));
    let before = last_week(conn, &p)?;
    for (i, b) in Timeliness::ALL.iter().enumerate() {
        l.lines.push(format!(
            "{}: {}{}",
            t(lang, &format!("bucket.{}", b.as_str())),
            number(lang, p.counts[i]),
            change(lang, p.counts[i], before.map(|c| c[i]))
        ));
    }
    let leader = Actor {
        user_id: p.leader,
        role: Role::Leader,
        unit_id: None,
    };
    let worst = task::most_overdue(conn, &leader, Some(p.leader), today, MOST_OVERDUE)?;
    if !worst.is_empty() {
        l.sections.push(section(
            lang,
            ctx,
            t(lang, "mail.weekly.most_overdue"),
            &worst,
        ));
    }
    let (waiting, unanswered) = explanation::open_in_charge_of(conn, p.leader, today)?;
    l.lines.push(format!(
        "{}: {} · {}: {}",
        t(lang, "mail.weekly.waiting"),
        number(lang, waiting),
        t(lang, "mail.weekly.unanswered"),
        number(lang, unanswered)
    ));
    l.action = Some((
        t(lang, "mail.weekly.open").into(),
        format!("{}/dashboard?scope=mine", ctx.public_url),
    ));
    Ok(Ok(l))
}
