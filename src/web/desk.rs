//! The landing page "Việc cần xử lý": what waits for the person, by role (models::desk), and
//! the list of notifications.

use actix_web::HttpResponse;
use askama::Template;

use crate::domain::dates::Moment;
use crate::domain::ids::TaskId;
use crate::models::desk::{self, Section};
use crate::models::notification::{self, Notification};
use crate::models::task::{self, ListRow};
use crate::web::call::Call;
use crate::web::error::WebResult;
use crate::web::pages::{render, Ctx};
use crate::web::tasks::today;

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
        Section::AssignedToMe => "/tasks?assignee=me&status=open",
        Section::ToConfirm => "/tasks?status=reported",
        Section::ExtensionsToDecide => "/extensions",
        Section::Drafts => "/directives/new",
        Section::OverdueNotChased => "/tasks?status=open&bucket=open_overdue",
        Section::UnitsOverdue => "/tasks?scope=mine&status=open&bucket=open_overdue",
        Section::ToStart => "/tasks?status=assigned",
        Section::DueSoon => "/tasks?soon=yes&status=open",
        Section::Returned
        | Section::ToExplain
        | Section::ExplanationsToDecide
        | Section::PartsAsked
        | Section::SentBack => "",
    }
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    ctx: Ctx,
    sections: Vec<Shown>,
}

/// `GET /desk`: the landing page.
pub async fn desk(call: Call) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let sections = crate::web::error::run(&call.state.pool, move |conn| {
        let until = desk::due_soon_until(conn, today())?;
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
        ctx: Ctx::new(&call.auth),
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
pub async fn notifications(call: Call) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let (rows, seen) = crate::db::run(&call.state.pool, move |conn| {
        let listed = notification::list(conn, actor.user_id)?;
        notification::mark_seen(conn, actor.user_id, Moment::now().now)?;
        Ok(listed)
    })
    .await?;
    call.state.menu.changed();
    render(&NotificationsPage {
        ctx: Ctx::new(&call.auth),
        rows,
        seen,
    })
}
