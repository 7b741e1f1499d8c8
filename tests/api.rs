//! The JSON API: same filters and permissions as the pages, by session or personal token.

use chidao::domain::permissions::Role;

use crate::fixtures::publish;
use crate::support::each_backend;

#[test]
fn api_lists_and_shows_tasks_with_the_same_rules() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let list = head.get("/api/v1/tasks").json();
        let ids: Vec<i64> = list["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
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
        assert_eq!(anon.json()["error"], "unauthorized");

        // A personal token, as `chidao token create` makes it.
        let email = app.add_user(Role::Leader, None);
        let id = chidao::models::user::by_email(&mut app.conn(), &email)
            .unwrap()
            .unwrap()
            .0
            .id;
        let token = chidao::models::session::create_api_token(&mut app.conn(), id).unwrap();
        let mut bot = app.client();
        bot.extra_headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        let list = bot.get("/api/v1/tasks?q=tai+chinh").json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["tasks"][0]["id"], p.khtc);
        let mut bad = app.client();
        bad.extra_headers
            .push(("Authorization".into(), "Bearer cd_nope".into()));
        assert_eq!(bad.get("/api/v1/tasks").status, 401);
    });
}
