//! Leaders in charge: an admin puts a leader in charge of units; the leader's lists, dashboard
//! and exports open on those units, with one switch to the whole ministry.

use chidao::domain::permissions::Role;

use crate::fixtures::publish;
use crate::support::{each_backend, form_fields, Client, TestApp};

fn user_id(app: &TestApp, c: &Client) -> i64 {
    chidao::models::user::by_email(&mut app.conn(), &c.email)
        .unwrap()
        .unwrap()
        .0
        .id
        .0
}

/// The task ids a list page shows, in order.
fn listed(html: &str) -> Vec<String> {
    html.split("data-task=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_leader_sees_the_units_in_their_charge_first_and_may_switch_to_the_whole_ministry() {
    each_backend(|app| {
        let p = publish(app);
        let mut admin = app.login_as(Role::Admin, None);
        let mut leader = app.login_as(Role::Leader, None);
        let mut other_leader = app.login_as(Role::Leader, None);
        let mut sec = app.login_as(Role::Secretariat, None);
        let langson = app.unit_id("Sở KH&CN Lạng Sơn");
        let form_path = format!("/admin/units/{langson}");

        // The unit form offers the active leaders; a person who is no leader is refused.
        let page = admin.get(&form_path);
        assert!(page.body.contains("name=\"leader_id\""));
        let mut fields = form_fields(&page.body, &form_path);
        fields.retain(|(k, _)| k != "leader_id");
        let with = |id: i64| {
            let mut f = fields.clone();
            f.push(("leader_id".into(), id.to_string()));
            f
        };
        let send = |c: &mut Client, f: &[(String, String)]| {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            c.post(&form_path, &f)
        };
        let r = send(&mut admin, &with(user_id(app, &sec)));
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"leader_id-error\""));
        assert!(
            r.body
                .contains("value=\"Sở Khoa học và Công nghệ tỉnh Lạng Sơn\""),
            "what was typed is kept"
        );
        let leader_id = user_id(app, &leader);
        let r = send(&mut admin, &with(leader_id));
        assert_eq!(r.status, 303, "{}", r.body);
        // Only an admin sets it.
        assert_eq!(send(&mut leader, &with(leader_id)).status, 403);

        // The unit's page names the leader in charge.
        let unit_page = leader.get(&format!("/units/{langson}"));
        assert!(
            unit_page.body.contains("Người thử leader"),
            "{}",
            unit_page.body
        );

        // The leader's menu opens the list on Lạng Sơn's tasks, with the switch to the whole
        // ministry.
        assert!(unit_page.body.contains("href=\"/tasks?scope=mine\""));
        let mine = leader.get("/tasks?scope=mine");
        assert_eq!(listed(&mine.body), vec![p.langson.to_string()]);
        assert!(mine.body.contains("class=\"scope-switch"));
        let all = leader.get("/tasks");
        let mut all_ids = listed(&all.body);
        all_ids.sort();
        let mut expected: Vec<String> = [p.langson, p.khtc, p.hanoi]
            .iter()
            .map(|t| t.to_string())
            .collect();
        expected.sort();
        assert_eq!(all_ids, expected);
        // Filtering keeps the scope; the export follows it.
        let filtered = leader.get("/tasks?scope=mine&status=open");
        assert_eq!(listed(&filtered.body), vec![p.langson.to_string()]);
        let csv = leader.get("/reports/tasks.csv?scope=mine");
        assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
        let csv = leader.get("/reports/tasks.csv?scope=all");
        assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);

        // The dashboard too: its numbers count the units in charge, or every unit.
        let total = |html: &str| -> String {
            let at = html.find("id=\"total\">").expect("total") + "id=\"total\">".len();
            html[at..].split('<').next().unwrap().to_string()
        };
        let dash = leader.get("/dashboard?period=year");
        assert!(dash.body.contains("class=\"scope-switch"));
        assert_eq!(total(&dash.body), "1");
        let everyone = total(&sec.get("/dashboard?period=year").body);
        assert_ne!(everyone, "1");
        assert_eq!(
            total(&leader.get("/dashboard?period=year&scope=all").body),
            everyone
        );

        // A leader in charge of nothing sees the whole ministry, with no switch.
        let theirs = other_leader.get("/tasks?scope=mine");
        assert_eq!(listed(&theirs.body).len(), 3);
        assert!(!theirs.body.contains("class=\"scope-switch"));
        assert_eq!(
            total(&other_leader.get("/dashboard?period=year").body),
            everyone
        );
    });
}
