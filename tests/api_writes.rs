//! Writes through the API: the page's rules and checks, versions by ETag and If-Match,
//! problem details, read-only tokens, and retries made safe by Idempotency-Key.

use chidao::domain::ids::TaskId;
use chidao::domain::permissions::Role;
use serde_json::json;

use crate::fixtures::publish;
use crate::support::{each_backend, Body, Client, Resp, TestApp};

/// A client with a personal token of a new person of `role` (and `unit`).
fn bot(app: &TestApp, role: Role, unit: Option<&str>, can_write: bool) -> Client {
    let email = app.add_user(role, unit);
    let id = chidao::models::user::by_email(&mut app.conn(), &email)
        .unwrap()
        .unwrap()
        .0
        .id;
    let new = chidao::models::api_token::NewToken {
        name: "hệ thống báo cáo",
        days: 30,
        can_write,
    };
    let token = chidao::models::api_token::create(
        &mut app.conn(),
        id,
        &new,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let mut c = app.client();
    c.email = email;
    c.extra_headers
        .push(("Authorization".into(), format!("Bearer {token}")));
    c
}

/// POSTs `body` to `path` with these headers besides the client's own.
fn post(c: &mut Client, path: &str, headers: &[(&str, &str)], body: Body) -> Resp {
    let kept = c.extra_headers.len();
    c.extra_headers
        .extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = c.send("POST", path, body);
    c.extra_headers.truncate(kept);
    r
}

fn etag(c: &mut Client, id: TaskId) -> String {
    let r = c.get(&format!("/api/v1/tasks/{id}"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.header("etag").expect("an ETag").to_string()
}

fn problem(r: &Resp, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{}",
        r.body
    );
    let p = r.json();
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["status"], status);
    assert_eq!(p["type"], format!("urn:chidao:problem:{code}"));
    p
}

fn reports_of(app: &TestApp, id: TaskId) -> usize {
    chidao::models::task::reports(&mut app.conn(), id)
        .unwrap()
        .len()
}

#[test]
fn the_lead_unit_reports_through_the_api_by_version() {
    each_backend(|app| {
        let p = publish(app);
        let path = format!("/api/v1/tasks/{}/progress", p.langson);
        let progress =
            |percent: i64| json!({"text": "Đã xây dựng dự thảo kế hoạch", "percent": percent});

        // A read-only token reads but does not write.
        let mut reader = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), false);
        let v = etag(&mut reader, p.langson);
        let r = post(
            &mut reader,
            &path,
            &[("If-Match", &v)],
            Body::Json(&progress(40)),
        );
        problem(&r, 403, "read_only_token");
        assert_eq!(reports_of(app, p.langson), 0);

        let mut head = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true);
        // Without the version seen: told to send it.
        let r = post(&mut head, &path, &[], Body::Json(&progress(40)));
        problem(&r, 428, "if_match_required");
        // Fields that fail are named, with the page's messages in the person's language.
        let bad = json!({"text": "  ", "percent": 140});
        let r = post(&mut head, &path, &[("If-Match", &v)], Body::Json(&bad));
        let pr = problem(&r, 422, "invalid");
        let fields: Vec<&str> = pr["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["text", "percent"]);
        assert_eq!(pr["errors"][1]["message"], "Nhập số từ 0 đến 100.");
        let r = post(
            &mut head,
            &format!("{path}?lang=en"),
            &[("If-Match", &v)],
            Body::Json(&json!({"text": "x", "percent": "bốn mươi"})),
        );
        let pr = problem(&r, 422, "invalid");
        assert_eq!(pr["errors"][0]["field"], "percent");
        assert!(pr["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Not a valid value"));
        assert_eq!(reports_of(app, p.langson), 0, "nothing written");

        // The report, at the version seen: the answer is the task now, with its new ETag.
        let r = post(
            &mut head,
            &path,
            &[("If-Match", &v)],
            Body::Json(&progress(40)),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let now = r.json();
        assert_eq!(now["task"]["progress"], 40);
        assert_eq!(now["task"]["status"], "in_progress");
        let v2 = r.header("etag").unwrap().to_string();
        assert_ne!(v2, v);
        assert_eq!(v2, format!("\"{}\"", now["version"]));
        assert_eq!(etag(&mut head, p.langson), v2);

        // Sent again at the old version: 412 with the task as it is now; nothing written.
        let r = post(
            &mut head,
            &path,
            &[("If-Match", &v)],
            Body::Json(&progress(60)),
        );
        let pr = problem(&r, 412, "stale");
        assert_eq!(pr["task"]["progress"], 40);
        assert_eq!(format!("\"{}\"", pr["version"]), v2);
        assert_eq!(reports_of(app, p.langson), 1);

        // Another unit's task is not found; one it only coordinates is not its to report.
        let r = post(
            &mut head,
            &format!("/api/v1/tasks/{}/progress", p.hanoi),
            &[("If-Match", "*")],
            Body::Json(&progress(10)),
        );
        problem(&r, 404, "not_found");
        let r = post(
            &mut head,
            &format!("/api/v1/tasks/{}/progress", p.khtc),
            &[("If-Match", "*")],
            Body::Json(&progress(10)),
        );
        assert!([403, 404].contains(&r.status), "{}", r.body);
        assert_eq!(reports_of(app, p.khtc), 0);

        // Completion with its evidence, by multipart; the file is checked as on the page.
        let done = format!("/api/v1/tasks/{}/complete", p.langson);
        let files_before = app.attachment_files().len();
        let r = post(
            &mut head,
            &done,
            &[("If-Match", &v2)],
            Body::Multipart(
                &[("text", "Đã ban hành kế hoạch")],
                &[("files", "ke-hoach.exe", b"MZ\x90\x00")],
            ),
        );
        let pr = problem(&r, 422, "invalid");
        assert_eq!(pr["errors"][0]["field"], "files");
        let r = post(
            &mut head,
            &done,
            &[("If-Match", &v2)],
            Body::Multipart(
                &[("text", "Đã ban hành kế hoạch")],
                &[("files", "ke-hoach.pdf", b"%PDF-1.4 ke hoach")],
            ),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["task"]["status"], "reported");
        assert_eq!(app.attachment_files().len(), files_before + 1);

        // The secretariat confirms; a return after that is refused for the status.
        let mut sec = bot(app, Role::Secretariat, None, true);
        let v3 = etag(&mut sec, p.langson);
        let confirm = format!("/api/v1/tasks/{}/confirm", p.langson);
        let r = post(
            &mut sec,
            &confirm,
            &[("If-Match", &v3)],
            Body::Json(&json!({})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["task"]["status"], "done");
        let r = post(
            &mut sec,
            &format!("/api/v1/tasks/{}/return", p.langson),
            &[("If-Match", "*")],
            Body::Json(&json!({"text": "Thiếu minh chứng"})),
        );
        let pr = problem(&r, 409, "not_now");
        assert_eq!(pr["task_status"], "done");
        // A unit head cannot confirm at all.
        let r = post(
            &mut head,
            &format!("/api/v1/tasks/{}/confirm", p.khtc),
            &[("If-Match", "*")],
            Body::Json(&json!({})),
        );
        assert!([403, 404].contains(&r.status), "{}", r.body);
    });
}

#[test]
fn a_session_writes_only_with_its_csrf_token() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let path = format!("/api/v1/tasks/{}/comments", p.langson);
        let body = json!({"text": "Đề nghị Cục SHTT gửi ý kiến sớm"});
        let r = post(&mut head, &path, &[], Body::Json(&body));
        problem(&r, 403, "forbidden");
        assert_eq!(reports_of(app, p.langson), 0);
        let csrf = head.csrf.clone();
        let r = post(
            &mut head,
            &path,
            &[("X-CSRF-Token", &csrf)],
            Body::Json(&body),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(reports_of(app, p.langson), 1);
    });
}

