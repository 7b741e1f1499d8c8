//! One step over many tasks from a list: all or nothing, each task's journal recording it.

use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish, status};
use crate::support::{each_backend, form_fields, Client};

/// The "id:version" boxes a list offers, by task.
fn picks(list: &str) -> Vec<String> {
    list.split("name=\"task\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

fn post(c: &mut Client, picked: &[String], fields: &[(&str, &str)]) -> crate::support::Resp {
    let mut all: Vec<(&str, &str)> = picked.iter().map(|p| ("task", p.as_str())).collect();
    all.extend_from_slice(fields);
    c.post("/tasks/bulk", &all)
}

#[test]
fn cancelling_many_tasks_is_all_or_nothing() {
    each_backend(|app| {
        let p = publish(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut leader = app.login_as(Role::Leader, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let list = sec.get("/tasks?status=open").body;
        assert!(list.contains("action=\"/tasks/bulk\""));
        let picked = picks(&list);
        assert_eq!(picked.len(), 3);

        // Who may: a unit head not at all; a leader chases but does not cancel.
        let cancel = [
            ("action", "cancel"),
            ("text", "Đã lồng ghép vào chương trình khác"),
        ];
        assert_eq!(post(&mut head, &picked, &cancel).status, 403);
        let r = post(&mut leader, &picked, &cancel);
        assert_eq!(r.status, 422);
        assert!(leader
            .get("/tasks?status=open")
            .body
            .contains("action=\"/tasks/bulk\""));
        // A reason is needed, and what was typed stays.
        let r = post(&mut sec, &picked, &[("action", "cancel"), ("text", " ")]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"bulk-confirm\""));

        // Lạng Sơn reports progress meanwhile: the step stops, nothing is cancelled.
        let v = crate::fixtures::version(app, p.langson);
        let r = head.post_multipart(
            &format!("/tasks/{}/progress", p.langson),
            &[("version", &v), ("text", "Đang làm"), ("percent", "20")],
            &[],
        );
        assert_eq!(r.status, 303);
        let journal = app.count("journal");
        let r = post(&mut sec, &picked, &cancel);
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("id=\"bulk-stale\""));
        assert!(r
            .body
            .contains(&format!("<li data-task=\"{}\">", p.langson)));
        assert_eq!(app.count("journal"), journal, "nothing was written");
        for t in [p.langson, p.khtc, p.hanoi] {
            assert_ne!(status(app, t), "cancelled");
        }
        // The page offers the step again for the two others, reason kept: taken, they go.
        let again = form_fields(&r.body, "/tasks/bulk");
        let rest: Vec<String> = again
            .iter()
            .filter(|(k, _)| k == "task")
            .map(|(_, v)| v.clone())
            .collect();
        assert_eq!(rest.len(), 2);
        assert!(r.body.contains("Đã lồng ghép vào chương trình khác"));
        let r = post(&mut sec, &rest, &cancel);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("id=\"bulk-done\" data-count=\"2\""));
        assert_eq!(status(app, p.khtc), "cancelled");
        assert_eq!(status(app, p.hanoi), "cancelled");
        assert_eq!(status(app, p.langson), "in_progress");
        let page = sec.get(&format!("/tasks/{}", p.khtc)).body;
        assert!(page.contains("Đã lồng ghép vào chương trình khác"));

        // A leader chases what is left from the list; a second press the same day chases none.
        let left = picks(&leader.get("/tasks?status=open").body);
        assert_eq!(left.len(), 1);
        let chase = [("action", "chase"), ("text", "Đề nghị khẩn trương")];
        let r = post(&mut leader, &left, &chase);
        assert!(r.body.contains("data-count=\"1\""), "{}", r.body);
        assert_eq!(app.count("chases"), 1);
        let r = post(&mut leader, &left, &chase);
        assert!(r.body.contains("data-count=\"0\""), "{}", r.body);
        assert_eq!(app.count("chases"), 1);
    });
}

#[test]
fn every_task_of_a_filter_gets_a_new_due_date_after_confirming() {
    each_backend(|app| {
        let p = publish(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        let list = sec.get("/tasks?status=open").body;
        let filter = form_fields(&list, "/tasks/bulk")
            .into_iter()
            .find(|(k, _)| k == "filter")
            .unwrap()
            .1;
        let new_due = days(30).format("%d/%m/%Y").to_string();
        let step = [
            ("all", "1"),
            ("filter", filter.as_str()),
            ("action", "due"),
            ("due_on", new_due.as_str()),
            ("text", "Theo chỉ đạo của Thứ trưởng"),
        ];
        // First the page that names what will change; nothing changed yet.
        let r = sec.post("/tasks/bulk", &step);
        assert_eq!(r.status, 200, "{}", r.body);
        let confirm = form_fields(&r.body, "/tasks/bulk");
        let picked: Vec<String> = confirm
            .iter()
            .filter(|(k, _)| k == "task")
            .map(|(_, v)| v.clone())
            .collect();
        assert_eq!(picked.len(), 3);
        assert_ne!(
            chidao::models::task::get(&mut app.conn(), p.khtc)
                .unwrap()
                .due_on,
            Some(days(30))
        );
        // Confirmed: each task has the date and its journal says why.
        let fields: Vec<(&str, &str)> = confirm
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .filter(|(k, _)| *k != "csrf")
            .collect();
        let r = sec.post("/tasks/bulk", &fields);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("data-count=\"3\""));
        for t in [p.langson, p.khtc, p.hanoi] {
            let task = chidao::models::task::get(&mut app.conn(), t).unwrap();
            assert_eq!(task.due_on, Some(days(30)));
        }
        assert!(sec
            .get(&format!("/tasks/{}", p.hanoi))
            .body
            .contains("Theo chỉ đạo của Thứ trưởng"));
        // A date that is no date is refused and kept.
        let r = post(
            &mut sec,
            &picked,
            &[("action", "due"), ("due_on", "32/13/2026"), ("text", "x")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("32/13/2026"));
    });
}
