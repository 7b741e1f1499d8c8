//! Attachments: checked by content, limited in size, stored under server-made names, served
//! only to those who may see the task; on disk or in the database.

use chidao::domain::permissions::Role;

use crate::fixtures::{publish, version};
use crate::support::{backends, Backend, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

fn upload_flow(app: &TestApp) {
    let p = publish(app);
    let t = p.khtc;
    let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let v = version(app, t);
    let r = head.post_multipart(
        &format!("/tasks/{t}/progress"),
        &[("version", &v), ("text", "Gửi dự thảo"), ("percent", "50")],
        &[
            ("files", "Dự thảo Thông tư.pdf", PDF),
            ("files", "ghi-chu.txt", "Ghi chú tiếng Việt".as_bytes()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let files = chidao::models::attachment::for_task(&mut app.conn(), t).unwrap();
    assert_eq!(files.len(), 2);
    let pdf = &files[0];
    assert_eq!(pdf.original_name, "Dự thảo Thông tư.pdf");
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(
        !pdf.stored_name.contains("Dự"),
        "stored under a server-made name"
    );
    if app.settings.attachments_in_db {
        assert!(app.attachment_files().is_empty());
        assert_eq!(app.count("attachment_blobs"), 2);
    } else {
        assert_eq!(app.attachment_files().len(), 2);
    }

    // Served as a download to those who see the task.
    let d = head.get(&format!("/attachments/{}", pdf.id));
    assert_eq!(d.status, 200);
    assert_eq!(d.body.as_bytes(), PDF);
    let cd = d.header("content-disposition").unwrap();
    assert!(
        cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''D%E1%BB%B1"),
        "{cd}"
    );
    assert_eq!(d.header("x-content-type-options"), Some("nosniff"));
    let mut coordinator = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
    assert_eq!(
        coordinator.get(&format!("/attachments/{}", pdf.id)).status,
        200
    );
    let mut outsider = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
    assert_eq!(
        outsider.get(&format!("/attachments/{}", pdf.id)).status,
        404
    );
    assert_eq!(
        app.client().get(&format!("/attachments/{}", pdf.id)).status,
        303
    );

    // Refused: too large, mislabelled, not an accepted type. Nothing stored, text kept.
    let before_rows = app.count("attachments");
    let before_files = app.attachment_files().len();
    let big = vec![b'a'; app.settings.max_upload_bytes + 1];
    let png_named_pdf = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    for (name, bytes, msg) in [
        ("lon.txt", &big[..], "vượt quá dung lượng"),
        ("anh.pdf", &png_named_pdf[..], "không khớp"),
        (
            "chuong-trinh.exe",
            &b"MZ\x90\x00\x03\x00"[..],
            "không được chấp nhận",
        ),
    ] {
        let v = version(app, t);
        let r = head.post_multipart(
            &format!("/tasks/{t}/progress"),
            &[
                ("version", &v),
                ("text", "Nội dung giữ lại"),
                ("percent", "60"),
            ],
            &[("files", name, bytes)],
        );
        assert_eq!(r.status, 422, "{name}");
        assert!(r.body.contains(msg), "{name}: {msg}");
        assert!(r.body.contains("Nội dung giữ lại"));
        assert_eq!(version(app, t), v, "{name}: nothing changed");
    }
    assert_eq!(app.count("attachments"), before_rows);
    assert_eq!(app.attachment_files().len(), before_files);
}

#[test]
fn attachments_in_the_data_directory() {
    for b in backends() {
        upload_flow(&TestApp::start(b));
    }
}

#[test]
fn attachments_in_the_database() {
    for b in backends() {
        upload_flow(&TestApp::start_with(b, |s| s.attachments_in_db = true));
    }
}

#[test]
fn a_request_far_over_the_limit_is_refused_whole() {
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let v = version(&app, p.khtc);
    let huge = vec![b'x'; app.settings.max_upload_bytes * 6 + 3 * 1024 * 1024];
    let r = head.post_multipart(
        &format!("/tasks/{}/progress", p.khtc),
        &[("version", &v), ("text", "x"), ("percent", "1")],
        &[("files", "a.txt", &huge)],
    );
    assert_eq!(r.status, 413);
    assert_eq!(app.count("attachments"), 0);
    assert!(app.attachment_files().is_empty());
}
