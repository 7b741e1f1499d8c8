//! Recurring obligations: each period's task made ahead by the daily pass, one per lead unit,
//! across a quarter's and a year's end, however many passes and instances run.

use chidao::domain::permissions::Role;
use chidao::domain::recurrence::{DueRule, Recurrence};
use chidao::models::directive::{Assignee, NewDirective, NewItem};
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::support::{each_backend, TestApp};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The item's tasks as (lead unit, period start, due), in order.
fn periods(app: &TestApp, item: i64) -> Vec<(i64, NaiveDate, NaiveDate)> {
    use chidao::db::schema::tasks;
    let mut rows: Vec<(i64, Option<NaiveDate>, Option<NaiveDate>)> = tasks::table
        .filter(tasks::item_id.eq(item))
        .select((tasks::lead_unit_id, tasks::period_start, tasks::due_on))
        .load(&mut app.conn())
        .unwrap();
    rows.sort();
    rows.into_iter()
        .map(|(u, s, due)| (u, s.unwrap(), due.unwrap()))
        .collect()
}

/// One daily pass through the command line, as cron runs it, on `day`.
fn pass(app: &TestApp, day: &str) -> String {
    let (ok, out, err) =
        crate::cli::chidao(app, &["remind", "--once", "--queue-only", "--now", day], "");
    assert!(ok, "{err}");
    out
}

