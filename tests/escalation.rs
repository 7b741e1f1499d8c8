//! Escalation and the leaders' Monday summary, with time moved as `chidao remind --now` moves
//! it: each rule fires once at its threshold, not before, not again; nothing for done tasks;
//! the leader in charge in copy; the admin's rules; three passes at once send each message once.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use diesel::prelude::*;

use chidao::domain::ids::{TaskId, UnitId};
use chidao::domain::permissions::{Act, Role};

use crate::fixtures::{days, publish, version};
use crate::support::smtp::SmtpServer;
use crate::support::{each_backend, TestApp};

/// Escalations queued so far: (rule, task, recipient, payload).
fn escalations(app: &TestApp) -> Vec<(String, Option<TaskId>, String, String)> {
    use chidao::db::schema::outbox;
    let rows: Vec<(String, Option<TaskId>, String, String)> = outbox::table
        .filter(outbox::kind.eq("escalated"))
        .order(outbox::id)
        .select((
            outbox::dedupe_key,
            outbox::task_id,
            outbox::recipient,
            outbox::payload,
        ))
        .load(&mut app.conn())
        .unwrap();
    rows.into_iter()
        .map(|(key, task, to, payload)| {
            let rule = key.split(':').nth(1).unwrap_or_default().to_string();
            (rule, task, to, payload)
        })
        .collect()
}

fn of_rule(app: &TestApp, rule: &str, task: TaskId) -> Vec<(String, String)> {
    escalations(app)
        .into_iter()
        .filter(|(r, t, ..)| r == rule && *t == Some(task))
        .map(|(_, _, to, payload)| (to, payload))
        .collect()
}

/// The first day on which a deadline is `n` working days behind.
fn threshold(app: &TestApp, due: NaiveDate, n: i64) -> NaiveDate {
    let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
    let mut d = due;
    while cal.working_days_between(due, d) < n {
        d = d + Days::new(1);
    }
    d
}

fn pass(app: &TestApp, day: NaiveDate) {
    app.mailing("smtp://127.0.0.1:9")
        .queue(&mut app.conn(), day)
        .unwrap();
}

fn id_of(app: &TestApp, email: &str) -> chidao::domain::ids::UserId {
    chidao::models::user::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .0
        .id
}

fn set_leader(app: &TestApp, unit: UnitId, email: &str) {
    let id = id_of(app, email);
    chidao::models::unit::set_leader(&mut app.conn(), unit, Some(id)).unwrap();
}

#[test]
fn late_work_climbs_once_per_threshold_to_the_head_then_the_leader_in_charge() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson;
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        let head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let staff = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let leader = app.add_user(Role::Leader, None);
        set_leader(app, ls, &leader);
        let due = chidao::models::task::get(&mut app.conn(), t)
            .unwrap()
            .due_on
            .unwrap();
        let d5 = threshold(app, due, 5);
        let d15 = threshold(app, due, 15);

        // Not before: the day before the fifth working day late, nothing climbs.
        pass(app, d5.pred_opt().unwrap());
        assert!(of_rule(app, "overdue_head", t).is_empty());
        // At the threshold: the head (not the staff), the leader in charge in copy.
        pass(app, d5);
        let sent = of_rule(app, "overdue_head", t);
        let to: Vec<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
        assert_eq!(to, vec![head.as_str()], "{sent:?}");
        assert!(sent[0].1.contains(&leader), "{}", sent[0].1);
        assert!(!to.contains(&staff.as_str()));
        // Not again, on the next day or the same day, whether the pass runs in a server or as
        // the command a cron job runs.
        pass(app, d5 + Days::new(1));
        let day = d5.to_string();
        let (ok, out, err) = crate::cli::chidao(
            app,
            &["remind", "--once", "--queue-only", "--now", &day],
            "",
        );
        assert!(ok, "{err}");
        assert!(out.contains(" 0 escalations"), "{out}");
        assert_eq!(of_rule(app, "overdue_head", t).len(), 1);
        assert!(of_rule(app, "overdue_leader", t).is_empty());

        // The leader's own threshold: to the leader in charge, once.
        pass(app, d15.pred_opt().unwrap());
        assert!(of_rule(app, "overdue_leader", t).is_empty());
        pass(app, d15);
        pass(app, d15 + Days::new(1));
        let to: Vec<String> = of_rule(app, "overdue_leader", t)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
        assert_eq!(to, vec![leader.clone()]);

        // The mail itself: the head in To, the leader in Cc, both reached; the subject says how
        // late.
        let smtp = SmtpServer::start();
        app.mailing(&smtp.url())
            .deliver(&mut app.conn(), d15)
            .unwrap();
        let m = smtp
            .received()
            .into_iter()
            .find(|m| m.subject().contains("Quá hạn 5 ngày làm việc"))
            .expect("the head's escalation");
        assert!(m.to.contains(&head) && m.to.contains(&leader), "{:?}", m.to);
        let cc = format!("{:?}", m.parsed().cc());
        assert!(cc.contains(&leader), "{cc}");
        assert!(m.text().contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"));
        assert!(smtp
            .received()
            .iter()
            .any(|m| m.subject().contains("Báo cáo Lãnh đạo Bộ") && m.to == vec![leader.clone()]));
    });
}

