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
        let r = sec.post("/directives", &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.location().starts_with("/directives/"));
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
