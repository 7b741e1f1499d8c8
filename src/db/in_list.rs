//! `column IN (…)` written so that each connection prepares the statement once. diesel's
//! `eq_any` writes `IN (?, ?, …)` on SQLite and marks the statement uncacheable, whatever the
//! list: a list page's rows, a task's coordinators and an inbox's sections were prepared afresh
//! on every request.
//!
//! - Ids (`id_in`): PostgreSQL reads them from one array (`= ANY`, as diesel writes it there
//!   too). SQLite gets a list of placeholders padded to the next power of two with the last id
//!   repeated, so a connection keeps a handful of statements per query and the planner still
//!   sees a short list to look up; a longer list travels as one JSON text (`json_each`), which
//!   the planner may answer by a scan of a small table.
//! - A fixed set of an enumeration's words (`word_in`): written into the SQL itself, which
//!   then never changes (the words are the enum's own, never input).

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use super::MultiBackend;
use crate::domain::Word;

/// A true-or-false condition on one column, wherever the column may appear; cached by its SQL
/// text (which changes with the list only where said).
macro_rules! condition_on_column {
    ($t:ident) => {
        impl<C: Expression> Expression for $t<C> {
            type SqlType = Bool;
        }

        impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for $t<C> {}

        impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for $t<C> {}

        impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for $t<C> {
            type IsAggregate = C::IsAggregate;
        }

        impl<C> QueryId for $t<C> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}

/// The longest list SQLite gets as placeholders (in statements of 1, 2, 4, … 256 of them).
const PADDED_UP_TO: usize = 256;

pub struct IdIn<C> {
    column: C,
    ids: Vec<i64>,
    /// The same ids as a JSON array, the one value SQLite binds for a long list.
    json: String,
}

/// `column IN (ids)`, for any id newtype or bare number; an empty list matches nothing.
pub fn id_in<C, I: Copy + Into<i64>>(column: C, ids: &[I]) -> IdIn<C> {
    let ids: Vec<i64> = ids.iter().map(|&id| id.into()).collect();
    let mut json = String::new();
    if ids.len() > PADDED_UP_TO {
        let words: Vec<String> = ids.iter().map(i64::to_string).collect();
        json = format!("[{}]", words.join(","));
    }
    IdIn { column, ids, json }
}

condition_on_column!(IdIn);

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for IdIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        if self.ids.len() > PADDED_UP_TO {
            out.push_sql(" IN (SELECT value FROM json_each(");
            out.push_bind_param::<Text, String>(&self.json)?;
            out.push_sql("))");
            return Ok(());
        }
        // SQLite takes an empty list (`IN ()` is false).
        out.push_sql(" IN (");
        if let Some(last) = self.ids.last() {
            let padding = self.ids.len().next_power_of_two() - self.ids.len();
            let padded = self.ids.iter().chain(std::iter::repeat_n(last, padding));
            for (i, id) in padded.enumerate() {
                if i > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<BigInt, i64>(id)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for IdIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<BigInt>, Vec<i64>>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C: QueryFragment<Pg> + QueryFragment<Sqlite>> QueryFragment<MultiBackend> for IdIn<C> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

pub struct WordIn<C> {
    column: C,
    /// `('a', 'b')`.
    list: String,
}

/// `column IN ('a', 'b')` from an enumeration's words; an empty set matches nothing.
pub fn word_in<C, W: Word>(column: C, words: &[W]) -> WordIn<C> {
    WordIn {
        column,
        list: crate::domain::sql_list(words),
    }
}

condition_on_column!(WordIn);

/// The same text on every backend.
impl<C: QueryFragment<DB>, DB: diesel::backend::Backend> QueryFragment<DB> for WordIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN ");
        out.push_sql(&self.list);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::tasks;
    use crate::domain::ids::TaskId;
    use crate::domain::status::Status;
    use diesel::prelude::*;

    fn sqlite_text(ids: &[TaskId]) -> String {
        let q = tasks::table.filter(id_in(tasks::id, ids)).select(tasks::id);
        diesel::debug_query::<Sqlite, _>(&q).to_string()
    }

    /// The statement's text changes only at powers of two (so a connection prepares a
    /// handful per query), a long list travels as one value, and PostgreSQL binds one array.
    #[test]
    fn few_texts_whatever_the_ids() {
        let ids: Vec<TaskId> = (1..=300).map(TaskId).collect();
        let sql = |n: usize| {
            let text = sqlite_text(&ids[..n]);
            text.split(" -- binds").next().unwrap().to_string()
        };
        assert_eq!(sql(3), sql(4));
        assert_ne!(sql(4), sql(5));
        assert_eq!(sql(5), sql(8));
        assert!(sql(3).ends_with("IN (?, ?, ?, ?)"), "{}", sql(3));
        assert!(sqlite_text(&ids[..3]).contains("[1, 2, 3, 3]"));
        assert!(sql(0).ends_with("IN ()"), "{}", sql(0));
        assert_eq!(sql(257), sql(300));
        assert!(sql(300).contains("json_each(?)"), "{}", sql(300));
        assert!(sqlite_text(&ids[..257]).contains("[\"[1,2,3,"));
        let q = tasks::table
            .filter(id_in(tasks::id, &[TaskId(7), TaskId(8)]))
            .select(tasks::id);
        let pg = diesel::debug_query::<Pg, _>(&q).to_string();
        assert!(pg.contains("= ANY($1)") && pg.contains("[7, 8]"), "{pg}");
    }

    diesel::table! {
        things (id) {
            id -> BigInt,
            status -> Text,
        }
    }

    /// On a real connection (SQLite in memory): the ids and the words pick the rows they name,
    /// an empty list none.
    #[test]
    fn picks_what_it_names() {
        use diesel::connection::SimpleConnection;
        let mut conn = crate::db::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE things (id BIGINT PRIMARY KEY, status TEXT NOT NULL);
             INSERT INTO things VALUES (1, 'assigned'), (2, 'done'), (3, 'in_progress'),
                                       (4, 'reported'), (5, 'done');",
        )
        .unwrap();
        let mut picked = |ids: &[i64], words: &[Status]| -> Vec<i64> {
            things::table
                .filter(id_in(things::id, ids).or(word_in(things::status, words)))
                .order(things::id)
                .select(things::id)
                .load(&mut conn)
                .unwrap()
        };
        assert_eq!(picked(&[], &[]), Vec::<i64>::new());
        assert_eq!(picked(&[2, 5, 9], &[]), vec![2, 5]);
        assert_eq!(picked(&[], &Status::WORKING), vec![1, 3]);
        assert_eq!(picked(&[4], &Status::WORKING), vec![1, 3, 4]);
        let many: Vec<i64> = (2..=600).step_by(3).collect();
        assert_eq!(picked(&many, &[]), vec![2, 5]);
    }
}
