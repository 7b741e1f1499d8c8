//! Administration: units, groups and people.

use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::domain::ids::{UnitId, UserId};
use crate::domain::permissions::{Action, Role};
use crate::models::unit::{self, Group, Unit, UnitForm, UnitKind};
use crate::models::user::{self, UserForm, UserRow};
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render, render_status, Ctx, Errors};
use crate::web::query::{MaybeId, Paged, Query};

/// `?q=…&page=…` of the administrator's lists.
#[derive(Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    paged: Paged,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    ctx: Ctx,
    q: String,
    units: Vec<Unit>,
    /// The listed units no one would hear from (no active person, no contact address).
    unreachable: Vec<UnitId>,
    unreachable_only: bool,
}

/// `/admin/units?q=…&unreachable=yes`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct UnitsQuery {
    q: String,
    unreachable: String,
}

pub async fn units(Query(query): Query<UnitsQuery>, call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUnits)?;
    let q = query.q;
    let q2 = q.clone();
    let (mut units, unreachable) = crate::db::run(&call.state.pool, move |conn| {
        let units = unit::list(conn, &q2, true)?;
        let ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
        let unreachable = unit::unreachable(conn, &ids)?;
        Ok((
            units,
            unreachable.into_iter().map(|u| u.id).collect::<Vec<_>>(),
        ))
    })
    .await?;
    let unreachable_only = query.unreachable == "yes";
    if unreachable_only {
        units.retain(|u| unreachable.contains(&u.id));
    }
    render(&UnitsPage {
        ctx: Ctx::new(&call.auth),
        q,
        units,
        unreachable,
        unreachable_only,
    })
}

#[derive(Template)]
#[template(path = "admin/unit_form.html")]
struct UnitPage {
    ctx: Ctx,
    id: Option<UnitId>,
    form: UnitForm,
    errors: Errors,
    clash: String,
    kinds: Vec<&'static str>,
    others: Vec<Unit>,
    merged_into: String,
    /// Whom the unit's leader in charge may be.
    leaders: Vec<crate::models::user::User>,
}

/// The unit's form (`id` none for a new one) with what was typed, or as stored when `form` is
/// none, in one trip to the database.
async fn unit_page(
    call: &Call,
    id: Option<UnitId>,
    form: Option<UnitForm>,
    errors: Errors,
    clash: String,
) -> WebResult<HttpResponse> {
    let (form, others, merged_into, leaders) = crate::db::run(&call.state.pool, move |conn| {
        let stored = id.map(|id| unit::get(conn, id)).transpose()?;
        let merged_into = match stored.as_ref().and_then(|u| u.merged_into_id) {
            Some(m) => unit::get(conn, m)?.name,
            None => String::new(),
        };
        let form = match (form, stored) {
            (Some(typed), _) => typed,
            (None, Some(u)) => {
                let aliases = unit::aliases(conn, u.id)?.join("\n");
                UnitForm::of(u, aliases)
            }
            (None, None) => UnitForm {
                kind: "ministry".into(),
                active: true,
                ..Default::default()
            },
        };
        let others = unit::list(conn, "", false)?
            .into_iter()
            .filter(|u| Some(u.id) != id)
            .collect();
        let leaders = crate::models::user::leaders(conn)?;
        Ok((form, others, merged_into, leaders))
    })
    .await?;
    let kinds = UnitKind::ALL.iter().map(|k| k.as_str()).collect();
    let status = errors.status();
    render_status(
        &UnitPage {
            ctx: Ctx::new(&call.auth),
            id,
            form,
            errors,
            clash,
            kinds,
            others,
            merged_into,
            leaders,
        },
        status,
    )
}

pub async fn unit_form(call: Call, MaybeId(id): MaybeId<UnitId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUnits)?;
    unit_page(&call, id, None, Errors::default(), String::new()).await
}

