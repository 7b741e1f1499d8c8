//! Enumerations stored as text: each maps to its SQL word once, here, for both backends. A
//! stored word the enum does not know is an error when the row is read, never another value.

/// Stores `$t` (which has `as_str` and `parse`) as TEXT on every backend.
macro_rules! text_enum {
    ($t:ty, $what:literal) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let word = String::from_sql(bytes)?;
                <$t>::parse(&word).ok_or_else(|| format!("unknown {} {word:?}", $what).into())
            }
        }
    };
}

text_enum!(crate::domain::status::Status, "task status");
text_enum!(crate::domain::recurrence::Recurrence, "recurrence");

#[cfg(test)]
mod tests {
    use crate::domain::status::Status;
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    fn read<T>(conn: &mut SqliteConnection, literal: &str) -> QueryResult<T>
    where
        T: diesel::deserialize::FromSqlRow<Text, diesel::sqlite::Sqlite> + 'static,
    {
        diesel::select(sql::<Text>(literal)).get_result(conn)
    }

    #[test]
    fn every_status_is_written_and_read_back_as_its_word() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for s in Status::ALL {
            let word: String = diesel::select(s.into_sql::<Text>())
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(word, s.as_str());
            assert_eq!(read::<Status>(&mut conn, &format!("'{word}'")).unwrap(), s);
        }
    }

    #[test]
    fn every_recurrence_is_written_and_read_back_and_no_other() {
        use crate::domain::recurrence::Recurrence;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for r in Recurrence::ALL {
            let word: String = diesel::select(r.into_sql::<Text>())
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(
                read::<Recurrence>(&mut conn, &format!("'{word}'")).unwrap(),
                r
            );
        }
        assert!(read::<Recurrence>(&mut conn, "'daily'").is_err());
    }

    #[test]
    fn an_unknown_stored_status_is_an_error_not_another_status() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for word in ["'paused'", "''", "'Assigned'"] {
            let e = read::<Status>(&mut conn, word).unwrap_err();
            assert!(
                matches!(e, diesel::result::Error::DeserializationError(_)),
                "{word}: {e:?}"
            );
            assert!(format!("{e:?}").contains("unknown task status"), "{e:?}");
        }
    }
}
