//! The database at the edge: one connection type over SQLite and PostgreSQL, a pool, migrations.

mod enums;
mod fixed_sql;
mod in_list;
pub mod lease;
pub mod schema;
pub mod tally_triggers;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Every query in the service runs on this; diesel generates `MultiBackend` for it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub use fixed_sql::{fixed, Bound, Fixed};
pub use in_list::{id_in, word_in};

/// A row asked for by what names it (an id in a path): none is the service's "not found",
/// any other failure the database's.
pub trait Found<T> {
    fn found(self) -> Result<T, crate::error::AppError>;
}

impl<T> Found<T> for QueryResult<T> {
    fn found(self) -> Result<T, crate::error::AppError> {
        self.optional()?.ok_or(crate::error::AppError::NotFound)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// `SELECT picked FROM table WHERE key = value` as a subquery, for `column IN (…)`.
macro_rules! among {
    ($t:ident, $key:ident = $v:expr, $picked:ident) => {
        $t::table.filter($t::$key.eq($v)).select($t::$picked)
    };
}
pub(crate) use among;

/// Raw SQL written with `?` placeholders, in the form this connection's backend takes
/// (PostgreSQL numbers them: `$1`, `$2`, ...). The text must not hold a literal `?`.
pub fn placeholders(conn: &DbConn, sql: &str) -> String {
    match conn {
        DbConn::Sqlite(_) => sql.to_string(),
        DbConn::Pg(_) => {
            let mut out = String::with_capacity(sql.len() + 16);
            for (i, part) in sql.split('?').enumerate() {
                if i > 0 {
                    out.push('$');
                    out.push_str(&i.to_string());
                }
                out.push_str(part);
            }
            out
        }
    }
}

/// Which backend a `DATABASE_URL` names: `postgres://` / `postgresql://` or anything else as a
/// SQLite path (with or without `sqlite://`).
pub fn kind_of(url: &str) -> Kind {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Kind::Postgres
    } else {
        Kind::Sqlite
    }
}

pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// The SQLite page cache a server's connections keep between them: each connection of a pool
/// keeps its share (`Manager::cache_kib`), one opened alone all of it.
const PAGE_CACHE_KIB: u32 = 48 * 1024;
/// A connection's share is at least this.
const MIN_PAGE_CACHE_KIB: u32 = 2 * 1024;

/// Opens connections for the pool; SQLite ones are set up for concurrent web use on each open.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    /// Counts the queries run on the pool's connections, when set (tests prove with it that a
    /// page's query count does not grow with its rows).
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Each SQLite connection's page cache.
    cache_kib: u32,
}

impl Manager {
    pub fn new(url: &str) -> Self {
        Manager {
            url: url.to_string(),
            counter: None,
            cache_kib: PAGE_CACHE_KIB,
        }
    }
}

/// Sets SQLite up for a server, before any connection is open: no count of the memory it
/// holds. Counting takes one lock shared by every connection on each allocation, which a text
/// search (thousands of allocations while reading the trigram index) made the connections
/// queue for: the same search answered 400 requests a second with the count and 660 without
/// (1,000,000 tasks, 8 connections). The page caches are bounded by their size instead (a
/// soft heap limit needs the count).
pub fn set_up_sqlite() {
    // SAFETY: sqlite3_config may only be called while SQLite is not initialized and no other
    // thread uses it: `main` calls it first thing, before any thread or connection exists. Had
    // SQLite been initialized, it would answer SQLITE_MISUSE and change nothing.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_config(
            libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
            0 as std::ffi::c_int,
        )
    };
    debug_assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
}

