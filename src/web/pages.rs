//! What every page shares (the layout's context), rendering, and the error page.

use actix_web::HttpResponse;
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::dates;
use crate::domain::permissions::{allowed, Action, Actor, Target};
use crate::domain::status::Status;
use crate::i18n::{t, Lang};
use crate::web::auth::Auth;
use crate::web::error::WebResult;

/// The layout's context: language, the signed-in person, the CSRF token for forms.
pub struct Ctx {
    pub lang: Lang,
    pub user_name: String,
    pub actor: Option<Actor>,
    pub csrf: String,
    pub path: String,
    /// A message key to show once, after a redirect (`?done=key`).
    pub notice: String,
    pub max_upload_bytes: usize,
    /// What the menu counts: things on the desk, unread notifications.
    pub waiting: crate::web::menu::Waiting,
}

/// The sign beside a bucket's colour and word (so colour never says it alone).
pub fn bucket_icon(bucket: &str) -> &'static str {
    match bucket {
        "done_on_time" => "✓",
        "done_late" => "⏱",
        "open_overdue" => "⚠",
        _ => "◷",
    }
}

/// A whole number however a template holds it (a value, or a reference from a loop).
pub trait Whole: Copy {
    fn whole(self) -> i64;
}

impl Whole for i64 {
    fn whole(self) -> i64 {
        self
    }
}

impl Whole for usize {
    fn whole(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

impl Whole for i32 {
    fn whole(self) -> i64 {
        self.into()
    }
}

impl<T: Whole> Whole for &T {
    fn whole(self) -> i64 {
        (*self).whole()
    }
}

impl Ctx {
    /// Where the menu's task list leads: for a leader, the units in their charge (a leader in
    /// charge of none gets the whole ministry there too).
    pub fn tasks_link(&self) -> &'static str {
        match self.actor {
            Some(a) if a.role == crate::domain::permissions::Role::Leader => "/tasks?scope=mine",
            _ => "/tasks",
        }
    }

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
            max_upload_bytes: auth.max_upload_bytes,
            waiting: auth.waiting,
        }
    }

    /// A count in the menu: "99+" past what is counted.
    pub fn badge(&self, n: &i64) -> String {
        if *n >= crate::models::desk::CAP {
            format!("{}+", crate::models::desk::CAP - 1)
        } else {
            crate::i18n::number(self.lang, *n)
        }
    }

    /// A message, with the limits it names filled in ("tối đa 10 MB").
    pub fn msg(&self, key: &str) -> String {
        let n = self.max_upload_bytes as f64;
        let (size, unit) = if n >= 1024.0 * 1024.0 {
            (n / (1024.0 * 1024.0), "MB")
        } else {
            (n / 1024.0, "KB")
        };
        let size = format!("{size:.1}");
        let size = size.trim_end_matches(".0");
        let size = match self.lang {
            Lang::Vi => size.replace('.', ","),
            Lang::En => size.to_string(),
        };
        let max = format!("{size} {unit}");
        self.t(key).replace("{max}", &max)
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
    /// A value a journal entry recorded, as a person reads it: a status in words, a date as
    /// dd/mm/yyyy (stored as 2026-11-28), anything else as it is.
    pub fn journal_value(&self, kind: &str, v: &str) -> String {
        if matches!(kind, "status" | "created") {
            return self.status(v).to_string();
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => dates::format_date(d),
            Err(_) => v.to_string(),
        }
    }

    /// How far a task is: its progress while it is worked on; once completion is reported or
    /// confirmed, that (a completed task is not "60 %").
    pub fn progress(&self, status: &Status, progress: &i32) -> String {
        match status {
            Status::Reported => self.t("progress.reported").to_string(),
            Status::Done => self.t("progress.done").to_string(),
            _ => self.pct(progress),
        }
    }

    /// A count as the language writes it (1.234).
    pub fn num(&self, n: impl Whole) -> String {
        crate::i18n::number(self.lang, n.whole())
    }

    /// A task's progress (60 %).
    pub fn pct(&self, p: impl Whole) -> String {
        crate::i18n::whole_percent(self.lang, p.whole() as i32)
    }

    /// A percent as typed into a form: as a progress when it is a number, else as typed.
    pub fn pct_typed(&self, typed: &str) -> String {
        match typed.trim().parse::<i32>() {
            Ok(p) => self.pct(p),
            Err(_) => typed.to_string(),
        }
    }

    /// A count's change against the previous period: "▲ 3", "▼ 2", "=".
    pub fn delta(&self, now: impl Whole, before: impl Whole) -> String {
        match now.whole() - before.whole() {
            0 => "=".into(),
            d if d > 0 => format!("▲ {}", crate::i18n::number(self.lang, d)),
            d => format!("▼ {}", crate::i18n::number(self.lang, -d)),
        }
    }

    /// A unit's score to one decimal, or "—" while nothing of it is counted.
    pub fn score(&self, s: &Option<f64>) -> String {
        s.map_or_else(|| "—".into(), |s| crate::i18n::decimal(self.lang, s))
    }

    /// A grade's name, or "—".
    pub fn grade(&self, g: &Option<crate::domain::grading::Grade>) -> &'static str {
        g.map_or("—", |g| self.t(&format!("grade.{}", g.as_str())))
    }

    /// An on-time rate, or "—" while there is none.
    pub fn rate(&self, share: impl std::borrow::Borrow<Option<f64>>) -> String {
        share
            .borrow()
            .map_or_else(|| "—".into(), |s| crate::i18n::percent(self.lang, s))
    }

    /// A recurring item's period as people name it: "Quý IV/2026", "Tháng 3/2027".
    pub fn period(&self, r: &crate::domain::recurrence::Recurrence, start: &NaiveDate) -> String {
        use crate::domain::recurrence::Recurrence;
        use chrono::Datelike;
        let (key, n) = match r {
            Recurrence::Weekly => ("period.weekly", 0),
            Recurrence::Monthly => ("period.monthly", start.month()),
            Recurrence::Quarterly => ("period.quarterly", start.month0() / 3 + 1),
            Recurrence::HalfYearly if start.month() <= 6 => ("period.half_yearly.1", 1),
            Recurrence::HalfYearly => ("period.half_yearly.2", 2),
            Recurrence::Yearly => ("period.yearly", 0),
        };
        let roman = ["", "I", "II", "III", "IV"]
            .get(n as usize)
            .copied()
            .unwrap_or("");
        self.t(key)
            .replace("{n}", &n.to_string())
            .replace("{roman}", roman)
            .replace("{y}", &start.year().to_string())
            .replace("{d}", &dates::format_date(*start))
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
            "reports" => Action::ViewReports,
            "grading" => Action::ManageGrading,
            "webhooks" => Action::ManageWebhooks,
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
    /// The status a form's page is answered with: 200 as it is first shown, 422 with errors.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.is_empty() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
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

/// A file to save (an export, a report), under the name given.
pub fn download(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// A file someone uploaded, sent back under its own name: an ASCII stand-in for old clients
/// and the name itself (RFC 5987) for the rest; never kept by a shared cache.
pub fn uploaded_file(content_type: &str, name: &str, body: Vec<u8>) -> HttpResponse {
    let encoded = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let ascii: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => c,
            _ => '_',
        })
        .collect();
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(body)
}

