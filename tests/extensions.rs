//! Extension requests end to end over HTTP: every role, a double submit, closed tasks, and a
//! conflict with a concurrent edit.

use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish, version};
use crate::support::each_backend;
use chidao::domain::ids::TaskId;

const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn due(app: &crate::support::TestApp, task: TaskId) -> Option<chrono::NaiveDate> {
    chidao::models::task::get(&mut app.conn(), task)
        .unwrap()
        .due_on
}

#[test]
fn a_unit_asks_for_more_time_and_a_leader_grants_another_date() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc; // due in 20 days
        let original = due(app, t).unwrap();
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut staff = app.login_as(Role::UnitStaff, Some("Cục Kế hoạch - Tài chính"));
        let mut coordinator = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut outsider = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let mut leader = app.login_as(Role::Leader, None);
        let mut admin = app.login_as(Role::Admin, None);
        let asked = ddmmyyyy(days(60));
        let path = format!("/tasks/{t}/extension");
        let fields = [
            ("due_on", asked.as_str()),
            ("text", "Chờ ý kiến thẩm định của Bộ Tài chính"),
        ];

        // Only the lead unit's head may ask.
        assert_eq!(staff.post(&path, &fields).status, 403);
        assert_eq!(coordinator.post(&path, &fields).status, 403);
        assert_eq!(outsider.post(&path, &fields).status, 404);
        assert_eq!(leader.post(&path, &fields).status, 403);
        assert!(!staff
            .get(&format!("/tasks/{t}"))
            .body
            .contains("id=\"extension-form\""));

        // A date before the current due date is explained, the reason kept.
        let early = ddmmyyyy(days(5));
        let r = head.post(&path, &[("due_on", &early), ("text", "Lý do đã gõ")]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("phải sau hạn hiện tại") && r.body.contains("Lý do đã gõ"));

        let r = head.post_multipart(&path, &fields, &[("files", "cong-van.pdf", PDF)]);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.count("extension_requests"), 1);
        assert_eq!(
            chidao::models::attachment::for_task(&mut app.conn(), t)
                .unwrap()
                .len(),
            1
        );
        // Pressed twice: one request, the second refused with a reason.
        let again = head.post(&path, &fields);
        assert_eq!(again.status, 409);
        assert!(again.body.contains("đã có một đề nghị gia hạn đang chờ"));
        assert_eq!(app.count("extension_requests"), 1);
        assert_eq!(
            due(app, t),
            Some(original),
            "nothing moves before a decision"
        );

        // The deciders' list.
        assert_eq!(admin.get("/extensions").status, 403);
        assert_eq!(head.get("/extensions").status, 403);
        let list = leader.get("/extensions");
        assert_eq!(list.status, 200);
        assert!(list.body.contains("Chờ ý kiến thẩm định") && list.body.contains(&asked));
        let id = chidao::models::extension::pending(&mut app.conn()).unwrap()[0].id;

        // Who may decide.
        let v = version(app, t);
        let other = ddmmyyyy(days(45));
        let approve = format!("/extensions/{id}/approve");
        for c in [&mut head, &mut admin, &mut staff] {
            assert_eq!(
                c.post(&approve, &[("version", &v), ("due_on", &other)])
                    .status,
                403
            );
        }
        assert_eq!(outsider.post(&approve, &[("version", &v)]).status, 404);

        // The leader approves another date than the one asked for.
        let r = leader.post(
            &approve,
            &[
                ("version", &v),
                ("due_on", &other),
                ("text", "Đồng ý đến ngày này"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(due(app, t), Some(days(45)));
        let page = head.get(&format!("/tasks/{t}"));
        assert!(page.body.contains("Đã đồng ý") && page.body.contains("Đồng ý đến ngày này"));
        assert!(
            page.body
                .contains(&format!("id=\"original-due\">{}", ddmmyyyy(original))),
            "the original due date stays on the page"
        );
        let kinds: Vec<String> = chidao::models::journal::for_task(&mut app.conn(), t)
            .unwrap()
            .into_iter()
            .map(|e| e.kind.to_string())
            .collect();
        for k in ["extension_requested", "due_date", "extension_approved"] {
            assert!(kinds.contains(&k.to_string()), "{k} in {kinds:?}");
        }
        // Decided once: a second decision is refused.
        let v = version(app, t);
        assert_eq!(
            leader
                .post(
                    &format!("/extensions/{id}/reject"),
                    &[("version", &v), ("text", "muộn")]
                )
                .status,
            409
        );
        // Statistics can tell extended tasks apart.
        assert!(leader
            .get("/extensions")
            .body
            .contains("id=\"extended\">1<"));
        let ext = leader.get("/api/v1/tasks?extended=yes&status=all").json();
        assert_eq!(ext["total"], 1);
        assert_eq!(ext["tasks"][0]["id"], t.0);
        crate::fixtures::assert_scopes_consistent(app);

        // A new request is possible once the first is decided; a rejection needs a reason and
        // leaves the due date.
        let r = head.post(
            &path,
            &[("due_on", &ddmmyyyy(days(90))), ("text", "Thêm thời gian")],
        );
        assert_eq!(r.status, 303);
        let id2 = chidao::models::extension::pending(&mut app.conn()).unwrap()[0].id;
        let mut sec = app.login_as(Role::Secretariat, None);
        let v = version(app, t);
        let r = sec.post(
            &format!("/extensions/{id2}/reject"),
            &[("version", &v), ("text", "")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Vui lòng nêu lý do"));
        assert_eq!(
            sec.post(
                &format!("/extensions/{id2}/reject"),
                &[("version", &v), ("text", "Không đủ căn cứ")]
            )
            .status,
            303
        );
        assert_eq!(due(app, t), Some(days(45)));
    });
}

/// An extension approved after the deadline it moves had passed is marked as granted late; one
/// approved in time is not.
#[test]
fn an_extension_granted_after_the_deadline_says_so() {
    each_backend(|app| {
        let p = publish(app);
        let mut leader = app.login_as(Role::Leader, None);
        for (t, unit, late) in [
            (p.langson, "Sở KH&CN Lạng Sơn", true), // due two days ago
            (p.khtc, "Cục Kế hoạch - Tài chính", false), // due in 20 days
        ] {
            let mut head = app.login_as(Role::UnitHead, Some(unit));
            let r = head.post(
                &format!("/tasks/{t}/extension"),
                &[("due_on", &ddmmyyyy(days(40))), ("text", "Chờ số liệu")],
            );
            assert_eq!(r.status, 303, "{}", r.body);
            let id = chidao::models::extension::pending(&mut app.conn()).unwrap()[0].id;
            let v = version(app, t);
            let r = leader.post(&format!("/extensions/{id}/approve"), &[("version", &v)]);
            assert_eq!(r.status, 303, "{}", r.body);
            let page = head.get(&format!("/tasks/{t}"));
            assert_eq!(
                page.body.contains(&format!("id=\"granted-late-{id}\"")),
                late,
                "{unit}"
            );
            if late {
                assert!(page.body.contains("Gia hạn khi đã quá hạn"));
            }
        }
    });
}

#[test]
fn no_extension_for_closed_tasks() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.hanoi;
        let mut sec = app.login_as(Role::Secretariat, None);
        let v = version(app, t);
        assert_eq!(
            sec.post(
                &format!("/tasks/{t}/cancel"),
                &[("version", &v), ("text", "Không còn cần thiết")]
            )
            .status,
            303
        );
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let r = head.post(
            &format!("/tasks/{t}/extension"),
            &[
                ("due_on", &ddmmyyyy(days(30))),
                ("text", "Xin thêm thời gian"),
            ],
        );
        assert_eq!(r.status, 409);
        assert!(r.body.contains("không thể gia hạn"));
        assert_eq!(app.count("extension_requests"), 0);
    });
}

