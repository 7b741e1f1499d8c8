//! Paste → review → edit → publish over HTTP: the extractor drafts, a person corrects, the
//! tasks reach the units' inboxes.

use chidao::domain::permissions::Role;

use crate::support::{each_backend, form_fields, Backend, Client, TestApp};
use chidao::domain::ids::UnitId;

const NOTICE: &str = include_str!("fixtures/extract/formal_notice_2020.txt");

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_string(), value.to_string()));
}

fn post(c: &mut Client, path: &str, fields: &[(String, String)]) -> crate::support::Resp {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &borrowed)
}

#[test]
fn a_pasted_notice_is_drafted_reviewed_and_published() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Vĩnh Long"));
        assert_eq!(
            head.post("/directives/draft", &[("source", NOTICE)]).status,
            403
        );

        let r = sec.post("/directives/draft", &[("source", NOTICE)]);
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("id=\"source-pane\"") && r.body.contains("<mark"),
            "the source beside the form"
        );
        let mut fields = form_fields(&r.body, "/directives");
        let get = |f: &Vec<(String, String)>, k: &str| {
            f.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get(&fields, "number"), "1873/TB-BKHCN");
        assert_eq!(get(&fields, "issued_on"), "12/06/2020");
        assert_eq!(get(&fields, "items"), "6");
        let khtc = format!("u:{}", app.unit_id("Cục Kế hoạch - Tài chính"));
        assert_eq!(get(&fields, "item1.leads"), khtc);
        assert_eq!(get(&fields, "item1.due"), "31/12/2020");
        assert_eq!(get(&fields, "item4.recurrence"), "monthly");
        assert!(
            get(&fields, "item0.leads").starts_with("g:"),
            "a group, fanned out on publishing"
        );
        assert!(
            get(&fields, "body").contains("Nơi nhận"),
            "the full text is kept"
        );

        // Review: item 6 is not a task for a unit; item 3 gets another date; save and resume.
        set(&mut fields, "op", "delete:5");
        let r = post(&mut sec, "/directives", &fields);
        assert_eq!(r.status, 200);
        let mut fields = form_fields(&r.body, "/directives");
        assert_eq!(get(&fields, "items"), "5");
        set(&mut fields, "item2.due", "31/08/2020");
        set(&mut fields, "save_draft", "1");
        let r = post(&mut sec, "/directives", &fields);
        assert_eq!(r.status, 303);
        let resumed = sec.get(r.location());
        assert_eq!(resumed.status, 200);
        let mut fields = form_fields(&resumed.body, "/directives");
        assert_eq!(get(&fields, "item2.due"), "31/08/2020");
        assert!(resumed.body.contains("Bản nháp đã lưu"));

        set(&mut fields, "publish", "1");
        // Units no one would hear from in a test database: said first, then published anyway.
        let r = post(&mut sec, "/directives", &fields);
        assert_eq!(r.status, 200);
        assert!(r.body.contains("id=\"unreachable\""));
        assert_eq!(app.count("directives"), 0);
        set(&mut fields, "publish_anyway", "1");
        let r = post(&mut sec, "/directives", &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.count("directives"), 1);
        assert_eq!(
            app.count("tasks"),
            34 + 4,
            "34 provinces, then one task each"
        );
        assert_eq!(app.count("directive_drafts"), 0, "the draft is done with");
        // Pressed twice: published once.
        assert_eq!(post(&mut sec, "/directives", &fields).status, 303);
        assert_eq!(app.count("tasks"), 38);

        // In the units' inboxes, with the reviewed dates.
        let inbox = head.get("/tasks?status=all");
        assert!(
            inbox.body.contains("chủ động tham mưu"),
            "Vĩnh Long (formerly Bến Tre) got item 1"
        );
        let shtt = app.login_as(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
        let mut shtt = shtt;
        let tasks = shtt.get("/api/v1/tasks?status=all").json();
        assert_eq!(tasks["tasks"][0]["due_on"], "2020-08-31");
        let coordinating = head.get("/api/v1/tasks?status=all").json();
        assert_eq!(
            coordinating["total"], 2,
            "lead of item 1, coordinating item 4"
        );
    });
}

