//! Webhook endpoints and their deliveries. A change queues one delivery per endpoint that wants
//! its event, in the change's own transaction (a change that rolls back tells nobody); the
//! loop that delivers mail claims due deliveries with a lease, so several servers never send
//! the same one at once, and retries with the mail outbox's backoff (`domain::delivery`).

use chrono::{NaiveDateTime, SecondsFormat};
use diesel::prelude::*;

use crate::db::lease::{self, Queue};
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::delivery::{backoff, MAX_ATTEMPTS};
use crate::domain::ids::TaskId;
use crate::domain::webhook::{format_events, parse_events, Event};
use crate::error::{AppError, AppResult};

crate::words! {
    pub enum State {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub events: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl Webhook {
    pub fn wants(&self) -> Vec<Event> {
        parse_events(&self.events)
    }
}

pub fn create(
    conn: &mut DbConn,
    url: &str,
    secret: &str,
    events: &[Event],
    at: NaiveDateTime,
) -> AppResult<i64> {
    Ok(diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(url),
            webhooks::secret.eq(secret),
            webhooks::events.eq(format_events(events)),
            webhooks::active.eq(true),
            webhooks::created_at.eq(at),
        ))
        .returning(webhooks::id)
        .get_result(conn)?)
}

pub fn all(conn: &mut DbConn) -> AppResult<Vec<Webhook>> {
    Ok(webhooks::table
        .order(webhooks::id)
        .select(Webhook::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<Webhook> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)
        .found()
}

/// Turns an endpoint on or off; an endpoint off is told nothing (its pending deliveries wait).
pub fn set_active(conn: &mut DbConn, id: i64, active: bool) -> AppResult<()> {
    let n = diesel::update(webhooks::table.find(id))
        .set(webhooks::active.eq(active))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Removes an endpoint and its deliveries.
pub fn delete(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
        .execute(conn)?;
    let n = diesel::delete(webhooks::table.find(id)).execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// One occurrence of an event: what happened, once (`key` names it, so noticing it twice
/// sends it once), and what to say.
pub struct Occurrence {
    pub event: Event,
    pub key: String,
    pub data: serde_json::Value,
}

impl Occurrence {
    /// An event about tasks: each task as lists show it.
    pub fn tasks(
        conn: &mut DbConn,
        event: Event,
        key: String,
        ids: &[TaskId],
        extra: serde_json::Value,
        today: chrono::NaiveDate,
    ) -> AppResult<Occurrence> {
        let tasks: Vec<serde_json::Value> = crate::models::task::rows_for(conn, ids, today)?
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "status": r.status,
                    "timeliness": r.timeliness,
                    "due_on": r.due_on,
                    "progress": r.progress,
                    "lead_unit": {"id": r.lead_unit_id, "name": r.lead_unit},
                    "directive": {"id": r.directive_id, "number": r.directive_number},
                    "item_label": r.item_label,
                    "item_text": r.item_text,
                    "url": format!("/tasks/{}", r.id),
                })
            })
            .collect();
        let mut data = serde_json::json!({ "tasks": tasks });
        if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        Ok(Occurrence { event, key, data })
    }
}

/// The active endpoints that want `event`.
fn wanting(conn: &mut DbConn, event: Event) -> AppResult<Vec<Webhook>> {
    let hooks: Vec<Webhook> = webhooks::table
        .filter(webhooks::active.eq(true))
        .select(Webhook::as_select())
        .load(conn)?;
    Ok(hooks
        .into_iter()
        .filter(|h| h.wants().contains(&event))
        .collect())
}

/// Tells the endpoints that want `event` about these tasks, once per `key` (nothing more is
/// read when no endpoint wants it). The caller holds the change's transaction.
pub fn tell(
    conn: &mut DbConn,
    event: Event,
    key: String,
    ids: &[TaskId],
    extra: serde_json::Value,
    at: crate::domain::dates::Moment,
) -> AppResult<()> {
    let hooks = wanting(conn, event)?;
    if !hooks.is_empty() {
        let o = Occurrence::tasks(conn, event, key, ids, extra, at.today)?;
        emit(conn, &hooks, &o, at.now)?;
    }
    Ok(())
}

