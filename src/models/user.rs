//! People who sign in: role, unit, password (argon2id), language.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{sessions, units, users};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::ids::{UnitId, UserId};
use crate::domain::permissions::{Actor, Role};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub active: bool,
    pub lang: String,
}

impl User {
    pub fn role(&self) -> Role {
        self.role
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role(),
            unit_id: self.unit_id,
        }
    }
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    // Argon2::default() is argon2id with the crate's recommended parameters.
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that a wrong email takes as
/// long as a wrong password and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
                && s.len() <= 254
        }
        None => false,
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct UserForm {
    #[serde(deserialize_with = "crate::models::fields::lowercase")]
    pub email: String,
    #[serde(deserialize_with = "crate::models::fields::trimmed")]
    pub name: String,
    pub role: String,
    #[serde(deserialize_with = "crate::models::fields::optional_id")]
    pub unit_id: Option<UnitId>,
    pub password: String,
    #[serde(deserialize_with = "crate::models::fields::checkbox")]
    pub active: bool,
    pub lang: String,
}

impl UserForm {
    /// The form filled with a person as stored; the password stays empty (kept unless typed).
    pub fn of(u: User) -> UserForm {
        UserForm {
            email: u.email,
            name: u.name,
            role: u.role.as_str().to_string(),
            unit_id: u.unit_id,
            password: String::new(),
            active: u.active,
            lang: u.lang,
        }
    }

    /// Field errors as (field, message key). A new user needs a password; an edit may leave it
    /// empty to keep the current one.
    pub fn validate(&self, new: bool) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        if !looks_like_email(&self.email) {
            errors.push(("email", "error.email"));
        }
        if self.name.trim().is_empty() {
            errors.push(("name", "error.required"));
        }
        match Role::parse(&self.role) {
            None => errors.push(("role", "error.invalid_choice")),
            Some(r) if r.is_unit_role() && self.unit_id.is_none() => {
                errors.push(("unit_id", "error.unit_required"))
            }
            Some(r) if !r.is_unit_role() && self.unit_id.is_some() => {
                errors.push(("unit_id", "error.unit_not_allowed"))
            }
            _ => {}
        }
        if (new || !self.password.is_empty()) && self.password.chars().count() < MIN_PASSWORD_LEN {
            errors.push(("password", "error.password_short"));
        }
        errors
    }
}

pub fn get(conn: &mut DbConn, id: UserId) -> AppResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .found()
}

/// The active people of a unit, in Vietnamese alphabetical order: whom its head may hand a
/// task to.
pub fn of_unit(conn: &mut DbConn, unit: UnitId) -> AppResult<Vec<User>> {
    let mut all: Vec<User> = crate::db::load!(
        conn,
        users::table
            .filter(users::unit_id.eq(unit))
            .filter(users::active.eq(true))
            .select(User::as_select())
    )?;
    all.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.name));
    Ok(all)
}

/// The active leaders, in Vietnamese alphabetical order: whom an admin may put in charge of
/// a unit.
pub fn leaders(conn: &mut DbConn) -> AppResult<Vec<User>> {
    let mut all: Vec<User> = users::table
        .filter(users::role.eq(Role::Leader))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .load(conn)?;
    all.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.name));
    Ok(all)
}

pub fn by_email(conn: &mut DbConn, email: &str) -> AppResult<Option<(User, String)>> {
    Ok(users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((User::as_select(), users::password_hash))
        .first(conn)
        .optional()?)
}

pub fn email_taken(conn: &mut DbConn, email: &str, except: Option<UserId>) -> AppResult<bool> {
    let found: Option<UserId> = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(users::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some_and(|f| Some(f) != except))
}