#[test]
fn merge_split_and_what_cannot_be_read() {
    let app = crate::support::TestApp::start(crate::support::Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    let r = sec.post(
        "/directives/draft",
        &[("source", "Cách làm phở bò: ninh xương, chần bánh.")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Không tìm thấy nhiệm vụ nào"));
    let text = "Bộ trưởng kết luận như sau:\n1. Giao Sở Giáo dục và Đào tạo tỉnh Lạng Sơn tuyên truyền.\n2. Giao Vụ Pháp chế rà soát văn bản. Báo cáo kết quả trước ngày 30/12/2026.";
    let r = sec.post("/directives/draft", &[("source", text)]);
    assert!(
        r.body.contains("Chưa nhận ra đơn vị")
            && r.body.contains("Sở Giáo dục và Đào tạo tỉnh Lạng Sơn")
    );
    assert!(
        r.body.contains("Có thể là") && r.body.contains("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"),
        "suggestions by place"
    );
    let mut fields = form_fields(&r.body, "/directives");
    set(&mut fields, "op", "split:1");
    let r = post(&mut sec, "/directives", &fields);
    let mut fields = form_fields(&r.body, "/directives");
    let texts: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k.ends_with(".text"))
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(
        texts,
        vec![
            "Giao Sở Giáo dục và Đào tạo tỉnh Lạng Sơn tuyên truyền.",
            "Giao Vụ Pháp chế rà soát văn bản.",
            "Báo cáo kết quả trước ngày 30/12/2026."
        ]
    );
    set(&mut fields, "op", "merge:1");
    let r = post(&mut sec, "/directives", &fields);
    let fields = form_fields(&r.body, "/directives");
    let texts: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k.ends_with(".text"))
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(texts[1].starts_with("Giao Vụ Pháp chế") && texts[1].ends_with("30/12/2026."));
    // A Word file: its paragraphs and automatic numbering become the text.
    let xml = concat!(
        "<w:document><w:body><w:p><w:r><w:t>Số: 5/TB-BKHCN</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>Bộ trưởng kết luận như sau:</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
        "<w:r><w:t>Giao Cục Viễn thông rà soát, hoàn thành trước ngày 30/6/2026.</w:t></w:r></w:p>",
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
        "<w:r><w:t>Giao Văn phòng Bộ theo dõi.</w:t></w:r></w:p></w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
    z.finish().unwrap();
    let r = sec.post_multipart(
        "/directives/draft",
        &[("source", "")],
        &[("file", "thong-bao.docx", buf.get_ref())],
    );
    let fields = form_fields(&r.body, "/directives");
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("number"), "5/TB-BKHCN");
    assert_eq!(get("items"), "2");
    assert_eq!(get("item0.label"), "1");
    assert_eq!(get("item0.due"), "30/06/2026");
    // Other files are refused with a message, nothing lost.
    let r = sec.post_multipart(
        "/directives/draft",
        &[("source", "")],
        &[("file", "anh.png", b"\x89PNG")],
    );
    assert!(r.body.contains("Chỉ nhận tệp .txt hoặc .docx"));
    let r = sec.post_multipart(
        "/directives/draft",
        &[("source", "")],
        &[("file", "hong.docx", b"PK\x03\x04 broken")],
    );
    assert!(r.body.contains("bị hỏng"));
}

/// Every recurrence the extractor reads is offered by the review form and published as read
/// (a weekly report was once dropped because the form's list lacked it).
#[test]
fn every_recurrence_read_survives_review_and_publishing() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let paste = "Số: 77/TB-BKHCN\nHà Nội, ngày 01 tháng 12 năm 2026\n\nTHÔNG BÁO\n\
            Kết luận của Thứ trưởng tại cuộc họp về báo cáo định kỳ\n\n\
            Ngày 25 tháng 11 năm 2026, Thứ trưởng chủ trì cuộc họp. Thứ trưởng kết luận như sau:\n\n\
            1. Giao Cục Kế hoạch - Tài chính báo cáo tiến độ hằng tuần.\n\
            2. Giao Cục Sở hữu trí tuệ báo cáo hằng tháng.\n\
            3. Giao Vụ Pháp chế báo cáo hằng quý.\n\
            4. Giao Cục Đổi mới sáng tạo báo cáo định kỳ 6 tháng.\n\
            5. Giao Văn phòng Bộ báo cáo hằng năm.\n\nNơi nhận:\n- Như trên;\n";
        let r = sec.post("/directives/draft", &[("source", paste)]);
        assert_eq!(r.status, 200);
        let mut fields = form_fields(&r.body, "/directives");
        let read: Vec<String> = (0..5)
            .map(|i| {
                fields
                    .iter()
                    .find(|(k, _)| *k == format!("item{i}.recurrence"))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            read,
            ["weekly", "monthly", "quarterly", "half_yearly", "yearly"],
            "{}",
            r.body
        );
        set(&mut fields, "publish_anyway", "1");
        let r = post(&mut sec, "/directives", &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        let stored: Vec<Option<String>> = {
            use diesel::prelude::*;
            chidao::db::schema::directive_items::table
                .order(chidao::db::schema::directive_items::position)
                .select(chidao::db::schema::directive_items::recurrence)
                .load(&mut app.conn())
                .unwrap()
        };
        assert_eq!(
            stored
                .iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["weekly", "monthly", "quarterly", "half_yearly", "yearly"]
        );
    });
}

