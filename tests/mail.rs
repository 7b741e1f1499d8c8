//! Mail: real SMTP to a server on loopback, on both databases. Notices, reminders by day,
//! faults (down, 451, 550, silent, a worker dying mid-way), several workers at once.

use std::collections::BTreeMap;

use chidao::db::schema::{outbox, tasks, units, users};
use chidao::domain::permissions::Role;
use chidao::mail::deliver::Tally;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use crate::cli::chidao;
use crate::fixtures::{self, today};
use crate::support::smtp::{Fault, SmtpServer};
use crate::support::{each_backend, Backend, TestApp};

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
    let at = chidao::models::now() + later;
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
        let link = |id: i64| format!("https://chidao.test/tasks/{id}");
        let vi = &got[&head][0];
        assert_eq!(vi.subject(), "[Chỉ đạo] Giao nhiệm vụ theo 88/TB-BKHCN");
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
        assert_eq!(en.subject(), "[Chỉ đạo] New tasks under 88/TB-BKHCN");
        assert!(en.text().contains("Tasks your unit leads"), "{}", en.text());
        assert!(got[&contact][0]
            .text()
            .contains("địa chỉ liên hệ của đơn vị"));
        // The Message-ID was fixed when the row was queued.
        let ids: Vec<String> = outbox::table
            .filter(outbox::recipient.eq(&head))
            .select(outbox::message_id)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(vi.message_id(), format!("{}@chidao.test", ids[0]));
        // Nothing twice: queuing the same notice again adds nothing, a second run sends nothing.
        let again = chidao::mail::notices::assigned(&mut app.conn(), p.directive_id).unwrap();
        assert_eq!(again, 0);
        assert_eq!(deliver(app, &smtp), Tally::default());
        assert_eq!(smtp.received().len(), 3);
    });
}

/// Moves the Lạng Sơn task to a fixed due date, so days can be named.
fn due_on(app: &TestApp, task: i64, due: NaiveDate) {
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
                    std::cmp::Ordering::Less => assert!(s.contains("Nhắc hạn: còn"), "{s}"),
                    std::cmp::Ordering::Equal => assert!(s.contains("Đến hạn hôm nay"), "{s}"),
                    std::cmp::Ordering::Greater => assert!(s.contains("Quá hạn"), "{s}"),
                }
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
        // One attempt counted (the first); the rest were given back untried.
        assert_eq!(errors.iter().map(|e| e.0).sum::<i32>(), 1, "{errors:?}");
        assert!(errors.iter().all(|e| !e.1.is_empty()));
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
        assert_eq!((t.sent, t.retried), (0, 3), "{t:?}");
        let t = deliver_at(app, &smtp, Duration::minutes(2));
        assert_eq!(t.sent, 3, "{t:?}");
        assert_eq!(smtp.received().len(), 3);
        let attempts: Vec<i32> = outbox::table
            .order(outbox::id)
            .select(outbox::attempts)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(attempts, [2, 1, 1]);

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
fn publish_another(app: &TestApp) -> i64 {
    use chidao::models::directive::{self, Assignee, NewDirective, NewItem};
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
        }],
    };
    directive::publish(&mut app.conn(), &d, by).unwrap().0
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
        let now = chidao::models::now();
        let claimed = chidao::mail::outbox::claim(&mut conn, now, mailing.lease(), 20).unwrap();
        assert_eq!(claimed.len(), 3);
        let first = &claimed[0];
        match chidao::mail::compose::compose(&mut conn, &mailing.ctx, first, today()).unwrap() {
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
        let reminders = rows.iter().filter(|r| r.0 == "reminder").count();
        assert_eq!(reminders, 5 * (3 + 2 + 2));
        // A second pass sends nothing.
        let mailing = app.mailing(&smtp.url());
        let (q, t) = mailing.once(&mut app.conn(), day).unwrap();
        assert_eq!((q.reminders, t.sent), (0, 0));
    }
}
