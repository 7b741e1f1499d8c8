//! The administrator's escalation rules: how late or silent a task, and how long a request
//! waits, before it climbs (see `domain::escalation`).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::domain::dates::Moment;
use crate::domain::escalation::Rules;
use crate::domain::permissions::Action;
use crate::models::escalation;
use crate::web::auth::Auth;
use crate::web::call::Call;
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};

/// The form as typed: kept as text, so that a wrong entry comes back as it was typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RulesForm {
    overdue_head_days: String,
    overdue_leader_days: String,
    silent_days: String,
    waiting_days: String,
}

impl RulesForm {
    fn of(r: &Rules) -> RulesForm {
        RulesForm {
            overdue_head_days: r.overdue_head_days.to_string(),
            overdue_leader_days: r.overdue_leader_days.to_string(),
            silent_days: r.silent_days.to_string(),
            waiting_days: r.waiting_days.to_string(),
        }
    }

    /// The rules, or the fields that are not whole numbers in range.
    fn rules(&self, errors: &mut Errors) -> Rules {
        let mut num = |field: &'static str, v: &str| match v.trim().parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                errors.add(field, "error.days_range");
                1
            }
        };
        let r = Rules {
            overdue_head_days: num("overdue_head_days", &self.overdue_head_days),
            overdue_leader_days: num("overdue_leader_days", &self.overdue_leader_days),
            silent_days: num("silent_days", &self.silent_days),
            waiting_days: num("waiting_days", &self.waiting_days),
        };
        for (field, key) in r.check() {
            if !errors.has(field) {
                errors.add(field, key);
            }
        }
        r
    }
}

#[derive(Template)]
#[template(path = "admin/escalation.html")]
struct RulesPage {
    ctx: Ctx,
    form: RulesForm,
    defaults: Rules,
    errors: Errors,
}

impl RulesPage {
    /// (field, as typed, its default), in the form's order.
    fn fields(&self) -> Vec<(&'static str, &str, i32)> {
        let (f, d) = (&self.form, &self.defaults);
        vec![
            (
                "overdue_head_days",
                &f.overdue_head_days,
                d.overdue_head_days,
            ),
            (
                "overdue_leader_days",
                &f.overdue_leader_days,
                d.overdue_leader_days,
            ),
            ("silent_days", &f.silent_days, d.silent_days),
            ("waiting_days", &f.waiting_days, d.waiting_days),
        ]
    }
}

fn page(
    auth: &Auth,
    form: RulesForm,
    errors: Errors,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    render_status(
        &RulesPage {
            ctx: Ctx::new(auth),
            form,
            defaults: Rules::default(),
            errors,
        },
        status,
    )
}

/// `GET /admin/escalation`.
pub async fn show(call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageMail)?;
    let rules = crate::db::run(&call.state.pool, escalation::load).await?;
    page(
        &call.auth,
        RulesForm::of(&rules),
        Errors::default(),
        StatusCode::OK,
    )
}

/// `POST /admin/escalation`.
pub async fn save(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ManageMail)?;
    let input: RulesForm = form.parse()?;
    let mut errors = Errors::default();
    let rules = input.rules(&mut errors);
    if !errors.is_empty() {
        return page(&call.auth, input, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    crate::db::run(&call.state.pool, move |conn| {
        escalation::save(conn, &rules, actor.user_id, Moment::now().now)
    })
    .await?;
    Ok(redirect("/admin/escalation?done=saved"))
}
