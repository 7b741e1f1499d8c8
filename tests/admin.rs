//! Administration of units, groups and people.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::{each_backend, PASSWORD};
use chidao::domain::ids::UnitId;

#[test]
fn the_directory_ships_and_answers_to_former_names() {
    each_backend(|app| {
        let mut conn = app.conn();
        let vl =
            chidao::models::unit::find_by_name(&mut conn, "Sở Khoa học và Công nghệ tỉnh Bến Tre")
                .unwrap()
                .unwrap();
        assert_eq!(vl.name, "Sở Khoa học và Công nghệ tỉnh Vĩnh Long");
        let tdc = chidao::models::unit::find_by_name(
            &mut conn,
            "tong cuc tieu chuan do luong chat luong",
        )
        .unwrap()
        .unwrap();
        assert_eq!(tdc.name, "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia");
        let groups = chidao::models::unit::groups(&mut conn).unwrap();
        let count = |p: &str| groups.iter().find(|g| g.0.name.starts_with(p)).unwrap().1;
        assert_eq!(count("Các Sở"), 34);
        assert_eq!(count("Các đơn vị thuộc Bộ"), 25);
        let mut admin = app.login_as(Role::Admin, None);
        let r = admin.get("/admin/units?q=tra+vinh");
        assert!(
            r.body.contains("Sở Khoa học và Công nghệ tỉnh Vĩnh Long"),
            "found by a former province, without diacritics"
        );
    });
}

/// Units are listed by kind under headings (ministry units, provincial departments, people's
/// committees, other bodies), each kind in Vietnamese alphabetical order; a people's committee
/// is a kind of its own. The same order in the task list's unit filter.
#[test]
fn unit_lists_in_vietnamese_order_and_grouped_by_kind() {
    each_backend(|app| {
        let mut admin = app.login_as(Role::Admin, None);
        let body = admin.get("/admin/units").body;
        let at = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s} missing"));
        let headings = [
            "Đơn vị thuộc Bộ (25)",
            "Sở Khoa học và Công nghệ các tỉnh, thành phố (34)",
            "Ủy ban nhân dân các tỉnh, thành phố (34)",
            "Cơ quan, tổ chức khác",
        ];
        let places: Vec<usize> = headings.iter().map(|h| at(h)).collect();
        assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
        let provinces = &body[places[1]..places[2]];
        let order = |names: &[&str]| {
            let at: Vec<usize> = names
                .iter()
                .map(|n| {
                    provinces
                        .find(&format!("tỉnh {n}<"))
                        .unwrap_or_else(|| panic!("{n}"))
                })
                .collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        };
        order(&["Cà Mau", "Cao Bằng"]);
        order(&["Lạng Sơn", "Lào Cai", "Lâm Đồng"]);
        order(&["Đắk Lắk", "Điện Biên"]);
        let committees = &body[places[2]..places[3]];
        assert!(committees.contains("Ủy ban nhân dân tỉnh Lạng Sơn"));
        assert!(
            !body[places[3]..].contains("Ủy ban nhân dân"),
            "not another body"
        );
        let cities = |b: &str| {
            [
                "thành phố Hà Nội<",
                "thành phố Hải Phòng<",
                "thành phố Huế<",
            ]
            .map(|n| b.find(n).unwrap_or_else(|| panic!("{n}")))
        };
        let c = cities(provinces);
        assert!(c[0] < c[1] && c[1] < c[2], "Hà Nội, Hải Phòng, Huế");
        let list = admin.get("/tasks?status=all").body;
        let c = cities(&list);
        assert!(
            c[0] < c[1] && c[1] < c[2],
            "the same order in the list's filter"
        );
    });
}