#[test]
fn a_write_sent_again_with_its_idempotency_key_is_done_once() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true);
        let comments = format!("/api/v1/tasks/{}/comments", p.langson);
        let body = json!({"text": "Đã gửi dự thảo lấy ý kiến"});
        let key = [("Idempotency-Key", "9b2f6c1e-comment-1")];
        let first = post(&mut head, &comments, &key, Body::Json(&body));
        assert_eq!(first.status, 201, "{}", first.body);
        assert_eq!(first.header("idempotent-replayed"), None);
        let again = post(&mut head, &comments, &key, Body::Json(&body));
        assert_eq!(again.status, 201);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.json(), first.json());
        assert_eq!(reports_of(app, p.langson), 1, "one comment");

        // The same key for another request is refused; another person's same key is theirs.
        let progress = format!("/api/v1/tasks/{}/progress", p.langson);
        let r = post(
            &mut head,
            &progress,
            &[key[0], ("If-Match", "*")],
            Body::Json(&json!({"text": "x", "percent": 5})),
        );
        problem(&r, 422, "idempotency_key_reused");
        let mut other = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true);
        let r = post(&mut other, &comments, &key, Body::Json(&body));
        assert_eq!(r.status, 201);
        assert_eq!(r.header("idempotent-replayed"), None);
        assert_eq!(reports_of(app, p.langson), 2);

        // A write that failed keeps nothing under its key: corrected, it goes through once.
        let v = etag(&mut head, p.langson);
        let k2 = ("Idempotency-Key", "progress-2");
        let r = post(
            &mut head,
            &progress,
            &[k2, ("If-Match", &v)],
            Body::Json(&json!({"text": "", "percent": 30})),
        );
        problem(&r, 422, "invalid");
        let good = json!({"text": "Hoàn thiện dự thảo", "percent": 30});
        let r = post(
            &mut head,
            &progress,
            &[k2, ("If-Match", &v)],
            Body::Json(&good),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let etag_after = r.header("etag").unwrap().to_string();
        // Retried (its version now old): the first answer again, not a 412, nothing twice.
        let r = post(
            &mut head,
            &progress,
            &[k2, ("If-Match", &v)],
            Body::Json(&good),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("idempotent-replayed"), Some("true"));
        assert_eq!(r.header("etag"), Some(etag_after.as_str()));
        assert_eq!(reports_of(app, p.langson), 3);
        assert_eq!(app.count("idempotency_keys"), 3);

        // A key that is not a key.
        let long = "k".repeat(300);
        let r = post(
            &mut head,
            &comments,
            &[("Idempotency-Key", &long)],
            Body::Json(&body),
        );
        let pr = problem(&r, 422, "invalid");
        assert_eq!(pr["errors"][0]["field"], "Idempotency-Key");
    });
}

