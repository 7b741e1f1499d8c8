//! The periodic report and the grading of units: figures against a hand-counted period (with
//! a transfer, an extension and a merge in it), an issued report that later changes to tasks
//! and to the rule leave as it was, a new version with a reason, and the Word file read back by
//! python-docx.

use chidao::app::periodic::{Draft, Request};
use chidao::domain::dates::Moment;
use chidao::domain::grading::Grade;
use chidao::domain::ids::{DirectiveId, TaskId};
use chidao::domain::permissions::{Act, Actor, Role};
use chidao::domain::status::Counts;
use chidao::domain::status::Move;
use chidao::models::attachment::Storage;
use chidao::models::directive::{Assignee, NewDirective, NewItem};
use chidao::models::tally::{Axis, Scope};
use chidao::models::task::{self, Edit};
use chidao::reports::periodic::Report;
use chidao::reports::stats::Preset;
use chrono::{Datelike, NaiveDate};

use crate::fixtures::{days, task_for};
use crate::support::{each_backend, TestApp};

fn actor(app: &TestApp, role: Role, unit: Option<&str>) -> Actor {
    let email = app.add_user(role, unit);
    chidao::models::user::by_email(&mut app.conn(), &email)
        .unwrap()
        .unwrap()
        .0
        .actor()
}

fn at(on: NaiveDate) -> Moment {
    Moment {
        now: on.and_hms_opt(3, 0, 0).unwrap(),
        today: on,
    }
}

fn mv(app: &TestApp, who: &Actor, id: TaskId, m: Move, on: NaiveDate) {
    let version = task::get(&mut app.conn(), id).unwrap().version;
    let edit = Edit {
        actor: who,
        task_id: id,
        version,
        at: at(on),
    };
    chidao::app::tasks::move_task(&mut app.conn(), &Storage::Database, edit, m, "Xong", &[])
        .unwrap();
}

fn item(app: &TestApp, text: &str, unit: &str, due: i64) -> NewItem {
    NewItem {
        label: String::new(),
        text: text.into(),
        leads: vec![Assignee::Unit(app.unit_id(unit))],
        coordinators: vec![],
        due_on: Some(days(due)),
        recurrence: None,
        rule: None,
        until: None,
    }
}

fn notice(number: &str, conference: Option<i64>, items: Vec<NewItem>) -> NewDirective {
    NewDirective {
        conference_id: conference,
        number: number.into(),
        issued_on: days(-50),
        signer: String::new(),
        title: number.into(),
        body: String::new(),
        form_token: crate::support::unique("t"),
        items,
    }
}

/// The period: 30 days either side of today, by due date.
fn period() -> (NaiveDate, NaiveDate) {
    (days(-30), days(30))
}

fn choice() -> Vec<(&'static str, String)> {
    vec![
        ("period", "custom".into()),
        ("from", period().0.format("%d/%m/%Y").to_string()),
        ("to", period().1.format("%d/%m/%Y").to_string()),
        ("by", "due".into()),
        ("scope", "all".into()),
    ]
}

