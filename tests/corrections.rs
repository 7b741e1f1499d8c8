//! Corrections after publishing: each with a reason in the journal of every task concerned,
//! and told to the units concerned.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::each_backend;

fn told(app: &crate::support::TestApp) -> Vec<String> {
    app.outbox()
        .into_iter()
        .filter(|m| m.0 == "corrected")
        .map(|m| m.1)
        .collect()
}

#[test]
fn a_notice_is_corrected_with_its_signed_scan_and_the_units_are_told() {
    each_backend(|app| {
        let p = publish(app);
        let d = p.directive_id;
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let path = format!("/directives/{d}/correct");
        assert_eq!(head.get(&path).status, 403);
        let form = sec.get(&path);
        assert_eq!(form.status, 200);
        assert_eq!(form.input("number").as_deref(), Some("88/TB-BKHCN"));
        let fields = |number: &'static str, reason: &'static str| {
            vec![
                ("number", number),
                ("issued_on", "21/11/2026"),
                ("signer", "Thứ trưởng"),
                (
                    "title",
                    "Kết luận tại Hội nghị về đổi mới sáng tạo địa phương",
                ),
                ("body", "Toàn văn"),
                ("register_no", "1234/VP-BKHCN"),
                ("text", reason),
            ]
        };
        // A scan that is no PDF is refused, and what was typed stays.
        let r = sec.post_multipart(
            &path,
            &fields("89/TB-BKHCN", "Sai số văn bản"),
            &[("signed", "scan.pdf", b"not a pdf")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("89/TB-BKHCN") && r.body.contains("Sai số văn bản"));
        // No reason, no correction.
        assert_eq!(
            sec.post_multipart(&path, &fields("89/TB-BKHCN", ""), &[])
                .status,
            422
        );
        let r = sec.post_multipart(
            &path,
            &fields("89/TB-BKHCN", "Sai số văn bản"),
            &[("signed", "tb-89-ky.pdf", b"%PDF-1.7 ban ky")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = sec.get(&format!("/directives/{d}")).body;
        assert!(page.contains("89/TB-BKHCN") && page.contains("1234/VP-BKHCN"));
        let link = page
            .split("href=\"/directives/signed/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let scan = sec.get(&format!("/directives/signed/{link}"));
        assert_eq!(scan.status, 200);
        assert!(scan.body.starts_with("%PDF"));
        assert_eq!(head.get(&format!("/directives/signed/{link}")).status, 403);
        // Every task's journal says what and why; the units concerned are told.
        let task = sec.get(&format!("/tasks/{}", p.khtc)).body;
        assert!(task.contains("88/TB-BKHCN → 89/TB-BKHCN") && task.contains("Sai số văn bản"));
        assert!(told(app).contains(&head.email));
        // The same again changes nothing and says so.
        let r = sec.post_multipart(&path, &fields("89/TB-BKHCN", "Lần nữa"), &[]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Không có gì thay đổi"));
    });
}

#[test]
fn items_and_coordinating_units_are_corrected_after_publishing() {
    each_backend(|app| {
        let p = publish(app);
        let d = p.directive_id;
        let mut sec = app.login_as(Role::Secretariat, None);
        let shtt_head = app.add_user(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
        let khtc = app.unit_id("Cục Kế hoạch - Tài chính");
        let shtt = app.unit_id("Cục Sở hữu trí tuệ");
        let vpc = app.unit_id("Vụ Pháp chế");
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        let hanoi_item = chidao::models::task::get(&mut app.conn(), p.hanoi)
            .unwrap()
            .item_id;

        // Hà Nội's item: reworded, Cục KH-TC added to lead it, Cục SHTT to coordinate.
        let (lead, coord) = (format!("u:{khtc}"), format!("u:{shtt}"));
        let r = sec.post(
            &format!("/items/{hanoi_item}/correct"),
            &[
                ("label", "3"),
                ("text", "Thí điểm sàn giao dịch công nghệ vùng"),
                ("leads", &lead),
                ("coords", &coord),
                ("reason", "Bổ sung theo ý kiến Thứ trưởng"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let tasks = chidao::models::directive::tasks_by_item(&mut app.conn(), d).unwrap();
        let of_item: Vec<_> = tasks.iter().filter(|t| t.item_id == hanoi_item).collect();
        assert_eq!(of_item.len(), 2, "a task for the new lead unit");
        for t in &of_item {
            assert!(
                chidao::models::task::coordinator_ids(&mut app.conn(), t.task_id)
                    .unwrap()
                    .contains(&shtt)
            );
        }
        assert!(told(app).contains(&shtt_head));
        assert!(sec
            .get(&format!("/tasks/{}", p.hanoi))
            .body
            .contains("Bổ sung theo ý kiến Thứ trưởng"));

        // A new item for Lạng Sơn.
        let lead = format!("u:{ls}");
        let r = sec.post(
            &format!("/directives/{d}/items"),
            &[
                ("label", "4"),
                ("text", "Tổ chức hội thảo chuyên đề"),
                ("leads", &lead),
                ("due_on", "30/06/2027"),
                ("reason", "Bổ sung nội dung"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let items = chidao::models::directive::items(&mut app.conn(), d).unwrap();
        assert_eq!(items.last().unwrap().text, "Tổ chức hội thảo chuyên đề");
        assert!(sec
            .get(&format!("/directives/{d}"))
            .body
            .contains("Tổ chức hội thảo chuyên đề"));

        // Lạng Sơn's task: Cục SHTT replaced by Vụ Pháp chế; a stale version changes nothing.
        let path = format!("/tasks/{}/coordinators", p.langson);
        assert_eq!(sec.get(&path).status, 200);
        let pc = format!("u:{vpc}");
        let r = sec.post(
            &path,
            &[
                ("version", "0"),
                ("coords", &pc),
                ("reason", "Đúng chức năng"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("vừa được người khác cập nhật"));
        assert!(
            r.body.contains(&format!("value=\"{pc}\" checked")),
            "the choice is kept"
        );
        let before = told(app).len();
        let v = version(app, p.langson);
        let r = sec.post(
            &path,
            &[
                ("version", &v),
                ("coords", &pc),
                ("reason", "Đúng chức năng"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            chidao::models::task::coordinator_ids(&mut app.conn(), p.langson).unwrap(),
            vec![vpc]
        );
        // The unit taken off is told as well as the units now on it.
        assert!(told(app)[before..].contains(&shtt_head));
        let page = sec.get(&format!("/tasks/{}", p.langson)).body;
        assert!(page.contains("điều chỉnh đơn vị phối hợp"));
        // Only the secretariat corrects.
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        assert_eq!(
            head.post(&path, &[("version", &v), ("reason", "x")]).status,
            403
        );
        assert_eq!(
            head.post(
                &format!("/items/{hanoi_item}/correct"),
                &[("text", "x"), ("reason", "x")]
            )
            .status,
            403
        );
    });
}
