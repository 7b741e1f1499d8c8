//! Trả lại and chuyển đơn vị chủ trì: a unit sends a task back as outside its remit, the
//! secretariat keeps it there or moves it; the chain is kept and counts follow the lead.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::each_backend;

fn kinds(app: &crate::support::TestApp, kind: &str) -> Vec<String> {
    app.outbox()
        .into_iter()
        .filter(|(k, ..)| k == kind)
        .map(|(_, to, _)| to)
        .collect()
}

#[test]
fn a_task_sent_back_is_kept_then_moved_and_the_old_unit_loses_it() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson; // led by Lạng Sơn, Cục SHTT coordinating
        let page = format!("/tasks/{t}");
        let mut ls = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut ls_staff = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut hn = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let hanoi = app.unit_id("Sở KH&CN Hà Nội").to_string();

        // Only the lead unit's head sends back, with a reason.
        let back = format!("/tasks/{t}/send-back");
        assert_eq!(ls_staff.post(&back, &[("text", "x")]).status, 403);
        assert_eq!(sec.post(&back, &[("text", "x")]).status, 403);
        let r = ls.post(&back, &[("text", " ")]);
        assert_eq!(r.status, 422);
        assert_eq!(app.count("task_transfers"), 0);
        let r = ls.post(&back, &[("text", "Thuộc chức năng của Sở KH&CN Hà Nội")]);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(!kinds(app, "sent_back").is_empty());
        assert!(kinds(app, "sent_back").contains(&sec.email));
        // Twice is refused, with the reason kept.
        let r = ls.post(&back, &[("text", "Lần nữa")]);
        assert_eq!(r.status, 409);
        assert!(r.body.contains("đang chờ Văn phòng Bộ") && r.body.contains("Lần nữa"));
        // The secretariat finds it on the desk, with the reason on the task.
        let sent_back = |c: &mut crate::support::Client| {
            let desk = c.get("/desk").body;
            desk.split("id=\"desk-sent_back\"")
                .nth(1)
                .map(|s| s.split("</section>").next().unwrap().to_string())
                .unwrap_or_default()
        };
        assert!(sent_back(&mut sec).contains(&format!("data-task=\"{t}\"")));
        assert!(sec.get(&page).body.contains("id=\"waiting-return\""));

        // Kept with the unit: the unit is answered, the desk empties.
        let r = sec.post(
            &format!("/tasks/{t}/keep"),
            &[("text", "Đề nghị Sở chủ trì, Hà Nội phối hợp")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(kinds(app, "kept_with_unit").contains(&ls.email));
        assert!(!sent_back(&mut sec).contains(&format!("data-task=\"{t}\"")));
        assert_eq!(
            sec.post(&format!("/tasks/{t}/keep"), &[("text", "x")])
                .status,
            409
        );

        // Sent back again, then moved to Hà Nội; a stale version changes nothing.
        assert_eq!(
            ls.post(&back, &[("text", "Vẫn không đúng chức năng")])
                .status,
            303
        );
        let move_to = format!("/tasks/{t}/transfer");
        let r = sec.post(
            &move_to,
            &[
                ("version", "0"),
                ("unit", &hanoi),
                ("text", "Đúng chức năng của Hà Nội"),
            ],
        );
        assert_eq!(r.status, 409, "{}", r.body);
        let v = version(app, t);
        let own = app.unit_id("Sở KH&CN Lạng Sơn").to_string();
        let r = sec.post(&move_to, &[("version", &v), ("unit", &own), ("text", "x")]);
        assert_eq!(r.status, 422, "the current lead is not a move");
        let r = sec.post(
            &move_to,
            &[
                ("version", &v),
                ("unit", &hanoi),
                ("text", "Đúng chức năng của Hà Nội"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(kinds(app, "transferred").contains(&hn.email));

        // The old unit no longer sees it; the new one leads it and may send it back in turn.
        assert_eq!(ls.get(&page).status, 404);
        assert!(!ls
            .get("/tasks?status=open")
            .body
            .contains(&format!("data-task=\"{t}\"")));
        let seen = hn.get(&page).body;
        assert!(seen.contains("Hà Nội") && seen.contains("id=\"send-back-form\""));
        assert!(hn
            .get("/tasks?status=open")
            .body
            .contains(&format!("data-task=\"{t}\"")));

        // The chain: sent back, kept, sent back, moved; in the journal too.
        let api = sec.get(&format!("/api/v1/tasks/{t}")).json();
        let chain: Vec<&str> = api["transfers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["kind"].as_str().unwrap())
            .collect();
        assert_eq!(chain, ["returned", "kept", "returned", "transferred"]);
        assert!(api["transfers"][3]["to_unit"]
            .as_str()
            .unwrap()
            .contains("Hà Nội"));
        assert!(api["task"]["lead_unit"]["name"]
            .as_str()
            .unwrap()
            .contains("Hà Nội"));
        let journal = sec.get(&page).body;
        assert!(
            journal.contains("chuyển đơn vị chủ trì")
                && journal.contains("Đúng chức năng của Hà Nội")
        );

        // Counted for the unit that leads it now.
        let mut unit_tasks = |name: &str| {
            let id = app.unit_id(name);
            sec.get(&format!("/tasks?unit={id}&status=open"))
                .body
                .contains(&format!("data-task=\"{t}\""))
        };
        assert!(unit_tasks("Sở KH&CN Hà Nội"));
        assert!(!unit_tasks("Sở KH&CN Lạng Sơn"));
        // The stored tallies (the dashboard's figures) moved with it.
        let tallied = |name: &str| -> i64 {
            use chidao::models::tally::{all, Scope};
            let unit = app.unit_id(name);
            all(&mut app.conn(), Scope::Unit(unit))
                .unwrap()
                .iter()
                .map(|t| t.n)
                .sum()
        };
        assert_eq!(
            (tallied("Sở KH&CN Hà Nội"), tallied("Sở KH&CN Lạng Sơn")),
            (2, 0)
        );
    });
}

#[test]
fn a_unit_moved_off_a_task_keeps_it_only_as_a_coordinator() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson;
        let mut ls = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let shtt = app.unit_id("Cục Sở hữu trí tuệ").to_string();
        let v = version(app, t);
        // Moved to the coordinating unit, the old lead coordinating in its place.
        let r = sec.post(
            &format!("/tasks/{t}/transfer"),
            &[
                ("version", &v),
                ("unit", &shtt),
                ("text", "Cục chủ trì"),
                ("old_coordinates", "1"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = ls.get(&format!("/tasks/{t}"));
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("id=\"part-form\""),
            "the old lead now gives its part"
        );
        assert!(!page.body.contains("id=\"send-back-form\""));
        let api = sec.get(&format!("/api/v1/tasks/{t}")).json();
        let coords: Vec<&str> = api["coordination"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["unit"].as_str().unwrap())
            .collect();
        assert_eq!(coords, ["Sở Khoa học và Công nghệ tỉnh Lạng Sơn"]);
    });
}
