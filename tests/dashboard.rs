//! The dashboard's numbers against hand-counted expectations, each linking to the list it
//! counts; a unit's own view; the CSV export.

use chidao::app::extensions;
use chidao::domain::dates::Moment;
use chidao::domain::permissions::{Act, Actor, Role};
use chidao::domain::status::Move;
use chidao::models::attachment::Storage;
use chidao::models::directive::{self, Assignee, NewDirective, NewItem};
use chidao::models::extension::{NewDecision, NewRequest};
use chidao::models::task::{self, Edit};

use crate::fixtures::{days, publish};
use crate::support::{each_backend, Client, TestApp};
use chidao::domain::ids::{TaskId, UnitId};

fn actor(app: &TestApp, role: Role, unit: Option<&str>) -> Actor {
    let email = app.add_user(role, unit);
    chidao::models::user::by_email(&mut app.conn(), &email)
        .unwrap()
        .unwrap()
        .0
        .actor()
}

fn mv(app: &TestApp, who: &Actor, id: TaskId, m: Move, on: chrono::NaiveDate) {
    let v = task::get(&mut app.conn(), id).unwrap().version;
    let at = Moment {
        now: on.and_hms_opt(3, 0, 0).unwrap(),
        today: on,
    };
    let edit = Edit {
        actor: who,
        task_id: id,
        version: v,
        at,
    };
    chidao::app::tasks::move_task(&mut app.conn(), &Storage::Database, edit, m, "Xong", &[])
        .unwrap();
}

/// Publishes a notice of one-unit items: (text, lead unit, due in days from today).
fn publish_items(
    app: &TestApp,
    sec: &Actor,
    number: &str,
    items: &[(&str, &str, i64)],
) -> chidao::domain::ids::DirectiveId {
    let item = |(text, unit, due): &(&str, &str, i64)| NewItem {
        label: String::new(),
        text: text.to_string(),
        leads: vec![Assignee::Unit(app.unit_id(unit))],
        coordinators: vec![],
        due_on: Some(days(*due)),
        recurrence: None,
        rule: None,
        until: None,
    };
    let d = NewDirective {
        conference_id: None,
        number: number.into(),
        issued_on: days(-30),
        signer: String::new(),
        title: format!("Thông báo {number}"),
        body: String::new(),
        form_token: crate::support::unique("t"),
        items: items.iter().map(item).collect(),
    };
    crate::fixtures::publish_directive(app, &d, sec.user_id).0
}

