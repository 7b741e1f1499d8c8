//! The JSON API: same filters and permissions as the pages, by session or personal token.

use chidao::domain::permissions::Role;

use crate::fixtures::publish;
use crate::support::each_backend;
use chidao::domain::ids::{TaskId, UserId};

#[test]
fn api_lists_and_shows_tasks_with_the_same_rules() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let list = head.get("/api/v1/tasks").json();
        let ids: Vec<TaskId> = list["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| TaskId(t["id"].as_i64().unwrap()))
            .collect();
        assert_eq!(ids, vec![p.langson, p.khtc]);
        assert_eq!(list["total"], 2);
        assert_eq!(list["tasks"][0]["timeliness"], "open_overdue");
        let one = head.get(&format!("/api/v1/tasks/{}", p.langson)).json();
        assert_eq!(
            one["task"]["lead_unit"]["name"],
            "Sở Khoa học và Công nghệ tỉnh Lạng Sơn"
        );
        assert_eq!(one["directive"]["number"], "88/TB-BKHCN");
        assert_eq!(one["journal"][0]["kind"], "created");
        assert_eq!(head.get(&format!("/api/v1/tasks/{}", p.hanoi)).status, 404);

        // Without a session or token: 401, in JSON.
        let anon = app.client().get("/api/v1/tasks");
        assert_eq!(anon.status, 401);
        assert_eq!(
            anon.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(anon.json()["code"], "unauthorized");
        assert_eq!(anon.json()["status"], 401);

        // A personal token, as `chidao token create` makes it.
        let email = app.add_user(Role::Leader, None);
        let id = chidao::models::user::by_email(&mut app.conn(), &email)
            .unwrap()
            .unwrap()
            .0
            .id;
        let token = chidao::models::api_token::create(
            &mut app.conn(),
            id,
            &chidao::models::api_token::NewToken {
                name: "báo cáo",
                days: 90,
                can_write: false,
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        let mut bot = app.client();
        bot.extra_headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        let list = bot.get("/api/v1/tasks?q=tai+chinh").json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["tasks"][0]["id"], p.khtc.0);
        let mut bad = app.client();
        bad.extra_headers
            .push(("Authorization".into(), "Bearer cd_nope".into()));
        assert_eq!(bad.get("/api/v1/tasks").status, 401);
    });
}

