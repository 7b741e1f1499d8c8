//! Mail: real SMTP to a server on loopback, on both databases. Notices, reminders by day,
//! faults (down, 451, 550, silent, a worker dying mid-way), several workers at once.

use std::collections::BTreeMap;

use chidao::db::schema::{outbox, tasks, units, users};
use chidao::domain::dates::Moment;
use chidao::domain::permissions::Role;
use chidao::mail::deliver::Tally;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use crate::cli::chidao;
use crate::fixtures::{self, today};
use crate::support::smtp::{Fault, SmtpServer};
use crate::support::{each_backend, Backend, TestApp};
use chidao::domain::ids::{DirectiveId, TaskId};

const LANGSON: &str = "Sở KH&CN Lạng Sơn";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
}

fn set_contact(app: &TestApp, unit: &str, emails: &str) {
    diesel::update(units::table.find(app.unit_id(unit)))
        .set(units::emails.eq(emails))
        .execute(&mut app.conn())
        .unwrap();
}

fn set_user(app: &TestApp, email: &str, lang: &str, mode: &str, off: &str) {
    diesel::update(users::table.filter(users::email.eq(email)))
        .set((
            users::lang.eq(lang),
            users::mail_mode.eq(mode),
            users::mail_off.eq(off),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// Lạng Sơn's head (Vietnamese), its staff member (English) and its contact address.
fn langson_people(app: &TestApp) -> (String, String, String) {
    let head = app.add_user(Role::UnitHead, Some(LANGSON));
    let staff = app.add_user(Role::UnitStaff, Some(LANGSON));
    set_user(app, &staff, "en", "each", "");
    let contact = "vanthu@langson.gov.vn".to_string();
    set_contact(app, LANGSON, &format!("{contact}; "));
    (head, staff, contact)
}

fn deliver(app: &TestApp, smtp: &SmtpServer) -> Tally {
    app.mailing(&smtp.url())
        .deliver(&mut app.conn(), today())
        .unwrap()
}

fn deliver_at(app: &TestApp, smtp: &SmtpServer, later: Duration) -> Tally {
    let at = chrono::Utc::now().naive_utc() + later;
    app.mailing(&smtp.url())
        .deliver_at(&mut app.conn(), Some(at), today())
        .unwrap()
}

fn by_recipient(smtp: &SmtpServer) -> BTreeMap<String, Vec<crate::support::smtp::Received>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for m in smtp.received() {
        out.entry(m.rcpt().to_string()).or_default().push(m);
    }
    out
}

#[test]
fn a_published_directive_mails_each_recipient_once_in_their_language() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        let (head, staff, contact) = langson_people(app);
        let p = fixtures::publish(app);
        let t = deliver(app, &smtp);
        assert_eq!((t.sent, t.failed, t.retried), (3, 0, 0), "{t:?}");
        let got = by_recipient(&smtp);
        assert_eq!(got.keys().cloned().collect::<Vec<_>>(), {
            let mut v = vec![head.clone(), staff.clone(), contact.clone()];
            v.sort();
            v
        });
        let link = |id: TaskId| format!("https://chidao.test/tasks/{id}");
        let vi = &got[&head][0];
        // A subject naming the unit and the notice; a salutation naming the person and unit; the
        // secretariat's signature.
        assert_eq!(
            vi.subject(),
            "[Chỉ đạo] Sở Khoa học và Công nghệ tỉnh Lạng Sơn: giao nhiệm vụ theo Thông báo số 88/TB-BKHCN"
        );
        assert!(
            vi.text().starts_with(
                "Kính gửi: Người thử unit_head (Sở Khoa học và Công nghệ tỉnh Lạng Sơn)"
            ),
            "{}",
            vi.text()
        );
        assert!(vi.html().contains("Kính gửi: Người thử unit_head"));
        for body in [vi.text(), vi.html()] {
            assert!(
                body.contains("Văn phòng Bộ Khoa học và Công nghệ"),
                "{body}"
            );
        }
        assert!(
            !vi.text()
                .contains("văn bản giao việc chính thức cho đơn vị"),
            "the mail is not the notice"
        );
        for body in [vi.text(), vi.html()] {
            // The task Lạng Sơn leads and the one it coordinates, in one mail.
            assert!(body.contains(&link(p.langson)), "{body}");
            assert!(body.contains(&link(p.khtc)), "{body}");
            assert!(!body.contains(&link(p.hanoi)), "{body}");
            assert!(body.contains("Nhiệm vụ đơn vị chủ trì"), "{body}");
            assert!(body.contains("Nhiệm vụ đơn vị phối hợp"), "{body}");
            assert!(
                body.contains("Xây dựng kế hoạch ứng dụng trí tuệ nhân tạo"),
                "{body}"
            );
            assert!(
                body.contains(&fixtures::days(-2).format("%d/%m/%Y").to_string()),
                "{body}"
            );
        }
        assert!(vi.html().contains("<a href=\"https://chidao.test/tasks/"));
        assert!(!vi.text().contains("<a "), "the text part is plain text");
        // Mandatory, and it says why.
        assert!(
            vi.text().contains("Không thể tắt loại thư này"),
            "{}",
            vi.text()
        );
        let en = &got[&staff][0];
        assert_eq!(
            en.subject(),
            "[Chỉ đạo] Sở Khoa học và Công nghệ tỉnh Lạng Sơn: new tasks under notice 88/TB-BKHCN"
        );
        assert!(en.text().starts_with("Dear "), "{}", en.text());
        assert!(en.text().contains("Tasks your unit leads"), "{}", en.text());
        assert!(got[&contact][0]
            .text()
            .contains("địa chỉ liên hệ của đơn vị"));
        assert!(
            got[&contact][0]
                .text()
                .starts_with("Kính gửi: Sở Khoa học và Công nghệ tỉnh Lạng Sơn"),
            "a unit's contact address is addressed to the unit"
        );
        // The Message-ID was fixed when the row was queued.
        let ids: Vec<String> = outbox::table
            .filter(outbox::recipient.eq(&head))
            .select(outbox::message_id)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(vi.message_id(), format!("{}@chidao.test", ids[0]));
        // Nothing twice: queuing the same notice again adds nothing, a second run sends nothing.
        let again = chidao::mail::notices::assigned(&mut app.conn(), p.directive_id, Moment::now())
            .unwrap();
        assert_eq!(again, 0);
        assert_eq!(deliver(app, &smtp), Tally::default());
        assert_eq!(smtp.received().len(), 3);
    });
}

