//! The command line, run as a separate process.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{backends, Backend, TestApp};

pub fn chidao(app: &TestApp, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .args(args)
        .env("DATABASE_URL", &app.url)
        .env("CHIDAO_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn user_add_and_token_create() {
    for b in backends() {
        let app = TestApp::start(b);
        let (ok, out, err) = chidao(&app, &["migrate"], "");
        assert!(ok, "{err}");
        assert!(out.contains("up to date"));
        let (ok, out, err) = chidao(
            &app,
            &[
                "user",
                "add",
                "--email",
                "gd.bentre@example.vn",
                "--name",
                "Giám đốc",
                "--role",
                "unit_head",
                "--unit",
                "so kh&cn ben tre",
                "--password-stdin",
            ],
            "mat-khau-rat-dai\n",
        );
        assert!(ok, "{out}{err}");
        let u = chidao::models::user::by_email(&mut app.conn(), "gd.bentre@example.vn")
            .unwrap()
            .unwrap()
            .0;
        assert_eq!(
            u.unit_id,
            Some(app.unit_id("Sở KH&CN Vĩnh Long")),
            "a former province's name finds today's unit"
        );
        let mut c = app.client();
        assert_eq!(
            c.login("gd.bentre@example.vn", "mat-khau-rat-dai").status,
            303
        );

        let (ok, _, err) = chidao(
            &app,
            &[
                "user",
                "add",
                "--email",
                "x@example.vn",
                "--name",
                "X",
                "--role",
                "unit_head",
                "--unit",
                "Không có đơn vị này",
                "--password-stdin",
            ],
            "mat-khau-rat-dai",
        );
        assert!(!ok && err.contains("no unit"), "{err}");

        let (ok, token, err) = chidao(
            &app,
            &["token", "create", "--email", "gd.bentre@example.vn"],
            "",
        );
        assert!(ok, "{err}");
        let mut bot = app.client();
        bot.extra_headers
            .push(("Authorization".into(), format!("Bearer {}", token.trim())));
        assert_eq!(bot.get("/api/v1/tasks").status, 200);
        // Listed (number, dates) and revoked from the command line.
        let email = ["--email", "gd.bentre@example.vn"];
        let (ok, list, err) = chidao(&app, &[&["token", "list"][..], &email].concat(), "");
        assert!(ok, "{err}");
        assert_eq!(list.lines().count(), 1, "{list}");
        assert!(list.contains("expires"), "{list}");
        let id = list.split('\t').next().unwrap();
        let revoke = [&["token", "revoke", "--id", id][..], &email].concat();
        let (ok, _, err) = chidao(&app, &revoke, "");
        assert!(ok, "{err}");
        assert_eq!(bot.get("/api/v1/tasks").status, 401);
        assert!(!chidao(&app, &revoke, "").0, "no such token any more");
    }
}

#[test]
fn demo_data_covers_every_status_and_bucket() {
    let app = TestApp::start(Backend::Sqlite);
    let (ok, out, err) = chidao(&app, &["demo"], "");
    assert!(ok, "{err}");
    assert!(out.contains("vanphong@demo.chidao.vn"));
    // The password the command prints is the one that signs in.
    let password = out
        .split("password for all: ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap()
        .to_string();
    let (ok, _, _) = chidao(&app, &["demo"], "");
    assert!(ok, "seeding twice is harmless");
    let mut c = app.client();
    assert_eq!(c.login("thutruong@demo.chidao.vn", &password).status, 303);
    let list = c.get("/api/v1/tasks").json();
    assert!(list["total"].as_i64().unwrap() >= 40);
    for status in ["assigned", "in_progress", "reported", "done", "cancelled"] {
        assert!(
            c.get(&format!("/api/v1/tasks?status={status}")).json()["total"]
                .as_i64()
                .unwrap()
                > 0,
            "{status}"
        );
    }
    for bucket in [
        "done_on_time",
        "done_late",
        "open_within_deadline",
        "open_overdue",
    ] {
        assert!(
            c.get(&format!("/api/v1/tasks?bucket={bucket}")).json()["total"]
                .as_i64()
                .unwrap()
                > 0,
            "{bucket}"
        );
    }
    // Coherent: every change a unit's person made is on a task their unit leads or coordinates.
    use chidao::db::schema::{journal, task_coordinators, tasks, users};
    use diesel::prelude::*;
    let mut conn = app.conn();
    let acts: Vec<(
        chidao::domain::ids::TaskId,
        chidao::domain::ids::UnitId,
        chidao::domain::ids::UnitId,
    )> = journal::table
        .inner_join(users::table)
        .inner_join(tasks::table)
        .filter(users::unit_id.is_not_null())
        .select((
            tasks::id,
            users::unit_id.assume_not_null(),
            tasks::lead_unit_id,
        ))
        .load(&mut conn)
        .unwrap();
    assert!(acts.len() > 20, "units act in the demo");
    for (task, unit, lead) in acts {
        let coordinates: i64 = task_coordinators::table
            .filter(task_coordinators::task_id.eq(task))
            .filter(task_coordinators::unit_id.eq(unit))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert!(
            unit == lead || coordinates > 0,
            "task {task} changed by unit {unit}"
        );
    }
    // A year of history: tasks assigned and finished across the last twelve months.
    let created: Vec<chrono::NaiveDateTime> = tasks::table
        .select(tasks::created_at)
        .load(&mut conn)
        .unwrap();
    let months = |dates: Vec<String>| {
        dates
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let assigned = months(
        created
            .iter()
            .map(|d| d.format("%Y-%m").to_string())
            .collect(),
    );
    let finished: Vec<Option<chrono::NaiveDate>> = tasks::table
        .filter(tasks::status.eq("done"))
        .select(tasks::completed_on)
        .load(&mut conn)
        .unwrap();
    let finished = months(
        finished
            .iter()
            .flatten()
            .map(|d| d.format("%Y-%m").to_string())
            .collect(),
    );
    assert!(
        assigned >= 11 && finished >= 10,
        "assigned in {assigned} months, finished in {finished}"
    );
}

#[test]
fn synthetic_data_at_volume() {
    for b in backends() {
        let app = TestApp::start(b);
        let (ok, out, err) = chidao(&app, &["demo", "--synthetic", "--tasks", "3000"], "");
        assert!(ok, "{err}");
        assert!(out.contains("tasks in"), "{out}");
        let n = app.count("tasks");
        assert!((3000..3100).contains(&n), "{n}");
        assert!(app.count("users") > 2000);
        // The sequence moved past the explicit ids: a new directive still publishes.
        crate::fixtures::publish(&app);
        crate::fixtures::assert_scopes_consistent(&app);
    }
}

#[test]
fn workdays_for_scripts() {
    let app = TestApp::start(Backend::Sqlite);
    let (ok, out, err) = chidao(&app, &["workdays", "add", "2026-02-12", "10"], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "2026-03-05");
    let (_, out, _) = chidao(&app, &["workdays", "add", "2026-02-23", "-1"], "");
    assert_eq!(out.trim(), "2026-02-13");
    let (_, out, _) = chidao(&app, &["workdays", "add", "2026-08-21", "1"], "");
    assert_eq!(out.trim(), "2026-08-22", "a make-up Saturday counts");
    let (_, out, _) = chidao(&app, &["workdays", "check", "2026-02-16"], "");
    assert!(
        out.contains(" off ") && out.contains("Tết Nguyên đán") && out.contains("official"),
        "{out}"
    );
    let (_, out, _) = chidao(&app, &["workdays", "check", "2026-08-22"], "");
    assert!(
        out.contains(" working ") && out.contains("make-up"),
        "{out}"
    );
    let (_, out, _) = chidao(&app, &["workdays", "check", "2027-02-08"], "");
    assert!(
        out.contains(" off ") && out.contains("statutory rule"),
        "{out}"
    );
    let (_, out, err) = chidao(&app, &["workdays", "add", "2027-02-04", "2"], "");
    assert_eq!(out.trim(), "2027-02-15");
    assert!(err.contains("no official schedule for 2027"), "{err}");
    let (ok, _, err) = chidao(&app, &["workdays", "check", "31/02/2026"], "");
    assert!(!ok && err.contains("not a date"));
}

#[test]
fn extract_prints_the_draft_as_json() {
    let app = TestApp::start(Backend::Sqlite);
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extract/formal_notice_2020.txt"
    );
    let (ok, out, err) = chidao(&app, &["extract", file, "--json"], "");
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["number"], "1873/TB-BKHCN");
    assert_eq!(v["issued_on"], "2020-06-12");
    assert_eq!(v["items"].as_array().unwrap().len(), 6);
    let item4 = &v["items"][3];
    assert_eq!(item4["label"], "4");
    assert_eq!(
        item4["lead_units"][0],
        "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia"
    );
    assert_eq!(item4["coordinating_units"].as_array().unwrap().len(), 2);
    assert_eq!(item4["deadline"], "2020-11-30");
    assert_eq!(item4["deadline_text"], "trong tháng 11 năm 2020");
    assert_eq!(
        v["items"][0]["lead_units"].as_array().unwrap().len(),
        34,
        "a group as all its members"
    );
    assert_eq!(v["items"][4]["recurrence"], "monthly");
    assert!(v["items"][5]["deadline"].is_null());
    for key in ["unresolved_units", "text", "deadline_text"] {
        assert!(item4.get(key).is_some(), "{key}");
    }
    // The database's directory: a unit renamed there is found by its new name.
    let (ok, out, _) = chidao(
        &app,
        &[
            "extract",
            file,
            "--json",
            "--database-url",
            &app.url.clone(),
        ],
        "",
    );
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["items"][2]["lead_units"][0], "Cục Sở hữu trí tuệ");
    // --issued-on is used for years and working days when the text does not say them.
    let dir = app.data_dir.join("in.txt");
    std::fs::write(&dir, "Bộ trưởng kết luận như sau:\n1. Giao Vụ Pháp chế rà soát, hoàn thành trước 15/8.\n2. Giao Văn phòng Bộ tổng hợp trong 10 ngày làm việc.").unwrap();
    let (_, out, _) = chidao(
        &app,
        &[
            "extract",
            dir.to_str().unwrap(),
            "--json",
            "--issued-on",
            "2026-02-12",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["items"][0]["deadline"], "2026-08-15");
    assert_eq!(v["items"][1]["deadline"], "2026-03-05");
    // Broken UTF-8 is a clear message, not a crash.
    std::fs::write(&dir, b"Giao V\xff\xfe Ph\xc3").unwrap();
    let (ok, _, err) = chidao(&app, &["extract", dir.to_str().unwrap()], "");
    assert!(!ok && err.contains("not UTF-8"), "{err}");
}

fn rows_in(url: &str, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = chidao::db::establish(url).unwrap();
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut conn)
        .unwrap()
        .n
}

