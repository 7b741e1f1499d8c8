//! What every page shares (the layout's context), rendering, and the error page.

use actix_web::HttpResponse;
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::dates;
use crate::domain::permissions::{allowed, Action, Actor, Target};
use crate::i18n::{t, Lang};
use crate::web::auth::Auth;
use crate::web::error::{WebError, WebResult};

/// The layout's context: language, the signed-in person, the CSRF token for forms.
pub struct Ctx {
    pub lang: Lang,
    pub user_name: String,
    pub actor: Option<Actor>,
    pub csrf: String,
    pub path: String,
    /// A message key to show once, after a redirect (`?done=key`).
    pub notice: String,
}

impl Ctx {
    pub fn new(auth: &Auth) -> Ctx {
        let notice = form_urlencoded::parse(
            auth.path
                .split_once('?')
                .map(|x| x.1)
                .unwrap_or("")
                .as_bytes(),
        )
        .find(|(k, _)| k == "done")
        .map(|(_, v)| format!("done.{v}"))
        .filter(|k| crate::i18n::has(k))
        .unwrap_or_default();
        Ctx {
            lang: auth.lang,
            user_name: auth
                .user
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            actor: auth.user.as_ref().map(|u| u.actor()),
            csrf: auth.csrf.clone(),
            path: auth.path.clone(),
            notice,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// A kind of mail by name.
    pub fn mail_kind(&self, kind: &str) -> &'static str {
        t(self.lang, &format!("mail.kind.{kind}"))
    }

    pub fn status(&self, s: &str) -> &'static str {
        t(self.lang, &format!("status.{s}"))
    }

    pub fn role(&self, r: &str) -> &'static str {
        t(self.lang, &format!("role.{r}"))
    }

    pub fn date(&self, d: &Option<NaiveDate>) -> String {
        dates::format_opt_date(*d)
    }

    pub fn day(&self, d: &NaiveDate) -> String {
        dates::format_date(*d)
    }

    /// A journal value as people read it: statuses by name, dates as dd/mm/yyyy.
    pub fn journal_value(&self, kind: &str, v: &str) -> String {
        match kind {
            "status" => self.status(v).to_string(),
            "due_date" => dates::parse_date(v)
                .map(dates::format_date)
                .unwrap_or_else(|| v.to_string()),
            _ => v.to_string(),
        }
    }

    pub fn time(&self, t: &NaiveDateTime) -> String {
        dates::format_timestamp(*t)
    }

    /// Whether the menu shows a section; the handlers check again on every request.
    pub fn can(&self, what: &str) -> bool {
        let Some(a) = &self.actor else { return false };
        let action = match what {
            "directives" => Action::ViewDirectives,
            "create_directive" => Action::CreateDirective,
            "units" => Action::ManageUnits,
            "users" => Action::ManageUsers,
            "calendar" => Action::ManageCalendar,
            "mail" => Action::ManageMail,
            "extensions" => Action::ViewExtensions,
            _ => return false,
        };
        allowed(a, action, Target::System)
    }

    /// This page in the other language.
    pub fn lang_link(&self, lang: &str) -> String {
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k != "lang" && k != "done" {
                ser.append_pair(&k, &v);
            }
        }
        ser.append_pair("lang", lang);
        format!("{path}?{}", ser.finish())
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}

/// Field errors of a form: (field, message key).
#[derive(Debug, Clone, Default)]
pub struct Errors(pub Vec<(String, &'static str)>);

impl Errors {
    pub fn add(&mut self, field: &str, key: &'static str) {
        self.0.push((field.to_string(), key));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The message key for a field, or "" (templates show nothing then).
    pub fn get(&self, field: &str) -> &'static str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, k)| *k)
            .unwrap_or("")
    }
    pub fn has(&self, field: &str) -> bool {
        !self.get(field).is_empty()
    }
}

pub fn render<T: Template>(page: &T) -> WebResult<HttpResponse> {
    render_status(page, actix_web::http::StatusCode::OK)
}

pub fn render_status<T: Template>(
    page: &T,
    status: actix_web::http::StatusCode,
) -> WebResult<HttpResponse> {
    let body = page
        .render()
        .map_err(|e| WebError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.to_string()))
        .finish()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    code: u16,
    vi: &'a str,
    en: &'a str,
}

pub fn error_page(code: u16, vi: &str, en: &str) -> String {
    ErrorPage { code, vi, en }
        .render()
        .unwrap_or_else(|_| format!("{code} {en}"))
}