/// Moves the Lạng Sơn task to a fixed due date, so days can be named.
/// These tests watch reminders alone: the escalation rules are set as far off as they go.
fn no_escalations(app: &TestApp) {
    let far = chidao::domain::escalation::Rules {
        overdue_head_days: 364,
        overdue_leader_days: 365,
        silent_days: 365,
        waiting_days: 365,
    };
    let admin = app.add_user(Role::Admin, None);
    let admin = chidao::models::user::by_email(&mut app.conn(), &admin)
        .unwrap()
        .unwrap()
        .0
        .id;
    chidao::models::escalation::save(&mut app.conn(), &far, admin, chrono::Utc::now().naive_utc())
        .unwrap();
}

fn due_on(app: &TestApp, task: TaskId, due: NaiveDate) {
    diesel::update(tasks::table.find(task))
        .set(tasks::due_on.eq(due))
        .execute(&mut app.conn())
        .unwrap();
}

fn remind_once(app: &TestApp, smtp: &SmtpServer, day: NaiveDate, extra: &[&str]) -> String {
    let day = day.to_string();
    let url = smtp.url();
    let mut args = vec!["remind", "--once", "--now", &day, "--smtp-url", &url];
    args.extend(extra);
    args.extend(["--public-url", "https://chidao.test"]);
    let (ok, out, err) = chidao(app, &args, "");
    assert!(ok, "remind failed: {err}");
    out
}