/// A backup taken while people keep writing is a consistent copy; restored into a new data
/// directory it holds every task, report, journal entry, attachment and mail record it was
/// taken with, and the files are the same bytes.
#[test]
fn a_backup_taken_during_writes_comes_back_whole() {
    use chidao::domain::permissions::Role;
    let app = TestApp::start(Backend::Sqlite);
    let p = crate::fixtures::publish(&app);
    let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let v = crate::fixtures::version(&app, p.khtc);
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    let r = head.post_multipart(
        &format!("/tasks/{}/progress", p.khtc),
        &[("version", &v), ("text", "Dự thảo"), ("percent", "40")],
        &[("files", "du-thao.pdf", pdf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let counted = ["journal", "reports", "outbox"];
    let before: Vec<i64> = counted.iter().map(|t| app.count(t)).collect();
    let dir = app.data_dir.join("backup");
    let writing = std::sync::atomic::AtomicBool::new(true);
    let (ok, out, err) = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut n = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) || n < 5 {
                let r = head.post(
                    &format!("/tasks/{}/comment", p.khtc),
                    &[("text", &format!("Ý kiến {n}"))],
                );
                assert_eq!(r.status, 303);
                n += 1;
            }
        });
        let result = chidao(&app, &["backup", dir.to_str().unwrap()], "");
        writing.store(false, std::sync::atomic::Ordering::SeqCst);
        writer.join().unwrap();
        result
    });
    assert!(ok, "{err}");
    assert!(out.contains("attachment files: 1"), "{out}");
    let after: Vec<i64> = counted.iter().map(|t| app.count(t)).collect();
    // Readable by the service's user only.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("chidao.sqlite3"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    // A second backup into the same place is refused rather than mixed.
    assert!(!chidao(&app, &["backup", dir.to_str().unwrap()], "").0);

    let fresh = std::env::temp_dir().join(crate::support::unique("chidao_restored"));
    let restore = |into: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_chidao"))
            .args(["restore", dir.to_str().unwrap()])
            .env_remove("DATABASE_URL")
            .env("CHIDAO_DATA_DIR", into)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let done = restore(&fresh);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let url = format!("sqlite://{}", fresh.join("chidao.sqlite3").display());
    for table in [
        "tasks",
        "attachments",
        "users",
        "directives",
        "directive_items",
    ] {
        assert_eq!(rows_in(&url, table), app.count(table), "{table}");
    }
    // What was written during the backup is in it up to some moment, and nothing half.
    for (i, table) in counted.iter().enumerate() {
        let n = rows_in(&url, table);
        assert!(
            before[i] <= n && n <= after[i],
            "{table}: {} <= {n} <= {}",
            before[i],
            after[i]
        );
    }
    assert_eq!(
        rows_in(&url, "reports") - before[1],
        rows_in(&url, "journal") - before[0],
        "each comment whole: its report and its journal entry"
    );
    let stored = chidao::models::attachment::for_task(&mut app.conn(), p.khtc).unwrap();
    let name = &stored[0].stored_name;
    assert_eq!(
        std::fs::read(fresh.join("attachments").join(name)).unwrap(),
        pdf,
        "the same bytes"
    );
    // Restoring over a database is refused.
    assert!(!restore(&fresh).status.success());
    // Data directories are for the service's user only: the one restore made, and one that
    // was open to all before the service started on it.
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    let open = std::env::temp_dir().join(crate::support::unique("chidao_open"));
    std::fs::create_dir_all(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    let migrated = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("CHIDAO_DATA_DIR", &open)
        .output()
        .unwrap();
    assert!(migrated.status.success());
    let mode = std::fs::metadata(&open).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    let _ = std::fs::remove_dir_all(&open);
    let _ = std::fs::remove_dir_all(&fresh);
}
