//! Enumerations stored as text: each maps to its SQL word once, here, for both backends. A
//! stored word the enum does not know is an error when the row is read, never another value.

/// Stores `$t` (which has `as_str` and `parse`) as TEXT on every backend. diesel's derives
/// for using it in queries and reading it from rows are put on a proxy (`foreign_derive`), so
/// the enum itself, in the domain, knows nothing of the database.
macro_rules! text_enum {
    ($t:ty, $what:literal) => {
        const _: () = {
            #[derive(diesel::AsExpression, diesel::FromSqlRow)]
            #[diesel(foreign_derive, sql_type = diesel::sql_types::Text)]
            #[allow(dead_code)]
            struct Proxy($t);
        };

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
text_enum!(crate::domain::status::ReportKind, "report kind");
text_enum!(crate::domain::recurrence::Recurrence, "recurrence");
text_enum!(crate::domain::permissions::Role, "role");
text_enum!(crate::domain::directory::UnitKind, "unit kind");
text_enum!(crate::domain::extension::Decision, "extension decision");
text_enum!(crate::domain::journal::Kind, "journal kind");
text_enum!(crate::domain::explanation::State, "explanation state");
text_enum!(crate::domain::transfer::Kind, "transfer kind");
text_enum!(crate::domain::mail::Kind, "mail kind");
text_enum!(crate::domain::delivery::Status, "outbox status");

/// Stores an id newtype (`domain::ids`) as BIGINT on every backend (derives on a proxy, as for
/// `text_enum`).
macro_rules! bigint_id {
    ($($t:ty),+) => {$(
        const _: () = {
            #[derive(diesel::AsExpression, diesel::FromSqlRow)]
            #[diesel(foreign_derive, sql_type = diesel::sql_types::BigInt)]
            #[allow(dead_code)]
            struct Proxy($t);
        };

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::BigInt, DB> for $t
        where
            DB: diesel::backend::Backend,
            i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <i64 as diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>>::to_sql(&self.0, out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB> for $t
        where
            DB: diesel::backend::Backend,
            i64: diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                i64::from_sql(bytes).map(Self)
            }
        }
    )+};
}

use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId, UserId};
bigint_id!(TaskId, UnitId, UserId, DirectiveId, ItemId);

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    /// Every value is written as its word and read back as itself; a word the enum does not
    /// know is an error when read, never some other value.
    macro_rules! maps_both_ways {
        ($t:ty, $what:literal, [$($unknown:literal),+]) => {{
            let mut conn = SqliteConnection::establish(":memory:").unwrap();
            for value in <$t>::ALL {
                let word: String = diesel::select(value.into_sql::<Text>())
                    .get_result(&mut conn)
                    .unwrap();
                assert_eq!(word, value.as_str());
                let back: $t = diesel::select(sql::<Text>(&format!("'{word}'")))
                    .get_result(&mut conn)
                    .unwrap();
                assert_eq!(back, value);
            }
            for word in [$($unknown),+] {
                let e = diesel::select(sql::<Text>(&format!("'{word}'")))
                    .get_result::<$t>(&mut conn)
                    .unwrap_err();
                assert!(
                    matches!(e, diesel::result::Error::DeserializationError(_)),
                    "{word}: {e:?}"
                );
                assert!(format!("{e:?}").contains(concat!("unknown ", $what)), "{e:?}");
            }
        }};
    }

    #[test]
    fn task_status() {
        maps_both_ways!(
            crate::domain::status::Status,
            "task status",
            ["paused", "", "Assigned"]
        );
    }

    #[test]
    fn report_kind() {
        maps_both_ways!(
            crate::domain::status::ReportKind,
            "report kind",
            ["confirm", "Progress"]
        );
    }

    #[test]
    fn recurrence() {
        maps_both_ways!(
            crate::domain::recurrence::Recurrence,
            "recurrence",
            ["daily", "Monthly"]
        );
    }

    #[test]
    fn unit_kind() {
        maps_both_ways!(
            crate::domain::directory::UnitKind,
            "unit kind",
            ["province ", "bo"]
        );
    }

    #[test]
    fn extension_decision() {
        maps_both_ways!(
            crate::domain::extension::Decision,
            "extension decision",
            ["maybe"]
        );
    }

    #[test]
    fn journal_kind() {
        maps_both_ways!(
            crate::domain::journal::Kind,
            "journal kind",
            ["deleted", "Status"]
        );
    }

    #[test]
    fn mail_kind() {
        maps_both_ways!(
            crate::domain::mail::Kind,
            "mail kind",
            ["newsletter", "Reminder"]
        );
    }

    #[test]
    fn outbox_status() {
        maps_both_ways!(
            crate::domain::delivery::Status,
            "outbox status",
            ["queued", "SENT"]
        );
    }

    #[test]
    fn role() {
        maps_both_ways!(
            crate::domain::permissions::Role,
            "role",
            ["root", "unit head"]
        );
    }

    /// An id is written as its number and read back as the same id, on the BIGINT type.
    #[test]
    fn ids_are_their_numbers() {
        use crate::domain::ids::{TaskId, UnitId};
        use diesel::sql_types::BigInt;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let n: i64 = diesel::select(TaskId(9_007_199_254_740_993).into_sql::<BigInt>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(n, 9_007_199_254_740_993);
        let back: UnitId = diesel::select(sql::<BigInt>("41"))
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(back, UnitId(41));
        assert_eq!(serde_json::to_string(&UnitId(41)).unwrap(), "41");
        assert_eq!("41".parse::<UnitId>(), Ok(UnitId(41)));
    }
}
