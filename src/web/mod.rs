//! The web application: state, the one route table, and the server.

pub mod admin;
pub mod api;
pub mod auth;
pub mod bulk;
pub mod calendar;
pub mod call;
pub mod chasing;
pub mod coordination;
pub mod corrections;
pub mod dashboard;
pub mod desk;
pub mod directives;
pub mod error;
pub mod escalation;
pub mod explanations;
pub mod extensions;
pub mod feeds;
pub mod form;
pub mod grading;
pub mod linkify;
pub mod list_filter;
pub mod list_pickers;
pub mod menu;
pub mod outbox;
pub mod pages;
pub mod password;
pub mod periodic;
pub mod query;
pub mod review_form;
pub mod session_pages;
pub mod sso;
pub mod steps;
pub mod task_actions;
pub mod tasks;
pub mod transfers;
pub mod two_factor;
pub mod webhooks;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::config::Settings;
use crate::db::Pool;
use crate::domain::ids::UserId;
use crate::models::attachment::Storage;
use crate::web::error::WebError;

pub struct AppState {
    pub pool: Pool,
    pub settings: Settings,
    /// The overdue-at-month-close chart's past months, per scope, for the day.
    pub history: crate::models::tally::HistoryCache,
    /// Who is having a text extracted right now.
    pub extracting: OneEach,
    /// The menu's counts per person, for a short while.
    pub menu: crate::web::menu::MenuCounts,
    /// The lists counted past their cap in the last minute.
    pub long_lists: crate::models::over_cap::LongLists,
    /// The list pages' unit and notice pickers, while no one changes them.
    pub pickers: crate::models::pickers::Pickers,
    /// The same pickers rendered, per language.
    pub list_pickers: list_pickers::ListPickers,
}

/// At most one running job per person: `start` hands out a turn, or None while theirs runs.
#[derive(Default)]
pub struct OneEach(std::sync::Arc<std::sync::Mutex<std::collections::HashSet<UserId>>>);

/// A person's turn; it ends when dropped.
pub struct Turn(
    std::sync::Arc<std::sync::Mutex<std::collections::HashSet<UserId>>>,
    UserId,
);

