//! Directives entered by hand: validation, fan-out to a group, one transaction, no double
//! publishing.

use chidao::domain::permissions::Role;

use crate::support::each_backend;

fn group_id(app: &crate::support::TestApp, starts: &str) -> i64 {
    chidao::models::unit::groups(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|g| g.0.name.starts_with(starts))
        .unwrap()
        .0
        .id
}

#[test]
fn a_directive_with_a_group_fans_out_and_publishes_once() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let r = sec.post(
            "/conferences",
            &[
                ("name", "Hội nghị tổng kết năm"),
                ("held_on", "2026-01-10"),
                ("place", "Hà Nội"),
            ],
        );
        assert_eq!(r.status, 303);
        let conference = r
            .location()
            .split("conference=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_string();
        let form = sec.get(&format!("/directives/new?conference={conference}"));
        assert_eq!(form.status, 200);
        let token = form.input("form_token").unwrap();
        let provinces = format!("g:{}", group_id(app, "Các Sở"));
        let khtc = format!("u:{}", app.unit_id("Cục Kế hoạch - Tài chính"));
        let pc = format!("u:{}", app.unit_id("Vụ Pháp chế"));
        let fields = [
            ("form_token", token.as_str()),
            ("conference_id", conference.as_str()),
            ("number", "1873/TB-BKHCN"),
            ("issued_on", "12/06/2026"),
            ("signer", "Bộ trưởng"),
            ("title", "Kết luận của Bộ trưởng tại Hội nghị tổng kết"),
            ("body", "1. Các Sở ...\n2. Giao Cục ..."),
            ("items", "3"),
            ("item0.label", "1"),
            ("item0.text", "Các Sở KH&CN tham mưu UBND cấp tỉnh"),
            ("item0.leads", provinces.as_str()),
            ("item0.due", "30/09/2026"),
            ("item1.label", "2"),
            ("item1.text", "Rà soát chính sách tài chính"),
            ("item1.leads", khtc.as_str()),
            ("item1.coords", pc.as_str()),
            ("item1.coords", khtc.as_str()),
            ("item1.due", "2026-12-31"),
            ("item2.label", ""),
            ("item2.text", ""),
        ];
        // Nobody left untold: the units with no active person and no contact address are named
        // before anything is published.
        let r = sec.post("/directives", &fields);
        assert_eq!(r.status, 200, "{}", r.body);
        let warned = r.body.split("id=\"unreachable\"").nth(1).unwrap();
        assert!(
            warned.contains("Vụ Pháp chế")
                && warned.contains("Sở Khoa học và Công nghệ tỉnh Cà Mau")
        );
        assert_eq!(app.count("directives"), 0, "nothing published yet");
        let mut anyway = fields.to_vec();
        anyway.push(("publish_anyway", "1"));
        let r = sec.post("/directives", &anyway);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.location().starts_with("/directives/"));
        // The directive page keeps saying so; the admin's list shows and filters such units.
        let page = sec.get(r.location()).body;
        let shown = page.split("id=\"unreachable\"").nth(1).unwrap();
        assert!(shown.contains("Vụ Pháp chế"), "{shown}");
        let mut admin = app.login_as(Role::Admin, None);
        let pc_id = app.unit_id("Vụ Pháp chế");
        app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let ls_id = app.unit_id("Sở KH&CN Lạng Sơn");
        let only = admin.get("/admin/units?unreachable=yes").body;
        assert!(only.contains(&format!("data-unreachable=\"{pc_id}\"")));
        assert!(
            !only.contains(&format!("href=\"/admin/units/{ls_id}\"")),
            "Lạng Sơn has someone: not listed"
        );
        // A contact address, a head and a focal person: the unit is reachable, and its page says whom to call.
        let form = admin.get(&format!("/admin/units/{pc_id}"));
        let mut unit_fields =
            crate::support::form_fields(&form.body, &format!("/admin/units/{pc_id}"));
        for (k, v) in [
            ("emails", "phapche@most.gov.vn"),
            ("head_name", "Vụ trưởng Nguyễn Văn A"),
            ("focal_name", "Trần Thị B"),
            ("focal_phone", "024 3943 0000"),
        ] {
            unit_fields.retain(|(f, _)| f != k);
            unit_fields.push((k.to_string(), v.to_string()));
        }
        let pairs: Vec<(&str, &str)> = unit_fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = admin.post(&format!("/admin/units/{pc_id}"), &pairs);
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert!(!admin
            .get("/admin/units?unreachable=yes")
            .body
            .contains(&format!("data-unreachable=\"{pc_id}\"")));
        let unit_page = admin.get(&format!("/units/{pc_id}")).body;
        let contacts = unit_page.split("id=\"contacts\"").nth(1).unwrap();
        assert!(
            contacts.contains("Vụ trưởng Nguyễn Văn A")
                && contacts.contains("href=\"tel:024 3943 0000\"")
        );
        assert_eq!(app.count("directives"), 1);
        assert_eq!(app.count("tasks"), 35, "34 provinces and one ministry unit");
        assert_eq!(
            app.count("task_coordinators"),
            1,
            "a lead does not also coordinate"
        );
        assert_eq!(app.count("journal"), 35);
        crate::fixtures::assert_scopes_consistent(app);
        // Pressing the button twice publishes once.
        let again = sec.post("/directives", &fields);
        assert_eq!(again.status, 303);
        assert_eq!(again.location(), r.location());
        assert_eq!(app.count("tasks"), 35);
        let page = sec.get(r.location());
        assert!(
            page.body.contains("1873/TB-BKHCN")
                && page.body.contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn")
        );
        assert!(page.body.contains("12/06/2026"));
        // The new tasks are in the units' inboxes.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Cà Mau"));
        assert!(head
            .get("/tasks")
            .body
            .contains("Các Sở KH&#38;CN tham mưu UBND cấp tỉnh"));
    });
}

