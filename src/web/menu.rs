//! The counts the menu shows on every page (things on the desk, unread notifications),
//! remembered for a short while per person so that a page costs one lookup, not a count.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::DbConn;
use crate::domain::dates::today_in_vietnam;
use crate::domain::ids::UserId;
use crate::domain::permissions::Actor;
use crate::error::AppResult;
use crate::models::desk::{self, Found};
use crate::models::notification;

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
    pub fn get(&self, conn: &mut DbConn, actor: &Actor) -> AppResult<Waiting> {
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

fn count(conn: &mut DbConn, actor: &Actor) -> AppResult<Waiting> {
    let today = today_in_vietnam(chrono::Utc::now());
    let until = desk::due_soon_until(conn, today)?;
    let found = desk::waiting(conn, actor, today, until)?;
    Ok(Waiting {
        desk: found.iter().map(Found::count).sum(),
        unread: notification::unread(conn, actor.user_id)?,
    })
}