#[test]
fn approving_after_a_concurrent_edit_shows_the_conflict() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        assert_eq!(
            head.post(
                &format!("/tasks/{t}/extension"),
                &[("due_on", &ddmmyyyy(days(60))), ("text", "Chờ số liệu")]
            )
            .status,
            303
        );
        let id = chidao::models::extension::pending(&mut app.conn()).unwrap()[0].id;
        let mut leader = app.login_as(Role::Leader, None);
        let seen = version(app, t);
        // Meanwhile the secretariat changes the due date.
        let mut sec = app.login_as(Role::Secretariat, None);
        assert_eq!(
            sec.post(
                &format!("/tasks/{t}/edit"),
                &[
                    ("version", &seen),
                    ("due_on", &ddmmyyyy(days(30))),
                    ("text", "Điều chỉnh theo kế hoạch chung")
                ]
            )
            .status,
            303
        );
        let r = leader.post(
            &format!("/extensions/{id}/approve"),
            &[
                ("version", &seen),
                ("due_on", &ddmmyyyy(days(50))),
                ("text", "Đồng ý"),
            ],
        );
        assert_eq!(r.status, 409);
        assert!(
            r.body.contains("Phiên bản của bạn")
                && r.body.contains(&ddmmyyyy(days(30)))
                && r.body.contains(&ddmmyyyy(days(50)))
        );
        assert!(r
            .body
            .contains(&format!("action=\"/extensions/{id}/approve\"")));
        assert_eq!(due(app, t), Some(days(30)), "the approval did not apply");
        assert_eq!(
            chidao::models::extension::get(&mut app.conn(), id)
                .unwrap()
                .status
                .as_str(),
            "pending"
        );
        // Sent again on the current version, it goes through.
        let current = r.input("version").unwrap();
        assert_eq!(
            leader
                .post(
                    &format!("/extensions/{id}/approve"),
                    &[
                        ("version", &current),
                        ("due_on", &ddmmyyyy(days(50))),
                        ("text", "Đồng ý")
                    ]
                )
                .status,
            303
        );
        assert_eq!(due(app, t), Some(days(50)));
    });
}