#[test]
fn reminders_go_out_on_exactly_the_right_days_and_stop_when_done() {
    each_backend(|app| {
        no_escalations(app);
        let smtp = SmtpServer::start();
        let head = app.add_user(Role::UnitHead, Some(LANGSON));
        let p = fixtures::publish(app);
        // Only the reminders are watched: the assignment mail goes out first.
        deliver(app, &smtp);
        smtp.clear();
        let due = d("10/12/2026");
        due_on(app, p.langson, due);
        let mut days = Vec::new();
        let mut day = d("01/12/2026");
        while day <= d("31/12/2026") {
            let before = smtp.received().len();
            remind_once(app, &smtp, day, &[]);
            let new = &smtp.received()[before..];
            if let Some(m) = new
                .iter()
                .find(|m| m.text().contains(&format!("/tasks/{}", p.langson)))
            {
                assert_eq!(m.rcpt(), head);
                days.push(day.format("%d/%m").to_string());
                // Before, on and after the due day the subject says which.
                let s = m.subject();
                match day.cmp(&due) {
                    std::cmp::Ordering::Less => assert!(s.contains("nhắc hạn, còn"), "{s}"),
                    std::cmp::Ordering::Equal => assert!(s.contains("đến hạn hôm nay"), "{s}"),
                    std::cmp::Ordering::Greater => assert!(s.contains("quá hạn"), "{s}"),
                }
                assert!(s.contains("Lạng Sơn") && s.contains("88/TB-BKHCN"), "{s}");
            }
            // A second run the same day sends nothing more.
            let n = smtp.received().len();
            remind_once(app, &smtp, day, &[]);
            assert_eq!(smtp.received().len(), n, "second run on {day}");
            day = day.succ_opt().unwrap();
        }
        assert_eq!(
            days,
            ["03/12", "07/12", "09/12", "10/12", "17/12", "24/12", "31/12"]
        );

        // Queued, then the task is reported done before the worker runs: skipped, not sent.
        smtp.clear();
        let cal = chidao::models::calendar::load(&mut app.conn()).unwrap();
        let q = chidao::jobs::reminders::queue_day(
            &mut app.conn(),
            &cal,
            &Default::default(),
            d("07/01/2027"),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        assert!(q.reminders >= 1);
        diesel::update(tasks::table.find(p.langson))
            .set((
                tasks::status.eq("done"),
                tasks::completed_on.eq(d("05/01/2027")),
            ))
            .execute(&mut app.conn())
            .unwrap();
        let t = deliver(app, &smtp);
        assert_eq!((t.sent, t.skipped), (0, 1), "{t:?}");
        // And nothing is queued for it afterwards.
        remind_once(app, &smtp, d("14/01/2027"), &[]);
        assert!(smtp.received().is_empty());
    });
}

#[test]
fn working_day_reminders_skip_weekends_and_holidays() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        app.add_user(Role::UnitHead, Some(LANGSON));
        let p = fixtures::publish(app);
        deliver(app, &smtp);
        // Due Monday 4 May 2026; 30/4 and 1/5 are holidays, 2-3/5 a weekend.
        due_on(app, p.langson, d("04/05/2026"));
        let mut days = Vec::new();
        let mut day = d("20/04/2026");
        while day <= d("12/05/2026") {
            smtp.clear();
            remind_once(app, &smtp, day, &["--remind-working-days"]);
            if !smtp.received().is_empty() {
                days.push(day.format("%d/%m").to_string());
            }
            day = day.succ_opt().unwrap();
        }
        // 7, 3, 1 working days before (Monday 27/4 is the Hùng Kings holiday, moved from
        // Sunday); the due day; a week after (Monday 11/5).
        assert_eq!(days, ["20/04", "24/04", "29/04", "04/05", "11/05"]);
    });
}

fn statuses(app: &TestApp) -> Vec<String> {
    app.outbox().into_iter().map(|(_, _, s)| s).collect()
}

#[test]
fn a_server_that_is_down_gets_everything_once_when_it_is_back() {
    each_backend(|app| {
        let mut smtp = SmtpServer::start();
        let port = smtp.port;
        smtp.stop();
        langson_people(app);
        fixtures::publish(app);
        let t = deliver(app, &smtp);
        assert_eq!((t.sent, t.retried), (0, 3), "{t:?}");
        assert_eq!(statuses(app), ["pending"; 3]);
        let errors: Vec<(i32, String)> = outbox::table
            .select((outbox::attempts, outbox::last_error))
            .load(&mut app.conn())
            .unwrap();
        assert!(
            errors.iter().all(|e| e.0 == 1 && !e.1.is_empty()),
            "{errors:?}"
        );
        // Not yet due again: nothing happens even once the server is back.
        let smtp = SmtpServer::start_on(port);
        assert_eq!(deliver(app, &smtp), Tally::default());
        // After the backoff: all delivered, once each.
        let t = deliver_at(app, &smtp, Duration::minutes(5));
        assert_eq!(t.sent, 3, "{t:?}");
        assert_eq!(
            by_recipient(&smtp)
                .values()
                .map(Vec::len)
                .collect::<Vec<_>>(),
            [1, 1, 1]
        );
        assert_eq!(deliver_at(app, &smtp, Duration::hours(2)), Tally::default());
        assert_eq!(statuses(app), ["sent"; 3]);
    });
}

