//! Steps over many tasks at once: a due-date change over 1,000 tasks picked from a list, in one
//! all-or-nothing transaction, must take under 2 s. On SQLite by default; set
//! CHIDAO_BENCH_DATABASE_URL to an empty PostgreSQL database to measure that instead.
//! Run with `cargo bench --bench bulk`.

use std::process::Command;

use chidao::app::bulk::{self, Change};
use chidao::db::schema::{tasks, users};
use chidao::domain::dates::Moment;
use chidao::domain::ids::{TaskId, UserId};
use chidao::domain::permissions::{Actor, Role};
use chidao::domain::status::Status;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use diesel::prelude::*;

const PICKED: i64 = 1_000;

/// A database with a few thousand synthetic tasks and one secretariat account, made by the
/// service's own command line.
fn database() -> (String, std::path::PathBuf) {
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
    let (url, dir) = database();
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
                let n = bulk::apply(
                    &mut conn.borrow_mut(),
                    &actor,
                    &picks,
                    change,
                    Moment::now(),
                )
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
                let n = bulk::apply(
                    &mut conn.borrow_mut(),
                    &actor,
                    &picks,
                    change,
                    Moment::now(),
                )
                .unwrap()
                .unwrap();
                assert_eq!(n as i64, PICKED);
            },
            BatchSize::PerIteration,
        )
    });
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bulk_due_change
}
criterion_main!(benches);
