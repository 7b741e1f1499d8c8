//! The working calendar over HTTP and the command line: administrators edit the yearly
//! schedules, deadlines given in working days follow them.

use chidao::domain::permissions::Role;

use crate::support::each_backend;
use chidao::domain::ids::{TaskId, UserId};

#[test]
fn administrators_edit_a_year_and_the_calendar_follows() {
    each_backend(|app| {
        let mut admin = app.login_as(Role::Admin, None);
        let mut sec = app.login_as(Role::Secretariat, None);
        assert_eq!(sec.get("/admin/calendar").status, 403);
        assert_eq!(
            sec.post("/admin/calendar/2027/official", &[("source", "x")])
                .status,
            403
        );

        let page = admin.get("/admin/calendar?year=2026");
        assert!(
            page.body.contains("Năm có lịch nghỉ chính thức")
                && page.body.contains("Tết Nguyên đán")
        );
        let page = admin.get("/admin/calendar?year=2027");
        assert!(
            page.body.contains("id=\"fallback\""),
            "2027 has no schedule yet: {}",
            page.body.len()
        );
        assert!(
            page.body.contains("06/02/2027"),
            "the statutory Tết is shown"
        );

        // Bad input is explained and kept.
        let r = admin.post(
            "/admin/calendar/days",
            &[
                ("year", "2027"),
                ("first", "03/02/2027"),
                ("last", "01/02/2027"),
                ("kind", "off"),
                ("name", "Tết"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("Khoảng ngày không hợp lệ") && r.body.contains("value=\"03/02/2027\"")
        );
        let r = admin.post(
            "/admin/calendar/days",
            &[
                ("year", "2027"),
                ("first", "01/02/2027"),
                ("kind", "work"),
                ("name", "Làm bù"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("phải là thứ Bảy"));

        // The 2027 schedule: Tết 04/02 – 14/02, a make-up Saturday on 30/01.
        let r = admin.post(
            "/admin/calendar/days",
            &[
                ("year", "2027"),
                ("first", "04/02/2027"),
                ("last", "14/02/2027"),
                ("kind", "off"),
                ("name", "Tết Nguyên đán"),
            ],
        );
        assert_eq!(r.status, 303);
        let r = admin.post(
            "/admin/calendar/days",
            &[
                ("year", "2027"),
                ("first", "30/01/2027"),
                ("kind", "work"),
                ("name", "Làm bù"),
            ],
        );
        assert_eq!(r.status, 303);
        let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
        assert!(cal.has_official(2027));
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap();
        assert!(!cal.is_working(d("04/02/2027")) && !cal.is_working(d("12/02/2027")));
        assert!(cal.is_working(d("30/01/2027")) && cal.is_working(d("15/02/2027")));
        assert_eq!(cal.add_working_days(d("03/02/2027"), 1), d("15/02/2027"));
        // A window from today reads that year's and the next year's schedules only, and counts
        // as the whole calendar does, across the new year and Tết.
        let mut day = d("15/12/2026");
        while day <= d("15/02/2027") {
            for n in [1, 3, 5] {
                let near = chidao::models::calendar::working_days_after(&mut app.conn(), day, n);
                assert_eq!(near.unwrap(), cal.add_working_days(day, n), "{day} + {n}");
            }
            day = day.succ_opt().unwrap();
        }
        // Deleting a day puts it back to the rule for an official year: a plain weekday.
        let r = admin.post("/admin/calendar/days/2027-02-12/delete", &[]);
        assert_eq!(r.status, 303);
        let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
        assert!(cal.is_working(d("12/02/2027")));
    });
}

#[test]
fn deadlines_in_working_days_count_across_tet() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let token = sec.get("/directives/new").input("form_token").unwrap();
        let unit = format!("u:{}", app.unit_id("Cục Sở hữu trí tuệ"));
        let r = sec.post(
            "/directives",
            &[
                ("form_token", &token),
                ("number", "12/TB-BKHCN"),
                ("issued_on", "12/02/2026"),
                ("title", "Kết luận trước Tết"),
                ("items", "2"),
                ("item0.text", "Báo cáo trong 10 ngày làm việc"),
                ("item0.leads", &unit),
                ("item0.workdays", "10"),
                ("item1.text", "Cả hai cách ghi hạn"),
                ("item1.leads", &unit),
                ("item1.due", "01/03/2026"),
                ("item1.workdays", "3"),
            ],
        );
        assert_eq!(
            r.status, 422,
            "a date and working days together are refused"
        );
        assert!(r.body.contains("không cả hai"));
        let r = sec.post(
            "/directives",
            &[
                ("form_token", &token),
                ("number", "12/TB-BKHCN"),
                ("issued_on", "12/02/2026"),
                ("title", "Kết luận trước Tết"),
                ("items", "1"),
                ("item0.text", "Báo cáo trong 10 ngày làm việc"),
                ("item0.leads", &unit),
                ("item0.workdays", "10"),
                ("publish_anyway", "1"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let tasks = chidao::models::listing::list(
            &mut app.conn(),
            &chidao::domain::permissions::Actor {
                user_id: UserId(0),
                role: Role::Leader,
                unit_id: None,
            },
            &Default::default(),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 12).unwrap(),
            &Default::default(),
        )
        .unwrap()
        .rows;
        // 13/02, then Tết to 22/02, then 23–27/02 and 02–05/03.
        assert_eq!(tasks[0].due_on, chrono::NaiveDate::from_ymd_opt(2026, 3, 5));
    });
}

#[test]
fn due_soon_counts_working_days() {
    each_backend(|app| {
        let p = crate::fixtures::publish(app);
        let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
        let today = crate::fixtures::today();
        let mut sec = app.login_as(Role::Secretariat, None);
        let ids = |c: &mut crate::support::Client| -> Vec<TaskId> {
            c.get("/api/v1/tasks?soon=yes").json()["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| TaskId(t["id"].as_i64().unwrap()))
                .collect()
        };
        for (n, expected) in [(5, vec![p.khtc]), (6, vec![])] {
            let due = cal
                .add_working_days(today, n)
                .format("%d/%m/%Y")
                .to_string();
            let v = crate::fixtures::version(app, p.khtc);
            assert_eq!(
                sec.post(
                    &format!("/tasks/{}/edit", p.khtc),
                    &[("version", &v), ("due_on", &due), ("text", "Điều chỉnh")]
                )
                .status,
                303
            );
            assert_eq!(ids(&mut sec), expected, "due {n} working days from today");
        }
        assert!(sec
            .get("/tasks?soon=yes")
            .body
            .contains("name=\"soon\" value=\"yes\" checked"));
    });
}