/// Open tasks that fell due in the last week and are not done: each told of once as overdue
/// (a pass missed for a few days catches up). Read through the (is_open, due_key) index, and
/// not at all when no endpoint wants to hear of it.
pub fn tell_overdue(conn: &mut DbConn, at: crate::domain::dates::Moment) -> AppResult<()> {
    use crate::db::schema::tasks;
    let hooks = wanting(conn, Event::Overdue)?;
    if hooks.is_empty() {
        return Ok(());
    }
    let since = at.today - chrono::Duration::days(7);
    let due: Vec<(TaskId, chrono::NaiveDate)> = tasks::table
        .filter(tasks::is_open.eq(true))
        // A reported task waits on the secretariat, not on its unit: never overdue.
        .filter(tasks::status.ne(crate::domain::status::Status::Reported))
        .filter(tasks::due_key.ge(since))
        .filter(tasks::due_key.lt(at.today))
        .select((tasks::id, tasks::due_key))
        .load(conn)?;
    for (id, day) in due {
        let extra = serde_json::json!({ "due_on": day });
        let key = format!("overdue:{id}:{day}");
        let o = Occurrence::tasks(conn, Event::Overdue, key, &[id], extra, at.today)?;
        emit(conn, &hooks, &o, at.now)?;
    }
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct NewDelivery {
    webhook_id: i64,
    dedupe_key: String,
    event: String,
    body: String,
    status: String,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Queues the occurrence for each of `hooks` (those that want its event; the caller holds the
/// change's transaction). Returns how many deliveries were new.
fn emit(
    conn: &mut DbConn,
    hooks: &[Webhook],
    o: &Occurrence,
    at: NaiveDateTime,
) -> AppResult<usize> {
    let rows: Vec<NewDelivery> = hooks
        .iter()
        .map(|h| {
            let dedupe_key = format!("{}:{}", h.id, o.key);
            let body = serde_json::json!({
                "id": dedupe_key,
                "event": o.event.as_str(),
                "occurred_at": at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true),
                "data": o.data,
            });
            NewDelivery {
                webhook_id: h.id,
                dedupe_key,
                event: o.event.as_str().into(),
                body: body.to_string(),
                status: State::Pending.as_str().into(),
                next_attempt_at: at,
                created_at: at,
            }
        })
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    Ok(match conn {
        DbConn::Sqlite(c) => diesel::insert_or_ignore_into(webhook_deliveries::table)
            .values(&rows)
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(webhook_deliveries::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(c)?,
    })
}

/// A claimed delivery, with where it goes.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub key: String,
    pub body: String,
    pub attempts: i32,
}

/// Claims up to `limit` deliveries due now for active endpoints, leased until `now + lease`.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease: chrono::Duration,
    limit: i64,
) -> AppResult<Vec<Claimed>> {
    let queue = Queue {
        table: "webhook_deliveries",
        from: "webhook_deliveries r JOIN webhooks w ON w.id = r.webhook_id",
        ready: format!("r.status = '{}' AND w.active", State::Pending.as_str()),
    };
    let ids = lease::claim(conn, &queue, now, now + lease, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String, String, String, String, i32)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id)
        .select((
            webhook_deliveries::id,
            webhooks::url,
            webhooks::secret,
            webhook_deliveries::event,
            webhook_deliveries::dedupe_key,
            webhook_deliveries::body,
            webhook_deliveries::attempts,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, url, secret, event, key, body, attempts)| Claimed {
            id,
            url,
            secret,
            event,
            key,
            body,
            attempts,
        })
        .collect())
}

/// The receiver took it (a 2xx answer).
pub fn mark_delivered(
    conn: &mut DbConn,
    id: i64,
    status: u16,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(State::Delivered.as_str()),
            webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(Some(i32::from(status))),
            webhook_deliveries::last_error.eq(""),
            webhook_deliveries::delivered_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// It did not arrive: tried again later, as mail is, until the attempts run out.
pub fn mark_retry(
    conn: &mut DbConn,
    d: &Claimed,
    status: Option<u16>,
    error: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let state = if d.attempts >= MAX_ATTEMPTS {
        State::Failed
    } else {
        State::Pending
    };
    let error: String = error.chars().take(500).collect();
    diesel::update(webhook_deliveries::table.find(d.id))
        .set((
            webhook_deliveries::status.eq(state.as_str()),
            webhook_deliveries::next_attempt_at.eq(now + backoff(d.attempts)),
            webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(status.map(i32::from)),
            webhook_deliveries::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// An administrator's "send again": the delivery goes once more, now, whatever its state.
pub fn send_again(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<i64> {
    let webhook_id: i64 = webhook_deliveries::table
        .find(id)
        .select(webhook_deliveries::webhook_id)
        .first(conn)
        .found()?;
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(State::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(webhook_id)
}

/// A line of an endpoint's delivery log.
#[derive(Debug, Clone, Queryable)]
pub struct LogRow {
    pub id: i64,
    pub event: String,
    pub status: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
    pub next_attempt_at: NaiveDateTime,
}

/// The endpoint's latest deliveries, newest first.
pub fn log(conn: &mut DbConn, webhook_id: i64, limit: i64) -> AppResult<Vec<LogRow>> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event,
            webhook_deliveries::status,
            webhook_deliveries::attempts,
            webhook_deliveries::last_status,
            webhook_deliveries::last_error,
            webhook_deliveries::created_at,
            webhook_deliveries::delivered_at,
            webhook_deliveries::next_attempt_at,
        ))
        .load(conn)?)
}
