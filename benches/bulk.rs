//! Work over many tasks at once. A step over 1,000 tasks picked from a list (a due-date change,
//! a chase), in one all-or-nothing transaction, must take under 2 s; making the next period's
//! tasks of 10,000 recurring items, under 5 s. On SQLite by default; set
//! CHIDAO_BENCH_DATABASE_URL to an empty PostgreSQL database to measure that instead.
//! Run with `cargo bench --bench bulk`.

use std::process::Command;

use chidao::app::bulk::{self, Change};
use chidao::db::schema::{tasks, users};
use chidao::domain::ids::{TaskId, UserId};
use chidao::domain::permissions::{Act, Actor, Role};
use chidao::domain::status::Status;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use diesel::prelude::*;

const PICKED: i64 = 1_000;

/// A database with a few thousand synthetic tasks and one secretariat account, made by the
/// service's own command line.
fn database() -> (String, std::path::PathBuf) {
    static MADE: std::sync::OnceLock<(String, std::path::PathBuf)> = std::sync::OnceLock::new();
    MADE.get_or_init(make_database).clone()
}

fn make_database() -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("chidao-bulk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("CHIDAO_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.sqlite3", dir.display()));
    let chidao = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_chidao"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("CHIDAO_DATA_DIR", &dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "chidao {args:?}");
    };
    chidao(&["demo", "--synthetic", "--tasks", "20000"], "");
    chidao(
        &[
            "user",
            "add",
            "--email",
            "vp@bench.vn",
            "--name",
            "Văn phòng",
            "--role",
            "secretariat",
            "--password-stdin",
        ],
        "chidao-bench-secretariat\n",
    );
    (url, dir)
}

fn bulk_due_change(c: &mut Criterion) {
    let (url, _) = database();
    let mut conn = chidao::db::establish(&url).unwrap();
    let user_id: UserId = users::table
        .filter(users::email.eq("vp@bench.vn"))
        .select(users::id)
        .first(&mut conn)
        .unwrap();
    let actor = Actor {
        user_id,
        role: Role::Secretariat,
        unit_id: None,
    };
    let conn = std::cell::RefCell::new(conn);
    let round = std::cell::Cell::new(0u64);
    c.bench_function("bulk due-date change, 1,000 tasks", |b| {
        b.iter_batched(
            || {
                // The list as the secretariat saw it: ids and the versions shown.
                let picks: Vec<(TaskId, i32)> = tasks::table
                    .filter(tasks::status.eq_any(Status::OPEN))
                    .order(tasks::id)
                    .select((tasks::id, tasks::version))
                    .limit(PICKED)
                    .load(&mut *conn.borrow_mut())
                    .unwrap();
                assert_eq!(picks.len() as i64, PICKED);
                round.set(round.get() + 1);
                picks
            },
            |picks| {
                let due = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
                    + chrono::Days::new(round.get() % 30);
                let change = Change::Due {
                    due: Some(due),
                    reason: "Theo chỉ đạo",
                };
                let n = bulk::apply(&mut conn.borrow_mut(), Act::now(actor), &picks, change)
                    .unwrap()
                    .unwrap();
                assert_eq!(n as i64, PICKED);
            },
            BatchSize::PerIteration,
        )
    });
    // Chasing: one mail per task to the lead unit's people and addresses.
    c.bench_function("bulk chase, 1,000 tasks", |b| {
        b.iter_batched(
            || {
                use chidao::db::schema::{chases, outbox};
                // Today's chases forgotten, so that the same tasks may be chased again.
                let mut conn = conn.borrow_mut();
                diesel::delete(chases::table).execute(&mut *conn).unwrap();
                diesel::delete(outbox::table).execute(&mut *conn).unwrap();
                let picks: Vec<(TaskId, i32)> = tasks::table
                    .filter(tasks::status.eq_any(Status::WORKING))
                    .order(tasks::id)
                    .select((tasks::id, tasks::version))
                    .limit(PICKED)
                    .load(&mut *conn)
                    .unwrap();
                assert_eq!(picks.len() as i64, PICKED);
                picks
            },
            |picks| {
                let change = Change::Chase {
                    note: "Đề nghị khẩn trương",
                };
                let n = bulk::apply(&mut conn.borrow_mut(), Act::now(actor), &picks, change)
                    .unwrap()
                    .unwrap();
                assert_eq!(n as i64, PICKED);
            },
            BatchSize::PerIteration,
        )
    });
}

/// 10,000 quarterly items of one notice, each with this quarter's task for one unit; each
/// round makes the next quarter's 10,000 tasks, as the daily pass does 10 days before it starts.
fn recurring_periods(c: &mut Criterion) {
    use chidao::domain::recurrence::Recurrence;
    use diesel::connection::SimpleConnection;
    const ITEMS: usize = 10_000;
    let (url, dir) = database();
    let mut conn = chidao::db::establish(&url).unwrap();
    let units: Vec<i64> = chidao::db::schema::units::table
        .filter(chidao::db::schema::units::active.eq(true))
        .select(chidao::db::schema::units::id)
        .load(&mut conn)
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let first = Recurrence::Quarterly.period_of(today);
    conn.batch_execute(&format!(
        "INSERT INTO directives (id, number, issued_on, signer, title, body, created_at) \
         VALUES (900000, '9/TB-BENCH', '{}', '', 'Chế độ báo cáo', '', '{} 09:00:00')",
        first.start, first.start
    ))
    .unwrap();
    for chunk in (0..ITEMS).collect::<Vec<_>>().chunks(500) {
        let items: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "({}, 900000, {i}, '{i}', 'Báo cáo hằng quý số {i}', 'quarterly', 'day:15')",
                    900000 + i
                )
            })
            .collect();
        let tasks: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "({}, 900000, {}, 'assigned', '{}', 0, 1, 'bao cao', '{} 09:00:00', '{} 09:00:00', '{}')",
                    900000 + i,
                    units[i % units.len()],
                    first.end,
                    first.start,
                    first.start,
                    first.start
                )
            })
            .collect();
        conn.batch_execute(&format!(
            "INSERT INTO directive_items (id, directive_id, position, label, text, recurrence, due_rule) VALUES {}; \
             INSERT INTO tasks (item_id, directive_id, lead_unit_id, status, due_on, progress, version, search_text, created_at, updated_at, period_start) VALUES {};",
            items.join(", "),
            tasks.join(", ")
        ))
        .unwrap();
    }
    let cal = chidao::models::calendar::load(&mut conn).unwrap();
    let mut latest = first;
    c.bench_function("next period of 10,000 recurring items", |b| {
        b.iter(|| {
            let next = Recurrence::Quarterly.next(latest);
            let day = next.start - chrono::Days::new(10);
            let now = chrono::Utc::now().naive_utc();
            let made = chidao::db::write(&mut conn, |conn| {
                chidao::jobs::recurring::make(conn, &cal, day, now)
            })
            .unwrap();
            assert_eq!(made, ITEMS);
            latest = next;
        })
    });
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bulk_due_change, recurring_periods
}
criterion_main!(benches);
