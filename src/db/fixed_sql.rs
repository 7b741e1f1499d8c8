//! SQL text the statement cache may keep. diesel's `sql()` literal marks every statement that
//! holds it as never to be cached (it cannot tell fixed text from text made of input), so SQLite
//! prepared a list's walk, its keyset condition and its stored total afresh on every page: a
//! twentieth of the page. `Fixed` holds text made only of code and enum words, never of input,
//! with its values bound; a statement holding it is cached by its text like any other.
//! (A text search's words stay in `sql()` on purpose: PostgreSQL plans each search for its own
//! words.)

use std::marker::PhantomData;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{TypedExpressionType, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Date, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use super::MultiBackend;

/// A value bound into fixed text.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    Date(NaiveDate),
    Time(NaiveDateTime),
    Id(i64),
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Value(Bound),
}

/// Fixed SQL text of type `ST`, with values bound where it says.
#[derive(Debug, Clone)]
pub struct Fixed<ST> {
    parts: Vec<Part>,
    st: PhantomData<ST>,
}

/// `text`, which must be made of code and enum words only.
pub fn fixed<ST>(text: impl Into<String>) -> Fixed<ST> {
    Fixed {
        parts: vec![Part::Text(text.into())],
        st: PhantomData,
    }
}

impl<ST> Fixed<ST> {
    /// A value bound after the text so far.
    pub fn bind(mut self, value: Bound) -> Self {
        self.parts.push(Part::Value(value));
        self
    }

    /// More fixed text.
    pub fn sql(mut self, text: &str) -> Self {
        self.parts.push(Part::Text(text.to_string()));
        self
    }

    fn walk<'b, DB>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: Backend
            + diesel::sql_types::HasSqlType<Date>
            + diesel::sql_types::HasSqlType<Timestamp>
            + diesel::sql_types::HasSqlType<BigInt>,
        NaiveDate: diesel::serialize::ToSql<Date, DB>,
        NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
        i64: diesel::serialize::ToSql<BigInt, DB>,
    {
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_sql(t),
                Part::Value(Bound::Date(d)) => out.push_bind_param::<Date, _>(d)?,
                Part::Value(Bound::Time(t)) => out.push_bind_param::<Timestamp, _>(t)?,
                Part::Value(Bound::Id(id)) => out.push_bind_param::<BigInt, _>(id)?,
            }
        }
        Ok(())
    }
}

impl<ST: TypedExpressionType> Expression for Fixed<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for Fixed<ST> where Fixed<ST>: Expression {}

impl<ST, QS> SelectableExpression<QS> for Fixed<ST> where Fixed<ST>: Expression {}

impl<ST, GB> ValidGrouping<GB> for Fixed<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST> QueryId for Fixed<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> QueryFragment<Sqlite> for Fixed<ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.walk(out)
    }
}

impl<ST> QueryFragment<Pg> for Fixed<ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.walk(out)
    }
}

impl<ST> QueryFragment<MultiBackend> for Fixed<ST> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::tasks;
    use diesel::prelude::*;
    use diesel::sql_types::Bool;

    /// A statement holding fixed text is one the cache may keep, with its values bound; one
    /// holding diesel's literal is not.
    #[test]
    fn fixed_text_is_cacheable() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let after = || {
            fixed::<Bool>("(tasks.due_key, tasks.id) > (")
                .bind(Bound::Date(day))
                .sql(", ")
                .bind(Bound::Id(7))
                .sql(")")
        };
        let q = tasks::table
            .filter(after())
            .select(tasks::id)
            .into_boxed::<Sqlite>();
        assert!(QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&q, &Sqlite).unwrap());
        let text = diesel::debug_query::<Sqlite, _>(&q).to_string();
        assert!(
            text.contains("(tasks.due_key, tasks.id) > (?, ?)") && text.contains("2026-03-09"),
            "{text}"
        );
        let literal = tasks::table
            .filter(diesel::dsl::sql::<Bool>("tasks.id > 7"))
            .select(tasks::id);
        assert!(!QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&literal, &Sqlite).unwrap());
        let pg = tasks::table.filter(after()).select(tasks::id);
        let pg = diesel::debug_query::<Pg, _>(&pg).to_string();
        assert!(pg.contains("> ($1, $2)"), "{pg}");
    }
}
