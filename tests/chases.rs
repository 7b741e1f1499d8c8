//! Đôn đốc end to end over HTTP: who may chase, once a day, what the unit reads in its mail, the
//! journal and the API, and what cannot be chased.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::each_backend;
use crate::support::smtp::SmtpServer;

#[test]
fn the_secretariat_chases_a_late_unit_once_a_day_and_the_unit_reads_it() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson; // overdue by two days, led by Sở KH&CN Lạng Sơn
        let path = format!("/tasks/{t}/chase");
        let note = [("text", "Đề nghị khẩn trương báo cáo kết quả")];
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut leader = app.login_as(Role::Leader, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut coordinator = app.login_as(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
        let mut outsider = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let mut admin = app.login_as(Role::Admin, None);
        let lead_person = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let coordinating_person = app.add_user(Role::UnitStaff, Some("Cục Sở hữu trí tuệ"));

        // A unit does not chase, nor does the admin; a unit that cannot see the task is told
        // there is no such task. Nothing is written.
        assert_eq!(head.post(&path, &note).status, 403);
        assert_eq!(coordinator.post(&path, &note).status, 403);
        assert_eq!(admin.post(&path, &note).status, 403);
        assert_eq!(outsider.post(&path, &note).status, 404);
        assert_eq!(app.count("chases"), 0);
        assert!(!head.get(&format!("/tasks/{t}")).body.contains("/chase\""));

        let page = sec.get(&format!("/tasks/{t}"));
        assert!(page.body.contains(&format!("action=\"/tasks/{t}/chase\"")));
        let r = sec.post(&path, &note);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.count("chases"), 1);

        // A second press the same day, by anyone, says so and chases no more.
        let again = leader.post(&path, &[("text", "Lần nữa")]);
        assert_eq!(again.status, 409);
        assert!(
            again.body.contains("đã được đôn đốc hôm nay"),
            "{}",
            again.body
        );
        assert!(again.body.contains("Lần nữa"), "what was typed is kept");
        assert_eq!(app.count("chases"), 1);

        // The unit sees it on the task, in the journal ("đôn đốc lần 1") and in the API.
        let page = head.get(&format!("/tasks/{t}"));
        assert!(page.body.contains("id=\"chases\""));
        assert!(page.body.contains("Đề nghị khẩn trương báo cáo kết quả"));
        assert!(
            page.body.contains("đôn đốc lần"),
            "the journal says which time"
        );
        let list = sec.get("/tasks?status=open");
        assert!(
            list.body.contains("Đã đôn đốc: 1"),
            "the count shows in lists"
        );
        let api = head.get(&format!("/api/v1/tasks/{t}")).json();
        assert_eq!(api["chases"].as_array().unwrap().len(), 1);
        assert_eq!(
            api["chases"][0]["note"],
            "Đề nghị khẩn trương báo cáo kết quả"
        );

        // Mail to the lead unit's people, not to the coordinating unit.
        let smtp = SmtpServer::start();
        app.mailing(&smtp.url())
            .deliver(&mut app.conn(), crate::fixtures::today())
            .unwrap();
        let chased: Vec<_> = smtp
            .received()
            .into_iter()
            .filter(|m| m.subject().contains("Đôn đốc lần 1"))
            .collect();
        assert!(!chased.is_empty(), "the chase was mailed");
        for m in &chased {
            assert!(m.text().contains("Đề nghị khẩn trương báo cáo kết quả"));
            assert!(m.text().contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"));
        }
        let to: Vec<String> = app
            .outbox()
            .into_iter()
            .filter(|(kind, ..)| kind == "chased")
            .map(|(_, to, _)| to)
            .collect();
        assert!(to.contains(&lead_person), "{to:?}");
        assert!(!to.contains(&coordinating_person), "{to:?}");
    });
}

#[test]
fn what_is_not_being_worked_on_is_not_chased() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let v = version(app, t);
        let r = head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Đã xong")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        // Reported complete: awaiting confirmation, so there is nothing to chase.
        assert!(!sec.get(&format!("/tasks/{t}")).body.contains("/chase\""));
        let r = sec.post(&format!("/tasks/{t}/chase"), &[("text", "")]);
        assert_eq!(r.status, 409);
        assert!(r.body.contains("Chỉ đôn đốc nhiệm vụ đang được thực hiện"));
        assert_eq!(app.count("chases"), 0);
        assert_eq!(app.count("outbox WHERE kind = 'chased'"), 0);
    });
}
