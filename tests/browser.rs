//! A real browser: headless Chromium driven over WebDriver (Debian's chromium-driver).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chidao::domain::permissions::{Act, Role};
use serde_json::{json, Value};

use crate::fixtures::publish;
use crate::support::{Backend, TestApp, PASSWORD};

/// One browser at a time: on two cores, parallel Chromiums make each other's pages time out.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The key under which WebDriver answers an element reference (W3C WebDriver, 12.1).
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    _turn: std::sync::MutexGuard<'static, ()>,
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_driver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

impl Driver {
    fn start() -> Option<Driver> {
        let Some(path) = find_driver() else {
            if std::env::var("CHIDAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("CHIDAO_REQUIRE_BROWSER=1 but chromedriver is not installed");
            }
            eprintln!("\n*** WARNING: chromedriver not found: the browser test did NOT run (apt-get install chromium chromium-driver) ***\n");
            return None;
        };
        let turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let started = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(crate::support::unique("chidao_chrome"));
        // The browser's console is kept so tests can read what it reported (policy violations).
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:loggingPrefs": {"browser": "ALL"}, "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                     format!("--user-data-dir={}", profile.display())]
        }}}});
        let mut d = Driver {
            _turn: turn,
            child,
            base,
            session: String::new(),
            agent,
        };
        let r: Value = d
            .agent
            .post(&format!("{}/session", d.base))
            .send_json(caps)
            .expect("new session")
            .into_json()
            .unwrap();
        d.session = r["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Some(d)
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self.agent.post(&url).send_json(body),
        };
        match r {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(code, r)) => panic!(
                "{method} {path}: {code} {}",
                r.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    /// What the console said since the last call that the Content-Security-Policy refused.
    fn policy_violations(&self) -> Vec<String> {
        let log = self.cmd("POST", "/se/log", json!({"type": "browser"}));
        log.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str())
            .filter(|m| m.contains("Content Security Policy"))
            .map(str::to_string)
            .collect()
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    /// The element, waited for up to five seconds: a click that submits a form may be answered
    /// before the next page has loaded, on a slow machine more often than on a fast one.
    fn find(&self, css: &str) -> String {
        for _ in 0..50 {
            let found = self.try_cmd(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            );
            if let Some(el) = found
                .as_ref()
                .and_then(|v| v.as_object())
                .and_then(|o| o.get(ELEMENT_KEY))
                .and_then(|v| v.as_str())
            {
                return el.to_string();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no element {css}");
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        );
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), json!({}));
    }

    /// The element's text; retried while a page that just loaded replaces its elements.
    fn text(&self, css: &str) -> String {
        for _ in 0..50 {
            let found = self.try_cmd(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            );
            let el = found
                .as_ref()
                .and_then(|v| v.as_object())
                .and_then(|o| o.values().next())
                .and_then(|v| v.as_str())
                .map(str::to_string);
            if let Some(el) = el {
                if let Some(t) = self.try_cmd("GET", &format!("/element/{el}/text"), json!({})) {
                    return t.as_str().unwrap_or("").to_string();
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no stable element {css}");
    }

    /// A command whose failure is expected now and then (a page still loading).
    fn try_cmd(&self, method: &str, path: &str, body: Value) -> Option<Value> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            _ => self.agent.post(&url).send_json(body),
        };
        r.ok()
            .and_then(|r| r.into_json::<Value>().ok())
            .map(|v| v["value"].clone())
    }

    /// Waits for a navigation a click started: WebDriver may answer before the next page loads.
    fn wait_for_url(&self, part: &str) -> String {
        self.wait_until(|url| url.contains(part), part)
    }

    fn wait_until(&self, done: impl Fn(&str) -> bool, what: &str) -> String {
        let started = Instant::now();
        loop {
            let url = self.url();
            let ready = self.try_cmd(
                "POST",
                "/execute/sync",
                json!({"script": "return document.readyState", "args": []}),
            );
            if done(&url) && ready.as_ref().and_then(|v| v.as_str()) == Some("complete") {
                return url;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "still at {url}, waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", json!({}))
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

#[test]
fn a_unit_head_reports_progress_in_a_browser() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let email = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));

    driver.go(&format!("{}/tasks/{}", app.base, p.langson));
    assert!(
        driver.url().contains("/login?next="),
        "sent to log in first"
    );
    driver.type_into("#email", &email);
    driver.type_into("#password", PASSWORD);
    driver.click("form[action='/login'] button[type=submit]");
    let url = driver.wait_for_url(&format!("/tasks/{}", p.langson));
    assert!(!url.contains("login"), "back at the task: {url}");
    assert!(driver.text("#status").contains("Mới giao"));

    driver.type_into(
        "#progress-text",
        "Đã họp với các sở, ngành; dự thảo kế hoạch đạt 60%.",
    );
    driver.type_into("#percent", "60");
    driver.click("#progress-form button[type=submit]");
    driver.wait_for_url("done=progress");
    assert_eq!(driver.text("#progress").replace('\u{a0}', " "), "60 %");
    let journal = driver.text("#journal");
    assert!(
        journal.contains("báo cáo tiến độ") && journal.contains("Đã họp với các sở, ngành"),
        "{journal}"
    );
    assert!(driver.text("#status").contains("Đang thực hiện"));
}

