//! `POST /tasks/bulk`: one step over the tasks ticked on a list, or over every task the list's
//! filter holds (confirmed first): chase them, give them another due date, or cancel them with
//! one reason. All or nothing: a task changed since the list was shown stops the step, and the
//! page says which, offering the step again for the others.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use serde::{Deserialize, Deserializer};

use crate::app::bulk::{self, Change, Stale, MAX_TASKS};
use crate::domain::dates::parse_date;
use crate::domain::ids::TaskId;
use crate::domain::permissions::{allowed, Act, Action, Target};
use crate::error::AppError;
use crate::models::task::{self, ListRow};
use crate::web::call::Call;
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::list_filter;
use crate::web::pages::{local_path, render_status, Ctx, Errors};
use crate::web::task_actions::checked_field;
use crate::web::tasks::{resolve_filter, today};

/// A task as the list showed it: "id:version".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pick(TaskId, i32);

impl<'de> Deserialize<'de> for Pick {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let (id, version) = s
            .split_once(':')
            .ok_or_else(|| serde::de::Error::custom("not id:version"))?;
        let id = id.trim().parse().map_err(serde::de::Error::custom)?;
        let version = version.trim().parse().map_err(serde::de::Error::custom)?;
        Ok(Pick(TaskId(id), version))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BulkForm {
    task: Vec<Pick>,
    /// "1": every task of `filter` instead of the ticked ones.
    all: String,
    /// The list's query string.
    filter: String,
    action: String,
    due_on: String,
    text: String,
    back: String,
}

/// What the page shows: the step and the tasks it would take (to confirm, or after an error),
/// the tasks that stopped it, or how many it changed.
#[derive(Template)]
#[template(path = "tasks/bulk.html")]
struct BulkPage {
    ctx: Ctx,
    action: String,
    picks: Vec<String>,
    /// The first few of the picked tasks, named.
    rows: Vec<ListRow>,
    text: String,
    due_on: String,
    back: String,
    errors: Errors,
    stale: Vec<Stale>,
    done: Option<usize>,
    /// Whether the person may change due dates and cancel (not only chase).
    can_change: bool,
}

impl BulkPage {
    /// What the page says a step that held did.
    fn done_key(&self) -> &'static str {
        match self.action.as_str() {
            "due" => "bulk.done.due",
            "cancel" => "bulk.done.cancel",
            _ => "bulk.done.chase",
        }
    }
}

/// How many picked tasks the page names.
const NAMED: usize = 20;

pub async fn apply(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ChaseMany)?;
    let input: BulkForm = form.parse()?;
    let can_change = allowed(&actor, Action::BulkChange, Target::System);
    let back = local_path(&input.back).unwrap_or("/tasks").to_string();
    let mut errors = Errors::default();
    let required = (input.action != "chase").then_some("error.reason_required");
    let text = checked_field(&input.text, "text", required, &mut errors);
    let due = parse_date(&input.due_on);
    if input.action == "due" && due.is_none() {
        errors.add("due_on", "error.date");
    }
    if !matches!(input.action.as_str(), "chase" | "due" | "cancel")
        || (input.action != "chase" && !can_change)
    {
        errors.add("action", "error.bulk_action");
    }
    let everything = input.all == "1";
    let filter = input.filter.clone();
    let ticked: Vec<(TaskId, i32)> = input.task.iter().map(|p| (p.0, p.1)).collect();
    let (picks, rows) = crate::web::error::run(&call.state.pool, move |conn| {
        let picks = if everything {
            let f = resolve_filter(conn, list_filter::parse(&filter, &actor))?;
            let ids =
                crate::models::listing::all_ids(conn, &actor, &f, today(), MAX_TASKS as i64 + 1)?;
            let now = task::versions(conn, &ids)?;
            ids.iter()
                .filter_map(|id| now.get(id).map(|(v, _)| (*id, *v)))
                .collect()
        } else {
            ticked
        };
        let named: Vec<TaskId> = picks.iter().take(NAMED).map(|p| p.0).collect();
        Ok((picks, task::rows_for(conn, &named, today())?))
    })
    .await?;
    if picks.is_empty() {
        errors.add("task", "error.chase_none_chosen");
    } else if picks.len() > MAX_TASKS {
        errors.add("task", "error.bulk_too_many");
    }
    let mut page = BulkPage {
        ctx: Ctx::new(&call.auth),
        action: input.action.clone(),
        picks: picks.iter().map(|(id, v)| format!("{id}:{v}")).collect(),
        rows,
        text: input.text.clone(),
        due_on: input.due_on.clone(),
        back,
        errors,
        stale: Vec::new(),
        done: None,
        can_change,
    };
    // Every task of a filter is a step the person has not seen task by task: confirm it first.
    if !page.errors.is_empty() || everything {
        let status = if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_status(&page, status);
    }
    let action = input.action;
    let done = crate::db::run(&call.state.pool, move |conn| {
        let change = match action.as_str() {
            "chase" => Change::Chase { note: &text },
            "due" => Change::Due { due, reason: &text },
            _ => Change::Cancel { reason: &text },
        };
        match bulk::apply(conn, Act::now(actor), &picks, change) {
            // Someone changed a task while the step ran: it was rolled back; say which.
            Err(AppError::Conflict(_)) => Ok(Err(bulk::stale(conn, &picks, &change)?)),
            other => other,
        }
    })
    .await?;
    match done {
        Ok(n) => {
            page.done = Some(n);
            page.picks.clear();
            render_status(&page, StatusCode::OK)
        }
        Err(stale) => {
            // The step again for the tasks that did not change.
            let stopped: Vec<String> = stale.iter().map(|s| s.id.to_string()).collect();
            page.picks
                .retain(|p| !stopped.iter().any(|s| p.split(':').next() == Some(s)));
            page.rows.retain(|r| !stale.iter().any(|s| s.id == r.id));
            page.stale = stale;
            render_status(&page, StatusCode::CONFLICT)
        }
    }
}
