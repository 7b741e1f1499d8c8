//! The unit's own work: steps inside a task that can drive its progress, and the completion
//! report a person of the unit drafts for the head to send.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::each_backend;

const UNIT: &str = "Cục Kế hoạch - Tài chính";

#[test]
fn steps_drive_the_progress_and_a_drafted_report_reaches_the_head() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let page = format!("/tasks/{t}");
        let mut head = app.login_as(Role::UnitHead, Some(UNIT));
        let mut staff = app.login_as(Role::UnitStaff, Some(UNIT));
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut coord = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let staff_id = chidao::models::user::by_email(&mut app.conn(), &staff.email)
            .unwrap()
            .unwrap()
            .0
            .id
            .to_string();

        // Only the lead unit's people keep the steps.
        let add = format!("/tasks/{t}/steps");
        assert_eq!(sec.post(&add, &[("text", "x")]).status, 403);
        assert_eq!(coord.post(&add, &[("text", "x")]).status, 403);
        assert_eq!(head.post(&add, &[("text", " ")]).status, 422);
        for (text, who) in [
            ("Thu thập số liệu", staff_id.as_str()),
            ("Dự thảo báo cáo", ""),
            ("Trình lãnh đạo", ""),
        ] {
            let r = head.post(&add, &[("text", text), ("assignee", who)]);
            assert_eq!(r.status, 303, "{}", r.body);
        }
        // Someone of another unit cannot be given a step.
        let outsider = app.add_user(Role::UnitStaff, Some("Sở KH&CN Hà Nội"));
        let outsider = chidao::models::user::by_email(&mut app.conn(), &outsider)
            .unwrap()
            .unwrap()
            .0
            .id
            .to_string();
        assert_eq!(
            head.post(&add, &[("text", "x"), ("assignee", &outsider)])
                .status,
            422
        );

        // The steps drive the progress once the unit says so: two of three done is 66 %.
        let api = head.get(&format!("/api/v1/tasks/{t}")).json();
        let steps: Vec<i64> = api["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(steps.len(), 3);
        assert_eq!(api["steps"][0]["assignee_id"].to_string(), staff_id);
        assert_eq!(
            staff
                .post(&format!("/tasks/{t}/steps/drive"), &[("done", "1")])
                .status,
            303
        );
        for s in &steps[..2] {
            assert_eq!(
                staff
                    .post(&format!("/tasks/{t}/steps/{s}/done"), &[("done", "1")])
                    .status,
                303
            );
        }
        let task = chidao::models::task::get(&mut app.conn(), t).unwrap();
        assert_eq!(task.progress, 66);
        assert!(head.get(&page).body.contains("id=\"steps-drive\""));
        // Unticked: back to 33 %. A form opened before the change is stale now.
        let old = version(app, t);
        assert_eq!(
            staff
                .post(
                    &format!("/tasks/{t}/steps/{}/done", steps[1]),
                    &[("done", "0")]
                )
                .status,
            303
        );
        assert_eq!(
            chidao::models::task::get(&mut app.conn(), t)
                .unwrap()
                .progress,
            33
        );
        assert_ne!(version(app, t), old);
        assert!(sec.get(&page).body.contains("Thu thập số liệu"));

        // The staff member drafts the completion report; the head finds it and sends it.
        assert_eq!(
            coord
                .post(&format!("/tasks/{t}/completion-draft"), &[("text", "x")])
                .status,
            403
        );
        let r = staff.post(
            &format!("/tasks/{t}/completion-draft"),
            &[("text", "Đã hoàn thành rà soát cơ chế tài chính")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let form = head.get(&page).body;
        assert!(form.contains("id=\"draft-note\""));
        assert!(form.contains("Đã hoàn thành rà soát cơ chế tài chính</textarea>"));
        let v = version(app, t);
        let r = head.post_multipart(
            &format!("/tasks/{t}/complete"),
            &[
                ("version", &v),
                ("text", "Đã hoàn thành rà soát cơ chế tài chính"),
            ],
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(crate::fixtures::status(app, t), "reported");
        assert_eq!(app.count("completion_drafts"), 0, "the draft is spent");
    });
}
