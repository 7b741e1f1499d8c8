//! The desk ("Việc cần xử lý") for each role, the counts in the menu, and the notifications.

use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish, version};
use crate::support::{each_backend, Client, TestApp};

/// The count a desk section shows, and the tasks it names.
fn section(html: &str, key: &str) -> Option<(i64, Vec<String>)> {
    let start = html.find(&format!("id=\"desk-{key}\""))?;
    let part = &html[start..];
    let part = &part[..part.find("</section>").unwrap_or(part.len())];
    let count = part
        .split("data-count=\"")
        .nth(1)?
        .split('"')
        .next()?
        .parse()
        .ok()?;
    let tasks = part
        .split("data-task=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    Some((count, tasks))
}

/// The number beside "Việc cần xử lý" in the menu (0 when none is shown).
fn menu_count(html: &str, id: &str) -> i64 {
    let Some(at) = html.find(&format!("id=\"{id}\"")) else {
        return 0;
    };
    let link = &html[at..at + html[at..].find("</a>").unwrap()];
    link.split("class=\"count\"")
        .nth(1)
        .and_then(|s| s.split('>').nth(1))
        .and_then(|s| s.split('<').next())
        .map(|n| n.replace('.', "").parse().unwrap())
        .unwrap_or(0)
}

fn desk(c: &mut Client) -> String {
    let r = c.get("/desk");
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn set_leader(app: &TestApp, unit: &str, email: &str) {
    let id = chidao::models::user::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .0
        .id;
    chidao::models::unit::set_leader(&mut app.conn(), app.unit_id(unit), Some(id)).unwrap();
}

#[test]
fn each_role_lands_on_what_waits_for_it() {
    each_backend(|app| {
        let p = publish(app);
        let (ls, khtc) = (p.langson.to_string(), p.khtc.to_string());
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut leader = app.login_as(Role::Leader, None);
        set_leader(app, "Sở KH&CN Lạng Sơn", &leader.email);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut staff = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let mut khtc_head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));

        // The home page is the desk.
        assert_eq!(head.get("/").location(), "/desk");

        // A unit head: the new task to start; staff see it too but no explanation to give.
        let page = desk(&mut head);
        assert_eq!(section(&page, "to_start").unwrap().1, vec![ls.clone()]);
        assert_eq!(section(&page, "to_explain").unwrap().0, 0);
        assert!(section(&desk(&mut staff), "to_explain").is_none());
        assert_eq!(menu_count(&page, "nav-desk"), 1);

        // The secretariat: Lạng Sơn's overdue task was never chased.
        let page = desk(&mut sec);
        assert_eq!(section(&page, "not_chased").unwrap().1, vec![ls.clone()]);
        assert_eq!(section(&page, "to_confirm").unwrap().0, 0);
        // Chased: it leaves that list, and the menu counts again at once for whoever acted.
        let r = sec.post(&format!("/tasks/{ls}/chase"), &[("text", "")]);
        assert_eq!(r.status, 303);
        let page = desk(&mut sec);
        assert_eq!(section(&page, "not_chased").unwrap().0, 0);
        assert_eq!(menu_count(&page, "nav-desk"), 0);

        // Completion reported: the secretariat confirms it from the desk.
        let v = version(app, p.khtc);
        let r = khtc_head.post(
            &format!("/tasks/{khtc}/complete"),
            &[("version", &v), ("text", "Đã xong")],
        );
        assert_eq!(r.status, 303);
        let page = desk(&mut sec);
        assert_eq!(section(&page, "to_confirm").unwrap().1, vec![khtc.clone()]);
        // Returned for more work: the unit finds it among its returned tasks.
        let v = version(app, p.khtc);
        let r = sec.post(
            &format!("/tasks/{khtc}/return"),
            &[("version", &v), ("text", "Bổ sung số liệu")],
        );
        assert_eq!(r.status, 303);
        assert_eq!(
            section(&desk(&mut khtc_head), "returned").unwrap().1,
            vec![khtc.clone()]
        );

        // A leader in charge of Lạng Sơn: its overdue task; then an explanation to decide.
        let page = desk(&mut leader);
        assert_eq!(section(&page, "units_overdue").unwrap().1, vec![ls.clone()]);
        let r = leader.post(&format!("/tasks/{ls}/explanation"), &[("text", "Vì sao?")]);
        assert_eq!(r.status, 303);
        assert_eq!(
            section(&desk(&mut head), "to_explain").unwrap().1,
            vec![ls.clone()]
        );
        let round =
            chidao::models::explanation::for_task(&mut app.conn(), p.langson).unwrap()[0].id;
        let r = head.post_multipart(
            &format!("/explanations/{round}/answer"),
            &[("reason", "Chờ số liệu")],
            &[],
        );
        assert_eq!(r.status, 303);
        assert_eq!(
            section(&desk(&mut leader), "explanations").unwrap().1,
            vec![ls.clone()]
        );
        assert_eq!(
            section(&desk(&mut sec), "explanations").unwrap().1,
            vec![ls]
        );

        // Due soon: within five working days.
        let t = p.hanoi;
        let mut hn = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        crate::fixtures::set_due(app, t, days(1));
        assert_eq!(
            section(&desk(&mut hn), "due_soon").unwrap().1,
            vec![t.to_string()]
        );
    });
}

#[test]
fn notifications_are_what_the_mail_said_unread_until_opened() {
    each_backend(|app| {
        let email = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let p = publish(app);
        let mut head = app.client();
        assert_eq!(head.login(&email, crate::support::PASSWORD).status, 303);
        let page = head.get("/desk").body;
        assert!(
            menu_count(&page, "nav-notifications") >= 1,
            "the assignment"
        );
        let list = head.get("/notifications");
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(&format!(
                "/tasks?directive={}&amp;status=all",
                p.directive_id
            )),
            "{}",
            list.body
        );
        assert!(
            list.body.contains("Được giao nhiệm vụ mới"),
            "unsent: the kind of message"
        );
        assert!(list.body.contains("class=\"unread\""));
        // Opened: read.
        assert_eq!(menu_count(&head.get("/desk").body, "nav-notifications"), 0);
        assert!(!head.get("/notifications").body.contains("class=\"unread\""));
        // Someone else's notifications are not shown.
        let mut other = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        assert!(!other
            .get("/notifications")
            .body
            .contains("class=\"unread\""));
    });
}