#[test]
fn extensions_are_asked_for_and_decided_through_the_api() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = bot(app, Role::UnitHead, Some("Cục Kế hoạch - Tài chính"), true);
        let ask = format!("/api/v1/tasks/{}/extensions", p.khtc);
        let due = chrono::Local::now().date_naive() + chrono::Duration::days(60);
        let r = post(
            &mut head,
            &ask,
            &[],
            Body::Json(&json!({"due_on": "31/02/2027", "text": "Chờ ý kiến Bộ Tài chính"})),
        );
        assert_eq!(problem(&r, 422, "invalid")["errors"][0]["field"], "due_on");
        let asked = json!({"due_on": due.format("%Y-%m-%d").to_string(), "text": "Chờ ý kiến Bộ Tài chính"});
        let r = post(&mut head, &ask, &[], Body::Json(&asked));
        assert_eq!(r.status, 201, "{}", r.body);
        let ext = r.json()["extension"]["id"].as_i64().unwrap();
        let r = post(&mut head, &ask, &[], Body::Json(&asked));
        problem(&r, 409, "refused");

        // Only a decider decides; an approval needs the version, and moves the due date.
        let decision = format!("/api/v1/extensions/{ext}/decision");
        let r = post(
            &mut head,
            &decision,
            &[("If-Match", "*")],
            Body::Json(&json!({"approve": true})),
        );
        assert!([403, 404].contains(&r.status), "{}", r.body);
        let mut sec = bot(app, Role::Secretariat, None, true);
        let r = post(
            &mut sec,
            &decision,
            &[],
            Body::Json(&json!({"approve": true})),
        );
        problem(&r, 428, "if_match_required");
        let v = etag(&mut sec, p.khtc);
        let r = post(
            &mut sec,
            &decision,
            &[("If-Match", &v)],
            Body::Json(&json!({"approve": true, "text": "Đồng ý"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            r.json()["task"]["due_on"],
            due.format("%Y-%m-%d").to_string()
        );
        assert_eq!(r.json()["extension"]["state"], "approved");
        let r = post(
            &mut sec,
            &decision,
            &[("If-Match", "*")],
            Body::Json(&json!({"approve": false, "text": "Không"})),
        );
        problem(&r, 409, "refused");
        // A rejection needs its reason.
        let r = post(
            &mut sec,
            &decision,
            &[],
            Body::Json(&json!({"approve": false})),
        );
        assert_eq!(problem(&r, 422, "invalid")["errors"][0]["field"], "text");
    });
}

/// The description is served to anyone; what is not a route or not a number is a problem.
#[test]
fn the_api_describes_itself_and_answers_strays_as_problems() {
    each_backend(|app| {
        let mut anon = app.client();
        let r = anon.get("/api/v1/openapi.json");
        assert_eq!(r.status, 200);
        let doc = r.json();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"]["/api/v1/tasks/{id}/progress"]["post"].is_object());
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let mut head = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true);
        problem(&head.get("/api/v1/tasks/abc"), 404, "not_found");
        problem(&head.get("/api/v1/nothing-here"), 404, "not_found");
        let r = post(
            &mut head,
            "/api/v1/tasks/99999999999999999999/comments",
            &[],
            Body::Json(&json!({"text": "x"})),
        );
        problem(&r, 404, "not_found");
    });
}