#[test]
fn a_451_is_retried_and_a_550_is_not() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        langson_people(app);
        fixtures::publish(app);
        smtp.script(&[Fault::Busy]);
        let t = deliver(app, &smtp);
        assert_eq!((t.sent, t.retried), (2, 1), "{t:?}");
        // Not before its backoff...
        assert_eq!(deliver(app, &smtp), Tally::default());
        // ...and then delivered.
        let t = deliver_at(app, &smtp, Duration::minutes(2));
        assert_eq!(t.sent, 1, "{t:?}");
        assert_eq!(smtp.received().len(), 3);
        let mut attempts: Vec<i32> = outbox::table
            .select(outbox::attempts)
            .load(&mut app.conn())
            .unwrap();
        attempts.sort();
        assert_eq!(attempts, [1, 1, 2]);

        // A permanent refusal: failed with the server's words, never tried again.
        smtp.clear();
        smtp.script(&[Fault::NoMailbox]);
        let p2 = publish_another(app);
        let t = deliver(app, &smtp);
        assert_eq!((t.sent, t.failed, t.retried), (2, 1, 0), "{t:?}");
        let failed: Vec<(i64, String)> = outbox::table
            .filter(outbox::status.eq("failed"))
            .select((outbox::id, outbox::last_error))
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert!(failed[0].1.contains("550"), "{failed:?}");
        assert_eq!(deliver_at(app, &smtp, Duration::days(1)), Tally::default());
        assert_eq!(smtp.received().len(), 2);
        let _ = p2;
    });
}

/// A second directive for Lạng Sơn, so new notices are queued.
fn publish_another(app: &TestApp) -> DirectiveId {
    use chidao::models::directive::{Assignee, NewDirective, NewItem};
    let by = app.add_user(Role::Secretariat, None);
    let by = chidao::models::user::by_email(&mut app.conn(), &by)
        .unwrap()
        .unwrap()
        .0
        .id;
    let d = NewDirective {
        conference_id: None,
        number: "99/TB-BKHCN".into(),
        issued_on: fixtures::days(-1),
        signer: "Bộ trưởng".into(),
        title: "Kết luận về chuyển đổi số".into(),
        body: String::new(),
        form_token: crate::support::unique("token"),
        items: vec![NewItem {
            label: "1".into(),
            text: "Báo cáo kết quả chuyển đổi số của tỉnh".into(),
            leads: vec![Assignee::Unit(app.unit_id(LANGSON))],
            coordinators: vec![],
            due_on: Some(fixtures::days(30)),
            recurrence: None,
            rule: None,
            until: None,
        }],
    };
    crate::fixtures::publish_directive(app, &d, by).0
}

#[test]
fn a_silent_server_times_out_instead_of_hanging() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        langson_people(app);
        fixtures::publish(app);
        smtp.set_silent(true);
        let (tx, rx) = std::sync::mpsc::channel();
        let (url, db_url) = (smtp.url(), app.url.clone());
        let mailing = app.mailing(&url);
        std::thread::spawn(move || {
            let mut conn = chidao::db::establish(&db_url).unwrap();
            let t = mailing.deliver(&mut conn, today()).unwrap();
            let _ = tx.send(t);
        });
        // The mailer's timeout is 2 s; give it ample room, but not forever.
        let t = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("delivery returned");
        assert_eq!((t.sent, t.retried), (0, 3), "{t:?}");
        let err: String = outbox::table
            .filter(outbox::attempts.eq(1))
            .select(outbox::last_error)
            .first(&mut app.conn())
            .unwrap();
        assert!(!err.is_empty());
        smtp.set_silent(false);
        let t = deliver_at(app, &smtp, Duration::minutes(5));
        assert_eq!(t.sent, 3, "{t:?}");
    });
}

#[test]
fn a_worker_killed_between_send_and_mark_resends_once_with_the_same_message_id() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        langson_people(app);
        fixtures::publish(app);
        let mailing = app.mailing(&smtp.url());
        let mut conn = app.conn();
        // The dying worker: claims the batch, sends the first message, never marks it.
        let now = chrono::Utc::now().naive_utc();
        let claimed = chidao::mail::outbox::claim(&mut conn, now, mailing.lease(), 20).unwrap();
        assert_eq!(claimed.len(), 3);
        let first = &claimed[0];
        match chidao::mail::compose::compose(
            &mut conn,
            &mailing.ctx,
            first,
            today(),
            &mut Default::default(),
        )
        .unwrap()
        {
            chidao::mail::compose::Composed::Send { message, .. } => {
                mailing.mailer.send(&message, &first.message_id).unwrap()
            }
            _ => panic!("a message to send"),
        }
        // While its lease holds, no other worker touches those rows.
        assert_eq!(deliver(app, &smtp), Tally::default());
        // When it has run out, another worker takes them back.
        let t = deliver_at(app, &smtp, mailing.lease() + Duration::seconds(1));
        assert_eq!(t.sent, 3, "{t:?}");
        let got = smtp.received();
        assert_eq!(got.len(), 4, "one resend at most");
        let resent: Vec<_> = got.iter().filter(|m| m.rcpt() == first.recipient).collect();
        assert_eq!(resent.len(), 2);
        assert_eq!(resent[0].message_id(), resent[1].message_id());
        assert_eq!(statuses(app), ["sent"; 3]);
    });
}

