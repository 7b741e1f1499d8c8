//! The triggers that keep the stored tallies (`task_tallies`, `task_due_tallies`,
//! `task_assigned_tallies`, `task_day_tallies`, `task_month_tallies`) in step with `tasks`,
//! written once for both backends.
//!
//! Each tally's key is described once below; the triggers that count a row in and out, and the
//! full recount, are generated from it in each dialect, with the status and outcome words taken
//! from their enums (`Outcome::sql` is the one rule). `install` runs after the migrations: it
//! compares the generated text with what the database holds and, when they differ (a new
//! database, or a rule changed in code), replaces the triggers and counts the tallies again, in
//! one transaction, so no write ever meets a half-installed rule.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::schema::installed_sql;
use crate::db::DbConn;
use crate::domain::status::Status;
use crate::reports::tallies::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The columns of `tasks` that decide a task's tally keys: only writes to these wake the
/// triggers.
const KEY_COLUMNS: &str = "lead_unit_id, status, due_on, completed_on, created_at";

/// The expressions of a tally key over one task row: `NEW`, `OLD`, or the table itself.
struct Row {
    dialect: Dialect,
    prefix: &'static str,
}

impl Row {
    fn col(&self, c: &str) -> String {
        format!("{}{c}", self.prefix)
    }

    /// "No due date" / "not completed": NULLs never collide in a unique key, so the upsert
    /// would not find its row.
    fn never(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "'9999-12-01'",
            Dialect::Postgres => "DATE '9999-12-01'",
        }
    }

    fn month(&self, c: &str) -> String {
        let c = self.col(c);
        let month = match self.dialect {
            Dialect::Sqlite => format!("date({c}, 'start of month')"),
            Dialect::Postgres => format!("date_trunc('month', {c})::date"),
        };
        format!("COALESCE({month}, {})", self.never())
    }

    /// Assignment months are Vietnamese months; stored times are UTC.
    fn assigned_month(&self) -> String {
        let c = self.col("created_at");
        match self.dialect {
            Dialect::Sqlite => format!("date({c}, '+7 hours', 'start of month')"),
            Dialect::Postgres => format!("date_trunc('month', {c} + INTERVAL '7 hours')::date"),
        }
    }

    fn key(&self, part: Key) -> String {
        match part {
            Key::DueMonth => self.month("due_on"),
            Key::DoneMonth => self.month("completed_on"),
            Key::AssignedMonth => self.assigned_month(),
            Key::Unit => self.col("lead_unit_id"),
            Key::DueDay => self.col("due_key"),
            Key::DueKeyMonth => self.month("due_key"),
            Key::Status => self.col("status"),
            Key::Outcome => Outcome::sql(|c| self.col(c)),
            // A done task's bucket does not depend on its due month: one row for them all.
            Key::DueMonthIfOpen => format!(
                "CASE WHEN {} THEN {} ELSE {} END",
                Status::Done.sql_eq(&self.col("status")),
                self.never(),
                self.month("due_on")
            ),
        }
    }

    /// Cancelled tasks count nowhere.
    fn counted(&self) -> String {
        format!("{} <> '{}'", self.col("status"), Status::Cancelled)
    }
}

#[derive(Clone, Copy)]
enum Key {
    DueMonth,
    DoneMonth,
    AssignedMonth,
    Unit,
    Outcome,
    DueMonthIfOpen,
    /// The due date or, for none, the day after every real one (the task's generated column,
    /// computed before an AFTER trigger sees the row).
    DueDay,
    /// The month of the due key.
    DueKeyMonth,
    Status,
}

/// Each tally: its table and its key's columns (its primary key), each with what it holds.
const TALLIES: [(&str, &[(&str, Key)]); 5] = [
    (
        "task_tallies",
        &[
            ("due_month", Key::DueMonth),
            ("lead_unit_id", Key::Unit),
            ("outcome", Key::Outcome),
            ("assigned_month", Key::AssignedMonth),
            ("done_month", Key::DoneMonth),
        ],
    ),
    (
        "task_due_tallies",
        &[
            ("due_month", Key::DueMonth),
            ("lead_unit_id", Key::Unit),
            ("outcome", Key::Outcome),
        ],
    ),
    (
        "task_assigned_tallies",
        &[
            ("assigned_month", Key::AssignedMonth),
            ("lead_unit_id", Key::Unit),
            ("outcome", Key::Outcome),
            ("due_month", Key::DueMonthIfOpen),
        ],
    ),
    // The lists' totals over a due range (`listing`): a day's tasks by status.
    (
        "task_day_tallies",
        &[("due_key", Key::DueDay), ("status", Key::Status)],
    ),
    // The same by month, for the whole months of a long range (`dates::month_spans`).
    (
        "task_month_tallies",
        &[("due_month", Key::DueKeyMonth), ("status", Key::Status)],
    ),
];

