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
        (
            "lon.txt",
            &big[..],
            "vượt quá dung lượng cho phép (tối đa 64 KB mỗi tệp)",
        ),
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

/// Sends the head of a POST declaring `declared` bytes and only `first` of them, and reads the
/// answer: a server that waits for the whole body before refusing never answers.
fn answer_to_a_partial_body(
    base: &str,
    path: &str,
    cookies: &str,
    first: &[u8],
    declared: usize,
) -> u16 {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: {declared}\r\nCookie: {cookies}\r\n\r\n"
    )
    .unwrap();
    s.write_all(first).unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head)
        .expect("an answer before the body is sent");
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

fn empty_parts(n: usize, name_len: usize) -> Vec<u8> {
    let name = "n".repeat(name_len);
    let mut b = Vec::new();
    for _ in 0..n {
        b.extend(
            format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n\r\n")
                .as_bytes(),
        );
    }
    b
}

#[test]
fn a_multipart_body_is_read_only_for_a_signed_in_person_with_the_token_first() {
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    // Declared larger than any form may be: refused before a byte is read.
    let body = empty_parts(100, 10_000);
    assert_eq!(
        answer_to_a_partial_body(&app.base, "/login", "", &body, 1 << 30),
        413
    );
    // Within the declared limit, but never finished.
    let unfinished = app.settings.max_upload_bytes * 6 + 2 * 1024 * 1024;
    // No account: refused before the body, wherever it is sent (here the login form).
    assert_eq!(
        answer_to_a_partial_body(&app.base, "/login", "", &body, unfinished),
        303
    );
    // A signed-in person whose body does not start with the session's token.
    let body = empty_parts(100, 100);
    let head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let cookies: Vec<String> = head
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let path = format!("/tasks/{}/progress", p.khtc);
    assert_eq!(
        answer_to_a_partial_body(&app.base, &path, &cookies.join("; "), &body, unfinished),
        403
    );
    let forged = b"--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nnot-the-token\r\n";
    let mut forged = forged.to_vec();
    forged.extend(empty_parts(100, 100));
    assert_eq!(
        answer_to_a_partial_body(&app.base, &path, &cookies.join("; "), &forged, unfinished),
        403
    );
    // With the token first, endless empty parts stop at the limit on parts.
    let mut many = format!(
        "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
        head.csrf
    )
    .into_bytes();
    many.extend(empty_parts(300, 100));
    assert_eq!(
        answer_to_a_partial_body(&app.base, &path, &cookies.join("; "), &many, unfinished),
        413
    );
    assert_eq!(app.count("reports"), 0);
}

#[test]
fn part_names_and_counts_are_bounded() {
    let app = TestApp::start(Backend::Sqlite);
    let p = publish(&app);
    let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
    let v = version(&app, p.khtc);
    let path = format!("/tasks/{}/progress", p.khtc);
    let long = "n".repeat(300);
    let r = head.post_multipart(
        &path,
        &[
            ("version", &v),
            ("text", "x"),
            ("percent", "1"),
            (&long, ""),
        ],
        &[],
    );
    assert_eq!(r.status, 400);
    let names: Vec<String> = (0..250).map(|i| format!("extra{i}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![("version", &v), ("text", "x"), ("percent", "1")];
    fields.extend(names.iter().map(|n| (n.as_str(), "")));
    assert_eq!(head.post_multipart(&path, &fields, &[]).status, 413);
    // The same report within the limits goes through.
    let r = head.post_multipart(
        &path,
        &[("version", &v), ("text", "x"), ("percent", "1")],
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}