fn docx_of(document_xml: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("word/document.xml", deflated).unwrap();
    std::io::Write::write_all(&mut z, document_xml.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

const HEAD: &str = "Số: 9/TB-BKHCN\nHà Nội, ngày 01 tháng 12 năm 2026\n\nTHÔNG BÁO\nKết luận của Thứ trưởng\n\nThứ trưởng kết luận như sau:\n\n";

/// Texts made to be slow or to break the reader are answered at once, with a message; the
/// bounds are far above what the answer takes now and far below what it took when the reader
/// was quadratic (hours for the run of `&`, a minute for the repeated unit in a test build).
#[test]
fn hostile_texts_are_answered_at_once_and_never_crash_the_review() {
    let app = TestApp::start(Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    let timed = |sec: &mut Client, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]| {
        let started = std::time::Instant::now();
        let r = sec.post_multipart("/directives/draft", fields, files);
        (r, started.elapsed())
    };
    // One unit named 16,000 times in one item.
    let names = vec!["Sở KH&CN Lạng Sơn"; 16_000].join(", ");
    let paste = format!("{HEAD}1. Giao {names} thực hiện.\n");
    let (r, took) = timed(&mut sec, &[("source", &paste)], &[]);
    assert_eq!(r.status, 200);
    assert!(took.as_secs() < 20, "{took:?}");
    // A .docx whose text is a long run of '&' (20 KB compressed).
    let ampersands = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "&".repeat(2_000_000));
    let file = docx_of(&ampersands);
    assert!(file.len() < 100_000, "{}", file.len());
    let (r, took) = timed(&mut sec, &[("source", "")], &[("file", "a.docx", &file)]);
    assert_eq!(r.status, 200);
    assert!(took.as_secs() < 20, "{took:?}");
    // A document cut inside a tag, or inside a character.
    let cut = "<w:p><w:r><w:t>Giao Sở Hà Nội</w:t></w:r></w:p><";
    for xml in [cut, &cut[..cut.len() - 1], "<w:p><w:r><w:t>Hà N"] {
        let (r, _) = timed(
            &mut sec,
            &[("source", "")],
            &[("file", "a.docx", &docx_of(xml))],
        );
        assert_eq!(r.status, 200, "{xml}");
    }
    let mut bytes = docx_of("<w:p><w:r><w:t>Hà").to_vec();
    bytes.truncate(bytes.len() - 30);
    let (r, _) = timed(&mut sec, &[("source", "")], &[("file", "a.docx", &bytes)]);
    assert!(r.body.contains("bị hỏng"), "a broken file is said to be so");
}

/// A paste with thousands of items drafts the first hundred and says so: the review page stays
/// a page, not hundreds of megabytes.
#[test]
fn a_huge_paste_drafts_a_bounded_page_with_a_message() {
    let app = TestApp::start(Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    let items: String = (1..=98)
        .map(|i| {
            let subs: String = ('a'..='z')
                .map(|c| format!("{c}) Giao Cục Viễn thông thực hiện việc {i}{c}, báo cáo Bộ.\n"))
                .collect();
            format!("{i}. Giao Sở KH&CN Lạng Sơn rà soát nội dung số {i}:\n{subs}")
        })
        .collect();
    let paste = format!("{HEAD}{items}");
    assert!(paste.len() > 150_000, "{}", paste.len());
    let r = sec.post("/directives/draft", &[("source", &paste)]);
    assert_eq!(r.status, 200);
    let fields = form_fields(&r.body, "/directives");
    let items = fields.iter().find(|(k, _)| k == "items").unwrap();
    assert_eq!(items.1, "100");
    assert!(r.body.contains("chỉ 100 nội dung đầu được soạn"));
    assert!(r.body.len() < 10 * 1024 * 1024, "{} bytes", r.body.len());
}

/// The review page carries the directory once, however many items it drafts (the pickers are
/// filled from it by the page's script); without a script, units are added by typing their
/// names, and a name the directory does not know is said so and kept.
#[test]
fn the_unit_list_is_sent_once_and_names_can_be_typed() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let vpc = app.unit_id("Vụ Pháp chế");
        let khtc = app.unit_id("Cục Kế hoạch - Tài chính");
        let items: String = (1..=40)
            .map(|i| format!("{i}. Cục Kế hoạch - Tài chính rà soát kế hoạch số {i}.\n"))
            .collect();
        let notice = format!("THÔNG BÁO\nSố: 9/TB-BKHCN\nThứ trưởng kết luận như sau:\n{items}");
        let r = sec.post("/directives/draft", &[("source", &notice)]);
        assert_eq!(r.status, 200);
        let fields = form_fields(&r.body, "/directives");
        let count = fields.iter().find(|(k, _)| k == "items").unwrap().1.clone();
        assert_eq!(count, "40", "every item drafted");
        let option = |id: UnitId| r.body.matches(&format!("value=\"u:{id}\"")).count();
        assert_eq!(
            option(vpc),
            1,
            "an unchosen unit once, in the page's one list"
        );
        assert_eq!(option(khtc), 1 + 40, "the chosen lead once more per item");

        let token = fields
            .iter()
            .find(|(k, _)| k == "form_token")
            .unwrap()
            .1
            .clone();
        let base = [
            ("form_token", token.as_str()),
            ("number", "9/TB-BKHCN"),
            ("issued_on", "01/02/2026"),
            ("title", "Kết luận"),
            ("items", "1"),
            ("item0.text", "Rà soát văn bản"),
        ];
        let mut typed = base.to_vec();
        typed.push(("item0.add_leads", "vu phap che; Cục Không Có"));
        let r = sec.post("/directives", &typed);
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("Không tìm thấy đơn vị có tên này"),
            "said so"
        );
        assert!(
            r.body.contains("value=\"Cục Không Có\""),
            "the unknown name is kept"
        );
        assert!(
            r.body.contains(&format!("value=\"u:{vpc}\" checked")),
            "the known one is chosen"
        );
        assert_eq!(app.count("directives"), 0);

        let mut typed = base.to_vec();
        typed.push(("item0.add_leads", "Vụ Pháp chế"));
        typed.push(("publish_anyway", "1"));
        let r = sec.post("/directives", &typed);
        assert_eq!(r.status, 303, "{}", r.body);
        let lead: UnitId = {
            use diesel::prelude::*;
            chidao::db::schema::tasks::table
                .select(chidao::db::schema::tasks::lead_unit_id)
                .first(&mut app.conn())
                .unwrap()
        };
        assert_eq!(lead, vpc);
    });
}