/// The secretariat's system publishes a notice through the API, naming units by id or by any
/// of their names; the directive reads back with its items and tasks.
#[test]
fn a_directive_is_published_and_read_through_the_api() {
    each_backend(|app| {
        let mut sec = bot(app, Role::Secretariat, None, true);
        let units = sec.get("/api/v1/units?q=lang+son").json();
        let lang_son = units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["short_name"] == "Sở KH&CN Lạng Sơn")
            .expect("Lạng Sơn in the directory")["id"]
            .as_i64()
            .unwrap();
        let notice = |items: serde_json::Value| {
            json!({
                "number": "301/TB-BKHCN",
                "issued_on": "2026-12-01",
                "title": "Kết luận của Bộ trưởng tại Hội nghị chuyển đổi số",
                "signer": "Thứ trưởng",
                "items": items,
            })
        };
        let good = notice(json!([
            {"label": "1", "text": "Xây dựng cơ sở dữ liệu đổi mới sáng tạo",
             "lead": [lang_son, "Cục Sở hữu trí tuệ"], "coordinating": ["Sở KH&CN Hà Nội"],
             "due_on": "31/03/2027"},
            {"label": "2", "text": "Báo cáo kết quả triển khai", "lead": ["Cục Kế hoạch - Tài chính"]}
        ]));
        // Units that are no units, and fields missing, are named.
        let bad = notice(json!([
            {"text": "Việc", "lead": ["Sở Không Tồn Tại", 99999999], "due_on": "32/13/2027"},
            {"text": " ", "lead": []}
        ]));
        let r = post(&mut sec, "/api/v1/directives", &[], Body::Json(&bad));
        let fields: Vec<String> = problem(&r, 422, "invalid")["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "items[0].due_on",
                "items[0].lead",
                "items[0].lead",
                "items[1].text",
                "items[1].lead"
            ]
        );
        assert_eq!(app.count("directives"), 0);
        // Not the unit's to publish; not with a read-only token.
        let mut head = bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true);
        problem(
            &post(&mut head, "/api/v1/directives", &[], Body::Json(&good)),
            403,
            "forbidden",
        );
        let mut reader = bot(app, Role::Secretariat, None, false);
        let r = post(&mut reader, "/api/v1/directives", &[], Body::Json(&good));
        problem(&r, 403, "read_only_token");

        let key = [("Idempotency-Key", "tb-301")];
        let r = post(&mut sec, "/api/v1/directives", &key, Body::Json(&good));
        assert_eq!(r.status, 201, "{}", r.body);
        let made = r.json();
        assert_eq!(made["created"], true);
        let items = made["directive"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["tasks"].as_array().unwrap().len(), 2);
        assert_eq!(items[0]["tasks"][0]["due_on"], "2027-03-31");
        let again = post(&mut sec, "/api/v1/directives", &key, Body::Json(&good));
        assert_eq!(again.status, 201);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(app.count("directives"), 1);
        assert_eq!(app.count("tasks"), 3);

        let id = made["directive"]["id"].as_i64().unwrap();
        let list = sec.get("/api/v1/directives").json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["directives"][0]["number"], "301/TB-BKHCN");
        let one = sec.get(&format!("/api/v1/directives/{id}")).json();
        assert_eq!(
            one["items"][1]["tasks"][0]["lead_unit"],
            "Cục Kế hoạch - Tài chính"
        );
        // The lead unit sees its task, not the directive list.
        problem(&head.get("/api/v1/directives"), 403, "forbidden");
        let mine = head.get("/api/v1/tasks").json();
        assert_eq!(mine["total"], 1);
    });
}

