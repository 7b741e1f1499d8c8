//! The loop inside every `chidao serve` (and `chidao remind` without --once): from the reminder
//! hour on, queue the day's reminders once, and keep delivering the outbox and the webhooks.

use std::sync::Arc;

use chrono::{Timelike, Utc};

use crate::config::MailSettings;
use crate::db::{DbConn, Pool};
use crate::domain::dates::today_in_vietnam;
use crate::error::{AppError, AppResult};
use crate::jobs::reminders::{self, Queued};
use crate::mail::deliver::{self, Tally};
use crate::mail::{Context, Mailer};

/// What the loop needs: where mail goes, how it looks, when reminders are due.
pub struct Mailing {
    pub mailer: Mailer,
    pub ctx: Context,
    pub settings: MailSettings,
}

impl Mailing {
    pub fn new(settings: MailSettings, data_dir: &std::path::Path) -> anyhow::Result<Mailing> {
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::smtp(url, settings.timeout)?,
            None => Mailer::files(data_dir.join("mail"))?,
        };
        let ctx = Context::new(&settings.from, &settings.public_url)?;
        Ok(Mailing {
            mailer,
            ctx,
            settings,
        })
    }

    /// One full pass for `day`: queue its reminders and digests (again, if already done: the
    /// outbox keys make that harmless), then deliver what is due.
    pub fn once(&self, conn: &mut DbConn, day: chrono::NaiveDate) -> AppResult<(Queued, Tally)> {
        let queued = self.queue(conn, day)?;
        let sent = self.deliver(conn, day)?;
        Ok((queued, sent))
    }

    /// Queues the day's reminders and digests, and tells webhook endpoints of the tasks that
    /// fell overdue.
    pub fn queue(&self, conn: &mut DbConn, day: chrono::NaiveDate) -> AppResult<Queued> {
        let cal = crate::models::calendar::load(conn)?;
        let now = Utc::now().naive_utc();
        let queued = reminders::queue_day(conn, &cal, &self.settings.schedule, day, now)?;
        let at = crate::domain::dates::Moment { now, today: day };
        crate::models::webhook::tell_overdue(conn, at)?;
        Ok(queued)
    }

    pub fn deliver(&self, conn: &mut DbConn, today: chrono::NaiveDate) -> AppResult<Tally> {
        self.deliver_at(conn, None, today)
    }

    /// Delivers as if the clock said `at` (None: the clock).
    pub fn deliver_at(
        &self,
        conn: &mut DbConn,
        at: Option<chrono::NaiveDateTime>,
        today: chrono::NaiveDate,
    ) -> AppResult<Tally> {
        deliver::drain(conn, &self.mailer, &self.ctx, self.lease(), at, today, None)
    }

    /// Delivers at most about `max` messages (a batch may go over), then stops.
    pub fn deliver_up_to(
        &self,
        conn: &mut DbConn,
        today: chrono::NaiveDate,
        max: usize,
    ) -> AppResult<Tally> {
        deliver::drain(
            conn,
            &self.mailer,
            &self.ctx,
            self.lease(),
            None,
            today,
            Some(max),
        )
    }

    pub fn lease(&self) -> chrono::Duration {
        deliver::lease_for(self.settings.timeout)
    }

    /// One turn of the loop at the current time.
    fn tick(&self, pool: &Pool) -> AppResult<()> {
        let mut conn = pool.get().map_err(AppError::from_pool)?;
        let now = Utc::now();
        let today = today_in_vietnam(now);
        let vn_hour = (now + chrono::Duration::hours(7)).hour();
        if vn_hour >= self.settings.remind_hour && !reminders::pass_done(&mut conn, today)? {
            let q = self.queue(&mut conn, today)?;
            tracing::info!(%today, reminders = q.reminders, digests = q.digests, "reminders queued");
        }
        let t = self.deliver(&mut conn, today)?;
        if t != Tally::default() {
            tracing::info!(
                sent = t.sent,
                retried = t.retried,
                failed = t.failed,
                skipped = t.skipped,
                "outbox delivered"
            );
        }
        let w = crate::jobs::webhooks::deliver(&mut conn, Utc::now().naive_utc())?;
        if w != crate::jobs::webhooks::Delivered::default() {
            tracing::info!(
                delivered = w.delivered,
                retried = w.retried,
                "webhooks delivered"
            );
        }
        Ok(())
    }
}

/// How often the loop looks at the outbox.
const INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the loop on its own thread for as long as the process lives.
/// The running mail loop: `stop` ends it after the pass under way (a batch being delivered
/// is finished and marked, not cut off).
pub struct Loop {
    stop: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    thread: std::thread::JoinHandle<()>,
}

impl Loop {
    pub fn stop(self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        let _ = self.thread.join();
    }

    /// Runs until the process ends (for `chidao remind` without `--once`).
    pub fn wait(self) {
        let _ = self.thread.join();
    }
}

pub fn spawn(pool: Pool, mailing: Arc<Mailing>) -> Loop {
    let stop = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("chidao-mail".into())
        .spawn(move || {
            let (stopped, wake) = &*flag;
            loop {
                if let Err(e) = mailing.tick(&pool) {
                    tracing::warn!(error = %e, "mail loop");
                }
                let guard = stopped.lock().unwrap_or_else(|e| e.into_inner());
                let (guard, _) = wake
                    .wait_timeout_while(guard, INTERVAL, |stopped| !*stopped)
                    .unwrap_or_else(|e| e.into_inner());
                if *guard {
                    break;
                }
            }
        })
        .expect("starting the mail thread");
    Loop { stop, thread }
}