#[test]
fn add_rename_and_merge_units() {
    each_backend(|app| {
        let p = publish(app);
        let mut admin = app.login_as(Role::Admin, None);
        // Add, with an invalid email first (kept and explained).
        let r = admin.post(
            "/admin/units",
            &[
                ("name", "Trung tâm Thử nghiệm"),
                ("short_name", "TTTN"),
                ("kind", "ministry"),
                ("emails", "khong-phai-email"),
                ("aliases", "TT Thử nghiệm"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("không hợp lệ") && r.body.contains("value=\"Trung tâm Thử nghiệm\"")
        );
        let r = admin.post(
            "/admin/units",
            &[
                ("name", "Trung tâm Thử nghiệm"),
                ("short_name", "TTTN"),
                ("kind", "ministry"),
                ("emails", "tttn@most.gov.vn"),
                ("aliases", "TT Thử nghiệm"),
            ],
        );
        assert_eq!(r.status, 303);
        let new_id: UnitId = r
            .location()
            .trim_start_matches("/admin/units/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // Its form shows it as stored; a merge with no target shows the same, its aliases too.
        assert!(admin
            .get(&format!("/admin/units/{new_id}"))
            .body
            .contains("TT Thử nghiệm"));
        let r = admin.post(&format!("/admin/units/{new_id}/merge"), &[]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("TT Thử nghiệm"), "{}", r.body);
        // A name that belongs to another unit is refused.
        let r = admin.post(
            "/admin/units",
            &[("name", "Vụ Pháp chế"), ("kind", "ministry")],
        );
        assert_eq!(r.status, 422);
        // Rename: the former name stays as an alias, and task search follows the new name.
        let hn = app.unit_id("Sở KH&CN Hà Nội");
        let r = admin.post(
            &format!("/admin/units/{hn}"),
            &[
                ("name", "Sở Khoa học và Công nghệ Thủ đô"),
                ("short_name", "Sở KH&CN Hà Nội"),
                ("kind", "province"),
                ("active", "1"),
                ("aliases", ""),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let found = chidao::models::unit::find_by_name(
            &mut app.conn(),
            "Sở Khoa học và Công nghệ thành phố Hà Nội",
        )
        .unwrap()
        .unwrap();
        assert_eq!(found.id, hn);
        let mut sec = app.login_as(Role::Secretariat, None);
        assert!(sec
            .get("/tasks?q=thu+do")
            .body
            .contains(&format!("/tasks/{}", p.hanoi)));

        // Merge Lạng Sơn into the new unit: the open task moves, a closed one stays.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let v = version(app, p.langson);
        head.post(&format!("/tasks/{}/start", p.langson), &[("version", &v)]);
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        let r = admin.post(
            &format!("/admin/units/{ls}/merge"),
            &[("into", &new_id.to_string())],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let t = chidao::models::task::get(&mut app.conn(), p.langson).unwrap();
        assert_eq!(t.lead_unit_id, new_id);
        assert_eq!(t.status.as_str(), "in_progress", "history and status kept");
        let coords = chidao::models::task::coordinator_ids(&mut app.conn(), p.khtc).unwrap();
        assert_eq!(coords, vec![new_id], "coordination moved too");
        let journal = chidao::models::journal::for_task(&mut app.conn(), p.langson).unwrap();
        assert!(journal.iter().any(|e| e.kind.as_str() == "unit_merged"));
        assert_eq!(
            journal
                .iter()
                .filter(|e| e.kind.as_str() == "status")
                .count(),
            1
        );
        let old = chidao::models::unit::get(&mut app.conn(), ls).unwrap();
        assert!(!old.active && old.merged_into_id == Some(new_id));
        let by_old_name = chidao::models::unit::find_by_name(&mut app.conn(), "Sở KH&CN Lạng Sơn")
            .unwrap()
            .unwrap();
        assert_eq!(by_old_name.id, new_id);
        crate::fixtures::assert_scopes_consistent(app);
    });
}

#[test]
fn groups_and_people() {
    each_backend(|app| {
        let mut admin = app.login_as(Role::Admin, None);
        let a = app.unit_id("Cục Sở hữu trí tuệ").to_string();
        let b = app.unit_id("Cục Đổi mới sáng tạo").to_string();
        let r = admin.post(
            "/admin/groups",
            &[("name", "Các Cục"), ("members", &a), ("members", &b)],
        );
        assert_eq!(r.status, 303);
        let gid = r
            .location()
            .trim_start_matches("/admin/groups/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        assert!(admin
            .get(&format!("/admin/groups/{gid}"))
            .body
            .contains(&format!("value=\"{a}\" checked")));
        let r = admin.post("/admin/groups", &[("name", "CÁC CỤC")]);
        assert_eq!(r.status, 422, "names are unique without case");

        // Create a person; the unit comes with a unit role only.
        let r = admin.post(
            "/admin/users",
            &[
                ("email", "Moi@Most.gov.vn"),
                ("name", "Người mới"),
                ("role", "leader"),
                ("unit_id", &a),
                ("password", "mot-mat-khau-dai"),
                ("lang", "en"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("không thuộc đơn vị nào")
                && r.body.contains("value=\"moi@most.gov.vn\"")
        );
        let r = admin.post(
            "/admin/users",
            &[
                ("email", "moi@most.gov.vn"),
                ("name", "Người mới"),
                ("role", "unit_head"),
                ("unit_id", &a),
                ("password", "mot-mat-khau-dai"),
                ("lang", "en"),
            ],
        );
        assert_eq!(r.status, 303);
        let dup = admin.post(
            "/admin/users",
            &[
                ("email", "MOI@most.gov.vn"),
                ("name", "Trùng"),
                ("role", "leader"),
                ("password", "mot-mat-khau-dai"),
            ],
        );
        assert_eq!(dup.status, 422);
        assert!(dup.body.contains("đã có tài khoản"));
        let mut person = app.client();
        assert_eq!(
            person.login("moi@most.gov.vn", "mot-mat-khau-dai").status,
            303
        );
        assert!(
            person.get("/tasks").body.contains("Tasks found"),
            "their language"
        );
        // Reset the password: their session ends, the new one works.
        let id = r
            .location()
            .trim_start_matches("/admin/users/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let r = admin.post(
            &format!("/admin/users/{id}"),
            &[
                ("email", "moi@most.gov.vn"),
                ("name", "Người mới"),
                ("role", "unit_head"),
                ("unit_id", &a),
                ("password", PASSWORD),
                ("active", "1"),
                ("lang", "vi"),
            ],
        );
        assert_eq!(r.status, 303);
        assert_eq!(person.get("/tasks").status, 303);
        assert_eq!(app.client().login("moi@most.gov.vn", PASSWORD).status, 303);
        // An administrator cannot lock themselves out.
        let me = chidao::models::user::by_email(&mut app.conn(), &admin.email)
            .unwrap()
            .unwrap()
            .0
            .id;
        let email = admin.email.clone();
        let r = admin.post(
            &format!("/admin/users/{me}"),
            &[
                ("email", &email),
                ("name", "A"),
                ("role", "admin"),
                ("lang", "vi"),
            ],
        );
        assert_eq!(r.status, 422);
    });
}