fn log_in(driver: &Driver, base: &str, email: &str, next: &str) {
    driver.go(&format!("{base}/login?next={next}"));
    driver.type_into("#email", email);
    driver.type_into("#password", PASSWORD);
    driver.click("form[action='/login'] button[type=submit]");
    // The login page's own address holds `next`: wait until it is left.
    driver.wait_until(|url| url.contains(next) && !url.contains("/login"), next);
}

#[test]
fn an_extension_asked_and_granted_in_a_browser() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let head = app.add_user(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let secretariat = app.add_user(Role::Secretariat, None);
    let asked = crate::fixtures::days(60).format("%d/%m/%Y").to_string();
    let task = format!("/tasks/{}", p.khtc);

    log_in(&driver, &app.base, &head, &task);
    driver.type_into("#extension-due", &asked);
    driver.type_into("#extension-text", "Chờ ý kiến thẩm định của Bộ Tài chính.");
    driver.click("#extension-form button[type=submit]");
    driver.wait_for_url("done=extension");
    assert!(driver.text("main").contains("Đang chờ xử lý"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    log_in(&driver, &app.base, &secretariat, "/extensions");
    assert!(driver.text("main").contains("Chờ ý kiến thẩm định"));
    driver.click("tr[data-extension] a");
    driver.wait_for_url(&task);
    driver.type_into("textarea[id^='approve-text-']", "Đồng ý gia hạn.");
    driver.click("form[action^='/extensions/'][action$='/approve'] button[type=submit]");
    driver.wait_for_url("done=extension_approve");
    let main = driver.text("main");
    assert!(
        main.contains("Đã đồng ý") && main.contains(&asked),
        "{main}"
    );
    assert_eq!(
        chidao::models::task::get(&mut app.conn(), p.khtc)
            .unwrap()
            .due_on,
        Some(crate::fixtures::days(60))
    );
}

#[test]
fn a_leader_asks_for_an_explanation_and_the_head_answers_on_a_phone() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let leader = app.add_user(Role::Leader, None);
    let head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let task = format!("/tasks/{}", p.langson);
    let proposed = crate::fixtures::days(45).format("%d/%m/%Y").to_string();

    driver.resize(1366, 900);
    log_in(&driver, &app.base, &leader, &task);
    driver.click("#explanations ~ details.more-action > summary");
    driver.type_into("#ask-text", "Đề nghị giải trình lý do chậm triển khai.");
    driver.click("#ask-form button[type=submit]");
    driver.wait_for_url("done=explanation_asked");
    assert!(driver.text("main").contains("Chờ đơn vị giải trình"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    // The head answers from a phone: the form fits the screen and keeps to one column.
    driver.resize(390, 844);
    log_in(&driver, &app.base, &head, &task);
    driver.type_into("#answer-reason", "Chờ Sở Tài chính thẩm định kinh phí.");
    driver.type_into("#answer-actions", "Đã có công văn đề nghị.");
    driver.type_into("#answer-due", &proposed);
    driver.type_into("#answer-difficulties", "Kiến nghị Bộ hỗ trợ kinh phí.");
    let fits = driver.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "var f = document.querySelector('#answer-form').getBoundingClientRect(); return f.right <= window.innerWidth && document.documentElement.scrollWidth <= window.innerWidth;", "args": []}),
    );
    assert_eq!(fits, json!(true), "the answer form fits a phone");
    driver.click("#answer-form button[type=submit]");
    driver.wait_for_url("done=explanation_answered");
    assert!(driver.text("main").contains("Chờ xem xét"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    driver.resize(1366, 900);
    log_in(&driver, &app.base, &leader, &task);
    assert!(driver
        .text("main")
        .contains("Kiến nghị Bộ hỗ trợ kinh phí."));
    driver.type_into("#accept-text", "Đồng ý với thời hạn đề xuất.");
    driver.click("#accept-form button[type=submit]");
    driver.wait_for_url("done=explanation_accepted");
    assert!(driver.text("main").contains("Đã chấp nhận"));
    assert_eq!(
        chidao::models::task::get(&mut app.conn(), p.langson)
            .unwrap()
            .due_on,
        Some(crate::fixtures::days(45))
    );
}

#[test]
fn a_head_hands_a_task_to_staff_who_report_progress_from_a_phone() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let head = app.add_user(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let staff = app.add_user(Role::UnitStaff, Some("Cục Kế hoạch - Tài chính"));
    let task = format!("/tasks/{}", p.khtc);

    driver.resize(1366, 900);
    log_in(&driver, &app.base, &head, &task);
    driver.click("#assign > summary");
    let staff_id = chidao::models::user::by_email(&mut app.conn(), &staff)
        .unwrap()
        .unwrap()
        .0
        .id;
    driver.click(&format!("#assign-form input[value='{staff_id}']"));
    driver.click("#assign-form button[type=submit]");
    driver.wait_for_url("done=assigned");
    assert!(driver.text("#assignees").contains("Người thử unit_staff"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    // The staff member lands on the desk on a phone, follows "giao cho tôi" and reports.
    driver.resize(390, 844);
    log_in(&driver, &app.base, &staff, "/desk");
    driver.click("#desk-assigned_to_me li a");
    driver.wait_for_url(&task);
    driver.type_into("#progress-text", "Đã dự thảo báo cáo.");
    driver.type_into("#percent", "40");
    driver.click("#progress-form button[type=submit]");
    driver.wait_for_url("done=progress");
    assert_eq!(driver.text("#progress").replace('\u{a0}', " "), "40 %");
}

#[test]
fn a_coordinating_unit_gives_its_part_from_a_phone_and_a_task_is_moved() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let lead = app.add_user(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let coord = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
    let ls_head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let sec = app.add_user(Role::Secretariat, None);
    let task = format!("/tasks/{}", p.khtc);
    let by = crate::fixtures::days(7).format("%d/%m/%Y").to_string();

    // The lead unit asks Lạng Sơn for its part by a date.
    driver.resize(1366, 900);
    log_in(&driver, &app.base, &lead, &task);
    driver.click("#ask-part > summary");
    driver.type_into("#ask-part-due", &by);
    driver.type_into(
        "#ask-part-text",
        "Đề nghị cho ý kiến về nguồn vốn địa phương.",
    );
    driver.click("#ask-part-form button[type=submit]");
    driver.wait_for_url("done=coordination_ask");
    assert!(driver.text("#coordination").contains("Đã đề nghị"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    // The coordinating unit's staff member answers from a phone, from the desk.
    driver.resize(390, 844);
    log_in(&driver, &app.base, &coord, "/desk");
    driver.click("#desk-parts_asked li a");
    driver.wait_for_url(&task);
    driver.type_into("#part-text", "Đồng ý; đề nghị bổ sung nguồn vốn đối ứng.");
    assert!(driver.fits_the_width(), "the task page fits a phone");
    driver.click("#part-form button[type=submit]");
    driver.wait_for_url("done=coordination");
    assert!(driver.text("#coordination").contains("Đã phối hợp"));
    assert!(driver.text("main").contains("nguồn vốn đối ứng"));
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");

    // Lạng Sơn sends its own task back; the secretariat moves it to Hà Nội from the desk.
    driver.resize(1366, 900);
    let own = format!("/tasks/{}", p.langson);
    log_in(&driver, &app.base, &ls_head, &own);
    driver.click("#send-back > summary");
    driver.type_into(
        "#send-back-text",
        "Nội dung thuộc chức năng của Sở KH&CN Hà Nội.",
    );
    driver.click("#send-back-form button[type=submit]");
    driver.wait_for_url("done=send_back");
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");
    log_in(&driver, &app.base, &sec, "/desk");
    driver.click("#desk-sent_back li a");
    driver.wait_for_url(&own);
    assert!(driver.text("#waiting-return").contains("thuộc chức năng"));
    let hanoi = app.unit_id("Sở KH&CN Hà Nội");
    driver.click(&format!("#transfer-unit option[value='{hanoi}']"));
    driver.type_into("#transfer-text", "Chuyển Sở KH&CN Hà Nội chủ trì.");
    driver.click("#transfer-form button[type=submit]");
    driver.wait_for_url("done=transfer");
    assert!(driver.text("#transfers").contains("Hà Nội"));
    assert_eq!(
        chidao::models::task::get(&mut app.conn(), p.langson)
            .unwrap()
            .lead_unit_id,
        hanoi
    );
}

#[test]
fn a_notice_pasted_reviewed_and_published_in_a_browser() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let secretariat = app.add_user(Role::Secretariat, None);
    let head = app.add_user(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
    log_in(&driver, &app.base, &secretariat, "/directives/new");
    let text = include_str!("fixtures/extract/formal_notice_2020.txt");
    // Typing 2 KB key by key is slow in WebDriver; the text goes in as a value.
    driver.cmd("POST", "/execute/sync", json!({"script": "document.getElementById('source').value = arguments[0];", "args": [text]}));
    driver.click("#paste-form button[type=submit]");
    driver.wait_for_url("/directives/draft");
    assert!(driver.text("#source-pane").contains("Nơi nhận"));
    // The unit picker's search box, without diacritics.
    let filters = driver.cmd(
        "POST",
        "/elements",
        json!({"using": "css selector", "value": "input.picker-filter"}),
    );
    let second = filters.as_array().unwrap()[2]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    driver.cmd(
        "POST",
        &format!("/element/{second}/value"),
        json!({"text": "phap che"}),
    );
    let shown = driver.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "return Array.from(document.getElementById('item1.leads').querySelectorAll('label.choice')).filter(l => !l.hidden).map(l => l.textContent.trim());", "args": []}),
    );
    let shown: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        shown,
        vec!["Cục Kế hoạch - Tài chính", "Vụ Pháp chế"],
        "the selected lead stays, Vụ Pháp chế is found"
    );
    // Two coordinating units chosen for item 1 by plain clicks: both stay chosen, and the
    // picker says so.
    let picked: Vec<_> = ["Sở KH&CN Cà Mau", "Sở KH&CN Cao Bằng"]
        .iter()
        .map(|n| app.unit_id(n))
        .collect();
    for id in &picked {
        driver.click(&format!("input[name='item0.coords'][value='u:{id}']"));
    }
    let chosen = driver.cmd(
        "POST",
        "/execute/sync",
        json!({"script": "return Array.from(document.querySelectorAll(\"input[name='item0.coords']:checked\")).length;", "args": []}),
    );
    assert!(chosen.as_u64().unwrap() >= 2, "{chosen}");
    let said = driver.text("fieldset[data-name='item0.coords'] .picker-chosen");
    assert!(
        said.contains("Cà Mau") && said.contains("Cao Bằng"),
        "{said}"
    );
    // The person corrects item 3's date and publishes.
    let due = driver.find("input[name='item2.due']");
    driver.cmd("POST", &format!("/element/{due}/clear"), json!({}));
    driver.cmd(
        "POST",
        &format!("/element/{due}/value"),
        json!({"text": "31/08/2020"}),
    );
    driver.click("button[name=publish]");
    // Units no one would hear from in a test database: the page names them first.
    driver.click("#unreachable button[name=publish_anyway]");
    driver.wait_for_url("done=published");
    assert!(driver.text("main").contains("1873/TB-BKHCN"));
    {
        use chidao::db::schema::task_coordinators as tc;
        use diesel::prelude::*;
        let coordinating: Vec<chidao::domain::ids::UnitId> =
            tc::table.select(tc::unit_id).load(&mut app.conn()).unwrap();
        assert!(
            picked.iter().all(|u| coordinating.contains(u)),
            "both clicks kept"
        );
    }
    driver.click("form[action='/logout'] button");
    driver.wait_for_url("/login");
    log_in(&driver, &app.base, &head, "/tasks?status=all");
    let inbox = driver.text("main");
    assert!(
        inbox.contains("OCOP") && inbox.contains("31/08/2020"),
        "{inbox}"
    );
}

#[test]
fn a_leader_follows_a_units_overdue_count_to_its_list() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let leader = app.add_user(Role::Leader, None);
    let ls = app.unit_id("Sở KH&CN Lạng Sơn");
    // Who is late, at a glance: the ranked units are on the first screen, at a desk and on a
    // phone, naming Lạng Sơn first.
    for (width, height) in [(1366, 900), (390, 844)] {
        driver.resize(width, height);
        if width == 1366 {
            log_in(&driver, &app.base, &leader, "/dashboard");
        } else {
            driver.go(&format!("{}/dashboard", app.base));
        }
        let top = driver.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "var r = document.querySelector('#ranked li').getBoundingClientRect(); return r.bottom <= window.innerHeight;", "args": []}),
        );
        let layout = driver.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "return Array.from(document.querySelectorAll('header, main > *, #ranked > *, #ranked li')).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().top) + '-' + Math.round(e.getBoundingClientRect().bottom)).join(' ') + ' h=' + window.innerHeight;", "args": []}),
        );
        assert_eq!(
            top,
            json!(true),
            "ranked units within the first screen at {width}px: {layout}"
        );
        assert_eq!(
            driver.text("#ranked li:first-child a").trim(),
            "Sở Khoa học và Công nghệ tỉnh Lạng Sơn"
        );
    }
    // On a phone the list's cards label their fields; at a desk the column headings do.
    for (width, shown) in [(390, true), (1366, false)] {
        driver.resize(width, if width < 1000 { 844 } else { 900 });
        driver.go(&format!("{}/tasks?status=all", app.base));
        let display = driver.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "return getComputedStyle(document.querySelector('tr[data-task] .cell-label')).display;", "args": []}),
        );
        assert_eq!(display != json!("none"), shown, "{width}px: {display}");
    }
    driver.go(&format!("{}/dashboard", app.base));
    assert_eq!(
        driver.text(&format!(
            "tr[data-unit='{ls}'] a[data-bucket='open_overdue']"
        )),
        "1"
    );
    driver.click(&format!(
        "tr[data-unit='{ls}'] a[data-bucket='open_overdue']"
    ));
    driver.wait_until(
        |url| url.contains("bucket=open_overdue") && url.contains(&format!("lead={ls}")),
        "the unit's overdue list",
    );
    assert_eq!(driver.text("#total"), "1");
    assert!(driver.text("main").contains(&format!("{}", p.langson)));
}

