//! The identities of the service's records, one type each, so that a unit's id can never be
//! passed where a task's is meant. Stored as BIGINT on both backends (`db::ids`), written and
//! read as the bare number (addresses, forms, JSON).

macro_rules! id_type {
    ($($(#[$doc:meta])* $t:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $t(pub i64);

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$t> for i64 {
            fn from(id: $t) -> i64 {
                id.0
            }
        }

        impl std::str::FromStr for $t {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($t)
            }
        }
    )+};
}

id_type!(
    /// A task: one lead unit's share of one item.
    TaskId,
    /// A unit of the directory.
    UnitId,
    /// A person's account.
    UserId,
    /// A published notice.
    DirectiveId,
    /// One numbered item of a notice.
    ItemId,
);