/// On time 1 (KHTC), late 1 (SHTT), within 1 (LS), overdue 1 (LS); one cancelled and one
/// without a due date, counted nowhere in a due-date period.
fn scenario(app: &TestApp) -> (UnitId, UnitId) {
    let p = publish(app);
    let sec = actor(app, Role::Secretariat, None);
    let khtc = actor(app, Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    mv(app, &khtc, p.khtc, Move::ReportCompletion, days(0));
    mv(app, &sec, p.khtc, Move::Confirm, days(0));
    let items = [
        ("Muộn", "Cục Sở hữu trí tuệ", -10),
        ("Trong hạn", "Sở KH&CN Lạng Sơn", 5),
        ("Đã hủy", "Sở KH&CN Lạng Sơn", -1),
    ];
    let id = publish_items(app, &sec, "2/TB", &items);
    let late = crate::fixtures::task_for(app, id, "Cục Sở hữu trí tuệ");
    let shtt = actor(app, Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
    mv(app, &shtt, late, Move::ReportCompletion, days(-5));
    mv(app, &sec, late, Move::Confirm, days(-4));
    let items = directive::tasks_by_item(&mut app.conn(), id).unwrap();
    let cancelled = items
        .iter()
        .find(|t| {
            t.status.as_str() == "assigned"
                && task::get(&mut app.conn(), t.task_id).unwrap().due_on == Some(days(-1))
        })
        .unwrap()
        .task_id;
    mv(app, &sec, cancelled, Move::Cancel, days(0));
    (
        app.unit_id("Sở KH&CN Lạng Sơn"),
        app.unit_id("Cục Kế hoạch - Tài chính"),
    )
}

fn bucket_in_row(body: &str, unit: UnitId, bucket: &str) -> i64 {
    let row = body
        .split(&format!("<tr data-unit=\"{unit}\">"))
        .nth(1)
        .expect("unit row")
        .split("</tr>")
        .next()
        .unwrap();
    let cell = row
        .split(&format!("data-bucket=\"{bucket}\">"))
        .nth(1)
        .unwrap();
    // Counts are written the Vietnamese way: 1.234.
    cell.split('<')
        .next()
        .unwrap()
        .trim()
        .replace('.', "")
        .parse()
        .unwrap()
}

/// The dashboard's headline number for a bucket.
fn card(body: &str, bucket: &str) -> i64 {
    let at = body
        .split(&format!(
            "<div class=\"headline\" data-bucket=\"{bucket}\">"
        ))
        .nth(1)
        .unwrap();
    at.split('<').next().unwrap().trim().parse().unwrap()
}

fn total_of(c: &mut Client, path: &str) -> i64 {
    let body = c.get(path).body;
    body.split("id=\"total\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .trim()
        .replace('.', "")
        .parse()
        .unwrap()
}

#[test]
fn the_four_buckets_by_unit_and_the_lists_behind_them() {
    each_backend(|app| {
        let (ls, khtc) = scenario(app);
        let mut leader = app.login_as(Role::Leader, None);
        let r = leader.get("/dashboard?period=custom&from=01/01/2000&to=31/12/2100");
        assert_eq!(r.status, 200);
        let count = |b: &str| card(&r.body, b);
        assert_eq!(
            [
                count("done_on_time"),
                count("done_late"),
                count("open_within_deadline"),
                count("open_overdue")
            ],
            [1, 1, 1, 1]
        );
        assert!(
            r.body.contains("id=\"rate\">33,3\u{a0}%"),
            "1 on time of 3 judged"
        );
        assert_eq!(bucket_in_row(&r.body, ls, "open_overdue"), 1);
        assert_eq!(bucket_in_row(&r.body, ls, "open_within_deadline"), 1);
        assert_eq!(bucket_in_row(&r.body, khtc, "done_on_time"), 1);
        // Who is late, named first: the one unit with an overdue task, its count, how long its
        // oldest has been overdue, and its rate (nothing finished: none yet).
        let ranked = r.body.split("id=\"ranked\"").nth(1).unwrap();
        let ranked = ranked.split("</section>").next().unwrap();
        assert_eq!(ranked.matches("<li ").count(), 1, "{ranked}");
        assert!(
            ranked.contains(&format!("<li data-unit=\"{ls}\">")),
            "{ranked}"
        );
        assert!(
            ranked.contains("1 nhiệm vụ quá hạn") && ranked.contains("lâu nhất 2 ngày"),
            "{ranked}"
        );
        assert!(ranked.contains("Tỷ lệ đúng hạn —"), "{ranked}");
        assert!(
            r.body.find("id=\"ranked\"").unwrap() < r.body.find("id=\"unit-table\"").unwrap(),
            "the ranked units before the long table"
        );
        // Worst first.
        let first_row = r
            .body
            .split("<tr data-unit=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse::<UnitId>()
            .unwrap();
        assert_eq!(first_row, ls);
        // Every number links to the list behind it, and the list has that many tasks.
        let period = "status=counted&due_from=01/01/2000&due_to=31/12/2100";
        assert_eq!(
            total_of(&mut leader, &format!("/tasks?{period}&bucket=open_overdue")),
            1
        );
        assert_eq!(
            total_of(&mut leader, &format!("/tasks?{period}&lead={ls}")),
            2,
            "the cancelled one is not counted"
        );
        assert_eq!(total_of(&mut leader, &format!("/tasks?{period}")), 4);
        assert_eq!(
            total_of(
                &mut leader,
                &format!("/tasks?{period}&lead={ls}&bucket=open_within_deadline")
            ),
            1
        );
        assert!(crate::support::links_to(
            &r.body,
            &format!("/tasks?{period}&lead={ls}&bucket=open_overdue")
        ));
        // Most overdue, and what falls due this week.
        assert!(
            r.body
                .contains("Xây dựng kế hoạch ứng dụng trí tuệ nhân tạo")
                && r.body.contains("2 ngày")
        );
        assert!(r.body.contains("Trong hạn"));

        // By assignment date, today's tasks all count (the one without a due date too).
        let today = crate::fixtures::days(0).format("%d/%m/%Y").to_string();
        let r = leader.get(&format!(
            "/dashboard?period=custom&by=assigned&from={today}&to={today}"
        ));
        assert!(
            r.body.contains("id=\"total\">5<"),
            "6 tasks assigned today, one cancelled"
        );

        // A unit's people see their own unit's view.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mine = head.get("/dashboard?period=custom&from=01/01/2000&to=31/12/2100");
        assert!(mine.body.contains(&format!("<tr data-unit=\"{ls}\">")));
        assert!(
            !mine.body.contains(&format!("<tr data-unit=\"{khtc}\">")),
            "not the ministry's view"
        );
        assert_eq!(app.client().get("/dashboard").status, 303);
    });
}

/// A task reported complete counts as finished on the day it was reported, before the
/// secretariat confirms it: done on time or late, never overdue. The overdue card, the overdue
/// list, the most overdue tasks and the overdue chart's bar for now all count the same tasks.
#[test]
fn a_reported_task_counts_from_its_report_in_every_overdue_count() {
    each_backend(|app| {
        let (ls, _) = scenario(app);
        let sec = actor(app, Role::Secretariat, None);
        let items = [
            ("Báo cáo kịp hạn", "Sở KH&CN Hà Nội", -3),
            ("Báo cáo trễ hạn", "Sở KH&CN Cà Mau", -10),
        ];
        let id = publish_items(app, &sec, "3/TB", &items);
        let in_time = crate::fixtures::task_for(app, id, "Sở KH&CN Hà Nội");
        let late = crate::fixtures::task_for(app, id, "Sở KH&CN Cà Mau");
        let hn = actor(app, Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let cm = actor(app, Role::UnitHead, Some("Sở KH&CN Cà Mau"));
        mv(app, &hn, in_time, Move::ReportCompletion, days(-4));
        mv(app, &cm, late, Move::ReportCompletion, days(-2));

        let mut leader = app.login_as(Role::Leader, None);
        let r = leader.get("/dashboard?period=custom&from=01/01/2000&to=31/12/2100");
        let count = |b: &str| card(&r.body, b);
        assert_eq!(
            [
                count("done_on_time"),
                count("done_late"),
                count("open_within_deadline"),
                count("open_overdue")
            ],
            [2, 2, 1, 1],
            "the two reported tasks among the done ones"
        );
        assert!(r.body.contains("id=\"done-hint\""));
        // The overdue chart's bar for this month: the last bar's title ends in its count.
        let chart = r.body.split("id=\"overdue-chart\"").nth(1).unwrap();
        let chart = chart.split("</figure>").next().unwrap();
        let bars: Vec<&str> = chart.split("</title></rect>").collect();
        let now: i64 = bars[bars.len() - 2]
            .rsplit(": ")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(now, count("open_overdue"), "{chart}");
        // The most overdue tasks and the ranked units name only the task still with its unit.
        let ranked = r.body.split("id=\"ranked\"").nth(1).unwrap();
        let ranked = ranked.split("</section>").next().unwrap();
        assert_eq!(ranked.matches("<li ").count(), 1, "{ranked}");
        assert!(ranked.contains(&format!("<li data-unit=\"{ls}\">")));
        assert!(!r.body.contains("Báo cáo trễ hạn") && !r.body.contains("Báo cáo kịp hạn"));
        // The lists behind the cards hold the same tasks.
        let period = "status=counted&due_from=01/01/2000&due_to=31/12/2100";
        for (bucket, n) in [
            ("open_overdue", 1),
            ("done_on_time", 2),
            ("done_late", 2),
            ("open_within_deadline", 1),
        ] {
            let list = format!("/tasks?{period}&bucket={bucket}");
            assert_eq!(total_of(&mut leader, &list), n, "{bucket}");
        }
        let overdue = leader
            .get(&format!("/tasks?{period}&bucket=open_overdue"))
            .body;
        assert!(!overdue.contains("Báo cáo trễ hạn"));
        let late_list = leader
            .get(&format!("/tasks?{period}&bucket=done_late"))
            .body;
        assert!(late_list.contains("Báo cáo trễ hạn"));

        // The unit's own list of its overdue tasks (walked from its rows, which keep whether
        // each task is with the unit) agrees.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Cà Mau"));
        let mine = "/tasks?status=open&bucket=open_overdue";
        assert_eq!(total_of(&mut head, mine), 0);

        // Sent back, it is with its unit again: overdue.
        mv(app, &sec, late, Move::Return, days(0));
        assert_eq!(total_of(&mut head, mine), 1);
        let r = leader.get("/dashboard?period=custom&from=01/01/2000&to=31/12/2100");
        assert_eq!(card(&r.body, "open_overdue"), 2);
        assert!(
            r.body.contains("Báo cáo trễ hạn"),
            "now among the most overdue"
        );
    });
}

/// The task whose item reads `text`.
fn task_by_text(app: &TestApp, text: &str) -> TaskId {
    use chidao::db::schema::{directive_items, tasks};
    use diesel::prelude::*;
    tasks::table
        .inner_join(directive_items::table)
        .filter(directive_items::text.eq(text))
        .select(tasks::id)
        .first(&mut app.conn())
        .unwrap()
}

/// What the exports show beside the scenario: the "Trong hạn" task got a progress report and
/// its due date moved from 5 to 12 days ahead.
fn report_and_move(app: &TestApp) -> TaskId {
    let t = task_by_text(app, "Trong hạn");
    let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
    let v = crate::fixtures::version(app, t);
    let r = head.post(
        &format!("/tasks/{t}/progress"),
        &[
            ("version", &v),
            ("text", "Đã dự thảo kế hoạch"),
            ("percent", "50"),
        ],
    );
    assert_eq!(r.status, 303);
    let mut sec = app.login_as(Role::Secretariat, None);
    let v = crate::fixtures::version(app, t);
    let r = sec.post(
        &format!("/tasks/{t}/edit"),
        &[
            ("version", &v),
            ("due_on", &days(12).format("%d/%m/%Y").to_string()),
            ("text", "Điều chỉnh theo ý kiến Thứ trưởng"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    t
}

#[test]
fn the_task_list_as_csv_for_excel() {
    each_backend(|app| {
        scenario(app);
        let moved = report_and_move(app);
        let mut leader = app.login_as(Role::Leader, None);
        let r = leader.get("/reports/tasks.csv?status=all&sort=due");
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("text/csv"));
        assert!(r
            .header("content-disposition")
            .unwrap()
            .contains("attachment"));
        assert!(
            r.body.starts_with('\u{feff}'),
            "a byte-order mark for Excel"
        );
        let lines: Vec<&str> = r
            .body
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines[0], "STT,Số nhiệm vụ,Nội dung nhiệm vụ,Văn bản giao,Đơn vị chủ trì,Đơn vị phối hợp,Hạn xử lý (ban đầu),Gia hạn / điều chỉnh đến,Ngày hoàn thành,Tình trạng,Kết quả thực hiện (báo cáo gần nhất)");
        assert_eq!(lines.len(), 1 + 6);
        let late = task_by_text(app, "Muộn");
        let d = |n: i64| days(n).format("%d/%m/%Y").to_string();
        assert_eq!(
            lines[1],
            format!(
                "1,{late},Muộn,2/TB,Cục Sở hữu trí tuệ,,{},,{},Đã hoàn thành — Hoàn thành quá hạn,Xong",
                d(-10),
                d(-5)
            ),
            "number, first due date, completion date"
        );
        let moved_line = lines
            .iter()
            .find(|l| l.contains(&format!(",{moved},Trong hạn,")))
            .unwrap();
        assert!(
            moved_line.contains(&format!(",{},{},,", d(5), d(12)))
                && moved_line.ends_with(",Đã dự thảo kế hoạch"),
            "first due date, the date now, the latest report: {moved_line}"
        );
        assert!(lines
            .iter()
            .any(|l| l.contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn")
                && l.contains("Quá hạn chưa hoàn thành")));
        // The same filters as the list, and the same scope.
        let mut head = app.login_as(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
        let mine = head.get("/reports/tasks.csv?status=all");
        let rows = mine.body.split("\r\n").filter(|l| !l.is_empty()).count();
        assert_eq!(rows, 1 + 2, "lead of one, coordinating another");
        let en = leader.get("/reports/tasks.csv?status=open&lang=en");
        assert!(en.body.contains("No.,Task no.,Task,Directive"));
        // The printed dashboard and directive page carry the same heading as the workbook.
        for page in [
            "/dashboard".to_string(),
            format!("/directives/{}", {
                use chidao::db::schema::directives;
                use diesel::prelude::*;
                directives::table
                    .select(directives::id)
                    .first::<chidao::domain::ids::DirectiveId>(&mut app.conn())
                    .unwrap()
            }),
        ] {
            let body = leader.get(&format!("{page}?lang=vi")).body;
            let heading = body
                .split("id=\"doc-heading\"")
                .nth(1)
                .unwrap_or_else(|| panic!("{page}"));
            assert!(
                heading.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
                    && heading.contains("BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
                "{page}"
            );
        }
    });
}

/// The workbook, opened and read back by a real reader (openpyxl).
#[test]
fn the_task_list_as_a_workbook_read_back_by_openpyxl() {
    if !crate::support::python_reads("openpyxl", "openpyxl") {
        return;
    }
    each_backend(|app| {
        scenario(app);
        let moved = report_and_move(app);
        let leader = app.login_as(Role::Leader, None);
        let url = format!("{}/reports/tasks.xlsx?status=all&sort=due", app.base);
        // Binary body: fetched without the text client.
        let cookie = format!("chidao_session={}", leader.cookies["chidao_session"]);
        let resp = ureq::get(&url).set("Cookie", &cookie).call().unwrap();
        assert_eq!(
            resp.header("content-type"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).unwrap();
        let path = app.data_dir.join("tasks.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let script = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [[(c.strftime("%Y-%m-%d") if hasattr(c, "strftime") else c) for c in r] for r in ws.iter_rows(values_only=True)]
setup = {
    "orientation": ws.page_setup.orientation,
    "paper": ws.page_setup.paperSize,
    # OOXML: an absent fitToWidth or fitToHeight is 1.
    "fit_width": int(ws.page_setup.fitToWidth if ws.page_setup.fitToWidth is not None else 1),
    "fit_height": int(ws.page_setup.fitToHeight if ws.page_setup.fitToHeight is not None else 1),
    "fit": ws.sheet_properties.pageSetUpPr.fitToPage,
    "repeat": str(ws.print_title_rows),
}
print(json.dumps({"rows": rows, "setup": setup}, ensure_ascii=False))
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
        let rows: Vec<Vec<serde_json::Value>> =
            serde_json::from_value(read["rows"].clone()).unwrap();
        // The heading of an official document, the title, the date of the data.
        assert_eq!(rows[0][0], "BỘ KHOA HỌC VÀ CÔNG NGHỆ");
        assert_eq!(rows[1][0], "VĂN PHÒNG BỘ");
        assert_eq!(rows[0][4], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_eq!(rows[1][4], "Độc lập - Tự do - Hạnh phúc");
        assert_eq!(rows[3][0], "DANH SÁCH NHIỆM VỤ");
        assert!(rows[4][0]
            .as_str()
            .unwrap()
            .starts_with("Số liệu đến ngày "));
        let header: Vec<&str> = rows[6].iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(
            header,
            [
                "STT",
                "Số nhiệm vụ",
                "Nội dung nhiệm vụ",
                "Văn bản giao",
                "Đơn vị chủ trì",
                "Đơn vị phối hợp",
                "Hạn xử lý (ban đầu)",
                "Gia hạn / điều chỉnh đến",
                "Ngày hoàn thành",
                "Tình trạng",
                "Kết quả thực hiện (báo cáo gần nhất)"
            ]
        );
        let tasks = &rows[7..13];
        assert_eq!(tasks[0][0], 1);
        assert_eq!(tasks[0][2], "Muộn");
        assert_eq!(tasks[0][4], "Cục Sở hữu trí tuệ");
        assert_eq!(
            tasks[0][6].as_str().unwrap(),
            crate::fixtures::days(-10).to_string(),
            "a real date cell"
        );
        assert_eq!(
            tasks[0][8].as_str().unwrap(),
            crate::fixtures::days(-5).to_string()
        );
        let moved_row = tasks.iter().find(|r| r[1] == moved.0).unwrap();
        assert_eq!(moved_row[6].as_str().unwrap(), days(5).to_string());
        assert_eq!(moved_row[7].as_str().unwrap(), days(12).to_string());
        assert_eq!(moved_row[10], "Đã dự thảo kế hoạch");
        assert!(tasks
            .iter()
            .any(|r| r[4] == "Sở Khoa học và Công nghệ tỉnh Lạng Sơn"
                && r[9].as_str().unwrap().contains("Quá hạn")));
        // A place for the signature under the table.
        assert!(rows[13..]
            .iter()
            .any(|r| r.iter().any(|c| c == "NGƯỜI LẬP BIỂU")));
        // Printed on A4 landscape, one page wide, the headings on every page.
        let setup = &read["setup"];
        assert_eq!(setup["orientation"], "landscape");
        assert_eq!(setup["paper"], 9);
        assert_eq!(setup["fit"], true);
        assert_eq!(setup["fit_width"], 1);
        assert_eq!(setup["fit_height"], 0);
        assert_eq!(setup["repeat"], "$7:$7");
    });
}

/// A directive's page: each item's progress across its units, and a matrix for items given to
/// several units.
#[test]
fn a_directive_shows_progress_across_its_units() {
    each_backend(|app| {
        let sec = actor(app, Role::Secretariat, None);
        let group = chidao::models::unit::groups(&mut app.conn())
            .unwrap()
            .into_iter()
            .find(|g| g.0.name.starts_with("Các Sở"))
            .unwrap()
            .0
            .id;
        let item = |label: &str, due: i64| NewItem {
            label: label.into(),
            text: format!("Nội dung {label}"),
            leads: vec![Assignee::Group(group)],
            coordinators: vec![],
            due_on: Some(days(due)),
            recurrence: None,
            rule: None,
            until: None,
        };
        let d = NewDirective {
            conference_id: None,
            number: "5/TB".into(),
            issued_on: days(-60),
            signer: String::new(),
            title: "Các tỉnh".into(),
            body: String::new(),
            form_token: crate::support::unique("t"),
            items: vec![
                item("5.a", -3),
                item("5.b", 30),
                NewItem {
                    leads: vec![Assignee::Unit(app.unit_id("Vụ Pháp chế"))],
                    ..item("5.c", 10)
                },
            ],
        };
        let (id, _) = crate::fixtures::publish_directive(app, &d, sec.user_id);
        let ls = crate::fixtures::task_for(app, id, "Sở KH&CN Lạng Sơn");
        let head = actor(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        mv(app, &head, ls, Move::ReportCompletion, days(-5));
        mv(app, &sec, ls, Move::Confirm, days(-4));
        let mut leader = app.login_as(Role::Leader, None);
        let page = leader.get(&format!("/directives/{id}"));
        assert!(
            page.body.contains("<strong>1/34</strong>") && page.body.contains("33 quá hạn"),
            "item 5.a: one done, the rest overdue"
        );
        assert!(page.body.contains("<strong>0/34</strong>"));
        let matrix = page
            .body
            .split("id=\"matrix\"")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap();
        // Every item is a column, also the one given to one unit; every unit a row.
        assert_eq!(matrix.matches("<tr><td>").count(), 35);
        assert!(matrix.contains(">5.c</th>"), "{matrix}");
        assert!(matrix.contains("<tr><td>Vụ Pháp chế</td>"), "{matrix}");
        assert!(matrix.contains(&format!(
            "href=\"/tasks/{ls}\" class=\"badge b-done_on_time\""
        )));
    });
}

#[test]
fn a_units_page_shows_its_record_over_time() {
    each_backend(|app| {
        let (ls, khtc) = scenario(app);
        let mut leader = app.login_as(Role::Leader, None);
        let page = leader.get(&format!("/units/{ls}"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"));
        let record = page
            .body
            .split("id=\"record\"")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap();
        assert_eq!(record.matches("<tr><td>").count(), 12, "twelve months");
        let this_month = crate::fixtures::days(0).format("%m/%Y").to_string();
        assert!(record.contains(&this_month));
        assert!(page.body.contains("Nhiệm vụ đang thực hiện (2)"));
        assert!(crate::support::links_to(
            &page.body,
            &format!("/tasks?lead={ls}&status=open")
        ));
        let mut own = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert_eq!(own.get(&format!("/units/{ls}")).status, 200);
        assert_eq!(
            own.get(&format!("/units/{khtc}")).status,
            404,
            "another unit's record is not theirs to see"
        );
    });
}

/// Counted against the current due date after an extension, and by the surviving unit after a
/// merge (closed tasks stay with the unit that did them).
#[test]
fn extensions_and_merges_in_the_statistics() {
    each_backend(|app| {
        let p = publish(app);
        let sec = actor(app, Role::Secretariat, None);
        let ls_head = actor(app, Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        // Lạng Sơn's task was overdue (due 2 days ago); an approved extension moves it.
        let asked = NewRequest {
            due: days(10),
            reason: "Xin gia hạn",
            files: &[],
        };
        let (db, now) = (&Storage::Database, Moment::now());
        let ext = extensions::request(
            &mut app.conn(),
            db,
            Act::new(ls_head, now),
            p.langson,
            &asked,
        )
        .unwrap();
        let decision = NewDecision {
            approve: true,
            due: None,
            task_version: task::get(&mut app.conn(), p.langson).unwrap().version,
            note: "Đồng ý",
        };
        extensions::decide(&mut app.conn(), Act::new(sec, now), ext, &decision).unwrap();
        let mut leader = app.login_as(Role::Leader, None);
        let range = "/dashboard?period=custom&from=01/01/2000&to=31/12/2100";
        let r = leader.get(range);
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        assert_eq!(
            bucket_in_row(&r.body, ls, "open_within_deadline"),
            1,
            "counted against the new date"
        );
        assert_eq!(bucket_in_row(&r.body, ls, "open_overdue"), 0);

        // A second Lạng Sơn task, done on time, then the unit merges into Hà Nội's.
        let d = NewDirective {
            conference_id: None,
            number: "3/TB".into(),
            issued_on: days(-20),
            signer: String::new(),
            title: "Ba".into(),
            body: String::new(),
            form_token: crate::support::unique("t"),
            items: vec![NewItem {
                label: "1".into(),
                text: "Đã xong".into(),
                leads: vec![Assignee::Unit(ls)],
                coordinators: vec![],
                due_on: Some(days(-3)),
                recurrence: None,
                rule: None,
                until: None,
            }],
        };
        let (id, _) = crate::fixtures::publish_directive(app, &d, sec.user_id);
        let done = crate::fixtures::task_for(app, id, "Sở KH&CN Lạng Sơn");
        mv(app, &ls_head, done, Move::ReportCompletion, days(-4));
        mv(app, &sec, done, Move::Confirm, days(-4));
        let hn = app.unit_id("Sở KH&CN Hà Nội");
        chidao::models::unit::merge(
            &mut app.conn(),
            ls,
            hn,
            sec.user_id,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        let r = leader.get(range);
        assert_eq!(
            bucket_in_row(&r.body, hn, "open_within_deadline"),
            1,
            "the open task moved to the surviving unit"
        );
        assert_eq!(
            bucket_in_row(&r.body, ls, "done_on_time"),
            1,
            "the done one stays with the unit that did it"
        );
        assert_eq!(bucket_in_row(&r.body, ls, "open_within_deadline"), 0);
    });
}

/// The stored tallies (kept by triggers) against a count of the tasks one by one, after bulk
/// inserts and every kind of later write: status, due date, assignment time, cancellation,
/// unit merge; for whole and partial months, by due and by assignment date.
#[test]
fn the_stored_tallies_agree_with_a_task_by_task_count() {
    use chidao::db::schema::tasks;
    use chidao::models::tally::{self, Axis, Scope};
    use chidao::reports::stats;
    use diesel::prelude::*;

    each_backend(|app| {
        let mut conn = app.conn();
        let (ok, _, err) = crate::cli::chidao(app, &["demo", "--synthetic", "--tasks", "1500"], "");
        assert!(ok, "{err}");
        // Counts in the thousands are written the Vietnamese way.
        let mut leader = app.login_as(Role::Leader, None);
        let shown = leader.get("/tasks?status=all").body;
        let total = shown
            .split("id=\"total\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap()
            .to_string();
        let counted: i64 = tasks::table.count().get_result(&mut conn).unwrap();
        assert_eq!(total, chidao::i18n::number(chidao::i18n::Lang::Vi, counted));
        assert!(counted >= 1000 && total.contains('.'), "{total}");
        // A text search counts to 100 and asks for more words beyond.
        let found = leader.get("/tasks?status=all&q=ket+luan").body;
        assert!(found.contains("id=\"total\">hơn 100<"), "text total capped");
        assert!(found.contains("thêm từ để tìm hẹp hơn"));
        let none = leader.get("/tasks?status=all&q=khong+co+dau").body;
        assert!(none.contains("id=\"total\">0<") && !none.contains("thêm từ để tìm hẹp hơn"));
        // Spread assignment over months, move deadlines, finish and cancel some: all by SQL
        // that knows nothing of the tallies.
        let ids: Vec<i64> = tasks::table
            .select(tasks::id)
            .order(tasks::id)
            .load(&mut conn)
            .unwrap();
        for (i, id) in ids.iter().enumerate().step_by(7) {
            let when = chrono::Utc::now().naive_utc() - chrono::Duration::days((i % 400) as i64);
            let t = tasks::table.find(*id);
            diesel::update(t)
                .set(tasks::created_at.eq(when))
                .execute(&mut conn)
                .unwrap();
            match i % 4 {
                0 => diesel::update(t)
                    .set(tasks::due_on.eq(Some(days(i as i64 % 60 - 30))))
                    .execute(&mut conn),
                1 => diesel::update(t)
                    .set((
                        tasks::status.eq("done"),
                        tasks::completed_on.eq(Some(days(-(i as i64 % 20)))),
                    ))
                    .execute(&mut conn),
                2 => diesel::update(t)
                    .set(tasks::status.eq("cancelled"))
                    .execute(&mut conn),
                _ => diesel::update(t)
                    .set(tasks::due_on.eq(None::<chrono::NaiveDate>))
                    .execute(&mut conn),
            }
            .unwrap();
        }
        // Completion reported earlier this month (no longer overdue, still open), and some of
        // those returned to work (overdue again).
        for (i, id) in ids.iter().enumerate().skip(3).step_by(11) {
            let t = tasks::table.find(*id);
            diesel::update(t)
                .set((
                    tasks::status.eq("reported"),
                    tasks::due_on.eq(Some(days(-(i as i64 % 5) - 1))),
                    tasks::completed_on.eq(Some(days(-(i as i64 % 3)))),
                ))
                .execute(&mut conn)
                .unwrap();
            if i % 2 == 0 {
                diesel::update(t)
                    .set((
                        tasks::status.eq("in_progress"),
                        tasks::completed_on.eq(None::<chrono::NaiveDate>),
                    ))
                    .execute(&mut conn)
                    .unwrap();
            }
        }
        let sec = actor(app, Role::Secretariat, None);
        let (from, into) = (
            app.unit_id("Sở KH&CN Lạng Sơn"),
            app.unit_id("Sở KH&CN Hà Nội"),
        );
        chidao::models::unit::merge(
            &mut conn,
            from,
            into,
            sec.user_id,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();

        let today = crate::fixtures::today();
        let admin = actor(app, Role::Admin, None);
        let late = tally::late_now(&mut conn, Scope::All, today).unwrap();
        let late_into = tally::late_now(&mut conn, Scope::Unit(into), today).unwrap();
        let periods = [
            (days(-800), days(800)),
            (days(-45), days(20)),
            (days(-3), days(3)),
            (crate::fixtures::days(-400).with_day(1).unwrap(), days(0)),
        ];
        use chrono::Datelike;
        for (from, to) in periods {
            for axis in [Axis::Due, Axis::Assigned] {
                let mut f = task::Filter::default();
                if axis == Axis::Due {
                    (f.due_from, f.due_to) = (Some(from), Some(to));
                } else {
                    (f.assigned_from, f.assigned_to) = (Some(from), Some(to));
                }
                let facts = task::timeliness_facts(&mut conn, &admin, &f, today).unwrap();
                let expected = stats::tally(&facts, today);
                assert!(expected.0.total() > 0 || (to - from).num_days() < 10);
                let got =
                    tally::period_buckets(&mut conn, axis, (from, to), Scope::All, today, &late)
                        .unwrap();
                assert_eq!(got, expected, "{axis:?} {from}..{to}");
                let one = tally::period_buckets(
                    &mut conn,
                    axis,
                    (from, to),
                    Scope::Unit(into),
                    today,
                    &late_into,
                )
                .unwrap();
                assert_eq!(one.0, expected.1.get(&into).copied().unwrap_or_default());
            }
        }

        // The charts: each month's tasks due, and the overdue count at each month's close.
        let (by_month, overdue) =
            tally::charts(&mut conn, Scope::All, today, &Default::default(), &late).unwrap();
        let rows: Vec<(
            Option<chrono::NaiveDate>,
            Option<chrono::NaiveDate>,
            String,
            chrono::NaiveDateTime,
        )> = tasks::table
            .select((
                tasks::due_on,
                tasks::completed_on,
                tasks::status,
                tasks::created_at,
            ))
            .load(&mut conn)
            .unwrap();
        for ((month, counts), (month2, late)) in by_month.iter().zip(&overdue) {
            assert_eq!(month, month2);
            let end = (*month + chrono::Months::new(1)).pred_opt().unwrap();
            let mut f = task::Filter::default();
            (f.due_from, f.due_to) = (Some(*month), Some(end));
            let facts = task::timeliness_facts(&mut conn, &admin, &f, today).unwrap();
            assert_eq!(*counts, stats::tally(&facts, today).0, "due in {month}");
            // At the close of a past month; now for this one.
            let (close, due_by) = if end >= today {
                (today, today.pred_opt().unwrap())
            } else {
                (end, end)
            };
            let expected = rows
                .iter()
                .filter(|(due, done, status, created)| {
                    status != "cancelled"
                        && chidao::domain::dates::today_in_vietnam(created.and_utc()) <= close
                        && due.is_some_and(|d| d <= due_by)
                        && done.is_none_or(|d| d > close)
                })
                .count() as i64;
            assert_eq!(*late, expected, "overdue at the close of {month}");
        }
        assert!(overdue.iter().any(|(_, n)| *n > 0));

        // Tallies gone wrong and an older rule installed: migrating installs the code's rule
        // and counts them again, to what the triggers had kept; then it has nothing to do.
        let before = tally_prints(&mut conn);
        diesel::sql_query("UPDATE task_tallies SET n = n + 3")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("DELETE FROM task_due_tallies")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("UPDATE installed_sql SET body = 'an older rule'")
            .execute(&mut conn)
            .unwrap();
        assert_ne!(tally_prints(&mut conn), before);
        chidao::db::migrate(&mut conn).unwrap();
        assert_eq!(tally_prints(&mut conn), before);
        assert!(!chidao::db::tally_triggers::install(&mut conn).unwrap());

        // Each unit's stored task counts (the lists' totals) agree with its rows after the
        // load, the merge, and rows that open, close and go.
        // Some tasks led elsewhere now led by the merged unit, row by row.
        diesel::sql_query(format!(
            "UPDATE task_units SET unit_id = {into} WHERE task_id % 13 = 0 AND is_lead \
             AND unit_id <> {into} AND NOT EXISTS (SELECT 1 FROM task_units o \
             WHERE o.task_id = task_units.task_id AND o.unit_id = {into})"
        ))
        .execute(&mut conn)
        .unwrap();
        diesel::sql_query("UPDATE task_units SET open = NOT open WHERE task_id % 3 = 0")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("DELETE FROM task_units WHERE task_id % 11 = 0")
            .execute(&mut conn)
            .unwrap();
        use chidao::db::schema::{task_units, unit_task_counts};
        let stored: Vec<(i64, bool, i64)> = unit_task_counts::table
            .filter(unit_task_counts::n.ne(0))
            .order((unit_task_counts::unit_id, unit_task_counts::open))
            .select((
                unit_task_counts::unit_id,
                unit_task_counts::open,
                unit_task_counts::n,
            ))
            .load(&mut conn)
            .unwrap();
        let counted: Vec<(i64, bool, i64)> = task_units::table
            .group_by((task_units::unit_id, task_units::open))
            .order((task_units::unit_id, task_units::open))
            .select((
                task_units::unit_id,
                task_units::open,
                diesel::dsl::count_star(),
            ))
            .load(&mut conn)
            .unwrap();
        assert!(counted.len() > 50, "{}", counted.len());
        assert_eq!(stored, counted);
        // And their open tasks by due day (due soon, the open buckets), after rows that also
        // change their due day and leave their unit.
        diesel::sql_query(
            "UPDATE task_units SET due_sort = '2027-01-15', working = NOT working \
             WHERE task_id % 5 = 0",
        )
        .execute(&mut conn)
        .unwrap();
        {
            use chidao::db::schema::unit_open_days as d;
            let stored: Vec<(i64, bool, chrono::NaiveDate, i64)> = d::table
                .filter(d::n.ne(0))
                .order((d::unit_id, d::working, d::due_sort))
                .select((d::unit_id, d::working, d::due_sort, d::n))
                .load(&mut conn)
                .unwrap();
            let counted: Vec<(i64, bool, chrono::NaiveDate, i64)> = task_units::table
                .filter(task_units::open)
                .group_by((
                    task_units::unit_id,
                    task_units::working,
                    task_units::due_sort,
                ))
                .order((
                    task_units::unit_id,
                    task_units::working,
                    task_units::due_sort,
                ))
                .select((
                    task_units::unit_id,
                    task_units::working,
                    task_units::due_sort,
                    diesel::dsl::count_star(),
                ))
                .load(&mut conn)
                .unwrap();
            assert!(counted.len() > 100, "{}", counted.len());
            assert_eq!(stored, counted);
        }
        // Everyone's tasks by due day and status, after the writes above.
        use chidao::db::schema::task_day_tallies as t;
        let stored: Vec<(String, chrono::NaiveDate, i64)> = t::table
            .filter(t::n.ne(0))
            .order((t::status, t::due_key))
            .select((t::status, t::due_key, t::n))
            .load(&mut conn)
            .unwrap();
        let counted: Vec<(String, chrono::NaiveDate, i64)> = tasks::table
            .filter(tasks::status.ne("cancelled"))
            .group_by((tasks::status, tasks::due_key))
            .order((tasks::status, tasks::due_key))
            .select((tasks::status, tasks::due_key, diesel::dsl::count_star()))
            .load(&mut conn)
            .unwrap();
        assert!(counted.len() > 100, "{}", counted.len());
        assert_eq!(stored, counted);
        // And by the due key's month.
        use chidao::db::schema::task_month_tallies as m;
        let stored: Vec<(String, chrono::NaiveDate, i64)> = m::table
            .filter(m::n.ne(0))
            .order((m::status, m::due_month))
            .select((m::status, m::due_month, m::n))
            .load(&mut conn)
            .unwrap();
        let mut by_month: Vec<(String, chrono::NaiveDate, i64)> = Vec::new();
        for (status, day, n) in counted {
            let month = chrono::Datelike::with_day(&day, 1).unwrap();
            match by_month.last_mut() {
                Some((s, m, total)) if *s == status && *m == month => *total += n,
                _ => by_month.push((status, month, n)),
            }
        }
        assert!(by_month.len() > 20, "{}", by_month.len());
        assert_eq!(stored, by_month);
        // On PostgreSQL each task names its units for the text index, after all of the above.
        if matches!(conn, chidao::db::DbConn::Pg(_)) {
            #[derive(diesel::QueryableByName)]
            struct Tally {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                wrong: i64,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                shared: i64,
            }
            let t: Tally = diesel::sql_query(
                "SELECT COUNT(*) FILTER (WHERE t.unit_ids IS DISTINCT FROM COALESCE((SELECT \
                 array_agg(unit_id ORDER BY unit_id) FROM task_units WHERE task_id = t.id), \
                 '{}')) AS wrong, COUNT(*) FILTER (WHERE cardinality(t.unit_ids) > 1) AS shared \
                 FROM tasks t",
            )
            .get_result(&mut conn)
            .unwrap();
            assert_eq!(t.wrong, 0);
            assert!(t.shared > 10, "{}", t.shared);
        }
    });
}

/// Each stored tally's rows and weighted sum: equal when the tallies hold the same counts.
fn tally_prints(conn: &mut chidao::db::DbConn) -> Vec<(i64, i64)> {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Print {
        #[diesel(sql_type = BigInt)]
        k: i64,
        #[diesel(sql_type = BigInt)]
        s: i64,
    }
    ["task_tallies", "task_due_tallies", "task_assigned_tallies"]
        .iter()
        .map(|t| {
            let p: Print = diesel::sql_query(format!(
                "SELECT COUNT(*) AS k, CAST(COALESCE(SUM(n * (lead_unit_id + 1)), 0) AS BIGINT) AS s \
                 FROM {t} WHERE n > 0"
            ))
            .get_result(conn)
            .unwrap();
            (p.k, p.s)
        })
        .collect()
}

/// A directive's numbers in the row `data-directive="id"` (or the conference's totals), by
/// bucket, and the links behind them.
fn directive_cells(body: &str, marker: &str) -> Vec<(String, i64)> {
    let row = body
        .split(marker)
        .nth(1)
        .expect("row")
        .split("</tr>")
        .next()
        .unwrap();
    row.split("<a href=\"")
        .skip(1)
        .filter(|a| a.starts_with("/tasks?"))
        .map(|a| {
            let href = a
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&#38;", "&");
            let n = a.split('>').nth(1).unwrap().split('<').next().unwrap();
            (href, n.trim().parse().unwrap())
        })
        .collect()
}

/// Per notice and per conference: the list of directives shows each one's four buckets, a
/// conference's page adds its totals, and every number links to a list of that many tasks.
#[test]
fn directives_and_conferences_show_their_buckets() {
    each_backend(|app| {
        scenario(app);
        let sec = actor(app, Role::Secretariat, None);
        let conf = directive::create_conference(
            &mut app.conn(),
            "Hội nghị giao ban quý III",
            Some(days(-20)),
            "Hà Nội",
            sec.user_id,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        let u = |n: &str| Assignee::Unit(app.unit_id(n));
        let d = NewDirective {
            conference_id: Some(conf),
            number: "3/TB".into(),
            issued_on: days(-20),
            signer: String::new(),
            title: "Kết luận giao ban".into(),
            body: String::new(),
            form_token: crate::support::unique("t"),
            items: [("Quá hạn", -3), ("Còn hạn", 3)]
                .into_iter()
                .map(|(text, due)| NewItem {
                    label: String::new(),
                    text: text.into(),
                    leads: vec![u("Sở KH&CN Lạng Sơn")],
                    coordinators: vec![],
                    due_on: Some(days(due)),
                    recurrence: None,
                    rule: None,
                    until: None,
                })
                .collect(),
        };
        let (in_conf, _) = crate::fixtures::publish_directive(app, &d, sec.user_id);
        let second = directive::page_of(&mut app.conn(), None, 1)
            .unwrap()
            .0
            .into_iter()
            .find(|d| d.number == "2/TB")
            .unwrap()
            .id;

        let mut leader = app.login_as(Role::Leader, None);
        let r = leader.get("/directives");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Hội nghị giao ban quý III"));
        // 2/TB: one done late, one within its deadline, the cancelled one nowhere.
        let cells = directive_cells(&r.body, &format!("data-directive=\"{second}\">"));
        let numbers: Vec<i64> = cells.iter().map(|c| c.1).collect();
        assert_eq!(
            numbers,
            [2, 0, 1, 1, 0],
            "total, on time, late, within, overdue"
        );
        let cells_conf = directive_cells(&r.body, &format!("data-directive=\"{in_conf}\">"));
        assert_eq!(
            cells_conf.iter().map(|c| c.1).collect::<Vec<_>>(),
            [2, 0, 0, 1, 1]
        );
        for (href, n) in cells.iter().chain(&cells_conf) {
            assert_eq!(total_of(&mut leader, href), *n, "{href}");
        }

        let r = leader.get(&format!("/directives?conference={conf}"));
        assert_eq!(r.status, 200);
        assert!(!r.body.contains(&format!("data-directive=\"{second}\"")));
        assert!(r.body.contains(&format!("data-directive=\"{in_conf}\"")));
        let totals = directive_cells(&r.body, &format!("data-conference=\"{conf}\">"));
        assert_eq!(
            totals.iter().map(|c| c.1).collect::<Vec<_>>(),
            [2, 0, 0, 1, 1]
        );
        for (href, n) in &totals {
            assert!(href.contains(&format!("conference={conf}")));
            assert_eq!(total_of(&mut leader, href), *n, "{href}");
        }
        assert_eq!(leader.get("/directives?conference=999999").status, 404);

        // Fifty a page, newest first: fifty newer notices push the older ones to page two.
        for i in 0..50 {
            let d = NewDirective {
                conference_id: None,
                number: format!("{}/TB-MOI", 100 + i),
                issued_on: days(-1),
                signer: String::new(),
                title: "Mới".into(),
                body: String::new(),
                form_token: crate::support::unique("t"),
                items: vec![NewItem {
                    label: String::new(),
                    text: "Việc mới".into(),
                    leads: vec![u("Sở KH&CN Lạng Sơn")],
                    coordinators: vec![],
                    due_on: Some(days(30)),
                    recurrence: None,
                    rule: None,
                    until: None,
                }],
            };
            crate::fixtures::publish_directive(app, &d, sec.user_id);
        }
        let first = leader.get("/directives");
        assert!(first.body.contains("rel=\"next\""));
        assert!(!first.body.contains(&format!("data-directive=\"{second}\"")));
        let two = leader.get("/directives?page=2");
        assert!(two.body.contains(&format!("data-directive=\"{second}\"")));
        assert!(two.body.contains("rel=\"prev\""));

        // Directives are the ministry's view: a unit's people are refused.
        let mut unit = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert_eq!(unit.get("/directives").status, 403);
    });
}
