//! A consistent copy of a SQLite installation while the service runs, and bringing one back.
//!
//! The database is copied with `VACUUM INTO` (one read transaction: a snapshot, whatever is
//! being written meanwhile), then the attachment files, which are written before the rows that
//! name them and never changed: every file the copied rows name is there. A manifest records
//! what the copy holds, and a restore checks it. Copies are readable by their owner only: they
//! hold everything, password hashes included. PostgreSQL is backed up with its own tools (see
//! the README).

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context};
use diesel::prelude::*;

use crate::db::{self, DbConn};

const DATABASE: &str = "chidao.sqlite3";
const ATTACHMENTS: &str = "attachments";
const MANIFEST: &str = "manifest.txt";

/// The tables whose rows a backup is compared by.
const COUNTED: [&str; 12] = [
    "units",
    "users",
    "directives",
    "directive_items",
    "tasks",
    "journal",
    "reports",
    "attachments",
    "attachment_blobs",
    "extension_requests",
    "outbox",
    "holiday_days",
];

/// How many rows each counted table holds, and how many attachment files there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub rows: Vec<(String, i64)>,
    pub files: usize,
}

impl Manifest {
    fn write(&self) -> String {
        let mut out = String::new();
        for (t, n) in &self.rows {
            out.push_str(&format!("{t} {n}\n"));
        }
        out.push_str(&format!("attachment files {}\n", self.files));
        out
    }

    fn read(text: &str) -> anyhow::Result<Manifest> {
        let mut rows = Vec::new();
        let mut files = None;
        for line in text.lines() {
            let (name, n) = line.rsplit_once(' ').context("manifest line")?;
            if name == "attachment files" {
                files = Some(n.parse()?);
            } else {
                rows.push((name.to_string(), n.parse()?));
            }
        }
        Ok(Manifest {
            rows,
            files: files.context("manifest: no file count")?,
        })
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count_rows(conn: &mut DbConn) -> anyhow::Result<Vec<(String, i64)>> {
    COUNTED
        .iter()
        .map(|t| {
            let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {t}"))
                .get_result(conn)
                .with_context(|| format!("counting {t}"))?;
            Ok((t.to_string(), c.n))
        })
        .collect()
}

fn private_dir(dir: &Path) -> anyhow::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

fn private_file(path: &Path) -> anyhow::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("protecting {}", path.display()))
}

/// Copies every file of `from` into `to` (made private); returns how many.
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<usize> {
    private_dir(to)?;
    let Ok(entries) = fs::read_dir(from) else {
        return Ok(0);
    };
    let mut n = 0;
    for entry in entries {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            n += copy_files(&entry.path(), &target)?;
        } else {
            match fs::copy(entry.path(), &target) {
                Ok(_) => {
                    private_file(&target)?;
                    n += 1;
                }
                // A file of a change that failed just now, removed with it: no row names it.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("copying {}", entry.path().display()))
                }
            }
        }
    }
    Ok(n)
}

fn sqlite_only(conn: &mut DbConn) -> anyhow::Result<&mut SqliteConnection> {
    match conn {
        DbConn::Sqlite(c) => Ok(c),
        DbConn::Pg(_) => bail!(
            "this database is PostgreSQL: back it up with pg_dump and copy the attachments \
             directory (see the README, \"Backups\")"
        ),
    }
}

/// Copies the running installation (`conn`, with its attachments under `data_dir`) into the
/// empty or new directory `dest`.
pub fn backup(conn: &mut DbConn, data_dir: &Path, dest: &Path) -> anyhow::Result<Manifest> {
    let sqlite = sqlite_only(conn)?;
    if dest.join(DATABASE).exists() {
        bail!("{} already holds a backup", dest.display());
    }
    private_dir(dest)?;
    let copy = dest.join(DATABASE);
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(copy.display().to_string())
        .execute(sqlite)
        .context("copying the database")?;
    private_file(&copy)?;
    let files = copy_files(&data_dir.join(ATTACHMENTS), &dest.join(ATTACHMENTS))?;
    let mut snapshot = db::establish(&format!("sqlite://{}", copy.display()))?;
    let manifest = Manifest {
        rows: count_rows(&mut snapshot)?,
        files,
    };
    let path = dest.join(MANIFEST);
    fs::write(&path, manifest.write())?;
    private_file(&path)?;
    Ok(manifest)
}

/// Brings the backup in `from` back as the database file `target` with its attachments under
/// `data_dir`; `target` must not exist yet. Checks that what arrived is what the manifest says.
pub fn restore(from: &Path, target: &Path, data_dir: &Path) -> anyhow::Result<Manifest> {
    let manifest = Manifest::read(
        &fs::read_to_string(from.join(MANIFEST))
            .with_context(|| format!("{} holds no backup", from.display()))?,
    )?;
    if target.exists() {
        bail!(
            "{} already exists: restore into a new data directory",
            target.display()
        );
    }
    private_dir(data_dir)?;
    if let Some(parent) = target.parent() {
        private_dir(parent)?;
    }
    fs::copy(from.join(DATABASE), target).context("copying the database back")?;
    private_file(target)?;
    let files = copy_files(&from.join(ATTACHMENTS), &data_dir.join(ATTACHMENTS))?;
    let mut conn = db::establish(&format!("sqlite://{}", target.display()))?;
    let restored = Manifest {
        rows: count_rows(&mut conn)?,
        files,
    };
    if restored != manifest {
        bail!("the restored copy differs from its manifest: {restored:?} vs {manifest:?}");
    }
    crate::models::prepare(&mut conn, chrono::Utc::now().naive_utc())?;
    Ok(restored)
}