#[test]
fn three_workers_at_once_send_each_message_exactly_once() {
    for b in crate::support::backends() {
        let app = TestApp::start(b);
        let smtp = SmtpServer::start();
        langson_people(&app);
        for unit in ["Sở KH&CN Hà Nội", "Cục Kế hoạch - Tài chính"] {
            app.add_user(Role::UnitHead, Some(unit));
            app.add_user(Role::UnitStaff, Some(unit));
        }
        for _ in 0..5 {
            fixtures::publish(&app);
        }
        // Every task due on the same day, a week ahead of the pass.
        let day = d("02/03/2027");
        diesel::update(tasks::table)
            .set(tasks::due_on.eq(day + Duration::days(7)))
            .execute(&mut app.conn())
            .unwrap();
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let mailing = app.mailing(&smtp.url());
                let url = app.url.clone();
                std::thread::spawn(move || {
                    let mut conn = chidao::db::establish(&url).unwrap();
                    let mut total = 0;
                    // Each worker runs the day's pass and delivers, as an instance would.
                    for _ in 0..3 {
                        match mailing.once(&mut conn, day) {
                            Ok((_, t)) => total += t.sent,
                            // SQLite answers "busy" when another writer holds the lock for
                            // longer than its timeout; the next pass picks up.
                            Err(e) if b == Backend::Sqlite => eprintln!("pass: {e}"),
                            Err(e) => panic!("{e}"),
                        }
                    }
                    total
                })
            })
            .collect();
        let sent: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        let rows = app.outbox();
        // 5 directives × 3 units: assignments to 2 people each (+ Lạng Sơn's contact), and
        // the reminders of 15 tasks.
        assert!(rows.iter().all(|r| r.2 == "sent"), "{rows:?}");
        let got = smtp.received();
        assert_eq!(got.len(), rows.len(), "each row sent once");
        assert_eq!(sent, rows.len());
        let mut ids: Vec<String> = got.iter().map(|m| m.message_id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rows.len(), "no Message-ID twice");
        // One reminder per person (or address) listing the unit's five tasks, not five mails.
        let reminders: Vec<_> = got
            .iter()
            .filter(|m| {
                let s = m.subject();
                s.contains("Nhắc hạn: 5 nhiệm vụ") || s.contains("Reminder: 5 tasks")
            })
            .collect();
        assert_eq!(
            reminders.len(),
            3 + 2 + 2,
            "{:?}",
            got.iter().map(|m| m.subject()).collect::<Vec<_>>()
        );
        let ls = reminders
            .iter()
            .find(|m| m.text().contains("Lạng Sơn"))
            .unwrap();
        assert_eq!(
            ls.text().matches("https://chidao.test/tasks/").count(),
            5,
            "{}",
            ls.text()
        );
        // A second pass sends nothing.
        let mailing = app.mailing(&smtp.url());
        let (q, t) = mailing.once(&mut app.conn(), day).unwrap();
        assert_eq!((q.reminders, t.sent), (0, 0));
    }
}

fn subjects_for(smtp: &SmtpServer, rcpt: &str) -> Vec<String> {
    smtp.received()
        .iter()
        .filter(|m| m.rcpt() == rcpt)
        .map(|m| m.subject())
        .collect()
}

