//! Người thực hiện: the unit head hands a task to people of the unit with the unit's own date;
//! they are told, find it under "giao cho tôi" and report progress.

use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish, version};
use crate::support::each_backend;

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[test]
fn a_head_hands_a_task_to_staff_who_find_it_and_report_progress() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc; // due in 20 days
        let path = format!("/tasks/{t}/assignees");
        let staff_email = app.add_user(Role::UnitStaff, Some("Cục Kế hoạch - Tài chính"));
        let staff_id = chidao::models::user::by_email(&mut app.conn(), &staff_email)
            .unwrap()
            .unwrap()
            .0
            .id
            .to_string();
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut staff = app.client();
        assert_eq!(
            staff.login(&staff_email, crate::support::PASSWORD).status,
            303
        );
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut coordinator = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let outsider = app.add_user(Role::UnitStaff, Some("Sở KH&CN Hà Nội"));
        let outsider_id = chidao::models::user::by_email(&mut app.conn(), &outsider)
            .unwrap()
            .unwrap()
            .0
            .id
            .to_string();

        // Only the lead unit's head hands it out.
        let soon = ddmmyyyy(days(10));
        let fields = [("person", staff_id.as_str()), ("due_on", soon.as_str())];
        assert_eq!(sec.post(&path, &fields).status, 403);
        assert_eq!(coordinator.post(&path, &fields).status, 403);
        assert_eq!(staff.post(&path, &fields).status, 403);
        assert_eq!(app.count("task_assignees"), 0);

        // The head's page lists the unit's people; a date after the official one, or someone
        // of another unit, is refused and nothing is written.
        let page = head.get(&format!("/tasks/{t}"));
        assert!(page.body.contains(&format!("value=\"{staff_id}\"")));
        assert!(!page
            .body
            .contains(&format!("name=\"person\" value=\"{outsider_id}\"")));
        let late = ddmmyyyy(days(40));
        let r = head.post(
            &path,
            &[("person", staff_id.as_str()), ("due_on", late.as_str())],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("không muộn hơn hạn xử lý"));
        assert!(r.body.contains(&late), "what was typed is kept");
        let r = head.post(&path, &[("person", outsider_id.as_str())]);
        assert_eq!(r.status, 422);
        assert_eq!(app.count("task_assignees"), 0);

        let r = head.post(&path, &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.count("task_assignees"), 1);
        let to: Vec<String> = app
            .outbox()
            .into_iter()
            .filter(|(k, ..)| k == "assigned_in_unit")
            .map(|(_, to, _)| to)
            .collect();
        assert_eq!(to, vec![staff_email.clone()]);
        // Saved again with the same people: nobody is told twice.
        assert_eq!(head.post(&path, &fields).status, 303);
        assert_eq!(
            app.outbox()
                .iter()
                .filter(|(k, ..)| k == "assigned_in_unit")
                .count(),
            1
        );

        // The staff member finds it on the desk and in the list, and reports progress.
        let desk = staff.get("/desk").body;
        assert!(desk.contains("id=\"desk-assigned_to_me\""));
        assert!(desk.contains(&format!("data-task=\"{t}\"")));
        let mine = staff.get("/tasks?assignee=me&status=open").body;
        assert!(mine.contains(&format!("data-task=\"{t}\"")));
        assert!(!mine.contains(&format!("data-task=\"{}\"", p.langson)));
        let page = staff.get(&format!("/tasks/{t}")).body;
        assert!(page.contains("id=\"assignees\"") && page.contains(&soon));
        let v = version(app, t);
        let r = staff.post_multipart(
            &format!("/tasks/{t}/progress"),
            &[("version", &v), ("text", "Đã dự thảo"), ("percent", "30")],
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let api = head.get(&format!("/api/v1/tasks/{t}")).json();
        assert_eq!(api["assignees"][0]["due_on"], days(10).to_string());

        // Taken back: nobody left, the journal says so.
        assert_eq!(head.post(&path, &[("due_on", "")]).status, 303);
        assert_eq!(app.count("task_assignees"), 0);
        assert!(!staff
            .get("/tasks?assignee=me&status=open")
            .body
            .contains(&format!("data-task=\"{t}\"")));
        assert!(head
            .get(&format!("/tasks/{t}"))
            .body
            .contains("giao người thực hiện"));
    });
}
