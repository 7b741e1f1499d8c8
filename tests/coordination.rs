//! Phối hợp: the lead unit asks a coordinating unit for its part by a date, the coordinating
//! unit gives it with files, both see each unit's state; a part still waiting is reminded.

use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish};
use crate::support::each_backend;
use crate::support::smtp::SmtpServer;

const LEAD: &str = "Cục Kế hoạch - Tài chính";
const COORD: &str = "Sở KH&CN Lạng Sơn";

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The state the task page shows for one coordinating unit.
fn state_of(page: &str, unit: i64) -> String {
    let needle = format!("data-unit=\"{unit}\" data-state=\"");
    let at = page.find(&needle).expect("the unit's row") + needle.len();
    page[at..].split('"').next().unwrap().to_string()
}

fn kinds(app: &crate::support::TestApp, kind: &str) -> Vec<String> {
    app.outbox()
        .into_iter()
        .filter(|(k, ..)| k == kind)
        .map(|(_, to, _)| to)
        .collect()
}

#[test]
fn a_lead_unit_asks_for_a_part_and_the_coordinating_unit_gives_it() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc; // led by Cục KH-TC, due in 20 days, Lạng Sơn coordinating
        let coord_id = app.unit_id(COORD).0;
        let mut lead = app.login_as(Role::UnitHead, Some(LEAD));
        let mut coord = app.login_as(Role::UnitStaff, Some(COORD));
        let coord_head = app.add_user(Role::UnitHead, Some(COORD));
        let mut sec = app.login_as(Role::Secretariat, None);
        let page = format!("/tasks/{t}");
        let ask = format!("/tasks/{t}/coordination/ask");
        let give = format!("/tasks/{t}/coordination");

        // Nothing asked or given yet; only the lead unit may ask, only the coordinating unit give.
        assert_eq!(state_of(&sec.get(&page).body, coord_id), "not_yet");
        let by = ddmmyyyy(days(5));
        let unit = coord_id.to_string();
        let fields = [("unit", unit.as_str()), ("due_on", by.as_str())];
        assert_eq!(sec.post(&ask, &fields).status, 403);
        assert_eq!(coord.post(&ask, &fields).status, 403);
        assert_eq!(sec.post_multipart(&give, &[("text", "x")], &[]).status, 403);
        assert_eq!(
            lead.post_multipart(&give, &[("text", "x")], &[]).status,
            403
        );

        // A date after the task's own, or past, is refused and kept on the page.
        let late = ddmmyyyy(days(40));
        let r = lead.post(&ask, &[("unit", &unit), ("due_on", &late), ("text", "Gấp")]);
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body.contains("không muộn hơn hạn xử lý") && r.body.contains(&late));
        let r = lead.post(&ask, &[("unit", &unit), ("due_on", "31/02/2026")]);
        assert_eq!(r.status, 422);
        assert!(kinds(app, "coordination_asked").is_empty());

        // Asked: the coordinating unit is told and finds it on its desk.
        let r = lead.post(
            &ask,
            &[
                ("unit", &unit),
                ("due_on", &by),
                ("text", "Cho ý kiến về cơ chế"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let mut told = kinds(app, "coordination_asked");
        told.sort();
        let mut expected = vec![coord.email.clone(), coord_head.clone()];
        expected.sort();
        assert_eq!(told, expected);
        assert_eq!(state_of(&lead.get(&page).body, coord_id), "asked");
        let desk = coord.get("/desk").body;
        assert!(
            desk.contains("id=\"desk-parts_asked\"")
                && desk.contains(&format!("data-task=\"{t}\""))
        );

        // Given with a file: the lead unit is told, every side sees it done.
        let r = coord.post_multipart(
            &give,
            &[(
                "text",
                "Đồng ý với dự thảo; đề nghị bổ sung nguồn vốn địa phương",
            )],
            &[("files", "y-kien.pdf", b"%PDF-1.4 y kien")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            kinds(app, "coordination_recorded"),
            vec![lead.email.clone()]
        );
        let seen = sec.get(&page).body;
        assert_eq!(state_of(&seen, coord_id), "done");
        assert!(seen.contains("Ý kiến phối hợp") && seen.contains("y-kien.pdf"));
        assert!(!coord
            .get("/desk")
            .body
            .contains(&format!("data-task=\"{t}\"")));
        let api = lead.get(&format!("/api/v1/tasks/{t}")).json();
        let c = &api["coordination"][0];
        assert_eq!(c["unit_id"], coord_id);
        assert_eq!(c["state"], "done");
        assert_eq!(c["asked_due"], days(5).to_string());
        assert!(c["parts"][0]["text"]
            .as_str()
            .unwrap()
            .contains("nguồn vốn"));

        // An empty part is refused and nothing is written.
        let reports = app.count("reports");
        let r = coord.post_multipart(&give, &[("text", "  ")], &[]);
        assert_eq!(r.status, 422);
        assert_eq!(app.count("reports"), reports);
    });
}

#[test]
fn a_part_still_waiting_is_reminded_until_it_is_given() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        let p = publish(app);
        let t = p.khtc;
        let coord_id = app.unit_id(COORD);
        let head = app.add_user(Role::UnitHead, Some(COORD));
        let mut lead = app.login_as(Role::UnitHead, Some(LEAD));
        let by = days(3);
        let unit = coord_id.to_string();
        let r = lead.post(
            &format!("/tasks/{t}/coordination/ask"),
            &[("unit", &unit), ("due_on", &ddmmyyyy(by))],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let pass = |day: chrono::NaiveDate| {
            let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
            let schedule = Default::default();
            let now = chrono::Utc::now().naive_utc();
            chidao::jobs::reminders::queue_day(&mut app.conn(), &cal, &schedule, day, now).unwrap();
        };
        let reminders = || kinds(app, "coordination_reminder");
        // Two days before: not a reminder day (7, 3, 1, 0 before); one day before: reminded,
        // once however many passes run.
        pass(by - chrono::Days::new(2));
        assert!(reminders().is_empty());
        pass(by - chrono::Days::new(1));
        pass(by - chrono::Days::new(1));
        assert_eq!(reminders(), vec![head.clone()]);
        app.mailing(&smtp.url())
            .deliver(&mut app.conn(), crate::fixtures::days(0))
            .unwrap();
        let got = smtp.received();
        let m = got
            .iter()
            .find(|m| m.subject().contains("Nhắc gửi ý kiến phối hợp"))
            .expect("sent");
        assert!(m.text().contains(&ddmmyyyy(by)), "{}", m.text());
        // A week late: reminded again.
        pass(by + chrono::Days::new(7));
        assert_eq!(reminders().len(), 2);

        // Given: no more reminders.
        let mut coord = app.client();
        coord.login(&head, crate::support::PASSWORD);
        let r = coord.post_multipart(
            &format!("/tasks/{t}/coordination"),
            &[("text", "Đã góp ý")],
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        pass(by + chrono::Days::new(14));
        assert_eq!(reminders().len(), 2);
    });
}