pub async fn save_unit(
    call: Call,
    MaybeId(id): MaybeId<UnitId>,
    form: Form,
) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageUnits)?;
    let mut f: UnitForm = form.parse()?;
    // A new unit is active; only an edit offers the box.
    f.active |= id.is_none();
    let mut errors = Errors::default();
    for (field, key) in f.validate() {
        errors.add(field, key);
    }
    if let Some(leader) = f.leader_id {
        let leaders = crate::db::run(&call.state.pool, crate::models::user::leaders).await?;
        if !leaders.iter().any(|l| l.id == leader) {
            errors.add("leader_id", "error.invalid_choice");
        }
    }
    if !errors.is_empty() {
        return unit_page(&call, id, Some(f), errors, String::new()).await;
    }
    let f2 = f.clone();
    if let Some(id) = id {
        crate::db::run(&call.state.pool, move |conn| unit::get(conn, id)).await?;
    }
    match crate::db::run(&call.state.pool, move |conn| {
        unit::save(conn, id, &f2, crate::domain::dates::Moment::now().now)
    })
    .await?
    {
        Ok(id) => Ok(redirect(&format!("/admin/units/{id}?done=saved"))),
        Err((field, name)) => {
            errors.add(field, "error.name_taken");
            unit_page(&call, id, Some(f), errors, name).await
        }
    }
}

pub async fn merge_unit(Posted { call, id, form }: Posted<UnitId>) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ManageUnits)?;
    let from = id;
    let Some(into) = form.i64("into").map(UnitId) else {
        // The unit's form as stored (its aliases too), with the merge's field marked.
        let mut errors = Errors::default();
        errors.add("into", "error.required");
        return unit_page(&call, Some(from), None, errors, String::new()).await;
    };
    let moved = crate::db::run(&call.state.pool, move |conn| {
        unit::merge(
            conn,
            from,
            into,
            actor.user_id,
            crate::domain::dates::Moment::now().now,
        )
    })
    .await?;
    tracing::info!(from = from.0, into = into.0, moved, "units merged");
    Ok(redirect(&format!("/admin/units/{into}?done=merged")))
}

#[derive(Template)]
#[template(path = "admin/groups.html")]
struct GroupsPage {
    ctx: Ctx,
    groups: Vec<(Group, i64)>,
}

pub async fn groups(call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUnits)?;
    let groups = crate::db::run(&call.state.pool, unit::groups).await?;
    render(&GroupsPage {
        ctx: Ctx::new(&call.auth),
        groups,
    })
}

#[derive(Template)]
#[template(path = "admin/group_form.html")]
struct GroupPage {
    ctx: Ctx,
    id: Option<i64>,
    name: String,
    members: Vec<UnitId>,
    units: Vec<Unit>,
    errors: Errors,
}

async fn group_page(
    call: &Call,
    id: Option<i64>,
    name: String,
    members: Vec<UnitId>,
    errors: Errors,
) -> WebResult<HttpResponse> {
    let units = crate::db::run(&call.state.pool, |conn| unit::list(conn, "", false)).await?;
    let status = errors.status();
    render_status(
        &GroupPage {
            ctx: Ctx::new(&call.auth),
            id,
            name,
            members,
            units,
            errors,
        },
        status,
    )
}

pub async fn group_form(call: Call, MaybeId(id): MaybeId) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUnits)?;
    let (name, members) = match id {
        Some(id) => {
            crate::db::run(&call.state.pool, move |conn| {
                Ok((
                    unit::get_group(conn, id)?.name,
                    unit::all_group_members(conn, id)?,
                ))
            })
            .await?
        }
        None => (String::new(), Vec::new()),
    };
    group_page(&call, id, name, members, Errors::default()).await
}

/// A group: its name and the ids of its member units (one `members` field per ticked unit).
#[derive(Deserialize, Default)]
#[serde(default)]
struct GroupFields {
    name: String,
    members: Vec<String>,
}