fn token_for(app: &crate::support::TestApp, email: &str, days: i64) -> (UserId, String) {
    let id = chidao::models::user::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .0
        .id;
    let new = chidao::models::api_token::NewToken {
        name: "",
        days,
        can_write: false,
    };
    let token = chidao::models::api_token::create(
        &mut app.conn(),
        id,
        &new,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    (id, token)
}

fn bearer(app: &crate::support::TestApp, token: &str) -> crate::support::Client {
    let mut c = app.client();
    c.extra_headers
        .push(("Authorization".into(), format!("Bearer {token}")));
    c
}

/// A token opens the API and nothing else; it expires, its owner sees and revokes it on their
/// page, and a password change ends it.
#[test]
fn a_token_is_for_the_api_only_and_ends_when_it_should() {
    each_backend(|app| {
        let mut admin = app.login_as(Role::Admin, None);
        let (_, token) = token_for(app, &admin.email.clone(), 90);
        let mut bot = bearer(app, &token);
        assert_eq!(bot.get("/api/v1/tasks").status, 200);
        // Not a page, not a form: an administrator's token cannot add a unit.
        let units = app.count("units");
        let r = bot.send(
            "POST",
            "/admin/units",
            crate::support::Body::Form(&[("name", "Đơn vị giả"), ("kind", "external")]),
        );
        assert!(
            r.location().starts_with("/login"),
            "{} {}",
            r.status,
            r.location()
        );
        assert_eq!(app.count("units"), units, "nothing added");
        assert!(bot.get("/tasks").location().starts_with("/login"));

        // Expired: refused.
        let (_, old) = token_for(app, &admin.email.clone(), 1);
        {
            use chidao::db::schema::api_tokens;
            use diesel::prelude::*;
            diesel::update(api_tokens::table.filter(api_tokens::expires_at.is_not_null()))
                .filter(
                    api_tokens::id.eq_any(
                        api_tokens::table
                            .select(api_tokens::id)
                            .order(api_tokens::id.desc())
                            .limit(1)
                            .load::<i64>(&mut app.conn())
                            .unwrap(),
                    ),
                )
                .set(
                    api_tokens::expires_at
                        .eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
                )
                .execute(&mut app.conn())
                .unwrap();
        }
        assert_eq!(bearer(app, &old).get("/api/v1/tasks").status, 401);

        // Listed on the owner's page (the expired one is not), and revoked there.
        let me = admin.get("/me");
        assert_eq!(me.body.matches("data-token=").count(), 1, "{}", me.body);
        let action = me
            .body
            .split("action=\"/me/tokens/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = admin.post(&format!("/me/tokens/{action}"), &[]);
        assert_eq!(r.status, 303);
        assert_eq!(bot.get("/api/v1/tasks").status, 401, "revoked");
        // Nobody revokes another person's token.
        let mut other = app.login_as(Role::Leader, None);
        let (_, theirs) = token_for(app, &other.email.clone(), 90);
        let theirs_id = other
            .get("/me")
            .body
            .split("data-token=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            admin
                .post(&format!("/me/tokens/{theirs_id}/revoke"), &[])
                .status,
            404
        );
        assert_eq!(bearer(app, &theirs).get("/api/v1/tasks").status, 200);

        // A password change ends every token of the person.
        let r = other.post(
            "/me/password",
            &[
                ("current_password", crate::support::PASSWORD),
                ("new_password", "mot-mat-khau-moi-dai"),
                ("confirm_password", "mot-mat-khau-moi-dai"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(bearer(app, &theirs).get("/api/v1/tasks").status, 401);
    });
}

/// A person makes a named token on their page, for the days and access they choose; it is
/// shown once, listed by name, and writes through the API when made to.
#[test]
fn a_person_makes_a_token_on_their_page() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let r = head.post(
            "/me/tokens",
            &[
                ("name", "Hệ thống của Sở"),
                ("days", "900"),
                ("access", "write"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Nhập số ngày từ 1 đến 366."), "{}", r.body);
        assert!(r.body.contains("value=\"Hệ thống của Sở\""), "kept");
        assert!(r.body.contains("value=\"write\" checked"), "kept");
        assert_eq!(app.count("api_tokens"), 0);

        let r = head.post(
            "/me/tokens",
            &[
                ("name", "Hệ thống của Sở"),
                ("days", "30"),
                ("access", "write"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let token = r
            .body
            .split("id=\"new-token\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the token, shown")
            .to_string();
        assert!(token.starts_with("cd_"), "{token}");
        let me = head.get("/me");
        assert!(!me.body.contains(&token), "shown once");
        assert!(me.body.contains("Hệ thống của Sở"));
        assert!(me.body.contains("Đọc và cập nhật"));
        {
            use chidao::db::schema::api_tokens;
            use diesel::prelude::*;
            let (made, ends): (chrono::NaiveDateTime, Option<chrono::NaiveDateTime>) =
                api_tokens::table
                    .select((api_tokens::created_at, api_tokens::expires_at))
                    .first(&mut app.conn())
                    .unwrap();
            assert_eq!(ends.unwrap() - made, chrono::Duration::days(30));
        }
        let mut bot = bearer(app, &token);
        let r = bot.send(
            "POST",
            &format!("/api/v1/tasks/{}/comments", p.langson),
            crate::support::Body::Json(&serde_json::json!({"text": "Gửi từ hệ thống của Sở"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    });
}

/// A program asks for pages of up to 100 tasks and walks them by `after`.
#[test]
fn a_page_holds_the_limit_asked_for() {
    each_backend(|app| {
        let _p = publish(app);
        let mut leader = app.login_as(Role::Leader, None);
        let first = leader.get("/api/v1/tasks?status=all&limit=2").json();
        assert_eq!(first["page_size"], 2);
        assert_eq!(first["tasks"].as_array().unwrap().len(), 2);
        assert_eq!(first["total"], 3);
        let after = first["next_after"]
            .as_str()
            .expect("a next page")
            .to_string();
        let second = leader
            .get(&format!("/api/v1/tasks?status=all&limit=2&after={after}"))
            .json();
        assert_eq!(second["tasks"].as_array().unwrap().len(), 1);
        assert!(second["next_after"].is_null());
        let mut seen: Vec<i64> = [&first, &second]
            .iter()
            .flat_map(|p| p["tasks"].as_array().unwrap().iter())
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 3, "each task once");
        assert_eq!(
            leader.get("/api/v1/tasks?limit=500").json()["page_size"],
            100
        );
        assert_eq!(leader.get("/api/v1/tasks?limit=0").json()["page_size"], 1);
        assert_eq!(leader.get("/api/v1/tasks").json()["page_size"], 25);
    });
}