#[test]
fn done_tasks_do_not_climb_and_silence_and_waiting_requests_remind() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let khtc_leader = app.add_user(Role::Leader, None);
        set_leader(app, app.unit_id("Cục Kế hoạch - Tài chính"), &khtc_leader);

        // Lạng Sơn's task is confirmed done: it never climbs.
        let t = p.langson;
        let mut ls_head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let r = ls_head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &version(app, t)), ("text", "Xong")],
        );
        assert_eq!(r.status, 303);
        let r = sec.post(
            &format!("/tasks/{t}/confirm"),
            &[("version", &version(app, t))],
        );
        assert_eq!(r.status, 303);
        let due = chidao::models::task::get(&mut app.conn(), t)
            .unwrap()
            .due_on
            .unwrap();
        for n in [5, 15] {
            let d = threshold(app, due, n);
            pass(app, d);
            pass(app, d + Days::new(1));
        }
        assert!(escalations(app)
            .iter()
            .all(|(_, task, ..)| *task != Some(t)));

        // No news for 30 days reminds the unit's people, once.
        let hn_staff = app.add_user(Role::UnitStaff, Some("Sở KH&CN Hà Nội"));
        let h = p.hanoi;
        pass(app, days(29));
        assert!(of_rule(app, "silent", h).is_empty());
        pass(app, days(30));
        pass(app, days(31));
        let to: Vec<String> = of_rule(app, "silent", h)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
        assert_eq!(to, vec![hn_staff]);
        pass(app, days(32));
        assert_eq!(of_rule(app, "silent", h).len(), 1);

        // An extension request waiting three working days reminds the secretariat and the
        // leader in charge, once.
        let k = p.khtc;
        let later = (days(0) + Days::new(60)).format("%d/%m/%Y").to_string();
        let r = head.post_multipart(
            &format!("/tasks/{k}/extension"),
            &[("due_on", &later), ("text", "Cần thêm thời gian")],
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let waited = threshold(app, days(0), 3);
        pass(app, waited.pred_opt().unwrap());
        assert!(of_rule(app, "waiting_extension", k).is_empty());
        pass(app, waited);
        pass(app, waited + Days::new(1));
        let to: Vec<String> = of_rule(app, "waiting_extension", k)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
        assert!(
            to.contains(&sec.email) && to.contains(&khtc_leader),
            "{to:?}"
        );
        assert_eq!(to.iter().filter(|a| **a == sec.email).count(), 1);
    });
}

#[test]
fn the_admin_sets_the_thresholds() {
    each_backend(|app| {
        let p = publish(app);
        let mut admin = app.login_as(Role::Admin, None);
        let mut leader = app.login_as(Role::Leader, None);
        assert_eq!(leader.get("/admin/escalation").status, 403);
        let page = admin.get("/admin/escalation");
        assert!(page.body.contains("value=\"5\"") && page.body.contains("value=\"15\""));
        let bad = [
            ("overdue_head_days", "10"),
            ("overdue_leader_days", "8"),
            ("silent_days", "abc"),
            ("waiting_days", "3"),
        ];
        let r = admin.post("/admin/escalation", &bad);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("value=\"abc\""), "what was typed is kept");
        assert!(r.body.contains("id=\"overdue_leader_days-error\""));
        let good = [
            ("overdue_head_days", "2"),
            ("overdue_leader_days", "8"),
            ("silent_days", "30"),
            ("waiting_days", "3"),
        ];
        assert_eq!(leader.post("/admin/escalation", &good).status, 403);
        assert_eq!(admin.post("/admin/escalation", &good).status, 303);
        // The next pass uses them: two working days late is enough now.
        let head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let due = chidao::models::task::get(&mut app.conn(), p.langson)
            .unwrap()
            .due_on
            .unwrap();
        pass(app, threshold(app, due, 2));
        let to: Vec<String> = of_rule(app, "overdue_head", p.langson)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
        assert_eq!(to, vec![head]);
    });
}

