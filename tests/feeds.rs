//! Calendar feeds of deadlines: made, reset and stopped by the people who answer for them, and
//! read back by a real iCalendar parser (python `icalendar`).

use chidao::domain::dates::Moment;
use chidao::domain::ids::TaskId;
use chidao::domain::permissions::{Act, Actor, Role};

use crate::fixtures::publish;
use crate::support::{each_backend, Client, TestApp};

/// Makes (or resets) the feed on `page` and returns the address's path, shown once.
fn make(c: &mut Client, page: &str) -> String {
    let r = c.post(page, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let address = r
        .body
        .split("id=\"feed-address\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the address, shown")
        .to_string();
    assert!(!c.get(page).body.contains(&address), "shown once");
    let path = address.split_once("/feeds/").expect("a feed address").1;
    format!("/feeds/{path}")
}

/// The feed's events as the parser reads them: (uid, start day, summary, url, description).
fn events(app: &TestApp, path: &str) -> Vec<(String, String, String, String, String)> {
    let r = app.client().get(path);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    if !crate::support::python_reads("icalendar", "icalendar") {
        return Vec::new();
    }
    let file = std::env::temp_dir().join(crate::support::unique("feed") + ".ics");
    std::fs::write(&file, &r.body).unwrap();
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert cal["VERSION"] == "2.0", cal["VERSION"]
out = []
for e in cal.walk("VEVENT"):
    start, end = e.decoded("DTSTART"), e.decoded("DTEND")
    assert (end - start).days == 1, (start, end)
    assert not hasattr(start, "hour"), "all-day"
    out.append([str(e["UID"]), start.isoformat(), str(e["SUMMARY"]), str(e["URL"]), str(e["DESCRIPTION"])])
print(json.dumps(out, ensure_ascii=False))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn due_of(app: &TestApp, id: TaskId) -> chrono::NaiveDate {
    chidao::models::task::get(&mut app.conn(), id)
        .unwrap()
        .due_on
        .unwrap()
}

#[test]
fn a_person_and_a_unit_put_their_deadlines_in_a_calendar() {
    each_backend(|app| {
        let p = publish(app);
        let python = crate::support::python_reads("icalendar", "icalendar");
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert!(head.get("/me/calendar").body.contains("Chưa bật"));
        let mine = make(&mut head, "/me/calendar");

        // The head answers for the task the unit leads, not for the one it only coordinates.
        let got = events(app, &mine);
        if python {
            assert_eq!(got.len(), 1, "{got:?}");
            let (uid, day, summary, url, description) = &got[0];
            assert_eq!(uid, &format!("task-{}@chidao", p.langson));
            assert_eq!(day, &due_of(app, p.langson).to_string());
            assert!(
                summary.starts_with("Hạn: 1. Xây dựng kế hoạch ứng dụng trí tuệ nhân tạo"),
                "{summary}"
            );
            assert!(url.ends_with(&format!("/tasks/{}", p.langson)), "{url}");
            assert!(description.contains("88/TB-BKHCN"), "{description}");
            assert!(description.contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"));
        }

        // A task handed to one of the unit's people is in their feed by the unit's own date.
        let staff_email = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let staff = chidao::models::user::by_email(&mut app.conn(), &staff_email)
            .unwrap()
            .unwrap()
            .0;
        let head_actor = actor_of(app, &head.email);
        let own = chrono::Local::now().date_naive() + chrono::Duration::days(1);
        // The official date is past: the unit's own date may not be after it, so move it on.
        chidao::app::tasks::change_due_date(
            &mut app.conn(),
            chidao::models::task::Edit {
                actor: &secretariat(app),
                task_id: p.langson,
                version: chidao::models::task::get(&mut app.conn(), p.langson)
                    .unwrap()
                    .version,
                at: Moment::now(),
            },
            Some(own + chrono::Duration::days(9)),
            "Lùi hạn để thử",
        )
        .unwrap();
        chidao::app::tasks::assign_people(
            &mut app.conn(),
            Act::now(head_actor),
            p.langson,
            &[staff.id],
            Some(own),
        )
        .unwrap();
        let mut staff_client = app.client();
        staff_client.login(&staff_email, crate::support::PASSWORD);
        let theirs = make(&mut staff_client, "/me/calendar");
        let got = events(app, &theirs);
        if python {
            assert_eq!(got.len(), 1, "{got:?}");
            assert_eq!(got[0].1, own.to_string());
            assert!(got[0].2.starts_with("Hạn (được giao): "), "{}", got[0].2);
        }
        // Staff do not set up the unit's feed; another unit's head does not see it at all.
        let lang_son = app.unit_id("Sở KH&CN Lạng Sơn");
        let unit_page = format!("/units/{lang_son}/calendar");
        assert_eq!(staff_client.get(&unit_page).status, 403);
        assert!(!staff_client
            .get(&format!("/units/{lang_son}"))
            .body
            .contains("unit-feed"));
        let mut other = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        assert_eq!(other.get(&unit_page).status, 404);
        assert_eq!(other.post(&unit_page, &[]).status, 404);

        // The unit's feed: the task it leads, and the part it was asked for as coordinator.
        assert!(head
            .get(&format!("/units/{lang_son}"))
            .body
            .contains("unit-feed"));
        let khtc_head = app.add_user(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let part_due = chrono::Local::now().date_naive() + chrono::Duration::days(5);
        chidao::app::coordination::ask_part(
            &mut app.conn(),
            Act::now(actor_of(app, &khtc_head)),
            p.khtc,
            lang_son,
            part_due,
            "Đề nghị gửi ý kiến",
        )
        .unwrap();
        let units = make(&mut head, &unit_page);
        let got = events(app, &units);
        if python {
            let uids: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
            assert_eq!(
                uids,
                [
                    format!("task-{}-part@chidao", p.khtc),
                    format!("task-{}@chidao", p.langson)
                ]
            );
            assert_eq!(got[0].1, part_due.to_string());
            assert!(
                got[0].2.starts_with("Hạn gửi ý kiến phối hợp: 2. "),
                "{}",
                got[0].2
            );
        }
        // The secretariat may set up any unit's feed too.
        let mut sec = app.login_as(Role::Secretariat, None);
        assert_eq!(sec.get(&unit_page).status, 200);

        // A reset stops the old address; stopping stops the feed.
        let again = make(&mut head, "/me/calendar");
        assert_ne!(again, mine);
        assert_eq!(app.client().get(&mine).status, 404);
        assert_eq!(app.client().get(&again).status, 200);
        let r = head.post("/me/calendar/stop", &[]);
        assert_eq!(r.status, 303);
        assert_eq!(app.client().get(&again).status, 404);
        assert!(head.get("/me/calendar").body.contains("Chưa bật"));
        // Addresses that are not ours.
        assert_eq!(app.client().get("/feeds/abc.ics").status, 404);
        assert_eq!(
            app.client()
                .get(&format!("/feeds/{}.ics", "0".repeat(64)))
                .status,
            404
        );
        assert_eq!(app.client().get(&units.replace(".ics", ".txt")).status, 404);
    });
}

fn actor_of(app: &TestApp, email: &str) -> Actor {
    chidao::models::user::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .0
        .actor()
}

fn secretariat(app: &TestApp) -> Actor {
    let email = app.add_user(Role::Secretariat, None);
    actor_of(app, &email)
}