#[test]
fn workflow_notices_reach_the_right_people_and_respect_their_choices() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        let p = fixtures::publish(app);
        let t = p.langson;
        let mut head = app.login_as(Role::UnitHead, Some(LANGSON));
        let staff = app.add_user(Role::UnitStaff, Some(LANGSON));
        let mut sec = app.login_as(Role::Secretariat, None);
        let quiet_sec = app.add_user(Role::Secretariat, None);
        // Staff turned off confirmations (optional) and tried to turn off returns (mandatory).
        set_user(app, &staff, "vi", "each", "confirmed,returned");
        set_user(app, &quiet_sec, "vi", "each", "reported");
        deliver(app, &smtp);
        smtp.clear();

        let v = fixtures::version(app, t);
        let r = head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Đã ban hành kế hoạch số 12/KH")],
        );
        assert_eq!(r.status, 303);
        deliver(app, &smtp);
        let to_sec = subjects_for(&smtp, &sec.email);
        assert_eq!(to_sec.len(), 1, "{to_sec:?}");
        assert!(
            to_sec[0].starts_with(
                "[Chỉ đạo] Sở Khoa học và Công nghệ tỉnh Lạng Sơn báo cáo hoàn thành — 88/TB-BKHCN"
            ),
            "{to_sec:?}"
        );
        let m = smtp
            .received()
            .into_iter()
            .find(|m| m.rcpt() == sec.email)
            .unwrap();
        assert!(
            m.text().contains("Đã ban hành kế hoạch số 12/KH"),
            "{}",
            m.text()
        );
        assert!(
            m.text().contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"),
            "{}",
            m.text()
        );
        assert!(
            !m.text().contains("tổng hợp hằng ngày"),
            "no digest offer to the secretariat"
        );
        assert!(subjects_for(&smtp, &quiet_sec).is_empty(), "opted out");
        assert!(
            subjects_for(&smtp, &head.email).is_empty(),
            "the unit is not told what it did"
        );
        smtp.clear();

        let v = fixtures::version(app, t);
        sec.post(
            &format!("/tasks/{t}/return"),
            &[("version", &v), ("text", "Thiếu bản chụp kế hoạch")],
        );
        deliver(app, &smtp);
        for who in [&head.email, &staff] {
            let got: Vec<_> = smtp
                .received()
                .into_iter()
                .filter(|m| m.rcpt() == *who)
                .collect();
            assert_eq!(got.len(), 1, "return to {who}");
            assert!(got[0].subject().contains("trả lại"));
            assert!(got[0].text().contains("Thiếu bản chụp kế hoạch"));
        }
        smtp.clear();

        // Reported again the same day: a new notice (a new version), then confirmed.
        let v = fixtures::version(app, t);
        head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Gửi bổ sung")],
        );
        let v = fixtures::version(app, t);
        sec.post(&format!("/tasks/{t}/confirm"), &[("version", &v)]);
        deliver(app, &smtp);
        assert_eq!(subjects_for(&smtp, &sec.email).len(), 1, "second report");
        assert_eq!(
            subjects_for(&smtp, &head.email).len(),
            1,
            "confirmation to the head"
        );
        assert!(subjects_for(&smtp, &head.email)[0].contains("đã xác nhận hoàn thành"));
        assert!(
            subjects_for(&smtp, &staff).is_empty(),
            "staff turned confirmations off"
        );
        smtp.clear();

        // Extension asked (to the secretariat) and decided (to the unit).
        let k = p.khtc;
        let mut khtc_head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let asked = fixtures::days(60).format("%d/%m/%Y").to_string();
        let r = khtc_head.post(
            &format!("/tasks/{k}/extension"),
            &[("due_on", &asked), ("text", "Chờ ý kiến Bộ Tài chính")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        deliver(app, &smtp);
        let m = smtp
            .received()
            .into_iter()
            .find(|m| m.rcpt() == sec.email)
            .expect("request to sec");
        assert!(m.subject().contains("đề nghị gia hạn"), "{}", m.subject());
        assert!(
            m.text().contains(&asked) && m.text().contains("Chờ ý kiến Bộ Tài chính"),
            "{}",
            m.text()
        );
        assert!(
            m.text().contains(&format!("https://chidao.test/tasks/{k}")),
            "the request's link goes to the task"
        );
        let id: i64 = chidao::db::schema::extension_requests::table
            .select(chidao::db::schema::extension_requests::id)
            .first(&mut app.conn())
            .unwrap();
        let v = fixtures::version(app, k);
        let r = sec.post(&format!("/extensions/{id}/approve"), &[("version", &v)]);
        assert_eq!(r.status, 303);
        deliver(app, &smtp);
        let m = smtp
            .received()
            .into_iter()
            .find(|m| m.rcpt() == khtc_head.email)
            .expect("decision");
        assert!(m.subject().contains("đồng ý gia hạn"), "{}", m.subject());
        assert!(m.text().contains(&asked));
    });
}

