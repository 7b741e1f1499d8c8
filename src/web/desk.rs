//! The landing page "Việc cần xử lý": what waits for the person, by role (models::desk), and
//! the list of notifications; and the counts the menu shows on every page, remembered for a
//! short while per person so that a page costs one lookup, not a count of the tasks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::DbConn;
use crate::domain::dates::Moment;
use crate::domain::ids::{TaskId, UserId};
use crate::domain::permissions::Actor;
use crate::models::desk::{self, Found, Section};
use crate::models::notification::{self, Notification};
use crate::models::task::{self, ListRow};
use crate::web::auth::Auth;
use crate::web::error::WebResult;
use crate::web::pages::{render, Ctx};
use crate::web::tasks::{today, DUE_SOON_WORKING_DAYS};
use crate::web::AppState;

/// How long the menu's counts are kept before they are counted again. Any change made through
/// this instance drops them all at once (`MenuCounts::changed`); a change made through another
/// instance shows within this time.
const KEPT: Duration = Duration::from_secs(20);

/// The most people whose counts are kept; past it the memory is emptied and refilled.
const KEPT_PEOPLE: usize = 10_000;

/// What the menu shows: things waiting on the desk, unread notifications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub desk: i64,
    pub unread: i64,
}

/// The menu's counts per person, for `KEPT` or until the next change.
#[derive(Default)]
pub struct MenuCounts {
    kept: Mutex<HashMap<UserId, (Instant, u64, Waiting)>>,
    /// Bumped by every change: counts kept from before it are counted again.
    generation: AtomicU64,
}

impl MenuCounts {
    /// The person's counts, from memory or counted now.
    pub fn get(&self, conn: &mut DbConn, actor: &Actor) -> WebResult<Waiting> {
        let now = Instant::now();
        let generation = self.generation.load(Ordering::Acquire);
        if let Some((at, g, w)) = self.lock().get(&actor.user_id) {
            if *g == generation && now.duration_since(*at) < KEPT {
                return Ok(*w);
            }
        }
        let w = count(conn, actor)?;
        let mut kept = self.lock();
        if kept.len() >= KEPT_PEOPLE {
            kept.clear();
        }
        kept.insert(actor.user_id, (now, generation, w));
        Ok(w)
    }

    /// Something changed (a form was sent): every count is made again when next shown.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, (Instant, u64, Waiting)>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The end of the "due soon" window, on the working calendar.
fn soon_until(conn: &mut DbConn) -> WebResult<chrono::NaiveDate> {
    let calendar = crate::models::calendar::load(conn)?;
    Ok(calendar.add_working_days(today(), DUE_SOON_WORKING_DAYS))
}

fn count(conn: &mut DbConn, actor: &Actor) -> WebResult<Waiting> {
    let until = soon_until(conn)?;
    let found = desk::waiting(conn, actor, today(), until)?;
    Ok(Waiting {
        desk: found.iter().map(Found::count).sum(),
        unread: notification::unread(conn, actor.user_id)?,
    })
}

/// One section of the desk: what it is, how many (up to the cap), the first few, and the list
/// that holds them all.
pub struct Shown {
    pub key: &'static str,
    pub count: i64,
    pub rows: Vec<ListRow>,
    pub drafts: Vec<i64>,
    pub link: &'static str,
}

/// How many of a section's tasks the desk names.
const NAMED: usize = 10;

fn link(s: Section) -> &'static str {
    match s {
        Section::ToConfirm => "/tasks?status=reported",
        Section::ExtensionsToDecide => "/extensions",
        Section::Drafts => "/directives/new",
        Section::OverdueNotChased => "/tasks?status=open&bucket=open_overdue",
        Section::UnitsOverdue => "/tasks?scope=mine&status=open&bucket=open_overdue",
        Section::ToStart => "/tasks?status=assigned",
        Section::DueSoon => "/tasks?soon=yes&status=open",
        Section::Returned | Section::ToExplain | Section::ExplanationsToDecide => "",
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    ctx: Ctx,
    sections: Vec<Shown>,
}

/// `GET /desk`: the landing page.
pub async fn desk(state: web::Data<AppState>, auth: Auth) -> WebResult<HttpResponse> {
    let actor = auth.actor()?;
    let sections = crate::web::error::run(&state.pool, move |conn| {
        let until = soon_until(conn)?;
        let found = desk::waiting(conn, &actor, today(), until)?;
        let mut out = Vec::new();
        for f in found {
            let first: Vec<i64> = f.ids.iter().take(NAMED).copied().collect();
            let (rows, drafts) = match f.section {
                Section::Drafts => (Vec::new(), first),
                _ => {
                    let ids: Vec<TaskId> = first.into_iter().map(TaskId).collect();
                    (task::rows_for(conn, &ids, today())?, Vec::new())
                }
            };
            out.push(Shown {
                key: f.section.key(),
                count: f.count(),
                rows,
                drafts,
                link: link(f.section),
            });
        }
        Ok(out)
    })
    .await?;
    render(&DeskPage {
        ctx: Ctx::new(&auth),
        sections,
    })
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    rows: Vec<Notification>,
    seen: Option<chrono::NaiveDateTime>,
}

impl NotificationsPage {
    fn unread(&self, n: &Notification) -> bool {
        self.seen.is_none_or(|s| n.created_at > s)
    }
}

/// `GET /notifications`: the newest first, those since the last visit marked unread; opening
/// the list reads them.
pub async fn notifications(state: web::Data<AppState>, auth: Auth) -> WebResult<HttpResponse> {
    let actor = auth.actor()?;
    let (rows, seen) = crate::db::run(&state.pool, move |conn| {
        let listed = notification::list(conn, actor.user_id)?;
        notification::mark_seen(conn, actor.user_id, Moment::now().now)?;
        Ok(listed)
    })
    .await?;
    state.menu.changed();
    render(&NotificationsPage {
        ctx: Ctx::new(&auth),
        rows,
        seen,
    })
}