/// A multi-row insert of `rows` into `table`, on either backend: diesel builds it for one
/// backend at a time, which the connection enum does not offer, so the same statement is
/// written once here for both.
#[macro_export]
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConn::Pg(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

pub fn establish(url: &str) -> Result<DbConn, ConnectionError> {
    connect(url, PAGE_CACHE_KIB)
}

fn connect(url: &str, cache_kib: u32) -> Result<DbConn, ConnectionError> {
    match kind_of(url) {
        Kind::Postgres => Ok(DbConn::Pg(PgConnection::establish(url)?)),
        Kind::Sqlite => {
            let mut c = SqliteConnection::establish(sqlite_path(url))?;
            // WAL lets readers run beside the one writer; the busy timeout makes a writer wait
            // for the lock instead of failing at once; foreign keys are off by default in SQLite.
            // Each connection keeps its share of the pages (a pool of 16 would otherwise hold 16
            // page caches). No memory map: its pages count in every connection's share of the
            // server's memory, while the operating system caches the file anyway.
            // `optimize` with 0x10002 gathers the statistics the planner needs to pick the
            // unit index for an inbox (without them it scans by status), bounded by
            // analysis_limit so that opening a connection stays cheap on a large database.
            c.batch_execute(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                 PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002; \
                 PRAGMA mmap_size = 0; PRAGMA cache_size = -{cache_kib};"
            ))
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConn::Sqlite(c))
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        let mut conn = connect(&self.url, self.cache_kib).map_err(r2d2::Error::ConnectionError)?;
        if let Some(counter) = self.counter.clone() {
            conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
                if matches!(
                    event,
                    diesel::connection::InstrumentationEvent::StartQuery { .. }
                ) {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub fn pool(url: &str, size: u32) -> Result<Pool, r2d2::PoolError> {
    build_pool(Manager::new(url), url, size)
}

/// A pool whose connections count every query they run into `counter`.
pub fn counted_pool(
    url: &str,
    size: u32,
    counter: std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> Result<Pool, r2d2::PoolError> {
    let manager = Manager {
        counter: Some(counter),
        ..Manager::new(url)
    };
    build_pool(manager, url, size)
}

fn build_pool(mut manager: Manager, url: &str, size: u32) -> Result<Pool, r2d2::PoolError> {
    manager.cache_kib = (PAGE_CACHE_KIB / size.max(1)).max(MIN_PAGE_CACHE_KIB);
    if kind_of(url) == Kind::Sqlite {
        if let Some(parent) = std::path::Path::new(sqlite_path(url)).parent() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
    r2d2::Pool::builder()
        .max_size(size)
        // A SQLite connection is a file handle and cannot drop; checking it with a query on
        // every checkout would only add a round trip. A PostgreSQL one can, so it is checked.
        .test_on_check_out(kind_of(url) == Kind::Postgres)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
}

/// Runs the pending migrations of the connection's backend, then installs what the code
/// generates (the tallies' triggers) if it changed; returns how many migrations ran.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<usize> {
    let ran = match conn {
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .len(),
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .len(),
    };
    if tally_triggers::install(conn)? {
        tracing::info!("tally triggers installed and tallies counted");
    }
    Ok(ran)
}

/// A transaction that writes. On SQLite it takes the write lock when it begins (`BEGIN
/// IMMEDIATE`): a transaction that read first and wrote later could not wait for a writer that
/// committed in between and failed with "database is locked" at once. Inside another
/// transaction it is a savepoint, as usual. PostgreSQL's transactions are unchanged.
pub fn write<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    match AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE") {
        Ok(()) => {}
        Err(diesel::result::Error::AlreadyInTransaction) => return conn.transaction(f),
        Err(e) => return Err(e.into()),
    }
    // The transaction's state lives in the SQLite connection, which the outer one shares: a
    // `transaction` inside `f` nests under this one.
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Makes other transactions that lock the same `key` wait until this one ends. SQLite needs
/// nothing: its writers already take turns on the one write lock.
pub fn lock_key(conn: &mut DbConn, key: &str) -> diesel::QueryResult<()> {
    use sha2::Digest;
    if let DbConn::Pg(pg) = conn {
        let digest = sha2::Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(i64::from_le_bytes(first))
            .execute(pg)?;
    }
    Ok(())
}

/// Runs blocking database work off the async executor.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    T: Send + 'static,
{
    run_as(pool, f).await
}

/// `run` for work whose errors are of a layer above (`E`), which the pool's own failures
/// become.
pub async fn run_as<T, E, F>(pool: &Pool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<crate::error::AppError> + Send + 'static,
{
    use crate::error::AppError;
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| E::from(AppError::from_pool(e)))?;
        f(&mut conn)
    })
    .await
    .map_err(|_| E::from(AppError::Internal("blocking task failed".into())))?
}

/// Loads `query` on the connection's own backend: `load!(conn, query)` for every row,
/// `load!(conn, query, first)` for the first. Through diesel's `MultiConnection` every
/// execution first writes the whole SQL text again to hand it over (cached or not), a quarter
/// of a task page's time; here the query goes straight to its prepared statement. The query
/// is written once and built for each backend (a `Selectable`'s columns are per backend).
macro_rules! load {
    ($conn:expr, $query:expr $(,)?) => {
        $crate::db::load!($conn, $query, load)
    };
    ($conn:expr, $query:expr, $how:ident $(,)?) => {
        match $conn {
            $crate::db::DbConn::Sqlite(c) => diesel::RunQueryDsl::$how($query, c),
            $crate::db::DbConn::Pg(c) => diesel::RunQueryDsl::$how($query, c),
        }
    };
}
pub(crate) use load;

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// Each connection keeps a page cache of its own: libsqlite3-sys builds SQLite with memory
    /// management, which puts every connection's pages in one cache behind one process-wide
    /// lock, and `.cargo/config.toml` builds it without.
    #[test]
    fn connections_do_not_share_one_page_cache() {
        let mut conn = super::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(options.iter().any(|o| o == "ENABLE_FTS5"), "{options:?}");
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }
}