#[test]
fn each_period_is_made_ahead_once_per_lead_unit_across_the_year_end() {
    each_backend(|app| {
        let by = app.add_user(Role::Secretariat, None);
        let by = chidao::models::user::by_email(&mut app.conn(), &by)
            .unwrap()
            .unwrap()
            .0
            .id;
        let ls_head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let (ls, hn, shtt, khtc) = (
            app.unit_id("Sở KH&CN Lạng Sơn"),
            app.unit_id("Sở KH&CN Hà Nội"),
            app.unit_id("Cục Sở hữu trí tuệ"),
            app.unit_id("Cục Kế hoạch - Tài chính"),
        );
        let notice = NewDirective {
            conference_id: None,
            number: "77/TB-BKHCN".into(),
            issued_on: d("2026-11-20"),
            signer: "Thứ trưởng".into(),
            title: "Kết luận về chế độ báo cáo".into(),
            body: String::new(),
            form_token: crate::support::unique("token"),
            items: vec![
                NewItem {
                    label: "1".into(),
                    text: "Báo cáo hằng quý tình hình đổi mới sáng tạo".into(),
                    leads: vec![Assignee::Unit(ls), Assignee::Unit(hn)],
                    coordinators: vec![Assignee::Unit(shtt)],
                    due_on: None,
                    recurrence: Some(Recurrence::Quarterly),
                    rule: Some(DueRule::DayOfLastMonth(15)),
                    until: None,
                },
                NewItem {
                    label: "2".into(),
                    text: "Báo cáo hằng tháng tiến độ giải ngân".into(),
                    leads: vec![Assignee::Unit(khtc)],
                    coordinators: vec![],
                    due_on: None,
                    recurrence: Some(Recurrence::Monthly),
                    rule: Some(DueRule::WorkingDaysAfter(5)),
                    until: Some(d("2027-02-01")),
                },
            ],
        };
        let (directive, _) = crate::fixtures::publish_directive(app, &notice, by);
        let items = chidao::models::directive::items(&mut app.conn(), directive).unwrap();
        let (quarterly, monthly) = (items[0].id.0, items[1].id.0);
        let (ls, hn) = (ls.0, hn.0);

        // Published: this quarter's and this month's tasks, due by the rules.
        let mut want = vec![
            (ls, d("2026-10-01"), d("2026-12-15")),
            (hn, d("2026-10-01"), d("2026-12-15")),
        ];
        want.sort();
        assert_eq!(periods(app, quarterly), want);
        let first = periods(app, monthly);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].1, d("2026-11-01"));
        assert!(
            first[0].2 > d("2026-11-30") && first[0].2 <= d("2026-12-08"),
            "{first:?}"
        );

        // 10/12: December's monthly task (starts within 15 days), not yet the next quarter's.
        let out = pass(app, "2026-12-10");
        assert!(out.contains("made 1 tasks"), "{out}");
        assert_eq!(periods(app, quarterly).len(), 2);
        // 20/12: the first quarter of 2027 for both units, and January; a second pass, and
        // three instances at once, make nothing more.
        let assigned_before = app.outbox().iter().filter(|m| m.0 == "assigned").count();
        let out = pass(app, "2026-12-20");
        assert!(out.contains("made 3 tasks"), "{out}");
        let three: Vec<_> = (0..3)
            .map(|_| {
                let (url, dir) = (app.url.clone(), app.data_dir.clone());
                std::thread::spawn(move || {
                    std::process::Command::new(env!("CARGO_BIN_EXE_chidao"))
                        .args(["remind", "--once", "--queue-only", "--now", "2026-12-20"])
                        .env("DATABASE_URL", url)
                        .env("CHIDAO_DATA_DIR", dir)
                        .env("RUST_LOG", "warn")
                        .output()
                        .unwrap()
                })
            })
            .collect();
        for t in three {
            let out = t.join().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("made 0 tasks"));
        }
        let q = periods(app, quarterly);
        assert_eq!(q.len(), 4);
        let q1: Vec<_> = q.iter().filter(|p| p.1 == d("2027-01-01")).collect();
        assert_eq!(q1.len(), 2);
        assert!(q1.iter().all(|p| p.2 == d("2027-03-15")));
        // The new period's task keeps the coordinating unit, and the units are told.
        let task = chidao::models::directive::tasks_by_item(&mut app.conn(), directive)
            .unwrap()
            .into_iter()
            .find(|t| t.period_start == Some(d("2027-01-01")) && t.item_id.0 == quarterly)
            .unwrap();
        assert_eq!(
            chidao::models::task::coordinator_ids(&mut app.conn(), task.task_id).unwrap(),
            vec![shtt]
        );
        let assigned: Vec<_> = app
            .outbox()
            .into_iter()
            .filter(|m| m.0 == "assigned")
            .collect();
        assert!(assigned.len() > assigned_before);
        assert!(assigned.iter().any(|m| m.1 == ls_head));

        // Hà Nội's second quarter is cancelled: its obligation ends; Lạng Sơn goes on. The
        // monthly item ends with February.
        pass(app, "2027-03-20");
        let hn_q2 = periods(app, quarterly)
            .iter()
            .filter(|p| p.0 == hn && p.1 == d("2027-04-01"))
            .count();
        assert_eq!(hn_q2, 1);
        let q2_task = chidao::models::directive::tasks_by_item(&mut app.conn(), directive)
            .unwrap()
            .into_iter()
            .find(|t| t.period_start == Some(d("2027-04-01")) && t.unit.contains("Hà Nội"))
            .unwrap();
        diesel::update(chidao::db::schema::tasks::table.find(q2_task.task_id))
            .set(chidao::db::schema::tasks::status.eq("cancelled"))
            .execute(&mut app.conn())
            .unwrap();
        pass(app, "2027-06-20");
        let q3: Vec<_> = periods(app, quarterly)
            .into_iter()
            .filter(|p| p.1 == d("2027-07-01"))
            .collect();
        assert_eq!(q3, vec![(ls, d("2027-07-01"), d("2027-09-15"))]);
        let months: Vec<NaiveDate> = periods(app, monthly).into_iter().map(|p| p.1).collect();
        assert_eq!(
            months,
            [
                d("2026-11-01"),
                d("2026-12-01"),
                d("2027-01-01"),
                d("2027-02-01")
            ]
        );

        // Each period is a task of its own, counted in its own month; the notice's page shows
        // the periods and how each went.
        let mut sec = app.login_as(Role::Secretariat, None);
        let march = sec.get(&format!(
            "/tasks?directive={directive}&due_from=01/03/2027&due_to=31/03/2027&status=all"
        ));
        // The first quarter's two and February's report, due five working days into March.
        let total = march
            .body
            .split("id=\"total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert_eq!(total, "3", "tasks due in March");
        // The dashboard counts the same from its stored tallies: by due date, March 2027 holds
        // the first quarter's two reports and February's.
        let dash = sec
            .get("/dashboard?period=custom&by=due&from=01/03/2027&to=31/03/2027")
            .body;
        let total = dash
            .split("id=\"total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert_eq!(total, "3", "the dashboard's count for March");
        let page = sec.get(&format!("/directives/{directive}")).body;
        for label in [
            "Quý IV/2026",
            "Quý I/2027",
            "Quý II/2027",
            "Quý III/2027",
            "Tháng 2/2027",
        ] {
            assert!(page.contains(label), "{label}");
        }
        assert!(page.contains("hạn ngày 15 của tháng cuối kỳ"));
    });
}