#[test]
fn a_forgotten_password_and_mail_choices_in_a_browser() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite);
    let smtp = crate::support::smtp::SmtpServer::start();
    let email = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));

    driver.go(&format!("{}/login", app.base));
    driver.click("a[href='/password/forgot']");
    driver.wait_for_url("/password/forgot");
    driver.type_into("#email", &email);
    driver.click("form[action='/password/forgot'] button[type=submit]");
    driver.wait_until(|_| true, "answer");
    assert!(driver.text("main").contains("Nếu địa chỉ này có tài khoản"));
    app.mailing(&smtp.url())
        .deliver(&mut app.conn(), crate::fixtures::today())
        .unwrap();
    let text = smtp.received()[0].text();
    let path = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("https://chidao.test"))
        .filter(|p| p.starts_with("/password/reset/"))
        .expect("a reset link")
        .to_string();
    driver.go(&format!("{}{path}", app.base));
    driver.type_into("#new_password", "mot-mat-khau-moi-rat-dai");
    driver.type_into("#confirm_password", "mot-mat-khau-moi-rat-dai");
    driver.click("form[action^='/password/reset/'] button[type=submit]");
    driver.wait_for_url("done=password_reset");
    assert!(driver.text("main").contains("Đã đặt mật khẩu mới"));
    driver.type_into("#email", &email);
    driver.type_into("#password", "mot-mat-khau-moi-rat-dai");
    driver.click("form[action='/login'] button[type=submit]");
    driver.wait_until(|url| !url.contains("/login"), "logged in");

    // Mail choices: a daily digest instead of single reminders, confirmations off.
    driver.go(&format!("{}/me", app.base));
    driver.click("input[name=mode][value=digest]");
    driver.click("input[name=on][value=confirmed]");
    driver.click("form.mail-prefs button[type=submit]");
    driver.wait_for_url("done=saved");
    let digest = driver.find("input[name=mode][value=digest]");
    let selected = driver.cmd("GET", &format!("/element/{digest}/selected"), json!({}));
    assert_eq!(selected, json!(true));
    let prefs = chidao::models::user::mail_prefs(
        &mut app.conn(),
        chidao::models::user::by_email(&mut app.conn(), &email)
            .unwrap()
            .unwrap()
            .0
            .id,
    )
    .unwrap();
    assert!(prefs.digest);
    assert_eq!(prefs.off, [chidao::domain::mail::Kind::Confirmed]);
}