/// "Add a conference" from the review keeps what was typed and comes back to it with the new
/// conference chosen; the conference the title names is proposed, or chosen when it is known.
#[test]
fn a_conference_added_from_the_review_comes_back_chosen() {
    each_backend(|app| {
        let mut sec = app.login_as(Role::Secretariat, None);
        let form = sec.get("/directives/new");
        let token = form.input("form_token").unwrap();
        let pc = format!("u:{}", app.unit_id("Vụ Pháp chế"));
        let title = "Kết luận của Thứ trưởng tại Hội nghị tổng kết năm 2026 ngày 20/12/2026";
        let fields = [
            ("form_token", token.as_str()),
            ("number", "7/TB-BKHCN"),
            ("issued_on", "22/12/2026"),
            ("title", title),
            ("items", "1"),
            ("item0.text", "Rà soát văn bản hướng dẫn"),
            ("item0.leads", pc.as_str()),
            ("add_item", "1"),
        ];
        let r = sec.post("/directives", &fields);
        assert_eq!(r.status, 200);
        assert!(
            r.body
                .contains("name=\"add_conference\" value=\"Hội nghị tổng kết năm 2026\""),
            "the title's conference is proposed"
        );
        let mut fields = fields.to_vec();
        fields.retain(|(k, _)| *k != "add_item");
        fields.push(("add_conference", "Hội nghị tổng kết năm 2026"));
        let r = sec.post("/directives", &fields);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(
            r.location().starts_with("/conferences/new?draft="),
            "{}",
            r.location()
        );
        let page = sec.get(r.location());
        assert_eq!(
            page.input("name").as_deref(),
            Some("Hội nghị tổng kết năm 2026")
        );
        let draft = page.input("draft").unwrap();
        let r = sec.post(
            "/conferences",
            &[
                ("name", "Hội nghị tổng kết năm 2026"),
                ("held_on", "20/12/2026"),
                ("place", "Hà Nội"),
                ("draft", &draft),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let back = sec.get(r.location());
        assert_eq!(back.status, 200);
        assert!(
            back.body.contains("Rà soát văn bản hướng dẫn"),
            "the review is kept"
        );
        assert!(
            back.body.contains(&format!("value=\"{pc}\" checked")),
            "and its choices"
        );
        let conference: i64 = {
            use diesel::prelude::*;
            chidao::db::schema::conferences::table
                .select(chidao::db::schema::conferences::id)
                .first(&mut app.conn())
                .unwrap()
        };
        assert!(
            back.body
                .contains(&format!("<option value=\"{conference}\" selected>")),
            "the new conference is chosen"
        );
        // A title naming a known conference chooses it.
        let form = sec.get("/directives/new");
        let token = form.input("form_token").unwrap();
        let r = sec.post(
            "/directives",
            &[
                ("form_token", token.as_str()),
                ("title", "Kết luận tại hội nghị tổng kết năm 2026."),
                ("items", "1"),
                ("add_item", "1"),
            ],
        );
        assert!(r
            .body
            .contains(&format!("<option value=\"{conference}\" selected>")));
    });
}

/// A text the extractor finds nothing in comes back in the paste box, with the box open, so
/// nothing has to be pasted again.
#[test]
fn a_paste_is_never_lost() {
    let app = TestApp::start(Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    let paste = "Biên bản cuộc họp\nCác bên đã trao đổi ý kiến về tình hình chung.";
    let r = sec.post("/directives/draft", &[("source", paste)]);
    assert_eq!(r.status, 200);
    let open_box = r
        .body
        .split("<details class=\"card no-print\"")
        .nth(1)
        .unwrap();
    assert!(open_box.starts_with(" open>"), "the paste box is open");
    assert!(
        r.body
            .contains(&format!("name=\"source\" rows=\"10\">{paste}</textarea>")),
        "what was pasted is in the box"
    );
    // And a text that drafted items keeps it too.
    let notice = "Thứ trưởng kết luận và giao nhiệm vụ như sau:\n1. Giao Vụ Pháp chế rà soát văn bản.\n2. Giao Văn phòng Bộ theo dõi.";
    let r = sec.post("/directives/draft", &[("source", notice)]);
    assert!(r.body.contains("Thứ trưởng kết luận và giao nhiệm vụ như sau:\n1. Giao Vụ Pháp chế rà soát văn bản.\n2. Giao Văn phòng Bộ theo dõi.</textarea>"));
    let fields = form_fields(&r.body, "/directives");
    assert_eq!(fields.iter().find(|(k, _)| k == "items").unwrap().1, "2");
}

/// Prose with no concluding part and no numbered items: each sentence naming a unit and a duty
/// is proposed, marked as such on the review page; a text with none says what was looked for.
#[test]
fn prose_proposes_its_duty_sentences() {
    let app = TestApp::start(Backend::Sqlite);
    let mut sec = app.login_as(Role::Secretariat, None);
    let news = "Chiều 5/3, đoàn công tác của Bộ làm việc với tỉnh Lạng Sơn. Thứ trưởng đề nghị Sở KH&CN Lạng Sơn sớm hoàn thành kế hoạch chuyển đổi số; đồng thời yêu cầu Cục Sở hữu trí tuệ hướng dẫn bảo hộ nhãn hiệu cho sản phẩm OCOP. Buổi làm việc diễn ra sôi nổi.";
    let r = sec.post("/directives/draft", &[("source", news)]);
    assert_eq!(r.status, 200);
    let fields = form_fields(&r.body, "/directives");
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    assert_eq!(get("items").as_deref(), Some("2"), "{}", r.body);
    assert!(get("item0.text").unwrap().contains("Sở KH&CN Lạng Sơn"));
    assert!(get("item1.text").unwrap().contains("Cục Sở hữu trí tuệ"));
    assert_eq!(get("item0.candidate").as_deref(), Some("1"));
    assert!(r.body.contains("data-candidate=\"1\""));
    assert!(
        r.body.contains("được đề xuất dưới đây"),
        "the page says why"
    );
    let none = sec.post(
        "/directives/draft",
        &[("source", "Buổi gặp mặt thân mật giữa các cựu chiến binh.")],
    );
    assert!(
        none.body
            .contains("không có câu nêu đơn vị cùng việc phải làm"),
        "what was looked for"
    );
}