pub fn render<T: Template>(page: &T) -> WebResult<HttpResponse> {
    render_status(page, actix_web::http::StatusCode::OK)
}

pub fn render_status<T: Template>(
    page: &T,
    status: actix_web::http::StatusCode,
) -> WebResult<HttpResponse> {
    let body = page.render()?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// `input` if it is a path of this service, else None. The one check for every address taken
/// from input (`next` after login): it starts with a single `/`, holds only visible ASCII (a
/// browser drops TAB and newlines, so `/\t/evil.example` would become `//evil.example`, and a
/// newline cannot go in a header), no backslash (read as `/`), and does not begin with `//` or
/// `/\` once percent-decoded either.
pub fn local_path(input: &str) -> Option<&str> {
    let bytes = input.as_bytes();
    if bytes.first() != Some(&b'/') || !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    if input.contains('\\') {
        return None;
    }
    let decoded = percent_decoded(bytes);
    let other_host = |b: &[u8]| matches!(b, [b'/', b'/' | b'\\', ..]);
    if other_host(bytes) || other_host(&decoded) || decoded.iter().any(|b| b.is_ascii_control()) {
        return None;
    }
    Some(input)
}

fn percent_decoded(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|&b| hex(b)),
            bytes.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// 303 to a path of ours; anything else goes to the home page rather than elsewhere.
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            local_path(to).unwrap_or("/").to_string(),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_our_own_paths_are_kept() {
        for ok in [
            "/tasks",
            "/tasks/12?done=progress",
            "/tasks?q=s%E1%BB%9F&page=2",
            "/a%2Fb",
        ] {
            assert_eq!(local_path(ok), Some(ok));
        }
        for hostile in [
            "",
            "tasks",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie:x",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5C/evil.example",
            "/%5cevil.example",
            "https://evil.example",
            "https:evil.example",
            "/ /evil.example",
            "/tasks\u{0}",
            "/%00",
            "/%0d%0aLocation:x",
            "/tasks?q=Sở",
            "javascript:alert(1)",
            " /tasks",
        ] {
            assert_eq!(local_path(hostile), None, "{hostile:?}");
        }
    }
}