pub fn create(conn: &mut DbConn, form: &UserForm, at: NaiveDateTime) -> AppResult<UserId> {
    let t = at;
    let lang = if form.lang == "en" { "en" } else { "vi" };
    Ok(diesel::insert_into(users::table)
        .values((
            users::email.eq(form.email.trim().to_lowercase()),
            users::name.eq(form.name.trim()),
            users::role.eq(&form.role),
            users::unit_id.eq(form.unit_id),
            users::password_hash.eq(hash_password(&form.password)?),
            users::active.eq(true),
            users::lang.eq(lang),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .returning(users::id)
        .get_result(conn)?)
}

/// An account made at single sign-on for a verified address of the configured domain: a unit
/// staff member of no unit, who sees nothing until an administrator sets role and unit, with a
/// password nobody knows.
pub fn create_without_rights(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    at: NaiveDateTime,
) -> AppResult<UserId> {
    let form = UserForm {
        email: email.trim().to_lowercase(),
        name: if name.trim().is_empty() {
            email.trim()
        } else {
            name.trim()
        }
        .to_string(),
        role: crate::domain::permissions::Role::UnitStaff.as_str().into(),
        unit_id: None,
        password: crate::models::token::random_token(),
        active: true,
        lang: "vi".into(),
    };
    create(conn, &form, at)
}

/// Saves an edit. Deactivation, a role or unit change and a new password end the person's
/// sessions at once, so nobody keeps rights they no longer have.
pub fn update(conn: &mut DbConn, id: UserId, form: &UserForm, at: NaiveDateTime) -> AppResult<()> {
    crate::db::write(conn, |conn| {
        let old = get(conn, id)?;
        let lang = if form.lang == "en" { "en" } else { "vi" };
        diesel::update(users::table.find(id))
            .set((
                users::email.eq(form.email.trim().to_lowercase()),
                users::name.eq(form.name.trim()),
                users::role.eq(&form.role),
                users::unit_id.eq(form.unit_id),
                users::active.eq(form.active),
                users::lang.eq(lang),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if !form.password.is_empty() {
            set_password(conn, id, &form.password, at)?;
        }
        if !form.active || old.role.as_str() != form.role || old.unit_id != form.unit_id {
            end_sessions(conn, id)?;
        }
        Ok(())
    })
}

pub fn set_password(
    conn: &mut DbConn,
    id: UserId,
    password: &str,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash_password(password)?),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    end_sessions(conn, id)
}

/// A person's mail choices.
pub fn mail_prefs(conn: &mut DbConn, id: UserId) -> AppResult<crate::domain::mail::Prefs> {
    let (mode, off): (String, String) = users::table
        .find(id)
        .select((users::mail_mode, users::mail_off))
        .first(conn)?;
    Ok(crate::domain::mail::Prefs::parse(&mode, &off))
}

pub fn set_mail_prefs(
    conn: &mut DbConn,
    id: UserId,
    prefs: &crate::domain::mail::Prefs,
    role: Role,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::mail_mode.eq(prefs.mode_str()),
            users::mail_off.eq(prefs.off_str(role)),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_lang(conn: &mut DbConn, id: UserId, lang: &str) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set(users::lang.eq(lang))
        .execute(conn)?;
    Ok(())
}

/// Ends every way the person is signed in: their sessions and their API tokens (after a
/// password change or reset, a deactivation, a new role or unit).
pub fn end_sessions(conn: &mut DbConn, user_id: UserId) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(
        crate::db::schema::api_tokens::table
            .filter(crate::db::schema::api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub unit_name: Option<String>,
}

pub const PAGE_SIZE: i64 = 50;

/// People for the admin list, searched by name or email, a page at a time.
pub fn list(conn: &mut DbConn, q: &str, page: i64) -> AppResult<(Vec<UserRow>, i64)> {
    let pattern = crate::domain::text::like_pattern(&q.trim().to_lowercase());
    let filter = || {
        users::table
            .left_join(units::table)
            .filter(
                users::email
                    .like(pattern.clone())
                    .escape('\\')
                    .or(users::name.like(pattern.clone()).escape('\\')),
            )
            .into_boxed()
    };
    let total: i64 = filter().count().get_result(conn)?;
    let rows = filter()
        .order(users::email)
        .limit(PAGE_SIZE)
        .offset((page.max(1) - 1) * PAGE_SIZE)
        .select((
            users::id,
            users::email,
            users::name,
            users::role,
            users::active,
            units::name.nullable(),
        ))
        .load(conn)?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::UnitId;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("a.b@most.gov.vn"));
        assert!(!looks_like_email("a b@x.vn"));
        assert!(!looks_like_email("nobody"));
        assert!(!looks_like_email("a@b"));
    }

    #[test]
    fn form_rules() {
        let mut f = UserForm {
            email: "x@y.vn".into(),
            name: "X".into(),
            role: "unit_head".into(),
            unit_id: None,
            password: "short".into(),
            active: true,
            lang: "vi".into(),
        };
        let fields: Vec<_> = f.validate(true).into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["unit_id", "password"]);
        f.unit_id = Some(UnitId(1));
        f.password = String::new();
        assert!(f.validate(false).is_empty());
        f.role = "leader".into();
        assert_eq!(f.validate(false)[0].1, "error.unit_not_allowed");
    }
}