pub async fn save_group(call: Call, MaybeId(id): MaybeId, form: Form) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageUnits)?;
    let GroupFields { name, members } = form.parse()?;
    let name = name.trim().to_string();
    let members: Vec<UnitId> = members.iter().filter_map(|m| m.parse().ok()).collect();
    let mut errors = Errors::default();
    if name.is_empty() {
        errors.add("name", "error.required");
        return group_page(&call, id, name, members, errors).await;
    }
    let (n, m) = (name.clone(), members.clone());
    if let Some(id) = id {
        crate::db::run(&call.state.pool, move |conn| unit::get_group(conn, id)).await?;
    }
    match crate::db::run(&call.state.pool, move |conn| {
        unit::save_group(conn, id, &n, &m)
    })
    .await?
    {
        Some(id) => Ok(redirect(&format!("/admin/groups/{id}?done=saved"))),
        None => {
            errors.add("name", "error.name_taken");
            group_page(&call, id, name, members, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    q: String,
    rows: Vec<UserRow>,
    total: i64,
    page: i64,
    pages: i64,
}

pub async fn users(Query(query): Query<SearchQuery>, call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUsers)?;
    let page = query.paged.page();
    let q = query.q;
    let q2 = q.clone();
    let (rows, total) =
        crate::db::run(&call.state.pool, move |conn| user::list(conn, &q2, page)).await?;
    let pages = ((total + user::PAGE_SIZE - 1) / user::PAGE_SIZE).max(1);
    render(&UsersPage {
        ctx: Ctx::new(&call.auth),
        q,
        rows,
        total,
        page,
        pages,
    })
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserPage {
    ctx: Ctx,
    id: Option<UserId>,
    form: UserForm,
    unit_id: String,
    errors: Errors,
    roles: Vec<&'static str>,
    units: Vec<Unit>,
}

/// The person's form (`id` none for a new one) with what was typed, or as stored when `form` is
/// none, in one trip to the database.
async fn user_page(
    call: &Call,
    id: Option<UserId>,
    form: Option<UserForm>,
    errors: Errors,
) -> WebResult<HttpResponse> {
    let (form, units) = crate::db::run(&call.state.pool, move |conn| {
        let form = match (form, id) {
            (Some(typed), _) => typed,
            (None, Some(id)) => UserForm::of(user::get(conn, id)?),
            (None, None) => UserForm {
                role: "unit_staff".into(),
                active: true,
                lang: "vi".into(),
                ..Default::default()
            },
        };
        Ok((form, unit::list(conn, "", false)?))
    })
    .await?;
    let unit_id = form.unit_id.map(|u| u.to_string()).unwrap_or_default();
    let roles = Role::ALL.iter().map(|r| r.as_str()).collect();
    let status = errors.status();
    render_status(
        &UserPage {
            ctx: Ctx::new(&call.auth),
            id,
            form,
            unit_id,
            errors,
            roles,
            units,
        },
        status,
    )
}

pub async fn user_form(call: Call, MaybeId(id): MaybeId<UserId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageUsers)?;
    user_page(&call, id, None, Errors::default()).await
}

/// Creates or edits a person; a new password here is the administrator's reset.
pub async fn save_user(
    call: Call,
    MaybeId(id): MaybeId<UserId>,
    form: Form,
) -> WebResult<HttpResponse> {
    let me = call.auth.post_allowed(&form, Action::ManageUsers)?;
    let mut f: UserForm = form.parse()?;
    // A new account is active; only an edit offers the box.
    f.active |= id.is_none();
    let mut errors = Errors::default();
    for (field, key) in f.validate(id.is_none()) {
        errors.add(field, key);
    }
    // An administrator cannot lock themselves out.
    if id == Some(me.user_id) && (!f.active || f.role != "admin") {
        errors.add("role", "error.self_lockout");
    }
    let (email, unit_id) = (f.email.clone(), f.unit_id);
    let (taken, unit_ok) = crate::db::run(&call.state.pool, move |conn| {
        if let Some(id) = id {
            user::get(conn, id)?;
        }
        let unit_ok = match unit_id {
            Some(u) => unit::get(conn, u).map(|u| u.active).unwrap_or(false),
            None => true,
        };
        Ok((user::email_taken(conn, &email, id)?, unit_ok))
    })
    .await?;
    if taken {
        errors.add("email", "error.email_taken");
    }
    if !unit_ok {
        errors.add("unit_id", "error.invalid_choice");
    }
    if !errors.is_empty() {
        let mut f = f;
        f.password.clear();
        return user_page(&call, id, Some(f), errors).await;
    }
    let id = crate::db::run(&call.state.pool, move |conn| match id {
        Some(id) => user::update(conn, id, &f, crate::domain::dates::Moment::now().now).map(|_| id),
        None => user::create(conn, &f, crate::domain::dates::Moment::now().now),
    })
    .await?;
    Ok(redirect(&format!("/admin/users/{id}?done=saved")))
}