fn query() -> String {
    choice()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

struct Scenario {
    /// Within its deadline (Hà Nội, moved by an extension).
    extended: TaskId,
}

/// In the period (due within 30 days of today):
/// - KHTC done on time, Cục SHTT done late, Lạng Sơn overdue (3 days; asked to explain by
///   yesterday, unanswered; its report raises a difficulty), all three from a conference's
///   notice;
/// - Hà Nội overdue until an extension moved it within; Lạng Sơn's task moved to Lào Cai (within);
///   Cao Bằng's overdue task, Cao Bằng then merged into Lạng Sơn;
/// - one cancelled and one due in 60 days: counted nowhere.
///
/// In the previous 61 days: KHTC done on time, due 45 days ago.
fn scenario(app: &TestApp) -> Scenario {
    let sec = actor(app, Role::Secretariat, None);
    let leader = actor(app, Role::Leader, None);
    let conf = chidao::models::directive::create_conference(
        &mut app.conn(),
        "Hội nghị giao ban khoa học địa phương",
        Some(days(-60)),
        "Hà Nội",
        sec.user_id,
        at(days(-60)).now,
    )
    .unwrap();
    let first = notice(
        "1/TB",
        Some(conf),
        vec![
            item(app, "Đúng hạn", "Cục Kế hoạch - Tài chính", -10),
            item(app, "Trễ hạn", "Cục Sở hữu trí tuệ", -10),
            item(app, "Quá hạn", "Sở KH&CN Lạng Sơn", -3),
        ],
    );
    let (d1, _) = crate::fixtures::publish_directive(app, &first, sec.user_id);
    let second = notice(
        "2/TB",
        None,
        vec![
            item(app, "Gia hạn", "Sở KH&CN Hà Nội", -5),
            item(app, "Chuyển đơn vị", "Sở KH&CN Cà Mau", 5),
            item(app, "Sáp nhập", "Sở KH&CN Cao Bằng", -1),
            item(app, "Đã hủy", "Sở KH&CN Điện Biên", -2),
            item(app, "Ngoài kỳ", "Cục Kế hoạch - Tài chính", 60),
            item(app, "Kỳ trước", "Vụ Pháp chế", -45),
        ],
    );
    let (d2, _) = crate::fixtures::publish_directive(app, &second, sec.user_id);
    let t = |d: DirectiveId, unit: &str| task_for(app, d, unit);

    let khtc = actor(app, Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    mv(
        app,
        &khtc,
        t(d1, "Cục Kế hoạch - Tài chính"),
        Move::ReportCompletion,
        days(-12),
    );
    mv(
        app,
        &sec,
        t(d1, "Cục Kế hoạch - Tài chính"),
        Move::Confirm,
        days(-11),
    );
    let shtt = actor(app, Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
    mv(
        app,
        &shtt,
        t(d1, "Cục Sở hữu trí tuệ"),
        Move::ReportCompletion,
        days(-5),
    );
    mv(
        app,
        &sec,
        t(d1, "Cục Sở hữu trí tuệ"),
        Move::Confirm,
        days(-4),
    );
    let pc = actor(app, Role::UnitHead, Some("Vụ Pháp chế"));
    mv(
        app,
        &pc,
        t(d2, "Vụ Pháp chế"),
        Move::ReportCompletion,
        days(-46),
    );
    mv(app, &sec, t(d2, "Vụ Pháp chế"), Move::Confirm, days(-46));
    mv(
        app,
        &sec,
        t(d2, "Sở KH&CN Điện Biên"),
        Move::Cancel,
        days(-3),
    );

    // Lạng Sơn's overdue task: a difficulty in its report, an explanation left unanswered.
    let overdue = t(d1, "Sở KH&CN Lạng Sơn");
    let mut ls = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let v = crate::fixtures::version(app, overdue);
    let r = ls.post(
        &format!("/tasks/{overdue}/progress"),
        &[
            ("version", &v),
            (
                "text",
                "Đã lấy ý kiến các sở. Khó khăn: thiếu kinh phí đối ứng.",
            ),
            ("percent", "40"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let ask = chidao::models::explanation::NewAsk {
        question: "Vì sao chậm?",
        reply_by: days(-1),
    };
    chidao::app::explanations::ask(
        &mut app.conn(),
        Act::new(leader, at(days(-2))),
        overdue,
        &ask,
    )
    .unwrap();

    // Hà Nội: overdue, then an extension to 10 days from now.
    let extended = t(d2, "Sở KH&CN Hà Nội");
    let hn = actor(app, Role::UnitHead, Some("Sở KH&CN Hà Nội"));
    let asked = chidao::models::extension::NewRequest {
        due: days(10),
        reason: "Chờ ý kiến của Bộ Tài chính",
        files: &[],
    };
    let db = &Storage::Database;
    let ext = chidao::app::extensions::request(&mut app.conn(), db, Act::now(hn), extended, &asked)
        .unwrap();
    let decision = chidao::models::extension::NewDecision {
        approve: true,
        due: None,
        task_version: task::get(&mut app.conn(), extended).unwrap().version,
        note: "Đồng ý",
    };
    chidao::app::extensions::decide(&mut app.conn(), Act::now(sec), ext, &decision).unwrap();

    // Cà Mau's task moved to Lào Cai.
    let moved = t(d2, "Sở KH&CN Cà Mau");
    let mut s = app.login_as(Role::Secretariat, None);
    let laocai = app.unit_id("Sở KH&CN Lào Cai").to_string();
    let r = s.post(
        &format!("/tasks/{moved}/transfer"),
        &[
            ("version", &crate::fixtures::version(app, moved)),
            ("unit", &laocai),
            ("text", "Đúng chức năng của Lào Cai"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // Cao Bằng merged into Lạng Sơn: its open task goes with it.
    let admin = actor(app, Role::Admin, None);
    chidao::models::unit::merge(
        &mut app.conn(),
        app.unit_id("Sở KH&CN Cao Bằng"),
        app.unit_id("Sở KH&CN Lạng Sơn"),
        admin.user_id,
        Moment::now().now,
    )
    .unwrap();
    Scenario { extended }
}

fn counts(a: i64, b: i64, c: i64, d: i64) -> Counts {
    Counts {
        done_on_time: a,
        done_late: b,
        open_within: c,
        open_overdue: d,
    }
}

fn request() -> Request {
    Request {
        preset: Preset::Custom,
        period: period(),
        axis: Axis::Due,
        scope: Scope::All,
    }
}

fn draft_now(app: &TestApp, who: &Actor) -> Report {
    chidao::app::periodic::draft(&mut app.conn(), who, &request(), None, days(0)).unwrap()
}

/// The unit's name as the directory holds it ("Sở KH&CN Lạng Sơn" is one of its other names).
fn name(app: &TestApp, short: &str) -> String {
    chidao::models::unit::get(&mut app.conn(), app.unit_id(short))
        .unwrap()
        .name
}

fn unit_line<'a>(
    app: &TestApp,
    r: &'a Report,
    short: &str,
) -> &'a chidao::reports::periodic::UnitLine {
    let name = name(app, short);
    r.units.iter().find(|u| u.name == name).unwrap_or_else(|| {
        panic!(
            "no line for {name} in {:?}",
            r.units.iter().map(|u| &u.name).collect::<Vec<_>>()
        )
    })
}

#[test]
fn the_report_counts_by_hand_and_grades_the_units() {
    each_backend(|app| {
        let _ = scenario(app);
        let leader = actor(app, Role::Leader, None);
        let r = draft_now(app, &leader);
        assert_eq!(
            r.all,
            counts(1, 1, 2, 2),
            "on time KHTC, late SHTT, within HN and Lào Cai, overdue LS twice"
        );
        assert_eq!(
            r.before,
            counts(1, 0, 0, 0),
            "the 61 days before: Vụ Pháp chế on time"
        );
        assert_eq!(
            (r.period.before_from, r.period.before_to),
            (days(-91), days(-31))
        );
        // Assigned: every task but the cancelled one, all made today.
        assert_eq!(r.assigned, 8);
        assert_eq!(r.assigned_before, 0);
        let year_start = NaiveDate::from_ymd_opt(period().1.year(), 1, 1).unwrap();
        assert_eq!(r.assigned_year, if year_start <= days(0) { 8 } else { 0 });
        // By source: the conference's notice, then the notices of no conference.
        let sources: Vec<(&str, Counts)> = r
            .sources
            .iter()
            .map(|s| (s.name.as_str(), s.counts))
            .collect();
        assert_eq!(
            sources,
            [
                ("Hội nghị giao ban khoa học địa phương", counts(1, 1, 0, 1)),
                (
                    "Thông báo kết luận không thuộc hội nghị",
                    counts(0, 0, 2, 1)
                ),
            ]
        );
        // The units: counted by their lead now (the transfer and the merge followed).
        let ls = unit_line(app, &r, "Sở KH&CN Lạng Sơn");
        assert_eq!(ls.counts, counts(0, 0, 0, 2));
        assert_eq!(ls.unanswered, 1);
        assert_eq!(
            (ls.score, ls.grade, ls.rank),
            (Some(0.0), Some(Grade::Fail), Some(3))
        );
        let khtc = unit_line(app, &r, "Cục Kế hoạch - Tài chính");
        assert_eq!(
            (khtc.score, khtc.grade, khtc.rank),
            (Some(100.0), Some(Grade::Excellent), Some(1))
        );
        assert_eq!(khtc.before, counts(0, 0, 0, 0));
        let shtt = unit_line(app, &r, "Cục Sở hữu trí tuệ");
        assert_eq!(
            (shtt.score, shtt.grade, shtt.rank),
            (Some(50.0), Some(Grade::Fail), Some(2))
        );
        let lc = unit_line(app, &r, "Sở KH&CN Lào Cai");
        assert_eq!(
            (lc.counts, lc.score, lc.rank),
            (counts(0, 0, 1, 0), None, None)
        );
        assert_eq!(
            unit_line(app, &r, "Sở KH&CN Hà Nội").counts,
            counts(0, 0, 1, 0)
        );
        // Neither Cà Mau (its task moved) nor Cao Bằng (merged) has a line; Vụ Pháp chế has one
        // for its task of the previous period.
        let mut expected: Vec<String> = [
            "Cục Kế hoạch - Tài chính",
            "Cục Sở hữu trí tuệ",
            "Sở KH&CN Hà Nội",
            "Sở KH&CN Lạng Sơn",
            "Sở KH&CN Lào Cai",
            "Vụ Pháp chế",
        ]
        .iter()
        .map(|n| name(app, n))
        .collect();
        expected.sort_by(|a, b| chidao::domain::text::vi_cmp(a, b));
        let names: Vec<String> = r.units.iter().map(|u| u.name.clone()).collect();
        assert_eq!(names, expected, "in Vietnamese alphabetical order");
        assert_eq!(unit_line(app, &r, "Vụ Pháp chế").before, counts(1, 0, 0, 0));
        // The worst named; the overdue tasks with their days, the longest first.
        let ls_name = name(app, "Sở KH&CN Lạng Sơn");
        assert_eq!(r.worst, [(ls_name.clone(), 2)]);
        let overdue: Vec<(&str, i64)> = r
            .overdue
            .iter()
            .map(|t| (t.text.as_str(), t.days))
            .collect();
        assert_eq!(overdue, [("Quá hạn", 3), ("Sáp nhập", 1)]);
        assert_eq!(r.overdue_total, 2);
        assert!(
            r.remarks
                .iter()
                .any(|m| m.unit == ls_name && m.text.contains("thiếu kinh phí đối ứng")),
            "{:?}",
            r.remarks
        );
        assert!(
            r.results_text().contains("Tổng số 6 nhiệm vụ"),
            "{}",
            r.results_text()
        );
        assert!(
            r.results_text().contains("33,3\u{a0}%"),
            "the overdue share: {}",
            r.results_text()
        );

        // The page says the same; a leader reads it, a unit's people may not.
        let mut l = app.login_as(Role::Leader, None);
        let page = l.get(&format!("/reports/periodic?{}", query()));
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&r.results_text()));
        assert!(page.body.contains(&format!("{ls_name} 2 nhiệm vụ")));
        assert!(
            !page.body.contains("id=\"issue-form\""),
            "a leader reads, does not issue"
        );
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert_eq!(
            head.get(&format!("/reports/periodic?{}", query())).status,
            403
        );
        // One unit's report counts only its tasks.
        let unit = app.unit_id("Sở KH&CN Lạng Sơn");
        let one = Request {
            scope: Scope::Unit(unit),
            ..request()
        };
        let r1 =
            chidao::app::periodic::draft(&mut app.conn(), &leader, &one, None, days(0)).unwrap();
        assert_eq!(r1.all, counts(0, 0, 0, 2));
        assert_eq!(r1.units.len(), 1);
        assert_eq!(r1.scope, ls_name);
    });
}

/// Issuing freezes the report: a task confirmed afterwards and a new grading rule change the
/// draft and a new version, never the issued one.
#[test]
fn an_issued_report_stays_as_it_was_and_a_new_version_differs() {
    each_backend(|app| {
        let s = scenario(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        let page = sec.get(&format!("/reports/periodic?{}", query()));
        assert_eq!(page.status, 200);
        let mut fields = crate::support::form_fields(&page.body, "/reports/periodic/issue");
        let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
            fields.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string();
        };
        set(&mut fields, "number", "15");
        set(&mut fields, "signer_name", "Nguyễn Văn A");
        set(
            &mut fields,
            "assessment",
            "Các đơn vị đã cố gắng.\nCòn chậm ở một số địa phương.",
        );
        // A bad date comes back with everything typed kept.
        set(&mut fields, "date", "31/02/2026");
        let body: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = sec.post("/reports/periodic/issue", &body);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Còn chậm ở một số địa phương."));
        assert_eq!(r.input("number").as_deref(), Some("15"));
        assert_eq!(app.count("issued_reports"), 0);
        let today = days(0).format("%d/%m/%Y").to_string();
        set(&mut fields, "date", &today);
        let body: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = sec.post("/reports/periodic/issue", &body);
        assert_eq!(r.status, 303, "{}", r.body);
        let first = r.location().split('?').next().unwrap().to_string();
        let issued = sec.get(&first);
        assert_eq!(issued.status, 200);
        assert!(issued.body.contains("Số: 15/BC-VP"));
        assert!(issued
            .body
            .contains("<p class=\"indent\">Còn chậm ở một số địa phương.</p>"));
        let results_then = between(&issued.body, "id=\"report-results\">", "</p>");
        assert!(results_then.contains("Tổng số 6 nhiệm vụ"));

        // Afterwards: Hà Nội finishes on time, and the admin changes the rule (late worth 80).
        let hn = actor(app, Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let sec_actor = actor(app, Role::Secretariat, None);
        mv(app, &hn, s.extended, Move::ReportCompletion, days(0));
        mv(app, &sec_actor, s.extended, Move::Confirm, days(0));
        let mut admin = app.login_as(Role::Admin, None);
        let g = admin.get("/admin/grading");
        let mut rule = crate::support::form_fields(&g.body, "/admin/grading");
        let set_rule = |rule: &mut Vec<(String, String)>, k: &str, v: &str| {
            rule.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string();
        };
        // Thresholds that do not fall are refused, with what was typed kept.
        set_rule(&mut rule, "good", "96");
        let body: Vec<(&str, &str)> = rule.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = admin.post("/admin/grading", &body);
        assert_eq!(r.status, 422);
        assert_eq!(r.input("good").as_deref(), Some("96"));
        set_rule(&mut rule, "good", "85");
        set_rule(&mut rule, "late", "80");
        // Overdue worth 20, but nothing once more than two days overdue.
        set_rule(&mut rule, "overdue", "20");
        set_rule(&mut rule, "long_days", "2");
        set_rule(&mut rule, "note", "Theo Quyết định thi đua năm 2026");
        let body: Vec<(&str, &str)> = rule.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = admin.post("/admin/grading", &body);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.count("grading_rules"), 2);

        // The issued report is as it was: its figures, its grades by the old rule.
        let again = sec.get(&first);
        assert_eq!(
            between(&again.body, "id=\"report-results\">", "</p>"),
            results_then
        );
        let id: i64 = first.rsplit('/').next().unwrap().parse().unwrap();
        let stored = chidao::models::periodic::get(&mut app.conn(), id).unwrap();
        assert_eq!(stored.report.all, counts(1, 1, 2, 2));
        assert_eq!(
            unit_line(app, &stored.report, "Cục Sở hữu trí tuệ").score,
            Some(50.0)
        );
        assert_eq!(stored.report.rule.late, 50.0);
        // The draft now differs: one more on time, and the late task worth 80.
        let leader = actor(app, Role::Leader, None);
        let now = draft_now(app, &leader);
        assert_eq!(now.all, counts(2, 1, 1, 2));
        assert_eq!(unit_line(app, &now, "Cục Sở hữu trí tuệ").score, Some(80.0));
        // Lạng Sơn: one task 3 days overdue (0), one 1 day (20), one unanswered request (−2).
        let ls = unit_line(app, &now, "Sở KH&CN Lạng Sơn");
        assert_eq!((ls.long_overdue, ls.score), (1, Some(8.0)));

        // A new version needs a reason; with one it counts again and keeps the first.
        let reissue = format!("{first}/reissue");
        let mut fields = crate::support::form_fields(&again.body, &reissue);
        let r = sec.post(
            &reissue,
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(r.status, 422, "no reason");
        fields.iter_mut().find(|(n, _)| n == "reason").unwrap().1 = "Bổ sung số liệu Hà Nội".into();
        let r = sec.post(
            &reissue,
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let second = r.location().split('?').next().unwrap().to_string();
        assert_ne!(second, first);
        let v2 = sec.get(&second);
        assert!(v2.body.contains("Bổ sung số liệu Hà Nội"));
        assert!(between(&v2.body, "id=\"report-results\">", "</p>")
            .contains("Tổng số 6 nhiệm vụ; đã hoàn thành 3"));
        assert!(v2.body.contains("Số: 15/BC-VP"), "the heading kept");
        assert!(
            v2.body.contains("Còn chậm ở một số địa phương."),
            "the text kept"
        );
        let list = sec.get("/reports/issued");
        assert!(list.body.contains(&format!("href=\"{first}\"")));
        assert!(list.body.contains(&format!("href=\"{second}\"")));
        let v1 = sec.get(&first);
        assert_eq!(
            between(&v1.body, "id=\"report-results\">", "</p>"),
            results_then
        );
        assert!(
            v1.body.contains(&format!("href=\"{second}\"")),
            "versions are linked"
        );
    });
}

fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    s.split(from).nth(1).unwrap().split(to).next().unwrap()
}

/// The Word file, read back by python-docx: A4, Times New Roman, the heading lines, the number,
/// the title with the period, the appendix with one row per unit and its header repeated.
#[test]
fn the_report_as_word_read_back_by_python_docx() {
    if !crate::support::python_reads("docx", "python-docx") {
        return;
    }
    each_backend(|app| {
        scenario(app);
        let sec = actor(app, Role::Secretariat, None);
        let d = Draft {
            heading: chidao::app::periodic::default_heading(days(0)),
            assessment: String::new(),
            proposals: String::new(),
        };
        let req = Request {
            preset: Preset::Month,
            period: chidao::reports::stats::numbered(Preset::Month, 2026, 11).unwrap(),
            ..request()
        };
        let mut d = d;
        d.heading.number = "7".into();
        d.heading.date = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let id = chidao::app::periodic::issue(&mut app.conn(), Act::now(sec), &req, &d).unwrap();
        let report = chidao::models::periodic::get(&mut app.conn(), id)
            .unwrap()
            .report;
        let leader = app.login_as(Role::Leader, None);
        let url = format!("{}/reports/issued/{id}/docx", app.base);
        let cookie = format!("chidao_session={}", leader.cookies["chidao_session"]);
        let resp = ureq::get(&url).set("Cookie", &cookie).call().unwrap();
        assert_eq!(
            resp.header("content-type"),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).unwrap();
        let path = app.data_dir.join("report.docx");
        std::fs::write(&path, &bytes).unwrap();
        let script = r#"
import json, sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
s = d.sections[0]
head = d.tables[0].rows[0].cells
tables = [[[c.text for c in r.cells] for r in t.rows] for t in d.tables]
repeated = [bool(t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None) for t in d.tables]
body_repeat = [any(r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None for r in t.rows[1:]) for t in d.tables]
fonts = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:ascii"))
print(json.dumps({
  "page": [s.page_width, s.page_height],
  "left": s.left_margin.mm, "right": s.right_margin.mm,
  "left_head": [p.text for p in head[0].paragraphs],
  "right_head": [p.text for p in head[1].paragraphs],
  "paragraphs": [p.text for p in d.paragraphs],
  "tables": tables, "repeated": repeated, "body_repeat": body_repeat, "font": fonts,
}, ensure_ascii=False))
"#;
        let out = std::process::Command::new("python3")
            .args(["-c", script, path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // A4 in EMU: 210 × 297 mm.
        let page: Vec<i64> = serde_json::from_value(read["page"].clone()).unwrap();
        assert!(
            (page[0] - 7_560_310).abs() < 2_000 && (page[1] - 10_692_130).abs() < 2_000,
            "{page:?}"
        );
        assert!((read["left"].as_f64().unwrap() - 30.0).abs() < 0.5);
        assert!((read["right"].as_f64().unwrap() - 15.0).abs() < 0.5);
        assert_eq!(read["font"], "Times New Roman");
        let left: Vec<String> = serde_json::from_value(read["left_head"].clone()).unwrap();
        assert_eq!(left[0], "BỘ KHOA HỌC VÀ CÔNG NGHỆ");
        assert_eq!(left[1], "VĂN PHÒNG BỘ");
        assert_eq!(left[3], "Số: 7/BC-VP");
        let right: Vec<String> = serde_json::from_value(read["right_head"].clone()).unwrap();
        assert_eq!(right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_eq!(right[1], "Độc lập - Tự do - Hạnh phúc");
        assert_eq!(right[3], "Hà Nội, ngày 05 tháng 12 năm 2026");
        let paragraphs: Vec<String> = serde_json::from_value(read["paragraphs"].clone()).unwrap();
        let title = paragraphs
            .iter()
            .position(|p| p == "BÁO CÁO")
            .expect("the title");
        assert_eq!(
            paragraphs[title + 1],
            "Tình hình thực hiện nhiệm vụ do Lãnh đạo Bộ giao tháng 11 năm 2026"
        );
        assert!(paragraphs.iter().any(|p| p == "Phụ lục"));
        // The appendix is the last table: its header, then one row per unit of the report.
        let tables: Vec<Vec<Vec<String>>> = serde_json::from_value(read["tables"].clone()).unwrap();
        let appendix = tables.last().unwrap();
        assert_eq!(
            appendix[0],
            [
                "TT",
                "Đơn vị",
                "Đúng hạn",
                "Trễ hạn",
                "Trong hạn",
                "Quá hạn",
                "Tổng",
                "Điểm",
                "Xếp loại",
                "Hạng"
            ]
        );
        assert_eq!(appendix.len(), report.units.len() + 1);
        for (row, unit) in appendix[1..].iter().zip(&report.units) {
            assert_eq!(row[1], unit.name);
            assert_eq!(row[8], Report::grade_text(unit.grade));
        }
        let repeated: Vec<bool> = serde_json::from_value(read["repeated"].clone()).unwrap();
        let body_repeat: Vec<bool> = serde_json::from_value(read["body_repeat"].clone()).unwrap();
        // The heading and signature (no header) aside, every table repeats its header row, and
        // no body row does.
        assert!(*repeated.last().unwrap());
        assert_eq!(repeated.iter().filter(|r| **r).count(), tables.len() - 2);
        assert!(body_repeat.iter().all(|r| !r));
    });
}

/// The dashboard grades every unit for its period, shows each bucket's change against the
/// previous period, ranks the units, and exports the ranking; the unit's page has its grades.
#[test]
fn the_dashboard_grades_ranks_and_compares_with_the_last_period() {
    each_backend(|app| {
        scenario(app);
        let mut leader = app.login_as(Role::Leader, None);
        let q = query().replace("scope=all", "scope=all&sort=score");
        let r = leader.get(&format!("/dashboard?{q}"));
        assert_eq!(r.status, 200);
        let row = |unit: &str| -> String {
            let id = app.unit_id(unit);
            between(&r.body, &format!("<tr data-unit=\"{id}\">"), "</tr>").to_string()
        };
        let cell =
            |row: &str, attr: &str| between(row, &format!("<td {attr}>"), "</td>").to_string();
        let ls = row("Sở KH&CN Lạng Sơn");
        assert_eq!(cell(&ls, "data-score"), "0");
        assert_eq!(cell(&ls, "data-grade"), "Không hoàn thành");
        assert_eq!(cell(&ls, "data-rank"), "3");
        let khtc = row("Cục Kế hoạch - Tài chính");
        assert_eq!(cell(&khtc, "data-grade"), "Hoàn thành xuất sắc");
        assert_eq!(cell(&row("Sở KH&CN Lào Cai"), "data-score"), "—");
        // Vụ Pháp chế had its task in the previous period: a row of zeros, ▼ 1 on time.
        let pc = row("Vụ Pháp chế");
        assert!(pc.contains("data-delta=\"done_on_time\">▼ 1"), "{pc}");
        // The cards: on time as many as before, overdue up by two.
        let card =
            |b: &str| between(&r.body, &format!("<span data-delta=\"{b}\">"), "<").to_string();
        assert_eq!(card("done_on_time"), "=");
        assert_eq!(card("open_overdue"), "▲ 2");
        // The ranking, best first.
        let order: Vec<usize> = [
            "Cục Kế hoạch - Tài chính",
            "Cục Sở hữu trí tuệ",
            "Sở KH&CN Lạng Sơn",
        ]
        .iter()
        .map(|u| {
            r.body
                .find(&format!("<tr data-unit=\"{}\">", app.unit_id(u)))
                .unwrap()
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

        // The same as CSV.
        let csv = leader.get(&format!("/reports/units.csv?{}", query()));
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("Hạng,"), "{}", lines[0]);
        let khtc_name = name(app, "Cục Kế hoạch - Tài chính");
        assert!(
            lines[1].starts_with(&format!("1,{khtc_name},1,0,0,0,1,")),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].ends_with(",100,Hoàn thành xuất sắc"),
            "{}",
            lines[1]
        );
        assert!(lines[3].contains(",0,Không hoàn thành"), "{}", lines[3]);

        // The unit's page: this month's, quarter's and year's grade.
        let ls_id = app.unit_id("Sở KH&CN Lạng Sơn");
        let page = leader.get(&format!("/units/{ls_id}"));
        assert_eq!(page.status, 200);
        let month = between(&page.body, "<tr data-period=\"month\">", "</tr>");
        if days(-3).month() == days(0).month() {
            assert!(
                month.contains("<td data-grade>Không hoàn thành</td>"),
                "{month}"
            );
        }
        assert!(page.body.contains("<tr data-period=\"year\">"));
    });
}