/// axe-core's script (npm package `axe-core`): `CHIDAO_AXE_JS`, or where `.ci/run` installs it.
fn axe_source() -> Option<String> {
    let path = std::env::var("CHIDAO_AXE_JS").unwrap_or_else(|_| {
        format!(
            "{}/target/axe/node_modules/axe-core/axe.min.js",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) if std::env::var("CHIDAO_REQUIRE_BROWSER").as_deref() == Ok("1") => panic!(
            "CHIDAO_REQUIRE_BROWSER=1 but {path} is missing (npm install --prefix target/axe axe-core@4)"
        ),
        Err(_) => {
            eprintln!("\n*** WARNING: {path} not found: accessibility was NOT checked ***\n");
            None
        }
    }
}

impl Driver {
    /// axe-core's serious and critical findings on the page shown: "rule: where".
    fn accessibility_problems(&self, axe: &str) -> Vec<String> {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": format!("{axe}; return 1;"), "args": []}),
        );
        let found = self.cmd(
            "POST",
            "/execute/async",
            json!({"script": "var done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(function (r) {
                  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                    .map(function (v) { return v.id + ': ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(' | '); }));
                });", "args": []}),
        );
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// True when the page is no wider than the window (nothing scrolls sideways).
    fn fits_the_width(&self) -> bool {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": "return document.documentElement.scrollWidth <= window.innerWidth;", "args": []}),
        ) == json!(true)
    }

    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        );
    }
}