impl OneEach {
    pub fn start(&self, who: UserId) -> Option<Turn> {
        let mut running = self.0.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(who).then(|| Turn(self.0.clone(), who))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

impl AppState {
    pub fn storage(&self) -> Storage {
        if self.settings.attachments_in_db {
            Storage::Database
        } else {
            Storage::Dir(self.settings.attachments_dir())
        }
    }
}

/// Every route of the service, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(session_pages::home))
        .route("/healthz", web::get().to(healthz))
        .route("/static/app.css", web::get().to(stylesheet))
        .route("/static/app.js", web::get().to(script))
        .route("/login", web::get().to(session_pages::login_form))
        .route("/login", web::post().to(session_pages::login))
        .route("/logout", web::post().to(session_pages::logout))
        .route("/password/forgot", web::get().to(password::forgot_form))
        .route("/password/forgot", web::post().to(password::forgot))
        .route(
            "/password/reset/{token}",
            web::get().to(password::reset_form),
        )
        .route("/password/reset/{token}", web::post().to(password::reset))
        .route("/me", web::get().to(session_pages::me))
        .route("/me/mail", web::post().to(session_pages::save_mail))
        .route("/me/language", web::post().to(session_pages::save_language))
        .route(
            "/me/password",
            web::post().to(session_pages::change_password),
        )
        .route("/me/tokens", web::post().to(session_pages::create_token))
        .route("/login/sso", web::get().to(sso::start))
        .route("/login/sso/callback", web::get().to(sso::callback))
        .route("/login/two-factor", web::get().to(two_factor::code_form))
        .route("/login/two-factor", web::post().to(two_factor::check_code))
        .route("/me/two-factor", web::get().to(two_factor::show))
        .route("/me/two-factor/start", web::post().to(two_factor::start))
        .route(
            "/me/two-factor/confirm",
            web::post().to(two_factor::confirm),
        )
        .route(
            "/me/two-factor/recovery",
            web::post().to(two_factor::new_codes),
        )
        .route("/me/two-factor/off", web::post().to(two_factor::turn_off))
        .route("/me/calendar", web::get().to(feeds::mine))
        .route("/me/calendar", web::post().to(feeds::reset_mine))
        .route("/me/calendar/stop", web::post().to(feeds::stop_mine))
        .route("/units/{id}/calendar", web::get().to(feeds::units))
        .route("/units/{id}/calendar", web::post().to(feeds::reset_units))
        .route(
            "/units/{id}/calendar/stop",
            web::post().to(feeds::stop_units),
        )
        .route("/feeds/{file}", web::get().to(feeds::feed))
        .route(
            "/me/tokens/{id}/revoke",
            web::post().to(session_pages::revoke_token),
        )
        .route("/desk", web::get().to(desk::desk))
        .route("/notifications", web::get().to(desk::notifications))
        .route("/tasks", web::get().to(tasks::inbox))
        .route("/tasks/chase", web::post().to(chasing::chase_selected))
        .route("/tasks/bulk", web::post().to(bulk::apply))
        .route("/tasks/{id}", web::get().to(tasks::show))
        .route("/tasks/{id}/edit", web::get().to(tasks::edit_form))
        .route("/tasks/{id}/start", web::post().to(task_actions::start))
        .route(
            "/tasks/{id}/progress",
            web::post().to(task_actions::report_progress),
        )
        .route(
            "/tasks/{id}/complete",
            web::post().to(task_actions::report_completion),
        )
        .route("/tasks/{id}/confirm", web::post().to(task_actions::confirm))
        .route(
            "/tasks/{id}/return",
            web::post().to(task_actions::return_completion),
        )
        .route("/tasks/{id}/cancel", web::post().to(task_actions::cancel))
        .route("/tasks/{id}/comment", web::post().to(task_actions::comment))
        .route("/tasks/{id}/chase", web::post().to(task_actions::chase))
        .route(
            "/tasks/{id}/assignees",
            web::post().to(task_actions::assign_people),
        )
        .route(
            "/tasks/{id}/edit",
            web::post().to(task_actions::change_due_date),
        )
        .route(
            "/tasks/{id}/extension",
            web::post().to(task_actions::request_extension),
        )
        .route(
            "/tasks/{id}/coordination",
            web::post().to(coordination::record_part),
        )
        .route(
            "/tasks/{id}/coordination/ask",
            web::post().to(coordination::ask_part),
        )
        .route(
            "/tasks/{id}/send-back",
            web::post().to(transfers::send_back),
        )
        .route(
            "/tasks/{id}/coordinators",
            web::get().to(corrections::coordinators_form),
        )
        .route(
            "/tasks/{id}/coordinators",
            web::post().to(corrections::correct_coordinators),
        )
        .route("/tasks/{id}/steps", web::post().to(steps::add))
        .route("/tasks/{id}/steps/drive", web::post().to(steps::drive))
        .route(
            "/tasks/{id}/steps/{step}/done",
            web::post().to(steps::set_done),
        )
        .route("/tasks/{id}/completion-draft", web::post().to(steps::draft))
        .route("/tasks/{id}/keep", web::post().to(transfers::keep))
        .route("/tasks/{id}/transfer", web::post().to(transfers::transfer))
        .route("/tasks/{id}/explanation", web::post().to(explanations::ask))
        .route(
            "/explanations/{id}/answer",
            web::post().to(explanations::answer),
        )
        .route(
            "/explanations/{id}/accept",
            web::post().to(explanations::accept),
        )
        .route(
            "/explanations/{id}/again",
            web::post().to(explanations::again),
        )
        .route("/tasks/{id}/{other}", web::post().to(task_actions::unknown))
        .route("/attachments/{id}", web::get().to(tasks::download))
        .route("/dashboard", web::get().to(dashboard::dashboard))
        .route("/units/{id}", web::get().to(dashboard::unit_page))
        .route("/units/{id}/chase", web::post().to(chasing::chase_unit))
        .route("/reports/tasks.csv", web::get().to(dashboard::tasks_csv))
        .route("/reports/tasks.xlsx", web::get().to(dashboard::tasks_xlsx))
        .route("/reports/units.csv", web::get().to(dashboard::units_csv))
        .route("/reports/periodic", web::get().to(periodic::show))
        .route(
            "/reports/periodic.docx",
            web::get().to(periodic::draft_docx),
        )
        .route(
            "/reports/periodic/preview",
            web::post().to(periodic::preview),
        )
        .route(
            "/reports/periodic/docx",
            web::post().to(periodic::edited_docx),
        )
        .route("/reports/periodic/issue", web::post().to(periodic::issue))
        .route("/reports/issued", web::get().to(periodic::list))
        .route("/reports/issued/{id}", web::get().to(periodic::show_issued))
        .route(
            "/reports/issued/{id}/docx",
            web::get().to(periodic::issued_docx),
        )
        .route(
            "/reports/issued/{id}/reissue",
            web::post().to(periodic::reissue),
        )
        .route("/extensions", web::get().to(extensions::list))
        .route(
            "/extensions/{id}/approve",
            web::post().to(extensions::approve),
        )
        .route(
            "/extensions/{id}/reject",
            web::post().to(extensions::reject),
        )
        .route(
            "/extensions/{id}/{other}",
            web::post().to(task_actions::unknown),
        )
        .route("/directives", web::get().to(directives::list))
        .route("/directives", web::post().to(directives::create))
        .route("/directives/new", web::get().to(directives::new_form))
        .route(
            "/directives/draft",
            web::post().to(directives::draft_from_text),
        )
        .route("/directives/{id}", web::get().to(directives::show))
        .route(
            "/directives/{id}/correct",
            web::get().to(corrections::directive_form),
        )
        .route(
            "/directives/{id}/correct",
            web::post().to(corrections::correct_directive),
        )
        .route(
            "/directives/signed/{file}",
            web::get().to(corrections::signed_file),
        )
        .route(
            "/directives/{id}/items/new",
            web::get().to(corrections::new_item_form),
        )
        .route(
            "/directives/{id}/items",
            web::post().to(corrections::add_item),
        )
        .route("/items/{id}/correct", web::get().to(corrections::item_form))
        .route(
            "/items/{id}/correct",
            web::post().to(corrections::correct_item),
        )
        .route(
            "/conferences",
            web::post().to(directives::create_conference),
        )
        .route(
            "/conferences/new",
            web::get().to(directives::new_conference),
        )
        .route("/admin/units", web::get().to(admin::units))
        .route("/admin/units", web::post().to(admin::save_unit))
        .route("/admin/units/new", web::get().to(admin::unit_form))
        .route("/admin/units/{id}", web::get().to(admin::unit_form))
        .route("/admin/units/{id}", web::post().to(admin::save_unit))
        .route("/admin/units/{id}/merge", web::post().to(admin::merge_unit))
        .route("/admin/groups", web::get().to(admin::groups))
        .route("/admin/groups", web::post().to(admin::save_group))
        .route("/admin/groups/new", web::get().to(admin::group_form))
        .route("/admin/groups/{id}", web::get().to(admin::group_form))
        .route("/admin/groups/{id}", web::post().to(admin::save_group))
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::save_user))
        .route("/admin/users/new", web::get().to(admin::user_form))
        .route("/admin/users/{id}", web::get().to(admin::user_form))
        .route("/admin/users/{id}", web::post().to(admin::save_user))
        .route("/admin/outbox", web::get().to(outbox::list))
        .route("/admin/escalation", web::get().to(escalation::show))
        .route("/admin/escalation", web::post().to(escalation::save))
        .route("/admin/webhooks", web::get().to(webhooks::list))
        .route("/admin/webhooks", web::post().to(webhooks::create))
        .route("/admin/webhooks/{id}", web::get().to(webhooks::show))
        .route(
            "/admin/webhooks/{id}/active",
            web::post().to(webhooks::set_active),
        )
        .route(
            "/admin/webhooks/{id}/delete",
            web::post().to(webhooks::delete),
        )
        .route(
            "/admin/webhook-deliveries/{id}/send-again",
            web::post().to(webhooks::send_again),
        )
        .route("/admin/grading", web::get().to(grading::show))
        .route("/admin/grading", web::post().to(grading::save))
        .route("/admin/outbox/{id}/retry", web::post().to(outbox::retry))
        .route("/admin/calendar", web::get().to(calendar::page_get))
        .route("/admin/calendar/days", web::post().to(calendar::add_days))
        .route(
            "/admin/calendar/days/{day}/delete",
            web::post().to(calendar::delete_day),
        )
        .route(
            "/admin/calendar/{year}/official",
            web::post().to(calendar::mark_official),
        )
        .route(
            "/admin/calendar/{year}/unofficial",
            web::post().to(calendar::unmark_official),
        )
        .configure(api::routes);
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let ok = crate::db::run(&state.pool, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")
            .map_err(crate::error::AppError::from)
    })
    .await
    .is_ok();
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
    }
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/app.css"))
}