/// The dashboard's figures for a period, in each person's scope.
#[test]
fn the_dashboard_figures_come_by_period_and_scope() {
    each_backend(|app| {
        let _p = publish(app);
        let (from, to) = (crate::fixtures::days(-30), crate::fixtures::days(30));
        let path = format!("/api/v1/dashboard?period=custom&from={from}&to={to}&scope=all");
        let mut leader = bot(app, Role::Leader, None, false);
        let all = leader.get(&path).json();
        assert_eq!(all["from"], from.to_string());
        assert_eq!(all["by"], "due");
        // Lạng Sơn's task is overdue, Kế hoạch - Tài chính's is within; Hà Nội's has no date.
        assert_eq!(all["counts"]["total"], 2, "{all}");
        assert_eq!(all["counts"]["open_overdue"], 1);
        assert_eq!(all["counts"]["open_within"], 1);
        assert!(
            all["counts"]["on_time_rate"].is_null(),
            "nothing finished: no rate"
        );
        let overdue: Vec<&str> = all["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["counts"]["open_overdue"] == 1)
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(overdue, ["Sở Khoa học và Công nghệ tỉnh Lạng Sơn"]);
        // A unit's head sees the unit's own figures only.
        let mut head = bot(app, Role::UnitHead, Some("Cục Kế hoạch - Tài chính"), false);
        let mine = head.get(&path).json();
        assert_eq!(mine["counts"]["total"], 1, "{mine}");
        assert_eq!(mine["counts"]["open_within"], 1);
        problem(&app.client().get(&path), 401, "unauthorized");
    });
}

/// Every route of the API against every role, each by a read-write token: what the pages allow
/// the API allows, and what they refuse it refuses the same way (403 seen, 404 unseen).
#[test]
fn every_route_answers_each_role_as_the_pages_would() {
    each_backend(|app| {
        let p = publish(app);
        let d = p.directive_id;
        let t = p.langson;
        let later = (chrono::Local::now().date_naive() + chrono::Duration::days(90))
            .format("%Y-%m-%d")
            .to_string();
        let comment = json!({"text": "Ý kiến"});
        let progress = json!({"text": "Đang làm", "percent": 30});
        let extension = json!({"due_on": later, "text": "Cần thêm thời gian"});
        let notice = json!({"number": "9/TB", "issued_on": "2026-12-01", "title": "Kết luận",
            "items": [{"text": "Việc", "lead": ["Sở KH&CN Hà Nội"]}]});
        let empty = json!({});
        // (method, path, body), then the status for: admin, secretariat, leader, the lead
        // unit's head, its staff, another unit's head.
        type Row<'a> = (&'a str, String, Option<&'a serde_json::Value>, [u16; 6]);
        let rows: Vec<Row> = vec![
            (
                "GET",
                "/api/v1/tasks".into(),
                None,
                [200, 200, 200, 200, 200, 200],
            ),
            (
                "GET",
                format!("/api/v1/tasks/{t}"),
                None,
                [200, 200, 200, 200, 200, 404],
            ),
            (
                "GET",
                "/api/v1/units".into(),
                None,
                [200, 200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/directives".into(),
                None,
                [200, 200, 200, 403, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/directives/{d}"),
                None,
                [200, 200, 200, 403, 403, 403],
            ),
            (
                "GET",
                "/api/v1/dashboard".into(),
                None,
                [200, 200, 200, 200, 200, 200],
            ),
            (
                "POST",
                format!("/api/v1/tasks/{t}/comments"),
                Some(&comment),
                [403, 201, 201, 201, 201, 404],
            ),
            (
                "POST",
                format!("/api/v1/tasks/{t}/progress"),
                Some(&progress),
                [403, 403, 403, 200, 200, 404],
            ),
            (
                "POST",
                format!("/api/v1/tasks/{t}/start"),
                Some(&empty),
                [403, 403, 403, 409, 409, 404],
            ),
            (
                "POST",
                format!("/api/v1/tasks/{t}/confirm"),
                Some(&empty),
                [403, 409, 403, 403, 403, 404],
            ),
            (
                "POST",
                format!("/api/v1/tasks/{t}/extensions"),
                Some(&extension),
                [403, 403, 403, 201, 403, 404],
            ),
            (
                "POST",
                "/api/v1/directives".into(),
                Some(&notice),
                [403, 201, 403, 403, 403, 403],
            ),
        ];
        let mut clients = [
            bot(app, Role::Admin, None, true),
            bot(app, Role::Secretariat, None, true),
            bot(app, Role::Leader, None, true),
            bot(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"), true),
            bot(app, Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"), true),
            bot(app, Role::UnitHead, Some("Sở KH&CN Hà Nội"), true),
        ];
        for (method, path, body, want) in &rows {
            for (c, want) in clients.iter_mut().zip(want) {
                let r = match body {
                    None => c.get(path),
                    Some(b) => post(c, path, &[("If-Match", "*")], Body::Json(b)),
                };
                assert_eq!(
                    r.status, *want,
                    "{method} {path} as {}: {}",
                    c.email, r.body
                );
            }
        }
    });
}
