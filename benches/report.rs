//! The periodic report at national scale: a year's report for the whole ministry over
//! 1,000,000 synthetic tasks must be made in under 2 s (its Word file included). On SQLite by
//! default; set CHIDAO_BENCH_DATABASE_URL to an empty PostgreSQL database to measure that
//! instead, CHIDAO_BENCH_TASKS for another volume. Run with `cargo bench --bench report`.

use std::process::Command;

use chidao::app::periodic::{self, Request};
use chidao::domain::dates::Moment;
use chidao::domain::permissions::{Actor, Role};
use chidao::models::tally::{Axis, Scope};
use chidao::reports::stats::{self, Preset};
use criterion::{criterion_group, criterion_main, Criterion};
use diesel::prelude::*;

/// A database of synthetic tasks and a secretariat account, made by the service's own command
/// line.
fn database() -> String {
    let dir = std::env::temp_dir().join(format!("chidao-report-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("CHIDAO_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.sqlite3", dir.display()));
    let tasks = std::env::var("CHIDAO_BENCH_TASKS").unwrap_or_else(|_| "1000000".into());
    let status = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .args(["demo", "--synthetic", "--tasks", &tasks])
        .env("DATABASE_URL", &url)
        .env("CHIDAO_DATA_DIR", &dir)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    url
}

fn year_report(c: &mut Criterion) {
    use chidao::db::schema::users;
    let url = database();
    let mut conn = chidao::db::establish(&url).unwrap();
    // Any account will do as the reader: the report is the ministry's, not a unit's.
    let user_id = users::table.select(users::id).first(&mut conn).unwrap();
    let actor = Actor {
        user_id,
        role: Role::Secretariat,
        unit_id: None,
    };
    let today = Moment::now().today;
    let req = Request {
        preset: Preset::Year,
        period: stats::period(Preset::Year, today, (None, None)),
        axis: Axis::Due,
        scope: Scope::All,
    };
    let conn = std::cell::RefCell::new(conn);
    let report = periodic::draft(&mut conn.borrow_mut(), &actor, &req, None, today).unwrap();
    eprintln!(
        "a year's report: {} tasks counted, {} units, {} overdue",
        report.all.total(),
        report.units.len(),
        report.overdue_total
    );
    let mut group = c.benchmark_group("periodic report");
    group.sample_size(10);
    group.bench_function("a year, whole ministry, figures and grades", |b| {
        b.iter(|| periodic::draft(&mut conn.borrow_mut(), &actor, &req, None, today).unwrap())
    });
    group.bench_function("a year, whole ministry, as Word", |b| {
        b.iter(|| {
            let r = periodic::draft(&mut conn.borrow_mut(), &actor, &req, None, today).unwrap();
            chidao::reports::docx::write(&r).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, year_report);
criterion_main!(benches);
