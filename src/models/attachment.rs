//! Attachments: checked by content, stored under server-made names in the data directory or, for
//! several instances sharing PostgreSQL, in the database.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{attachment_blobs, attachments};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::ids::{TaskId, UserId};
use crate::error::{AppError, AppResult};
use crate::models::token::{random_token, sha256_hex};

#[derive(Debug, Clone)]
pub enum Storage {
    Dir(PathBuf),
    Database,
}

/// A file that passed the checks, not yet stored.
#[derive(Debug, Clone)]
pub struct Upload {
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    pub fn new(original_name: &str, content_type: &str, bytes: Vec<u8>) -> Self {
        let ext = crate::domain::filetype::extension(original_name);
        Upload {
            original_name: crate::domain::filetype::clean_name(original_name),
            stored_name: format!("{}.{ext}", random_token()),
            content_type: content_type.to_string(),
            bytes,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub task_id: TaskId,
    pub report_id: Option<i64>,
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub size: i64,
    pub in_db: bool,
    pub created_at: NaiveDateTime,
}

impl Storage {
    fn path(dir: &std::path::Path, stored_name: &str) -> PathBuf {
        dir.join(stored_name)
    }

    /// Removes files written for a change whose transaction then failed.
    pub fn discard(&self, uploads: &[Upload]) {
        if let Storage::Dir(dir) = self {
            for u in uploads {
                let _ = std::fs::remove_file(Self::path(dir, &u.stored_name));
            }
        }
    }
}

/// Stores one upload and its row; called inside the caller's transaction. When that
/// transaction fails the caller calls `Storage::discard`.
pub fn store(
    conn: &mut DbConn,
    storage: &Storage,
    task_id: TaskId,
    report_id: Option<i64>,
    by: UserId,
    up: &Upload,
    at: NaiveDateTime,
) -> AppResult<i64> {
    let in_db = matches!(storage, Storage::Database);
    let id: i64 = diesel::insert_into(attachments::table)
        .values((
            attachments::task_id.eq(task_id),
            attachments::report_id.eq(report_id),
            attachments::original_name.eq(&up.original_name),
            attachments::stored_name.eq(&up.stored_name),
            attachments::content_type.eq(&up.content_type),
            attachments::size.eq(up.bytes.len() as i64),
            attachments::sha256.eq(sha256_hex(&up.bytes)),
            attachments::in_db.eq(in_db),
            attachments::uploaded_by.eq(by),
            attachments::created_at.eq(at),
        ))
        .returning(attachments::id)
        .get_result(conn)?;
    match storage {
        Storage::Database => {
            diesel::insert_into(attachment_blobs::table)
                .values((
                    attachment_blobs::attachment_id.eq(id),
                    attachment_blobs::data.eq(&up.bytes),
                ))
                .execute(conn)?;
        }
        Storage::Dir(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::Internal(format!("attachments dir: {e}")))?;
            std::fs::write(Storage::path(dir, &up.stored_name), &up.bytes)
                .map_err(|e| AppError::Internal(format!("writing attachment: {e}")))?;
        }
    }
    Ok(id)
}

pub fn for_task(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<Attachment>> {
    Ok(crate::db::load!(
        conn,
        attachments::table
            .filter(attachments::task_id.eq(task_id))
            .order(attachments::id)
            .select(Attachment::as_select()),
    )?)
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<Attachment> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .found()
}

/// The bytes of an attachment, from wherever it was stored.
pub fn read(
    conn: &mut DbConn,
    storage_dir: &std::path::Path,
    a: &Attachment,
) -> AppResult<Vec<u8>> {
    if a.in_db {
        Ok(attachment_blobs::table
            .find(a.id)
            .select(attachment_blobs::data)
            .first(conn)
            .found()?)
    } else {
        std::fs::read(Storage::path(storage_dir, &a.stored_name)).map_err(|_| AppError::NotFound)
    }
}
