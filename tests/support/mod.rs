//! The test harness: a real server on a loopback port over a fresh database (a SQLite file, or a
//! PostgreSQL database created for the test and dropped after), and an HTTP client with cookies.

#![allow(dead_code)]

pub mod smtp;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use chidao::config::Settings;
use chidao::db::{self, DbConn};
use chidao::domain::ids::UnitId;
use chidao::domain::permissions::Role;
use chidao::models::{unit, user};
use diesel::prelude::*;

pub const PASSWORD: &str = "mat-khau-thu-nghiem";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to create test databases on, from CHIDAO_TEST_POSTGRES_URL (a URL to
/// an existing database with the right to create others).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("CHIDAO_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The backends this run covers. Without PostgreSQL the run says so loudly, and fails when
/// CHIDAO_REQUIRE_POSTGRES=1 (as CI sets it).
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if postgres_admin_url().is_some() {
        b.push(Backend::Postgres);
    } else if std::env::var("CHIDAO_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("CHIDAO_REQUIRE_POSTGRES=1 but CHIDAO_TEST_POSTGRES_URL is not set");
    } else {
        eprintln!("\n*** WARNING: CHIDAO_TEST_POSTGRES_URL is not set: this test ran on SQLite ONLY ***\n");
    }
    b
}

/// Runs a test body once per backend, each on a fresh app.
pub fn each_backend(f: impl Fn(&TestApp)) {
    for b in backends() {
        let app = TestApp::start(b);
        f(&app);
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!(
        "{prefix}_{}_{}_{n}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros() % 1_000_000_000
    )
}

pub struct TestApp {
    pub backend: Backend,
    pub base: String,
    pub url: String,
    pub data_dir: PathBuf,
    pub settings: Settings,
    /// Queries the server has run so far.
    pub queries: std::sync::Arc<AtomicU64>,
    pg_db: Option<(String, String)>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub fn default_settings(data_dir: PathBuf) -> Settings {
    Settings {
        data_dir,
        attachments_in_db: false,
        max_upload_bytes: 64 * 1024,
        session_idle_minutes: 120,
        session_max_hours: 12,
        login_max_per_account: 5,
        login_max_per_address: 20,
        login_window_minutes: 15,
        behind_proxy: false,
        proxy_hops: 1,
        require_two_factor: false,
        oidc: None,
        password_admins_only: false,
    }
}

impl TestApp {
    pub fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, |_| {})
    }

    pub fn start_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let data_dir = std::env::temp_dir().join(unique("chidao_test"));
        std::fs::create_dir_all(&data_dir).unwrap();
        let (url, pg_db) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data_dir.join("test.sqlite3").display()),
                None,
            ),
            Backend::Postgres => {
                let admin = postgres_admin_url().expect("postgres url");
                let name = unique("chidao_t");
                let mut c = PgConnection::establish(&admin).expect("connect to PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut c)
                    .unwrap();
                let (head, _) = admin.rsplit_once('/').expect("url with a database");
                (format!("{head}/{name}"), Some((admin, name)))
            }
        };
        let mut conn = db::establish(&url).unwrap();
        chidao::models::prepare(&mut conn, chrono::Utc::now().naive_utc()).unwrap();
        let mut settings = default_settings(data_dir.clone());
        tweak(&mut settings);
        let queries = std::sync::Arc::new(AtomicU64::new(0));
        let pool = db::counted_pool(&url, 6, queries.clone()).unwrap();
        let state = chidao::web::state(pool, settings.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = chidao::web::server(state, listener, Some(2)).unwrap();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            })
        });
        let handle = rx.recv().unwrap();
        TestApp {
            backend,
            base: format!("http://127.0.0.1:{port}"),
            url,
            data_dir,
            settings,
            queries,
            pg_db,
            handle,
            thread: Some(thread),
        }
    }

    /// How many queries the server runs to answer one GET.
    pub fn queries_for(&self, client: &mut Client, path: &str) -> u64 {
        let before = self.queries.load(Ordering::SeqCst);
        let r = client.get(path);
        assert_eq!(r.status, 200, "GET {path}");
        self.queries.load(Ordering::SeqCst) - before
    }

    pub fn conn(&self) -> DbConn {
        db::establish(&self.url).unwrap()
    }

    pub fn unit_id(&self, name: &str) -> UnitId {
        unit::find_by_name(&mut self.conn(), name)
            .unwrap()
            .unwrap_or_else(|| panic!("unit {name}"))
            .id
    }

    /// Creates a person of a role (with a unit for unit roles) and returns their email.
    pub fn add_user(&self, role: Role, unit: Option<&str>) -> String {
        let email = format!("{}@test.chidao.vn", unique(role.as_str()));
        let unit_id = unit.map(|u| self.unit_id(u));
        let form = user::UserForm {
            email: email.clone(),
            name: format!("Người thử {}", role.as_str()),
            role: role.as_str().into(),
            unit_id,
            password: PASSWORD.into(),
            active: true,
            lang: "vi".into(),
        };
        user::create(&mut self.conn(), &form, chrono::Utc::now().naive_utc()).unwrap();
        email
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client logged in as a new person of the role.
    pub fn login_as(&self, role: Role, unit: Option<&str>) -> Client {
        let email = self.add_user(role, unit);
        let mut c = self.client();
        let r = c.login(&email, PASSWORD);
        assert_eq!(r.status, 303, "login of {email}: {}", r.body);
        c.email = email;
        c
    }

    pub fn attachment_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.settings.attachments_dir())
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Mail settings that send to `smtp_url`, with links to https://chidao.test and a short
    /// timeout so a silent server fails the test quickly instead of hanging it.
    pub fn mailing(&self, smtp_url: &str) -> chidao::jobs::scheduler::Mailing {
        self.mailing_with(smtp_url, |_| {})
    }

    pub fn mailing_with(
        &self,
        smtp_url: &str,
        tweak: impl FnOnce(&mut chidao::config::MailSettings),
    ) -> chidao::jobs::scheduler::Mailing {
        let mut settings = chidao::config::MailSettings {
            smtp_url: Some(smtp_url.to_string()),
            from: "Chỉ đạo <no-reply@chidao.test>".into(),
            timeout: std::time::Duration::from_secs(2),
            public_url: "https://chidao.test".into(),
            schedule: Default::default(),
            remind_hour: 7,
        };
        tweak(&mut settings);
        chidao::jobs::scheduler::Mailing::new(settings, &self.data_dir).unwrap()
    }

    /// Outbox rows as (kind, recipient, status).
    pub fn outbox(&self) -> Vec<(String, String, String)> {
        use chidao::db::schema::outbox;
        outbox::table
            .order(outbox::id)
            .select((outbox::kind, outbox::recipient, outbox::status))
            .load(&mut self.conn())
            .unwrap()
    }

    pub fn count(&self, sql_table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let r: N = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql_table}"))
            .get_result(&mut self.conn())
            .unwrap();
        r.n
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let h = self.handle.clone();
        let stop = std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false)));
        let _ = stop.join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some((admin, name)) = &self.pg_db {
            if let Ok(mut c) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: HashMap<String, Vec<String>>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }
    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The value of the first input with this name.
    pub fn input(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&needle)? + needle.len();
        Some(self.body[start..].split('"').next()?.to_string())
    }
}

