//! What every leader's list page offers to filter by (every unit, by kind and name; the latest
//! notices' numbers), kept by a server between pages.
//!
//! Reading and sorting 96 units and the latest 50 notices took more of a list page than the
//! list itself (a third of a profile at 1,000,000 tasks). Triggers move a version per picker
//! on every write to what it shows (`picker_versions`), whichever instance wrote, so a page
//! reads one short row to know whether what the server keeps is still right.

use std::sync::{Arc, Mutex, PoisonError};

use diesel::prelude::*;

use crate::db::schema::picker_versions;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::models::directive::{self, DirectiveRow};
use crate::models::unit::{self, Unit};

/// How many of the latest notices the number field suggests.
const LATEST_NOTICES: i64 = 50;

/// One picker's rows and the version they were read at.
struct Kept<T>(Mutex<Option<(i64, Arc<Vec<T>>)>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(Mutex::new(None))
    }
}

impl<T> Kept<T> {
    /// The rows kept if the stored version is still theirs, else read afresh. The version is
    /// read before the rows: a write between the two leaves newer rows under an older version,
    /// read again next time, never older rows under the newer one.
    fn get(
        &self,
        conn: &mut DbConn,
        name: &str,
        read: impl FnOnce(&mut DbConn) -> AppResult<Vec<T>>,
    ) -> AppResult<Arc<Vec<T>>> {
        let version: i64 = crate::db::load!(
            conn,
            picker_versions::table
                .find(name)
                .select(picker_versions::version),
            get_result
        )?;
        let kept = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some((_, rows)) = kept.filter(|(v, _)| *v == version) {
            return Ok(rows);
        }
        let rows = Arc::new(read(conn)?);
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((version, rows.clone()));
        Ok(rows)
    }
}

/// One server's pickers (they live in the server's state).
#[derive(Default)]
pub struct Pickers {
    units: Kept<Unit>,
    notices: Kept<DirectiveRow>,
}

impl Pickers {
    /// Every unit, inactive ones too, in the order lists show them. Only what the picker shows
    /// (names and kinds) moves the version: read nothing else from these rows.
    pub fn units(&self, conn: &mut DbConn) -> AppResult<Arc<Vec<Unit>>> {
        self.units
            .get(conn, "units", |conn| unit::list(conn, "", true))
    }

    /// The latest notices, newest first.
    pub fn notices(&self, conn: &mut DbConn) -> AppResult<Arc<Vec<DirectiveRow>>> {
        self.notices.get(conn, "directives", |conn| {
            directive::latest(conn, LATEST_NOTICES)
        })
    }
}