/// The pages each role uses, at a desk (1366×900) and on a phone (390×844), in Vietnamese and
/// in English: no Content-Security-Policy violation, nothing scrolls sideways, and axe-core
/// finds nothing serious or critical.
#[test]
fn every_page_reads_right_at_a_desk_and_on_a_phone() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let axe = axe_source();
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let ls = app.unit_id("Sở KH&CN Lạng Sơn");
    // A request for an explanation waits on Lạng Sơn's task: its answer form is checked too.
    let sec = app.add_user(Role::Secretariat, None);
    let sec = chidao::models::user::by_email(&mut app.conn(), &sec)
        .unwrap()
        .unwrap()
        .0
        .actor();
    chidao::app::explanations::ask(
        &mut app.conn(),
        Act::new(sec, chidao::domain::dates::Moment::now()),
        p.langson,
        &chidao::models::explanation::NewAsk {
            question: "Đề nghị giải trình",
            reply_by: crate::fixtures::days(3),
        },
    )
    .unwrap();
    // An issued report, for its page.
    let req = chidao::app::periodic::Request {
        preset: chidao::reports::stats::Preset::Year,
        period: chidao::reports::stats::numbered(
            chidao::reports::stats::Preset::Year,
            chrono::Datelike::year(&crate::fixtures::days(0)),
            1,
        )
        .unwrap(),
        axis: chidao::models::tally::Axis::Due,
        scope: chidao::models::tally::Scope::All,
    };
    let draft = chidao::app::periodic::Draft {
        heading: chidao::app::periodic::default_heading(crate::fixtures::days(0)),
        assessment: String::new(),
        proposals: String::new(),
    };
    let issued = chidao::app::periodic::issue(
        &mut app.conn(),
        Act::new(sec, chidao::domain::dates::Moment::now()),
        &req,
        &draft,
    )
    .unwrap();
    let hook = chidao::models::webhook::create(
        &mut app.conn(),
        "https://he-thong-bao-cao.example/hooks",
        "bi-mat",
        &[chidao::domain::webhook::Event::Chased],
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let pages_by_role: [(Role, Option<&str>, Vec<String>); 4] = [
        (
            Role::UnitHead,
            Some("Sở KH&CN Lạng Sơn"),
            vec![
                "/desk".into(),
                format!("/tasks/{}", p.langson),
                format!("/tasks/{}", p.khtc),
                "/tasks".into(),
                format!("/units/{ls}"),
                "/me".into(),
                "/me/two-factor".into(),
                "/me/calendar".into(),
                format!("/units/{ls}/calendar"),
                "/notifications".into(),
            ],
        ),
        (
            Role::Leader,
            None,
            vec![
                "/dashboard".into(),
                format!("/directives/{}", p.directive_id),
                "/tasks?status=all".into(),
                format!("/tasks/{}", p.langson),
                format!("/units/{ls}"),
                "/reports/periodic".into(),
            ],
        ),
        (
            Role::Secretariat,
            None,
            vec![
                "/desk".into(),
                "/directives".into(),
                "/directives/new".into(),
                "/conferences/new".into(),
                format!("/tasks/{}", p.khtc),
                format!("/tasks/{}/edit", p.khtc),
                format!("/tasks/{}/coordinators", p.khtc),
                format!("/directives/{}/correct", p.directive_id),
                format!("/directives/{}/items/new", p.directive_id),
                "/extensions".into(),
                "/reports/periodic?period=year".into(),
                "/reports/issued".into(),
                format!("/reports/issued/{issued}"),
            ],
        ),
        (
            Role::Admin,
            None,
            vec![
                "/admin/units".into(),
                format!("/admin/units/{ls}"),
                "/admin/groups/new".into(),
                "/admin/users".into(),
                "/admin/users/new".into(),
                "/admin/calendar".into(),
                "/admin/outbox".into(),
                "/admin/escalation".into(),
                "/admin/grading".into(),
                "/admin/webhooks".into(),
                format!("/admin/webhooks/{hook}"),
            ],
        ),
    ];
    let mut problems = Vec::new();
    let mut check = |what: &str| {
        problems.extend(
            driver
                .policy_violations()
                .into_iter()
                .map(|m| format!("{what}: {m}")),
        );
        if !driver.fits_the_width() {
            problems.push(format!("{what}: scrolls sideways"));
        }
        if let Some(axe) = &axe {
            problems.extend(
                driver
                    .accessibility_problems(axe)
                    .into_iter()
                    .map(|m| format!("{what}: {m}")),
            );
        }
    };
    for (width, height) in [(1366, 900), (390, 844)] {
        driver.resize(width, height);
        driver.cmd("DELETE", "/cookie", json!({}));
        driver.go(&format!("{}/login", app.base));
        check(&format!("{width}px /login"));
        for (role, unit, pages) in &pages_by_role {
            let email = app.add_user(*role, *unit);
            driver.cmd("DELETE", "/cookie", json!({}));
            log_in(&driver, &app.base, &email, &pages[0]);
            for lang in ["vi", "en"] {
                // English at the desk size only: the layout is the same.
                if lang == "en" && width < 1000 {
                    continue;
                }
                for page in pages {
                    let sep = if page.contains('?') { '&' } else { '?' };
                    driver.go(&format!("{}{page}{sep}lang={lang}", app.base));
                    check(&format!("{width}px {lang} {page}"));
                }
            }
            // Back to Vietnamese for the next person in this browser.
            driver.go(&format!("{}/me?lang=vi", app.base));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Single sign-on through a real provider's own pages: a known address signs in, an unknown
/// one is refused, an address of the configured domain gets an account without rights.
#[test]
fn single_sign_on_through_a_real_provider() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let port = crate::support::free_port();
    let app = TestApp::start_with(Backend::Sqlite, |s| {
        s.oidc = Some(crate::sso::settings(port));
    });
    let Some(_provider) = crate::support::oidc_provider(port, &app.base, "bi-mat-sso") else {
        return;
    };
    let email = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let sign_on = |login: &str| {
        driver.go(&format!("{}/login?next=/desk", app.base));
        driver.click("#sso");
        driver.wait_for_url("/interaction/");
        driver.type_into("input[name=login]", login);
        driver.type_into("input[name=password]", "mat-khau-ben-nha-cung-cap");
        driver.click("input[name=prompt][value=login] ~ button[type=submit]");
        // The provider asks to let the service have the address.
        driver.click("input[name=prompt][value=consent] ~ button[type=submit]");
        driver.wait_until(|url| url.starts_with(&app.base), "back at the service")
    };
    let url = sign_on(&email);
    let url = if url.contains("/desk") {
        url
    } else {
        driver.wait_for_url("/desk")
    };
    assert!(url.ends_with("/desk"), "{url}");
    assert!(driver.text("nav").contains("Lạng Sơn") || !driver.text("h1").is_empty());
    // Out again, and an address nobody here has.
    driver.cmd("DELETE", "/cookie", json!({}));
    sign_on("nguoi.la@khac.vn");
    driver.wait_for_url("/login/sso/callback");
    assert!(driver.text(".alert").contains("chưa có tài khoản"));
    // An address of the configured domain gets an account that sees nothing yet.
    driver.cmd("DELETE", "/cookie", json!({}));
    sign_on("moi@so-moi.gov.vn");
    driver.wait_for_url("/desk");
    let (u, _) = chidao::models::user::by_email(&mut app.conn(), "moi@so-moi.gov.vn")
        .unwrap()
        .expect("made");
    assert_eq!(u.role, Role::UnitStaff);
    assert_eq!(u.unit_id, None);
}