/// An HTTP client that keeps cookies, does not follow redirects, and knows its CSRF token.
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
    pub email: String,
    pub extra_headers: Vec<(String, String)>,
}

pub enum Body<'a> {
    None,
    Form(&'a [(&'a str, &'a str)]),
    /// Fields, then files as (field, file name, bytes).
    Multipart(&'a [(&'a str, &'a str)], &'a [(&'a str, &'a str, &'a [u8])]),
    Json(&'a serde_json::Value),
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(std::time::Duration::from_secs(30))
                .build(),
            base: base.to_string(),
            cookies: HashMap::new(),
            csrf: String::new(),
            email: String::new(),
            extra_headers: Vec::new(),
        }
    }

    pub fn send(&mut self, method: &str, path: &str, body: Body) -> Resp {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.set("Cookie", &c.join("; "));
        }
        for (k, v) in &self.extra_headers {
            req = req.set(k, v);
        }
        let result = match body {
            Body::None => req.call(),
            Body::Form(fields) => req.send_form(fields),
            Body::Json(v) => req
                .set("Content-Type", "application/json")
                .send_string(&v.to_string()),
            Body::Multipart(fields, files) => {
                let boundary = "----chidaotestboundary7MA4YWxkTrZu0gW";
                let mut b: Vec<u8> = Vec::new();
                for (k, v) in fields {
                    b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
                }
                for (field, name, bytes) in files {
                    b.extend(
                        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                            .as_bytes(),
                    );
                    b.extend_from_slice(bytes);
                    b.extend(b"\r\n");
                }
                b.extend(format!("--{boundary}--\r\n").as_bytes());
                req.set(
                    "Content-Type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )
                .send_bytes(&b)
            }
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let mut headers: HashMap<String, Vec<String>> = HashMap::new();
        for name in resp.headers_names() {
            let values = resp.all(&name).iter().map(|s| s.to_string()).collect();
            headers.insert(name.to_ascii_lowercase(), values);
        }
        for sc in headers.get("set-cookie").cloned().unwrap_or_default() {
            let pair = sc.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || sc.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let body = resp.into_string().unwrap_or_default();
        let r = Resp {
            status,
            body,
            headers,
        };
        if let Some(c) = r.input("csrf") {
            if self.cookies.contains_key("chidao_session") {
                self.csrf = c;
            }
        }
        r
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, Body::None)
    }

    /// Posts a form with this session's CSRF token added.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf.is_empty() {
            self.get("/me");
        }
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send("POST", path, Body::Form(&all))
    }

    /// A form posted as given (for session-less forms that carry their own token).
    pub fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.send("POST", path, Body::Form(fields))
    }

    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Resp {
        if self.csrf.is_empty() {
            self.get("/me");
        }
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send("POST", path, Body::Multipart(&all, files))
    }

    pub fn login(&mut self, email: &str, password: &str) -> Resp {
        let page = self.get("/login");
        let pre = page.input("csrf").expect("login form csrf");
        let r = self.send(
            "POST",
            "/login",
            Body::Form(&[
                ("csrf", &pre),
                ("email", email),
                ("password", password),
                ("next", "/tasks"),
            ]),
        );
        if r.status == 303 {
            self.get("/me");
        }
        r
    }
}