#[test]
fn people_choose_their_mail_on_their_page_but_not_what_is_mandatory() {
    each_backend(|app| {
        let mut staff = app.login_as(Role::UnitStaff, Some(LANGSON));
        let page = staff.get("/me");
        assert!(page.body.contains("Nhắc hạn và quá hạn"));
        assert!(
            page.body
                .contains("văn bản giao nhiệm vụ chính thức là Thông báo kết luận đã ký"),
            "the why of a mandatory kind"
        );
        // Untick everything, ask for assignments off by hand, choose the digest.
        let r = staff.post(
            "/me/mail",
            &[("mode", "digest"), ("on", "extension_decided")],
        );
        assert_eq!(r.status, 303);
        let prefs = chidao::models::user::mail_prefs(
            &mut app.conn(),
            chidao::models::user::by_email(&mut app.conn(), &staff.email)
                .unwrap()
                .unwrap()
                .0
                .id,
        )
        .unwrap();
        assert!(prefs.digest);
        assert_eq!(
            prefs.off,
            [
                chidao::domain::mail::Kind::Reminder,
                chidao::domain::mail::Kind::Confirmed,
                chidao::domain::mail::Kind::CoordinationRecorded
            ]
        );
        let page = staff.get("/me");
        assert!(page.body.contains("value=\"digest\" checked"));
        // A head cannot turn reminders off at all.
        let mut head = app.login_as(Role::UnitHead, Some(LANGSON));
        head.post("/me/mail", &[("mode", "each")]);
        let stored: String = users::table
            .filter(users::email.eq(&head.email))
            .select(users::mail_off)
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(stored, "confirmed,coordination_recorded");
        // And the form needs its token.
        assert_eq!(
            staff
                .send(
                    "POST",
                    "/me/mail",
                    crate::support::Body::Form(&[("mode", "each")])
                )
                .status,
            403
        );
    });
}

#[test]
fn a_forgotten_password_is_reset_by_a_one_time_link() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        let email = app.add_user(Role::UnitHead, Some(LANGSON));
        let mut c = app.client();
        let form = c.get("/password/forgot");
        assert_eq!(form.status, 200);
        let csrf = form.input("csrf").unwrap();
        let r = c.post_raw(
            "/password/forgot",
            &[("csrf", &csrf), ("email", &email.to_uppercase())],
        );
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Nếu địa chỉ này có tài khoản"));
        // An unknown address gets the same answer, and no mail.
        let r2 = c.post_raw(
            "/password/forgot",
            &[("csrf", &csrf), ("email", "nobody@nowhere.vn")],
        );
        assert_eq!(r2.status, 200);
        assert!(r2.body.contains("Nếu địa chỉ này có tài khoản"));
        deliver(app, &smtp);
        let got = smtp.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].rcpt(), email);
        assert_eq!(got[0].subject(), "[Chỉ đạo] Đặt lại mật khẩu");
        let text = got[0].text();
        let link = text
            .split_whitespace()
            .find(|w| w.starts_with("https://chidao.test/password/reset/"))
            .expect("a link")
            .to_string();
        let path = link.trim_start_matches("https://chidao.test").to_string();
        // The token is not kept in the outbox once sent.
        let payloads: Vec<String> = outbox::table
            .select(outbox::payload)
            .load(&mut app.conn())
            .unwrap();
        assert!(
            payloads.iter().all(|p| !p.contains("token")),
            "{payloads:?}"
        );

        let page = c.get(&path);
        assert_eq!(page.status, 200);
        let csrf = page.input("csrf").unwrap();
        let r = c.post_raw(
            &path,
            &[
                ("csrf", &csrf),
                ("new_password", "ngan"),
                ("confirm_password", "ngan"),
            ],
        );
        assert_eq!(r.status, 422, "too short");
        let r = c.post_raw(
            &path,
            &[
                ("csrf", &csrf),
                ("new_password", "mat-khau-moi-dai-hon"),
                ("confirm_password", "mat-khau-moi-dai-hon"),
            ],
        );
        assert_eq!(r.status, 303);
        assert!(r.location().starts_with("/login?done=password_reset"));
        let mut fresh = app.client();
        assert_eq!(
            fresh.login(&email, crate::support::PASSWORD).status,
            401,
            "old password refused"
        );
        assert_eq!(fresh.login(&email, "mat-khau-moi-dai-hon").status, 303);
        // Used once: the link is spent.
        assert_eq!(c.get(&path).status, 404);
        assert_eq!(c.get("/password/reset/not-a-token").status, 404);
        // Asking again and again is limited.
        let mut last = 0;
        for _ in 0..4 {
            last = c
                .post_raw("/password/forgot", &[("csrf", &csrf), ("email", &email)])
                .status;
        }
        assert_eq!(last, 429);
    });
}