fn columns(key: &[(&str, Key)]) -> String {
    key.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

/// Statements that count `row` into every tally.
fn count_in(row: &Row) -> String {
    TALLIES
        .iter()
        .map(|(table, key)| {
            let values: Vec<String> = key.iter().map(|(_, k)| row.key(*k)).collect();
            format!(
                "INSERT INTO {table} ({cols}, n) VALUES ({values}, 1) \
                 ON CONFLICT ({cols}) DO UPDATE SET n = {table}.n + 1;\n",
                cols = columns(key),
                values = values.join(", ")
            )
        })
        .collect()
}

/// Statements that count `row` out of every tally.
fn count_out(row: &Row) -> String {
    TALLIES
        .iter()
        .map(|(table, key)| {
            let matches: Vec<String> = key
                .iter()
                .map(|(c, k)| format!("{c} = {}", row.key(*k)))
                .collect();
            format!(
                "UPDATE {table} SET n = n - 1 WHERE {};\n",
                matches.join(" AND ")
            )
        })
        .collect()
}

/// Every tally emptied and counted again from the tasks.
fn recount(dialect: Dialect) -> String {
    let row = Row {
        dialect,
        prefix: "",
    };
    TALLIES
        .iter()
        .map(|(table, key)| {
            let values: Vec<String> = key.iter().map(|(_, k)| row.key(*k)).collect();
            let groups: Vec<String> = (1..=key.len()).map(|i| i.to_string()).collect();
            format!(
                "DELETE FROM {table};\nINSERT INTO {table} ({cols}, n) SELECT {values}, COUNT(*) \
                 FROM tasks WHERE {counted} GROUP BY {groups};\n",
                cols = columns(key),
                values = values.join(", "),
                counted = row.counted(),
                groups = groups.join(", ")
            )
        })
        .collect()
}

/// The triggers, replacing whatever an earlier version installed. An update is the old row
/// counted out and the new one counted in.
pub fn triggers(dialect: Dialect) -> String {
    let new = Row {
        dialect,
        prefix: "NEW.",
    };
    let old = Row {
        dialect,
        prefix: "OLD.",
    };
    match dialect {
        Dialect::Sqlite => format!(
            "DROP TRIGGER IF EXISTS tasks_tally_insert;\n\
             DROP TRIGGER IF EXISTS tasks_tally_forget;\n\
             DROP TRIGGER IF EXISTS tasks_tally_update_old;\n\
             DROP TRIGGER IF EXISTS tasks_tally_update_new;\n\
             CREATE TRIGGER tasks_tally_insert AFTER INSERT ON tasks WHEN {new_counted} BEGIN\n{count_new}END;\n\
             CREATE TRIGGER tasks_tally_forget AFTER DELETE ON tasks WHEN {old_counted} BEGIN\n{count_old}END;\n\
             CREATE TRIGGER tasks_tally_update_old AFTER UPDATE OF {KEY_COLUMNS} ON tasks \
             WHEN {old_counted} BEGIN\n{count_old}END;\n\
             CREATE TRIGGER tasks_tally_update_new AFTER UPDATE OF {KEY_COLUMNS} ON tasks \
             WHEN {new_counted} BEGIN\n{count_new}END;\n",
            new_counted = new.counted(),
            old_counted = old.counted(),
            count_new = count_in(&new),
            count_old = count_out(&old),
        ),
        Dialect::Postgres => format!(
            "CREATE OR REPLACE FUNCTION tasks_tally() RETURNS trigger LANGUAGE plpgsql AS $$\n\
             BEGIN\n\
             IF TG_OP IN ('UPDATE', 'DELETE') AND {old_counted} THEN\n{count_old}END IF;\n\
             IF TG_OP IN ('UPDATE', 'INSERT') AND {new_counted} THEN\n{count_new}END IF;\n\
             RETURN NULL;\n\
             END $$;\n\
             DROP TRIGGER IF EXISTS tasks_tally ON tasks;\n\
             CREATE TRIGGER tasks_tally AFTER INSERT OR DELETE OR UPDATE OF {KEY_COLUMNS} \
             ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_tally();\n\
             DROP FUNCTION IF EXISTS task_tally_key(tasks);\n\
             DROP FUNCTION IF EXISTS task_assigned_due(TEXT, DATE);\n",
            new_counted = new.counted(),
            old_counted = old.counted(),
            count_new = count_in(&new),
            count_old = count_out(&old),
        ),
    }
}

const NAME: &str = "tally_triggers";

/// Installs the triggers and recounts the tallies if the database holds another version of
/// them; true when it did. Instances starting together take turns (PostgreSQL: an advisory
/// lock; SQLite: the write lock), and the later ones find the work done.
pub fn install(conn: &mut DbConn) -> anyhow::Result<bool> {
    let dialect = match conn {
        DbConn::Sqlite(_) => Dialect::Sqlite,
        DbConn::Pg(_) => Dialect::Postgres,
    };
    let text = triggers(dialect);
    crate::db::write(conn, |conn| {
        if dialect == Dialect::Postgres {
            // Any fixed number: this lock is only ever taken here.
            conn.batch_execute("SELECT pg_advisory_xact_lock(7249001)")?;
        }
        let installed: Option<String> = installed_sql::table
            .find(NAME)
            .select(installed_sql::body)
            .first(conn)
            .optional()?;
        if installed.as_deref() == Some(text.as_str()) {
            return Ok(false);
        }
        conn.batch_execute(&text)?;
        conn.batch_execute(&recount(dialect))?;
        diesel::delete(installed_sql::table.find(NAME)).execute(conn)?;
        diesel::insert_into(installed_sql::table)
            .values((installed_sql::name.eq(NAME), installed_sql::body.eq(&text)))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(true)
    })
    .map_err(anyhow::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_come_from_the_enums_and_every_tally_is_kept() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let t = triggers(d);
            for (table, _) in TALLIES {
                assert!(
                    t.contains(&format!("INSERT INTO {table} ")),
                    "{d:?} {table}"
                );
                assert!(t.contains(&format!("UPDATE {table} SET n = n - 1")));
                assert!(recount(d).contains(&format!("INSERT INTO {table} ")));
            }
            assert!(t.contains("NEW.status <> 'cancelled'"));
            assert!(t.contains("WHEN NEW.status IN ('assigned', 'in_progress') THEN 'open'"));
        }
    }

    /// `Outcome::sql`, evaluated by SQLite over every status and order of dates, says what
    /// `Outcome::of` says.
    #[test]
    fn the_sql_rule_is_the_rust_rule() {
        use chrono::NaiveDate;
        use diesel::sql_types::{Nullable, Text};
        #[derive(QueryableByName)]
        struct Got {
            #[diesel(sql_type = Text)]
            outcome: String,
        }
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        let sql = format!(
            "SELECT {} AS outcome FROM (SELECT ? AS status, ? AS due_on, ? AS completed_on)",
            Outcome::sql(|c| c.to_string())
        );
        for status in Status::ALL.into_iter().filter(|s| *s != Status::Cancelled) {
            for due in [None, day(10)] {
                for completed in [None, day(9), day(10), day(11)] {
                    let show = |d: Option<NaiveDate>| d.map(|d| d.to_string());
                    let got: Got = diesel::sql_query(&sql)
                        .bind::<Text, _>(status.as_str())
                        .bind::<Nullable<Text>, _>(show(due))
                        .bind::<Nullable<Text>, _>(show(completed))
                        .get_result(&mut conn)
                        .unwrap();
                    let want = Outcome::of(status, due, completed).unwrap();
                    assert_eq!(got.outcome, want.as_str(), "{status} {due:?} {completed:?}");
                }
            }
        }
        assert_eq!(Outcome::of(Status::Cancelled, None, None), None);
    }
}