/// Decodes the character references askama writes (`&#38;`, `&#34;` ...).
pub fn unescape(s: &str) -> String {
    chidao::extract::docx::unescape_xml(s)
}

/// The fields a browser would send for the form posting to `action`: inputs with their values
/// (checkboxes only when checked; no buttons), textareas, and the selected options of selects.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("action=\"{action}\"")).expect("form");
    let end = html[start..]
        .find("</form>")
        .map(|e| start + e)
        .expect("form end");
    let form = &html[start..end];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let needle = format!("{name}=\"");
        let at = tag.find(&needle)? + needle.len();
        Some(unescape(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name") {
                let send = match kind.as_str() {
                    "checkbox" | "radio" => tag.contains(" checked"),
                    "submit" | "file" | "button" => false,
                    _ => true,
                };
                if send {
                    out.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<textarea") {
            if let Some(name) = attr(tag, "name") {
                let body = &rest[tag_end + 1..];
                let close = body.find("</textarea>").unwrap_or(0);
                out.push((name, unescape(&body[..close])));
            }
        } else if tag.starts_with("<select") {
            if let Some(name) = attr(tag, "name") {
                let body = &rest[tag_end + 1..];
                let close = body.find("</select>").unwrap_or(0);
                let mut opts = &body[..close];
                let mut any = false;
                let mut first: Option<String> = None;
                while let Some(o) = opts.find("<option") {
                    opts = &opts[o..];
                    let oend = opts.find('>').unwrap_or(opts.len());
                    let otag = &opts[..oend];
                    let value = attr(otag, "value").unwrap_or_default();
                    if first.is_none() {
                        first = Some(value.clone());
                    }
                    if otag.contains(" selected") {
                        out.push((name.clone(), value));
                        any = true;
                    }
                    opts = &opts[oend..];
                }
                if !any && !tag.contains(" multiple") {
                    out.push((name, first.unwrap_or_default()));
                }
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.len() <= 1 {
            break;
        }
        rest = &rest[1..];
    }
    out
}

/// Whether the page links to `target` (a path and query), whatever the order of the query's
/// fields and however its characters are escaped.
pub fn links_to(html: &str, target: &str) -> bool {
    let key = |url: &str| -> (String, Vec<(String, String)>) {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        pairs.sort();
        (path.to_string(), pairs)
    };
    let wanted = key(target);
    unescape(html)
        .split("href=\"")
        .skip(1)
        .filter_map(|a| a.split('"').next())
        .any(|href| key(href) == wanted)
}

/// Whether python3 can import `module` (pip package `package`), which reads back a file the
/// service wrote; CHIDAO_REQUIRE_OPENPYXL=1 (as CI sets it) makes its absence a failure,
/// otherwise the test says loudly that it did not read the file back.
pub fn python_reads(module: &str, package: &str) -> bool {
    let has = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        if std::env::var("CHIDAO_REQUIRE_OPENPYXL").as_deref() == Ok("1") {
            panic!("CHIDAO_REQUIRE_OPENPYXL=1 but python3 cannot import {module} (pip install {package})");
        }
        eprintln!("\n*** WARNING: {package} not installed (pip install {package}): the file was NOT read back ***\n");
    }
    has
}

/// A real OpenID Connect provider (npm's oidc-provider, installed under target/oidc) listening
/// on `port`, whose one client is the service at `base` with `secret`; None (said loudly)
/// where Node or the package is missing, a failure under CHIDAO_REQUIRE_BROWSER=1.
pub struct OidcProvider(std::process::Child);

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn oidc_provider(port: u16, base: &str, secret: &str) -> Option<OidcProvider> {
    let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oidc/node_modules");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc_provider.js");
    let missing = !modules.join("oidc-provider").exists();
    let child = (!missing)
        .then(|| {
            std::process::Command::new("node")
                .arg(&script)
                .arg(port.to_string())
                .arg(base)
                .arg(secret)
                .env("NODE_PATH", &modules)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .ok()
        })
        .flatten();
    let Some(child) = child else {
        if std::env::var("CHIDAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("CHIDAO_REQUIRE_BROWSER=1 but node or oidc-provider is missing (npm install --prefix target/oidc oidc-provider@8)");
        }
        eprintln!("\n*** WARNING: oidc-provider not installed: single sign-on was NOT tested (npm install --prefix target/oidc oidc-provider@8) ***\n");
        return None;
    };
    let provider = OidcProvider(child);
    let discovery = format!("http://127.0.0.1:{port}/.well-known/openid-configuration");
    for _ in 0..100 {
        if ureq::get(&discovery).call().is_ok() {
            return Some(provider);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("oidc-provider did not start on port {port}");
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
