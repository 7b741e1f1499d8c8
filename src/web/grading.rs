//! The administrator's grading rule: points per outcome and the grades' thresholds. Each save
//! is a new version; the page lists them all, the one in force first.

use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::domain::grading::{Grade, Invalid, Rule};
use crate::domain::permissions::{Act, Action};
use crate::models::grading::Version;
use crate::web::call::Call;
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};

/// The form as typed: numbers kept as text (with a decimal comma or point), so that a wrong
/// entry comes back as it was typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RuleForm {
    on_time: String,
    late: String,
    /// Empty: tasks within their deadline are not counted.
    open_within: String,
    overdue: String,
    long_overdue: String,
    long_days: String,
    unanswered: String,
    excellent: String,
    good: String,
    pass: String,
    note: String,
}

/// The rule's number fields, in the form's order.
const FIELDS: [&str; 10] = [
    "on_time",
    "late",
    "open_within",
    "overdue",
    "long_overdue",
    "long_days",
    "unanswered",
    "excellent",
    "good",
    "pass",
];

fn shown(x: f64) -> String {
    crate::i18n::decimal(crate::i18n::Lang::Vi, x)
}

impl RuleForm {
    fn of(r: &Rule) -> RuleForm {
        RuleForm {
            on_time: shown(r.on_time),
            late: shown(r.late),
            open_within: r.open_within.map(shown).unwrap_or_default(),
            overdue: shown(r.overdue),
            long_overdue: shown(r.long_overdue),
            long_days: r.long_days.to_string(),
            unanswered: shown(r.unanswered),
            excellent: shown(r.excellent),
            good: shown(r.good),
            pass: shown(r.pass),
            note: String::new(),
        }
    }

    fn value(&self, field: &str) -> &str {
        match field {
            "on_time" => &self.on_time,
            "late" => &self.late,
            "open_within" => &self.open_within,
            "overdue" => &self.overdue,
            "long_overdue" => &self.long_overdue,
            "long_days" => &self.long_days,
            "unanswered" => &self.unanswered,
            "excellent" => &self.excellent,
            "good" => &self.good,
            "pass" => &self.pass,
            _ => "",
        }
    }

    /// The rule, or the fields that are not numbers or break the rule's checks.
    fn rule(&self, errors: &mut Errors) -> Rule {
        let mut num = |field: &'static str, v: &str| -> f64 {
            match v.trim().replace(',', ".").parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                _ => {
                    errors.add(field, "error.number");
                    0.0
                }
            }
        };
        let r = Rule {
            on_time: num("on_time", &self.on_time),
            late: num("late", &self.late),
            open_within: if self.open_within.trim().is_empty() {
                None
            } else {
                Some(num("open_within", &self.open_within))
            },
            overdue: num("overdue", &self.overdue),
            long_overdue: num("long_overdue", &self.long_overdue),
            long_days: num("long_days", &self.long_days).round() as i32,
            unanswered: num("unanswered", &self.unanswered),
            excellent: num("excellent", &self.excellent),
            good: num("good", &self.good),
            pass: num("pass", &self.pass),
        };
        if errors.is_empty() {
            match r.check() {
                Ok(()) => {}
                Err(Invalid::Points(f)) => errors.add(f, "error.points_range"),
                Err(Invalid::Thresholds) => errors.add("excellent", "error.grade_thresholds"),
                Err(Invalid::Negative(f)) => errors.add(f, "error.not_negative"),
            }
        }
        r
    }
}

#[derive(Template)]
#[template(path = "admin/grading.html")]
struct RulePage {
    ctx: Ctx,
    form: RuleForm,
    versions: Vec<Version>,
    errors: Errors,
    fields: [&'static str; 10],
    grades: [Grade; 4],
}

impl RulePage {
    fn num(&self, x: &f64) -> String {
        shown(*x)
    }
    fn within(&self, r: &Rule) -> String {
        r.open_within
            .map(shown)
            .unwrap_or_else(|| self.ctx.t("grading.not_counted").to_string())
    }
}

async fn page(call: &Call, typed: Option<(RuleForm, Errors)>) -> WebResult<HttpResponse> {
    let versions = crate::db::run(&call.state.pool, crate::models::grading::versions).await?;
    let (form, errors) = typed.unwrap_or_else(|| {
        let current = versions.first().map(|v| v.rule).unwrap_or_default();
        (RuleForm::of(&current), Errors::default())
    });
    let status = errors.status();
    render_status(
        &RulePage {
            ctx: Ctx::new(&call.auth),
            form,
            versions,
            errors,
            fields: FIELDS,
            grades: Grade::ALL,
        },
        status,
    )
}

/// `GET /admin/grading`.
pub async fn show(call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageGrading)?;
    page(&call, None).await
}

/// `POST /admin/grading`: a new version of the rule, in force from now.
pub async fn save(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ManageGrading)?;
    let input: RuleForm = form.parse()?;
    let mut errors = Errors::default();
    let rule = input.rule(&mut errors);
    if input.note.chars().count() > 2000 {
        errors.add("note", "error.too_long");
    }
    if !errors.is_empty() {
        return page(&call, Some((input, errors))).await;
    }
    let note = input.note.clone();
    crate::db::run(&call.state.pool, move |conn| {
        crate::app::periodic::set_rule(conn, Act::now(actor), &rule, &note)
    })
    .await?
    .map_err(|e| crate::web::error::WebError::BadRequest(format!("{e:?}")))?;
    Ok(redirect("/admin/grading?done=grading_saved"))
}