#[test]
fn a_digest_replaces_single_reminders_and_is_not_sent_when_empty() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        no_escalations(app);
        let head = app.add_user(Role::UnitHead, Some(LANGSON));
        set_user(app, &head, "vi", "digest", "");
        set_contact(app, LANGSON, "vanthu@langson.gov.vn");
        diesel::update(units::table.find(app.unit_id(LANGSON)))
            .set(units::mail_digest.eq(true))
            .execute(&mut app.conn())
            .unwrap();
        // Hà Nội's head also wants a digest, but its only task has no due date.
        let hn = app.add_user(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        set_user(app, &hn, "en", "digest", "");
        let p = fixtures::publish(app);
        deliver(app, &smtp);
        smtp.clear();
        // Lạng Sơn: one task 3 days overdue at the pass, one more due in 3 days.
        let day = d("15/01/2027");
        due_on(app, p.langson, day - Duration::days(3));
        let extra = publish_another(app);
        let extra_task = fixtures::task_for(app, extra, LANGSON);
        due_on(app, extra_task, day + Duration::days(3));
        deliver(app, &smtp);
        smtp.clear();
        remind_once(app, &smtp, day, &[]);
        let got = by_recipient(&smtp);
        assert_eq!(
            got.keys().cloned().collect::<Vec<_>>(),
            vec![head.clone(), "vanthu@langson.gov.vn".to_string()],
            "digest only, no single reminders; nothing for Hà Nội"
        );
        let m = &got[&head][0];
        assert_eq!(
            m.subject(),
            "[Chỉ đạo] Sở Khoa học và Công nghệ tỉnh Lạng Sơn: tổng hợp nhiệm vụ ngày 15/01/2027"
        );
        let text = m.text();
        assert!(
            text.contains("Sắp đến hạn (7 ngày tới)") && text.contains("Quá hạn"),
            "{text}"
        );
        assert!(
            text.contains(&format!("/tasks/{extra_task}"))
                && text.contains(&format!("/tasks/{}", p.langson)),
            "{text}"
        );
        // The head may not turn the digest off: it replaces mandatory reminders.
        assert!(text.contains("Không thể tắt"), "{text}");
    });
}

#[test]
fn the_administrator_sees_failures_and_sends_again() {
    each_backend(|app| {
        let smtp = SmtpServer::start();
        langson_people(app);
        fixtures::publish(app);
        smtp.script(&[Fault::NoMailbox]);
        deliver(app, &smtp);
        let mut admin = app.login_as(Role::Admin, None);
        let page = admin.get("/admin/outbox?status=failed");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("550"), "the server's answer is shown");
        let id: i64 = outbox::table
            .filter(outbox::status.eq("failed"))
            .select(outbox::id)
            .first(&mut app.conn())
            .unwrap();
        let r = admin.post(
            &format!("/admin/outbox/{id}/retry"),
            &[("status", "failed")],
        );
        assert_eq!(r.status, 303);
        assert!(r.location().contains("done=retried"));
        let t = deliver(app, &smtp);
        assert_eq!(t.sent, 1, "{t:?}");
        assert_eq!(statuses(app), ["sent"; 3]);
        let page = admin.get("/admin/outbox");
        assert!(
            page.body
                .contains("giao nhiệm vụ theo Thông báo số 88/TB-BKHCN"),
            "subjects of sent mail"
        );
        // A sent message is not sent again.
        let r = admin.post(&format!("/admin/outbox/{id}/retry"), &[]);
        assert!(r.location().contains("done=not_retried"));
        let mut sec = app.login_as(Role::Secretariat, None);
        assert_eq!(sec.get("/admin/outbox").status, 403);
        assert_eq!(
            sec.post(&format!("/admin/outbox/{id}/retry"), &[]).status,
            403
        );
    });
}

/// The mail loop of a server delivers what is queued on its own and, told to stop, ends at
/// once after its pass rather than sleeping out its interval.
#[test]
fn the_mail_loop_delivers_and_stops_when_told() {
    let app = TestApp::start(crate::support::Backend::Sqlite);
    let smtp = SmtpServer::start();
    langson_people(&app);
    fixtures::publish(&app);
    let pool = chidao::db::pool(&app.url, 2).unwrap();
    let running =
        chidao::jobs::scheduler::spawn(pool, std::sync::Arc::new(app.mailing(&smtp.url())));
    let started = std::time::Instant::now();
    while smtp.received().len() < 3 {
        assert!(started.elapsed().as_secs() < 30, "the loop delivered");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let stopping = std::time::Instant::now();
    running.stop();
    assert!(
        stopping.elapsed().as_secs() < 5,
        "stopped without sleeping out its 10 s: {:?}",
        stopping.elapsed()
    );
}