#[test]
fn a_leader_gets_a_summary_on_mondays_only_and_sees_the_change() {
    each_backend(|app| {
        let _p = publish(app);
        let leader = app.add_user(Role::Leader, None);
        let idle = app.add_user(Role::Leader, None);
        set_leader(app, app.unit_id("Sở KH&CN Lạng Sơn"), &leader);
        let mut monday = days(0);
        while monday.weekday() != Weekday::Mon {
            monday = monday + Days::new(1);
        }
        let summaries = || -> Vec<String> {
            app.outbox()
                .into_iter()
                .filter(|(k, ..)| k == "weekly_summary")
                .map(|(_, to, _)| to)
                .collect()
        };
        for d in 1..7 {
            pass(app, monday + Days::new(d));
        }
        assert!(summaries().is_empty(), "Mondays only");
        pass(app, monday);
        pass(app, monday);
        assert_eq!(
            summaries(),
            vec![leader.clone()],
            "the leader in charge, once"
        );
        pass(app, monday + Days::new(7));
        assert_eq!(summaries().len(), 2);
        assert!(
            !summaries().contains(&idle),
            "no units in charge, no summary"
        );

        let smtp = SmtpServer::start();
        app.mailing(&smtp.url())
            .deliver(&mut app.conn(), monday + Days::new(7))
            .unwrap();
        let got = smtp.received();
        let second = got
            .iter()
            .filter(|m| m.subject().contains("Tình hình thực hiện nhiệm vụ"))
            .find(|m| {
                m.subject()
                    .contains(&(monday + Days::new(7)).format("%d/%m/%Y").to_string())
            })
            .expect("the second week's summary");
        let text = second.text();
        assert!(
            text.contains("Quá hạn") || text.contains("quá hạn"),
            "{text}"
        );
        assert!(
            text.contains("(▲") || text.contains("(▼") || text.contains("(=)"),
            "{text}"
        );
        assert!(text.contains("Các nhiệm vụ quá hạn lâu nhất"), "{text}");
    });
}

#[test]
fn three_passes_at_once_queue_each_escalation_once() {
    let Some(admin) = crate::support::postgres_admin_url() else {
        return;
    };
    let _ = admin;
    let app = TestApp::start(crate::support::Backend::Postgres);
    let p = publish(&app);
    let _head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let due = chidao::models::task::get(&mut app.conn(), p.langson)
        .unwrap()
        .due_on
        .unwrap();
    let d5 = threshold(&app, due, 5);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| pass(&app, d5));
        }
    });
    assert_eq!(of_rule(&app, "overdue_head", p.langson).len(), 1);
}

#[test]
fn an_unanswered_explanation_reminds_the_head_and_an_answer_waiting_reminds_the_asker() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson;
        let head = app.add_user(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let leader = app.add_user(Role::Leader, None);
        set_leader(app, app.unit_id("Sở KH&CN Lạng Sơn"), &leader);
        let actor = |email: &str| {
            chidao::models::user::by_email(&mut app.conn(), email)
                .unwrap()
                .unwrap()
                .0
                .actor()
        };
        let now = chidao::domain::dates::Moment::now();
        let asked = chidao::models::explanation::NewAsk {
            question: "Vì sao chậm?",
            reply_by: days(2),
        };
        let round = chidao::app::explanations::ask(
            &mut app.conn(),
            Act::new(actor(&leader), now),
            t,
            &asked,
        )
        .unwrap();
        pass(app, days(2));
        assert!(
            of_rule(app, "unanswered", t).is_empty(),
            "not before its date has passed"
        );
        pass(app, days(3));
        pass(app, days(4));
        let sent = of_rule(app, "unanswered", t);
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].0, head);
        assert!(sent[0].1.contains(&leader), "the leader in charge in copy");

        let answer = chidao::models::explanation::NewAnswer {
            reason: "Đang chờ số liệu",
            actions: "",
            proposed_due: None,
            difficulties: "",
            files: &[],
        };
        chidao::app::explanations::answer(
            &mut app.conn(),
            &chidao::models::attachment::Storage::Database,
            Act::new(actor(&head), now),
            round,
            &answer,
        )
        .unwrap();
        let waited = threshold(app, days(0), 3);
        pass(app, waited.pred_opt().unwrap());
        assert!(of_rule(app, "waiting_explanation", t).is_empty());
        pass(app, waited);
        pass(app, waited + Days::new(1));
        let to: Vec<String> = of_rule(app, "waiting_explanation", t)
            .into_iter()
            .map(|(to, _)| to)
            .collect();
        assert_eq!(to, vec![leader], "whoever asked decides");
    });
}
