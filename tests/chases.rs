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

/// The figure a chase-many page gives for one outcome (absent: none).
fn counted(html: &str, what: &str) -> i64 {
    html.split(&format!("data-count=\"{what}\">"))
        .nth(1)
        .and_then(|s| s.split('<').next())
        .map(|n| n.replace('.', "").parse().unwrap())
        .unwrap_or(0)
}

#[test]
fn chasing_every_overdue_task_of_a_unit_and_the_tasks_chosen_on_a_list() {
    each_backend(|app| {
        let p = publish(app);
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut leader = app.login_as(Role::Leader, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));

        // The unit's page offers to chase its one overdue task; a unit does not chase.
        let unit_page = leader.get(&format!("/units/{ls}"));
        assert!(unit_page
            .body
            .contains(&format!("action=\"/units/{ls}/chase\"")));
        assert!(unit_page.body.contains("(1)"));
        assert!(!head.get(&format!("/units/{ls}")).body.contains("/chase\""));
        let note = [("text", "Đề nghị báo cáo trước thứ Sáu")];
        assert_eq!(head.post(&format!("/units/{ls}/chase"), &note).status, 403);
        let r = leader.post(&format!("/units/{ls}/chase"), &note);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(counted(&r.body, "chased"), 1);
        assert_eq!(app.count("chases"), 1);
        assert!(r.body.contains(&format!("href=\"/units/{ls}\"")));

        // The list has a box on each task being worked on and one form for the ticked ones.
        let list = sec.get("/tasks?status=open");
        assert!(list.body.contains("action=\"/tasks/bulk\""));
        for t in [p.langson, p.khtc, p.hanoi] {
            assert!(list.body.contains(&format!("id=\"pick-{t}\"")), "{t}");
        }
        assert!(!head.get("/tasks").body.contains("action=\"/tasks/bulk\""));
        let back = crate::support::form_fields(&list.body, "/tasks/bulk")
            .into_iter()
            .find(|(k, _)| k == "back")
            .unwrap()
            .1;
        let (ls_task, khtc, hanoi) = (
            p.langson.to_string(),
            p.khtc.to_string(),
            p.hanoi.to_string(),
        );
        let chosen = [
            ("task", ls_task.as_str()),
            ("task", khtc.as_str()),
            ("task", hanoi.as_str()),
            ("task", "999999"),
            ("task", khtc.as_str()),
            ("text", "Tổng hợp báo cáo tháng"),
            ("back", back.as_str()),
        ];
        assert_eq!(head.post("/tasks/chase", &chosen).status, 403);
        let r = sec.post("/tasks/chase", &chosen);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(counted(&r.body, "chased"), 2, "{}", r.body);
        assert_eq!(counted(&r.body, "today"), 1, "Lạng Sơn was chased today");
        assert_eq!(counted(&r.body, "unseen"), 1);
        assert_eq!(
            app.count("chases"),
            3,
            "each task once, the repeated one too"
        );
        assert!(
            r.body
                .contains(&format!("href=\"{}\"", back.replace('&', "&#38;")))
                || r.body
                    .contains(&format!("href=\"{}\"", back.replace('&', "&amp;")))
        );

        // Nothing ticked: said so, the note kept, nothing chased.
        let r = sec.post(
            "/tasks/chase",
            &[("text", "Ghi chú giữ lại"), ("back", "//evil.example")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Chưa chọn nhiệm vụ nào"));
        assert!(r.body.contains("Ghi chú giữ lại"));
        assert!(
            r.body.contains("href=\"/tasks\""),
            "only our own paths to go back to"
        );
        assert_eq!(app.count("chases"), 3);
        // Without the form's token, nothing happens.
        assert_eq!(sec.post_raw("/tasks/chase", &chosen).status, 403);
    });
}
