//! Every route tried by every role: who gets the page, who is refused, and how.

use chidao::domain::permissions::{Act, Role};

use crate::fixtures::{publish, version};
use crate::support::{each_backend, Body, Client};

/// A form's fields, as (name, value).
type Fields<'a> = Vec<(&'a str, &'a str)>;

const ROLES: [&str; 6] = [
    "anonymous",
    "admin",
    "secretariat",
    "leader",
    "head_ls",
    "staff_hn",
];

#[test]
fn every_page_for_every_role() {
    each_backend(|app| {
        let p = publish(app);
        let unit = app.unit_id("Vụ Pháp chế");
        let group = chidao::models::unit::groups(&mut app.conn()).unwrap()[0]
            .0
            .id;
        let user_id = {
            let e = app.add_user(Role::Leader, None);
            chidao::models::user::by_email(&mut app.conn(), &e)
                .unwrap()
                .unwrap()
                .0
                .id
        };
        let mut clients: Vec<Client> = vec![
            app.client(),
            app.login_as(Role::Admin, None),
            app.login_as(Role::Secretariat, None),
            app.login_as(Role::Leader, None),
            app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn")),
            app.login_as(Role::UnitStaff, Some("Sở KH&CN Hà Nội")),
        ];
        let (ls, hn) = (p.langson, p.hanoi);
        let d = p.directive_id;
        let item = chidao::models::task::get(&mut app.conn(), ls)
            .unwrap()
            .item_id;
        #[rustfmt::skip]
        let table: Vec<(String, [u16; 6])> = vec![
            //                                          anon admin  sec  lead  head staff
            ("/".into(),                                 [303, 303, 303, 303, 303, 303]),
            ("/tasks".into(),                            [303, 200, 200, 200, 200, 200]),
            (format!("/tasks/{ls}"),                     [303, 200, 200, 200, 200, 404]),
            (format!("/tasks/{hn}"),                     [303, 200, 200, 200, 404, 200]),
            (format!("/tasks/{ls}/edit"),                [303, 403, 200, 403, 403, 404]),
            ("/tasks/999999".into(),                     [303, 404, 404, 404, 404, 404]),
            ("/directives".into(),                       [303, 200, 200, 200, 403, 403]),
            (format!("/directives/{d}"),                 [303, 200, 200, 200, 403, 403]),
            ("/directives/new".into(),                   [303, 403, 200, 403, 403, 403]),
            ("/conferences/new".into(),                  [303, 403, 200, 403, 403, 403]),
            ("/admin/units".into(),                      [303, 200, 403, 403, 403, 403]),
            ("/admin/units/new".into(),                  [303, 200, 403, 403, 403, 403]),
            (format!("/admin/units/{unit}"),             [303, 200, 403, 403, 403, 403]),
            ("/admin/groups".into(),                     [303, 200, 403, 403, 403, 403]),
            ("/admin/groups/new".into(),                 [303, 200, 403, 403, 403, 403]),
            (format!("/admin/groups/{group}"),           [303, 200, 403, 403, 403, 403]),
            ("/admin/users".into(),                      [303, 200, 403, 403, 403, 403]),
            ("/admin/users/new".into(),                  [303, 200, 403, 403, 403, 403]),
            (format!("/admin/users/{user_id}"),          [303, 200, 403, 403, 403, 403]),
            ("/me".into(),                               [303, 200, 200, 200, 200, 200]),
            ("/desk".into(),                             [303, 200, 200, 200, 200, 200]),
            ("/notifications".into(),                    [303, 200, 200, 200, 200, 200]),
            ("/extensions".into(),                       [303, 403, 200, 200, 403, 403]),
            (format!("/directives/{d}/correct"),         [303, 403, 200, 403, 403, 403]),
            (format!("/directives/{d}/items/new"),       [303, 403, 200, 403, 403, 403]),
            (format!("/items/{item}/correct"),           [303, 403, 200, 403, 403, 403]),
            (format!("/tasks/{ls}/coordinators"),        [303, 403, 200, 403, 403, 404]),
            ("/dashboard".into(),                        [303, 200, 200, 200, 200, 200]),
            ("/reports/periodic".into(),                 [303, 200, 200, 200, 403, 403]),
            ("/reports/issued".into(),                   [303, 200, 200, 200, 403, 403]),
            ("/reports/issued/999999".into(),            [303, 404, 404, 404, 403, 403]),
            ("/admin/grading".into(),                    [303, 200, 403, 403, 403, 403]),
            (format!("/units/{unit}"),                   [303, 200, 200, 200, 404, 404]),
            ("/reports/tasks.csv".into(),                [303, 200, 200, 200, 200, 200]),
            ("/reports/tasks.xlsx".into(),               [303, 200, 200, 200, 200, 200]),
            ("/admin/calendar".into(),                   [303, 200, 403, 403, 403, 403]),
            ("/admin/outbox".into(),                     [303, 200, 403, 403, 403, 403]),
            ("/admin/escalation".into(),                 [303, 200, 403, 403, 403, 403]),
            ("/admin/outbox?status=failed".into(),       [303, 200, 403, 403, 403, 403]),
            ("/password/forgot".into(),                  [200, 200, 200, 200, 200, 200]),
            ("/password/reset/no-such-token".into(),     [404, 404, 404, 404, 404, 404]),
            ("/admin/calendar?year=2031".into(),         [303, 200, 403, 403, 403, 403]),
            ("/api/v1/tasks".into(),                     [401, 200, 200, 200, 200, 200]),
            (format!("/api/v1/tasks/{ls}"),              [401, 200, 200, 200, 200, 404]),
            ("/no/such/page".into(),                     [404, 404, 404, 404, 404, 404]),
            ("/healthz".into(),                          [200, 200, 200, 200, 200, 200]),
            ("/login".into(),                            [200, 303, 303, 303, 303, 303]),
        ];
        for (path, expected) in &table {
            for (i, c) in clients.iter_mut().enumerate() {
                let r = c.get(path);
                assert_eq!(r.status, expected[i], "GET {path} as {}", ROLES[i]);
            }
        }

        // A pending extension request on the Hà Nội task, to try deciding it.
        let hn_head = {
            let e = app.add_user(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
            chidao::models::user::by_email(&mut app.conn(), &e)
                .unwrap()
                .unwrap()
                .0
                .actor()
        };
        let asked = chidao::models::extension::NewRequest {
            due: crate::fixtures::days(90),
            reason: "Xin thêm thời gian",
            files: &[],
        };
        let ext = chidao::app::extensions::request(
            &mut app.conn(),
            &chidao::models::attachment::Storage::Database,
            Act::new(hn_head, chidao::domain::dates::Moment::now()),
            hn,
            &asked,
        )
        .unwrap();
        let later = crate::fixtures::days(120).format("%d/%m/%Y").to_string();
        // A request for an explanation waiting on the Hà Nội task, to try answering it.
        let sec_actor = {
            let e = app.add_user(Role::Secretariat, None);
            chidao::models::user::by_email(&mut app.conn(), &e)
                .unwrap()
                .unwrap()
                .0
                .actor()
        };
        let asked = chidao::models::explanation::NewAsk {
            question: "Vì sao?",
            reply_by: crate::fixtures::days(3),
        };
        let x = chidao::app::explanations::ask(
            &mut app.conn(),
            Act::new(sec_actor, chidao::domain::dates::Moment::now()),
            hn,
            &asked,
        )
        .unwrap();

        // State changes: refused for those who may not, and nothing changes.
        let v = version(app, ls);
        let vh = version(app, hn);
        let lss = ls.to_string();
        let kt = p.khtc;
        let lsv = format!("{ls}:{v}");
        let lsu = app.unit_id("Sở KH&CN Lạng Sơn").to_string();
        let soon = crate::fixtures::days(5).format("%d/%m/%Y").to_string();
        #[rustfmt::skip]
        let posts: Vec<(String, Fields, [u16; 6])> = vec![
            (format!("/tasks/{ls}/start"),    vec![("version", &v)],                          [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{hn}/start"),    vec![("version", &vh)],                         [303, 403, 403, 403, 404, 0]),
            (format!("/tasks/{ls}/progress"), vec![("version", &v), ("text", "x"), ("percent", "5")], [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{ls}/complete"), vec![("version", &v), ("text", "x")],           [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{ls}/confirm"),  vec![("version", &v)],                          [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/return"),   vec![("version", &v), ("text", "x")],           [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/cancel"),   vec![("version", &v), ("text", "x")],           [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/edit"),     vec![("version", &v), ("due_on", ""), ("text", "x")], [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/comment"),  vec![("text", "x")],                            [303, 403, 0, 0, 0, 404]),
            (format!("/tasks/{ls}/chase"),    vec![("text", "x")],                            [303, 403, 0, 0, 403, 404]),
            ("/tasks/chase".into(),           vec![("task", &lss), ("text", "x")],            [303, 403, 0, 0, 403, 403]),
            ("/tasks/bulk".into(),            vec![("task", &lsv), ("action", "chase")],      [303, 403, 0, 0, 403, 403]),
            (format!("/units/{unit}/chase"),  vec![("text", "x")],                            [303, 403, 0, 0, 403, 403]),
            (format!("/tasks/{ls}/explanation"), vec![("text", "x")],                       [303, 403, 0, 0, 403, 404]),
            (format!("/explanations/{x}/answer"), vec![("reason", "x")],                   [303, 403, 403, 403, 404, 0]),
            (format!("/explanations/{x}/accept"), vec![("version", &vh)],                  [303, 403, 0, 0, 404, 403]),
            (format!("/explanations/{x}/again"), vec![("version", &vh), ("text", "x")],    [303, 403, 0, 0, 404, 403]),
            ("/explanations/999999/answer".into(), vec![("reason", "x")],                  [303, 404, 404, 404, 404, 404]),
            (format!("/tasks/{ls}/assignees"), vec![("due_on", "")],                       [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{kt}/coordination"), vec![("text", "x")],                     [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{kt}/coordination/ask"), vec![("unit", &lsu), ("due_on", &soon)], [303, 403, 403, 403, 403, 404]),
            (format!("/tasks/{ls}/send-back"), vec![("text", "x")],                        [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{ls}/steps"),    vec![("text", "x")],                            [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{ls}/completion-draft"), vec![("text", "x")],                  [303, 403, 403, 403, 0, 404]),
            (format!("/directives/{d}/correct"), vec![("number", "x")],                   [303, 403, 0, 403, 403, 403]),
            (format!("/directives/{d}/items"), vec![("text", "x")],                        [303, 403, 0, 403, 403, 403]),
            (format!("/items/{item}/correct"), vec![("text", "x")],                        [303, 403, 0, 403, 403, 403]),
            (format!("/tasks/{ls}/coordinators"), vec![("version", &v)],                   [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/keep"),     vec![("text", "x")],                            [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/transfer"), vec![("version", &v), ("unit", &lsu), ("text", "x")], [303, 403, 0, 403, 403, 404]),
            (format!("/tasks/{ls}/explode"),  vec![],                                         [303, 404, 404, 404, 404, 404]),
            (format!("/tasks/{ls}/extension"), vec![("due_on", &later), ("text", "x")],       [303, 403, 403, 403, 0, 404]),
            (format!("/tasks/{hn}/extension"), vec![("due_on", &later), ("text", "x")],       [303, 403, 403, 403, 404, 403]),
            (format!("/extensions/{ext}/approve"), vec![("version", &vh)],                   [303, 403, 0, 0, 404, 403]),
            (format!("/extensions/{ext}/reject"), vec![("version", &vh), ("text", "x")],     [303, 403, 0, 0, 404, 403]),
            (format!("/extensions/{ext}/maybe"), vec![("version", &vh)],                     [303, 404, 404, 404, 404, 404]),
            ("/admin/calendar/2031/official".into(), vec![("source", "x")],                  [303, 0, 403, 403, 403, 403]),
            ("/admin/outbox/1/retry".into(),  vec![],                                         [303, 0, 403, 403, 403, 403]),
            ("/admin/escalation".into(),      vec![("overdue_head_days", "5")],               [303, 0, 403, 403, 403, 403]),
            ("/admin/grading".into(),         vec![("on_time", "x")],                         [303, 0, 403, 403, 403, 403]),
            ("/reports/periodic/issue".into(), vec![("date", "x")],                           [303, 403, 0, 403, 403, 403]),
            ("/reports/periodic/preview".into(), vec![("date", "x")],                         [303, 403, 0, 403, 403, 403]),
            ("/reports/issued/999999/reissue".into(), vec![("reason", "x")],                  [303, 403, 404, 403, 403, 403]),
            ("/directives".into(),            vec![("items", "0")],                           [303, 403, 0, 403, 403, 403]),
            ("/conferences".into(),           vec![("name", "")],                             [303, 403, 0, 403, 403, 403]),
            ("/directives/draft".into(),      vec![("source", "Bộ trưởng kết luận như sau:")],  [303, 403, 0, 403, 403, 403]),
            ("/admin/units".into(),           vec![("name", "X")],                            [303, 0, 403, 403, 403, 403]),
            (format!("/admin/units/{unit}/merge"), vec![],                                    [303, 0, 403, 403, 403, 403]),
            ("/admin/groups".into(),          vec![("name", "X")],                            [303, 0, 403, 403, 403, 403]),
            ("/admin/users".into(),           vec![("email", "x")],                           [303, 0, 403, 403, 403, 403]),
            (format!("/admin/users/{user_id}"), vec![("email", "x")],                         [303, 0, 403, 403, 403, 403]),
        ];
        let journal_before = app.count("journal");
        for (path, fields, expected) in &posts {
            for (i, c) in clients.iter_mut().enumerate() {
                if expected[i] == 0 {
                    continue; // allowed: exercised by the flow tests
                }
                let r = if i == 0 {
                    c.send("POST", path, Body::Form(fields))
                } else {
                    c.post(path, fields)
                };
                assert_eq!(r.status, expected[i], "POST {path} as {}", ROLES[i]);
            }
        }
        assert_eq!(
            app.count("journal"),
            journal_before,
            "no refused request changed anything"
        );
        assert_eq!(crate::fixtures::status(app, ls), "assigned");
    });
}

#[test]
fn every_state_change_needs_the_csrf_token() {
    each_backend(|app| {
        let p = publish(app);
        let v = version(app, p.langson);
        // 0: admin, 1: secretariat, 2: unit head
        let mut clients = [
            app.login_as(Role::Admin, None),
            app.login_as(Role::Secretariat, None),
            app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn")),
        ];
        let unit = app.unit_id("Vụ Pháp chế").to_string();
        let t = p.langson;
        let ts = t.to_string();
        let kt = p.khtc;
        let cases: Vec<(usize, String, Fields)> = vec![
            (2, format!("/tasks/{t}/start"), vec![("version", &v)]),
            (
                1,
                format!("/tasks/{t}/cancel"),
                vec![("version", &v), ("text", "x")],
            ),
            (1, format!("/tasks/{t}/chase"), vec![("text", "x")]),
            (1, "/tasks/chase".into(), vec![("task", &ts), ("text", "x")]),
            (
                1,
                "/tasks/bulk".into(),
                vec![("action", "cancel"), ("text", "x")],
            ),
            (1, format!("/tasks/{t}/explanation"), vec![("text", "x")]),
            (2, format!("/tasks/{t}/assignees"), vec![("due_on", "")]),
            (2, format!("/tasks/{t}/send-back"), vec![("text", "x")]),
            (2, format!("/tasks/{t}/steps"), vec![("text", "x")]),
            (
                1,
                format!("/tasks/{t}/coordinators"),
                vec![("version", &v), ("reason", "x")],
            ),
            (
                1,
                format!("/directives/{}/correct", p.directive_id),
                vec![("text", "x")],
            ),
            (1, format!("/tasks/{t}/keep"), vec![("text", "x")]),
            (
                1,
                format!("/tasks/{t}/transfer"),
                vec![("version", &v), ("unit", &unit), ("text", "x")],
            ),
            (
                2,
                format!("/tasks/{t}/coordination/ask"),
                vec![("due_on", "")],
            ),
            (2, format!("/tasks/{kt}/coordination"), vec![("text", "x")]),
            (1, format!("/units/{unit}/chase"), vec![("text", "x")]),
            (1, "/conferences".into(), vec![("name", "Hội nghị")]),
            (
                1,
                "/directives/draft".into(),
                vec![("source", "Bộ trưởng kết luận như sau:")],
            ),
            (
                0,
                "/admin/units".into(),
                vec![("name", "Đơn vị mới"), ("kind", "ministry")],
            ),
            (
                0,
                format!("/admin/units/{unit}"),
                vec![("name", "Đổi tên"), ("kind", "ministry"), ("active", "1")],
            ),
            (0, "/admin/groups".into(), vec![("name", "Nhóm mới")]),
            (
                0,
                "/admin/users".into(),
                vec![
                    ("email", "a@b.vn"),
                    ("name", "A"),
                    ("role", "leader"),
                    ("password", "mot-mat-khau-dai"),
                ],
            ),
            (2, "/logout".into(), vec![]),
            (2, "/me/language".into(), vec![("lang", "en")]),
        ];
        let before = (
            app.count("journal"),
            app.count("units"),
            app.count("unit_groups"),
            app.count("users"),
            app.count("conferences"),
        );
        for (who, path, fields) in &cases {
            let r = clients[*who].send("POST", path, Body::Form(fields));
            assert_eq!(r.status, 403, "POST {path} without a token");
        }
        let after = (
            app.count("journal"),
            app.count("units"),
            app.count("unit_groups"),
            app.count("users"),
            app.count("conferences"),
        );
        assert_eq!(before, after);
        assert_eq!(clients[2].get("/tasks").status, 200, "still logged in");
    });
}

/// An address whose id is not a number answers with the service's own "not found" page, never
/// the parser's words about what it could not read.
#[test]
fn malformed_ids_are_not_found_pages() {
    let app = crate::support::TestApp::start(crate::support::Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    for path in [
        "/tasks/abc",
        "/tasks/99999999999999999999",
        "/attachments/x",
        "/units/1e3",
        "/directives/%00",
    ] {
        let r = sec.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("Không tìm thấy"), "{path}: {}", r.body);
        assert!(!r.body.contains("parse"), "{path}: {}", r.body);
    }
    let r = sec.post("/tasks/abc/start", &[("version", "1")]);
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("parse"), "{}", r.body);
    // Pages that serve both "new" and "edit": something that is no id is no record, not a blank
    // form, and posting to it creates nothing.
    let mut admin = app.login_as(Role::Admin, None);
    for path in ["/admin/units/x", "/admin/groups/1.5", "/admin/users/-"] {
        assert_eq!(admin.get(path).status, 404, "{path}");
    }
    let units = app.count("units");
    let r = admin.post(
        "/admin/units/x",
        &[("name", "Cục Mới"), ("kind", "ministry")],
    );
    assert_eq!(r.status, 404);
    assert_eq!(app.count("units"), units);
}