async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/app.js"))
}

/// Refuses cross-site state changes and sets the headers every response carries.
async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let safe = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    let behind_proxy = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.behind_proxy)
        .unwrap_or(false);
    if !safe && !auth::same_origin(&req, behind_proxy) {
        let resp = actix_web::ResponseError::error_response(&WebError::Forbidden);
        return Ok(req.into_response(resp));
    }
    let lang = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| crate::i18n::Lang::parse(&v));
    let secure = auth::is_https(req.request(), behind_proxy);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
    if secure {
        // Once a browser has come over HTTPS, it never comes back over plain HTTP.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(l) = lang {
        let c = auth::cookie(auth::LANG_COOKIE, l.as_str().to_string(), secure);
        let _ = res.response_mut().add_cookie(&c);
    }
    Ok(res)
}

pub fn state(pool: Pool, settings: Settings) -> web::Data<AppState> {
    web::Data::new(AppState {
        pool,
        settings,
        history: Default::default(),
        extracting: Default::default(),
        menu: Default::default(),
        long_lists: Default::default(),
        pickers: Default::default(),
        list_pickers: Default::default(),
    })
}

/// Builds the server on a bound listener (tests bind port 0).
pub fn server(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
    workers: Option<usize>,
) -> std::io::Result<actix_web::dev::Server> {
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            // An address part that is not what the route takes (`/tasks/abc`) names nothing:
            // our own page, never the parser's words.
            .app_data(web::PathConfig::default().error_handler(|_, _| WebError::NotFound.into()))
            .wrap(from_fn(guard))
            .wrap(
                actix_web::middleware::Logger::new("%a \"%r\" %s %Dms").log_target("chidao::http"),
            )
            .configure(routes)
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(WebError::NotFound)
            }))
    })
    .listen(listener)?;
    if let Some(w) = workers {
        server = server.workers(w);
    }
    Ok(server.run())
}