#[test]
fn invalid_directive_is_explained_field_by_field_and_nothing_is_written() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let token = sec.get("/directives/new").input("form_token").unwrap();
        let r = sec.post(
            "/directives",
            &[
                ("form_token", &token),
                ("number", ""),
                ("issued_on", "32/13/2026"),
                ("title", "Tiêu đề đã gõ"),
                ("items", "2"),
                ("item0.text", "Nội dung không có đơn vị"),
                ("item0.due", "hôm qua"),
            ],
        );
        assert_eq!(r.status, 422);
        for msg in [
            "Vui lòng nhập thông tin này",
            "Ngày không hợp lệ",
            "Chọn ít nhất một đơn vị",
        ] {
            assert!(r.body.contains(msg), "{msg}");
        }
        assert!(
            r.body.contains("value=\"Tiêu đề đã gõ\"")
                && r.body.contains("Nội dung không có đơn vị")
                && r.body.contains("value=\"hôm qua\"")
        );
        assert_eq!(app.count("directives"), 0);
        // Adding a row keeps everything typed.
        let r = sec.post(
            "/directives",
            &[
                ("form_token", &token),
                ("title", "Giữ lại"),
                ("items", "1"),
                ("item0.text", "Mục một"),
                ("add_item", "1"),
            ],
        );
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("name=\"items\" value=\"2\"")
                && r.body.contains("Mục một")
                && r.body.contains("value=\"Giữ lại\"")
        );
        // A unit deactivated meanwhile: refused whole, nothing half-written.
        let vp = app.unit_id("Vụ Pháp chế");
        let khtc = app.unit_id("Cục Kế hoạch - Tài chính");
        let mut admin = app.login_as(Role::Admin, None);
        let r = admin.post(
            &format!("/admin/units/{vp}"),
            &[("name", "Vụ Pháp chế"), ("kind", "ministry")],
        );
        assert_eq!(r.status, 303, "deactivated: {}", r.body);
        let r = sec.post(
            "/directives",
            &[
                ("form_token", &token),
                ("number", "5/TB"),
                ("issued_on", "2026-02-01"),
                ("title", "T"),
                ("items", "2"),
                ("item0.text", "Một"),
                ("item0.leads", &format!("u:{khtc}")),
                ("item1.text", "Hai"),
                ("item1.leads", &format!("u:{vp}")),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("không còn hoạt động"));
        assert_eq!(app.count("directives"), 0);
        assert_eq!(app.count("tasks"), 0);
    });
}
