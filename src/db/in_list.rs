//! `column IN (…)` written so that each connection prepares the statement once. diesel's
//! `eq_any` writes `IN (?, ?, …)` on SQLite and marks the statement uncacheable, whatever the
//! list: a list page's rows, a task's coordinators and an inbox's sections were prepared afresh
//! on every request.
//!
//! - Ids (`id_in`), any number of them: SQLite reads them from one JSON text (`json_each`),
//!   PostgreSQL from one array (`= ANY`, as diesel writes it there too).
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

pub struct IdIn<C> {
    column: C,
    ids: Vec<i64>,
    /// The same ids as a JSON array, the one value SQLite binds.
    json: String,
}

/// `column IN (ids)`, for any id newtype or bare number; an empty list matches nothing.
pub fn id_in<C, I: Copy + Into<i64>>(column: C, ids: &[I]) -> IdIn<C> {
    let ids: Vec<i64> = ids.iter().map(|&id| id.into()).collect();
    let mut json = String::with_capacity(ids.len() * 8 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&id.to_string());
    }
    json.push(']');
    IdIn { column, ids, json }
}

impl<C: Expression> Expression for IdIn<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for IdIn<C> {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for IdIn<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for IdIn<C> {
    type IsAggregate = C::IsAggregate;
}

/// Cached by its SQL text, which does not change with the ids.
impl<C> QueryId for IdIn<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for IdIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, String>(&self.json)?;
        out.push_sql("))");
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
    let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.word())).collect();
    let list = if quoted.is_empty() {
        "(NULL)".to_string()
    } else {
        format!("({})", quoted.join(", "))
    };
    WordIn { column, list }
}

impl<C: Expression> Expression for WordIn<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for WordIn<C> {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for WordIn<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for WordIn<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for WordIn<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for WordIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
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

    /// The statement's text does not change with the ids (so a connection prepares it once),
    /// and the ids travel as one value on each backend.
    #[test]
    fn one_text_whatever_the_ids() {
        let one = sqlite_text(&[TaskId(7)]);
        let three = sqlite_text(&[TaskId(7), TaskId(8), TaskId(9)]);
        let sql = |s: &str| s.split(" -- binds").next().unwrap().to_string();
        assert_eq!(sql(&one), sql(&three));
        assert!(one.contains("json_each(?)"), "{one}");
        assert!(three.contains("[\"[7,8,9]\"]"), "{three}");
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
    }
}
