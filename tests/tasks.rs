//! The inbox and the life of a task over HTTP.

use chidao::domain::permissions::{Act, Role};

use crate::fixtures::{publish, status, version};
use crate::support::each_backend;
use chidao::domain::ids::TaskId;

fn ids_in(body: &str) -> Vec<TaskId> {
    let mut out = Vec::new();
    for part in body.split("<tr data-task=\"").skip(1) {
        if let Some(id) = part.split('"').next().and_then(|s| s.parse().ok()) {
            out.push(id);
        }
    }
    out
}

/// The target of the pager's link `rel` on a list page.
fn link(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!("rel=\"{rel}\""))?;
    let href = body[..at].rsplit("href=\"").next()?;
    Some(
        href.split('"')
            .next()?
            .replace("&#38;", "&")
            .replace("&amp;", "&"),
    )
}

#[test]
fn unit_inbox_shows_only_what_the_unit_leads_or_coordinates() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let r = head.get("/tasks");
        assert_eq!(r.status, 200);
        // Lead of one (overdue, so first), coordinator of another; not Hà Nội's.
        assert_eq!(ids_in(&r.body), vec![p.langson, p.khtc]);
        assert!(r.body.contains("Quá hạn chưa hoàn thành"));
        // Someone else's task is not found, not forbidden.
        assert_eq!(head.get(&format!("/tasks/{}", p.hanoi)).status, 404);
        assert_eq!(head.get(&format!("/api/v1/tasks/{}", p.hanoi)).status, 404);
        // Filtering by another unit cannot widen the scope.
        let hanoi = app.unit_id("Sở KH&CN Hà Nội").to_string();
        assert!(ids_in(&head.get(&format!("/tasks?unit={hanoi}&status=all")).body).is_empty());

        let mut leader = app.login_as(Role::Leader, None);
        let all = ids_in(&leader.get("/tasks").body);
        assert_eq!(all.len(), 3);
        assert_eq!(all.last(), Some(&p.hanoi), "no due date sorts last");
    });
}

#[test]
fn filters_search_sort_and_pages() {
    each_backend(|app| {
        let p = publish(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        // Diacritics and case do not matter.
        let r = sec.get("/tasks?q=so+khoa+hoc+LANG+son");
        assert_eq!(ids_in(&r.body), vec![p.langson]);
        let r = sec.get("/tasks?q=s%C3%A0n+giao+d%E1%BB%8Bch");
        assert_eq!(ids_in(&r.body), vec![p.hanoi]);
        assert_eq!(
            ids_in(&sec.get("/tasks?q=88%2FTB").body).len(),
            3,
            "by directive number"
        );
        assert_eq!(
            ids_in(&sec.get("/tasks?bucket=open_overdue").body),
            vec![p.langson]
        );
        assert_eq!(
            ids_in(&sec.get("/tasks?bucket=open_within_deadline").body),
            vec![p.khtc, p.hanoi]
        );
        let from = crate::fixtures::days(0).to_string();
        assert_eq!(
            ids_in(&sec.get(&format!("/tasks?due_from={from}")).body),
            vec![p.khtc]
        );
        let unit = app.unit_id("Sở KH&CN Lạng Sơn");
        assert_eq!(
            ids_in(&sec.get(&format!("/tasks?unit={unit}")).body),
            vec![p.langson, p.khtc],
            "lead or coordinating"
        );
        assert_eq!(
            ids_in(
                &sec.get(&format!("/tasks?directive={}&sort=-due", p.directive_id))
                    .body
            ),
            vec![p.khtc, p.langson, p.hanoi]
        );
        assert!(ids_in(&sec.get("/tasks?status=done").body).is_empty());
        // The filter state stays in the form.
        let r = sec.get("/tasks?q=lang+son&bucket=open_overdue");
        assert!(r.body.contains("value=\"lang son\""));
        assert!(r.body.contains("<option value=\"open_overdue\" selected>"));

        // Pages of 25: a group assignment fans out to all 34 provinces.
        let group = chidao::models::unit::groups(&mut app.conn())
            .unwrap()
            .into_iter()
            .find(|g| g.0.name.starts_with("Các Sở"))
            .unwrap()
            .0
            .id;
        let d = chidao::models::directive::NewDirective {
            conference_id: None,
            number: "9/TB".into(),
            issued_on: crate::fixtures::days(0),
            signer: String::new(),
            title: "Nhiều nhiệm vụ".into(),
            body: String::new(),
            form_token: crate::support::unique("t"),
            items: vec![chidao::models::directive::NewItem {
                label: "1".into(),
                text: "Báo cáo".into(),
                leads: vec![chidao::models::directive::Assignee::Group(group)],
                coordinators: vec![],
                due_on: None,
                recurrence: None,
                rule: None,
                until: None,
            }],
        };
        let by = chidao::models::user::by_email(&mut app.conn(), &sec.email)
            .unwrap()
            .unwrap()
            .0
            .id;
        crate::fixtures::publish_directive(app, &d, by);
        let first = sec.get("/tasks");
        assert!(first.body.contains("id=\"total\">37<"), "3 + 34 tasks");
        assert_eq!(ids_in(&first.body).len(), 25);
        let second = sec.get(&link(&first.body, "next").expect("a next page"));
        assert_eq!(ids_in(&second.body).len(), 12);
        assert!(link(&second.body, "next").is_none());
        // Back from the second page is the first again, whole.
        let back = sec.get(&link(&second.body, "prev").expect("a page before"));
        assert_eq!(ids_in(&back.body), ids_in(&first.body));
        assert!(link(&back.body, "prev").is_none());
    });
}

#[test]
fn a_directive_is_chosen_by_its_number() {
    each_backend(|app| {
        let p = publish(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        // Typed in small letters, found in capitals; the field keeps the number.
        let r = sec.get("/tasks?status=all&directive_no=88%2Ftb-bkhcn");
        assert_eq!(ids_in(&r.body).len(), 3);
        assert!(r.body.contains("value=\"88/tb-bkhcn\""), "{}", r.body);
        assert!(link(&r.body, "next").is_none());
        // A link by id shows the number.
        let r = sec.get(&format!("/tasks?status=all&directive={}", p.directive_id));
        assert!(r.body.contains("value=\"88/TB-BKHCN\""));
        // A number no directive has is explained, kept, and narrows nothing.
        let r = sec.get("/tasks?status=all&directive_no=999%2FTB");
        assert!(
            r.body.contains("Không có văn bản mang số này"),
            "{}",
            r.body
        );
        assert!(r.body.contains("value=\"999/TB\""));
        assert_eq!(ids_in(&r.body).len(), 3);
    });
}

#[test]
fn a_task_from_assignment_to_done() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson;
        let mut staff = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut leader = app.login_as(Role::Leader, None);

        let v = version(app, t);
        let r = staff.post(&format!("/tasks/{t}/start"), &[("version", &v)]);
        assert_eq!(r.status, 303);
        assert_eq!(status(app, t), "in_progress");

        let v = version(app, t);
        let r = staff.post(
            &format!("/tasks/{t}/progress"),
            &[
                ("version", &v),
                ("text", "Đã lấy ý kiến các sở, ngành"),
                ("percent", "40"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = staff.get(&format!("/tasks/{t}"));
        assert!(page.body.contains("Đã lấy ý kiến các sở, ngành"));
        assert!(page.body.contains("id=\"progress\">40\u{a0}%"));

        // The head's page offers the next action (progress) open and folds the others; one
        // that comes back with an error is open again.
        let page = head.get(&format!("/tasks/{t}")).body;
        let actions = page.split("id=\"actions\"").nth(1).unwrap();
        let progress_at = actions.find("id=\"progress-form\"").unwrap();
        let complete_at = actions
            .find(&format!("action=\"/tasks/{t}/complete\""))
            .unwrap();
        assert!(progress_at < complete_at, "the next action first");
        assert!(
            !actions[..progress_at].contains("<details"),
            "and not folded"
        );
        assert!(
            actions[progress_at..complete_at].contains("<details class=\"more-action\"><summary>")
        );
        let v = version(app, t);
        let r = head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", " ")],
        );
        assert_eq!(r.status, 422);
        assert!(r
            .body
            .contains("<details class=\"more-action\" open><summary>Báo cáo hoàn thành"));

        // Staff may not report completion; the head may.
        let v = version(app, t);
        assert_eq!(
            staff
                .post(
                    &format!("/tasks/{t}/complete"),
                    &[("version", &v), ("text", "Xong")]
                )
                .status,
            403
        );
        let r = head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Đã ban hành kế hoạch")],
        );
        assert_eq!(r.status, 303);
        assert_eq!(status(app, t), "reported");
        let page = head.get(&format!("/tasks/{t}"));
        assert!(
            page.body.contains("id=\"progress\">Đã báo cáo hoàn thành<"),
            "a reported task shows its completion, not its last progress"
        );

        // Returning needs a reason; the form keeps what was typed otherwise.
        let v = version(app, t);
        let r = sec.post(
            &format!("/tasks/{t}/return"),
            &[("version", &v), ("text", "  ")],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Vui lòng nêu lý do"));
        let r = sec.post(
            &format!("/tasks/{t}/return"),
            &[("version", &v), ("text", "Thiếu bản chụp kế hoạch")],
        );
        assert_eq!(r.status, 303);
        assert_eq!(status(app, t), "in_progress");

        let v = version(app, t);
        head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Gửi bổ sung bản chụp")],
        );
        let v = version(app, t);
        assert_eq!(
            leader
                .post(&format!("/tasks/{t}/confirm"), &[("version", &v)])
                .status,
            403,
            "leaders comment, the secretariat confirms"
        );
        assert_eq!(
            leader
                .post(
                    &format!("/tasks/{t}/comment"),
                    &[("text", "Đề nghị nhân rộng mô hình")]
                )
                .status,
            303
        );
        assert_eq!(
            sec.post(
                &format!("/tasks/{t}/confirm"),
                &[("version", &v), ("text", "Kết quả đạt yêu cầu")]
            )
            .status,
            303
        );
        let task = chidao::models::task::get(&mut app.conn(), t).unwrap();
        assert_eq!(task.status.as_str(), "done");
        assert_eq!(task.progress, 100);
        assert_eq!(task.completed_on, Some(crate::fixtures::today()));

        // Every change is in the journal, in order.
        let kinds: Vec<(String, Option<String>)> =
            chidao::models::journal::for_task(&mut app.conn(), t)
                .unwrap()
                .into_iter()
                .map(|e| (e.kind.to_string(), e.to_value))
                .collect();
        let statuses: Vec<&str> = kinds
            .iter()
            .filter(|k| k.0 == "status")
            .filter_map(|k| k.1.as_deref())
            .collect();
        assert_eq!(
            statuses,
            vec!["in_progress", "reported", "in_progress", "reported", "done"]
        );
        assert!(kinds.iter().any(|k| k.0 == "progress"));
        assert!(kinds.iter().any(|k| k.0 == "comment"));
        let page = leader.get(&format!("/tasks/{t}"));
        assert!(
            page.body.contains("Thiếu bản chụp kế hoạch")
                && page.body.contains("Hoàn thành quá hạn"),
            "due two days ago, done today"
        );
        assert!(page.body.contains("id=\"progress\">Đã hoàn thành<"));
        // Each note is labelled as what it is.
        let card_of = |text: &str| {
            let before = &page.body[..page.body.find(text).unwrap()];
            before[before.rfind("<article").unwrap()..].to_string()
        };
        assert!(card_of("Kết quả đạt yêu cầu").contains("Xác nhận hoàn thành"));
        assert!(card_of("Thiếu bản chụp kế hoạch").contains("Trả lại để làm tiếp"));
        assert!(card_of("Đã ban hành kế hoạch").contains("Báo cáo hoàn thành"));
        // The history speaks words and Vietnamese dates.
        let journal = page.body.split("id=\"journal\"").nth(1).unwrap();
        let journal = journal.split("</ol>").next().unwrap();
        for raw in ["assigned", "in_progress", "reported", "done"] {
            assert!(
                !journal.contains(&format!(">{raw}")) && !journal.contains(&format!(" {raw} ")),
                "{raw} in {journal}"
            );
        }
        assert!(journal.contains("Đang thực hiện"), "{journal}");
        let iso = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").unwrap();
        assert!(!iso.is_match(journal), "{journal}");

        // Nothing more can be done to a closed task.
        let v = version(app, t);
        let r = sec.post(
            &format!("/tasks/{t}/cancel"),
            &[("version", &v), ("text", "Không cần nữa")],
        );
        assert_eq!(r.status, 409);
        assert_eq!(status(app, t), "done");
        crate::fixtures::assert_scopes_consistent(app);
    });
}

#[test]
fn a_stale_save_shows_both_versions_and_keeps_the_text() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut a = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut b = app.login_as(Role::UnitStaff, Some("Cục Kế hoạch - Tài chính"));
        let seen = version(app, t);
        assert_eq!(
            a.post(
                &format!("/tasks/{t}/progress"),
                &[("version", &seen), ("text", "Bản của A"), ("percent", "30")]
            )
            .status,
            303
        );
        let before = chidao::models::task::get(&mut app.conn(), t).unwrap();
        let r = b.post(
            &format!("/tasks/{t}/progress"),
            &[
                ("version", &seen),
                ("text", "Bản của B, rất dài"),
                ("percent", "55"),
            ],
        );
        assert_eq!(r.status, 409);
        assert!(r.body.contains("Phiên bản của bạn") && r.body.contains("Phiên bản hiện tại"));
        assert!(r.body.contains("Bản của B, rất dài"), "typed text kept");
        assert!(
            r.body.contains("55\u{a0}%") && r.body.contains("30\u{a0}%"),
            "both percents"
        );
        let after = chidao::models::task::get(&mut app.conn(), t).unwrap();
        assert_eq!(after.version, before.version, "nothing changed");
        assert_eq!(after.progress, 30);
        // Sending again on the current version goes through.
        let current = r.input("version").unwrap();
        assert_eq!(
            b.post(
                &format!("/tasks/{t}/progress"),
                &[
                    ("version", &current),
                    ("text", "Bản của B"),
                    ("percent", "55")
                ]
            )
            .status,
            303
        );
    });
}

/// Returning a task that was confirmed meanwhile: the conflict page says the return no longer
/// applies and offers no resend that could only fail again.
#[test]
fn a_conflict_that_cannot_be_resent_says_why() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut other = app.login_as(Role::Secretariat, None);
        let v = version(app, t);
        head.post(
            &format!("/tasks/{t}/complete"),
            &[("version", &v), ("text", "Xong")],
        );
        let seen = version(app, t);
        let r = other.post(&format!("/tasks/{t}/confirm"), &[("version", &seen)]);
        assert_eq!(r.status, 303);
        let r = sec.post(
            &format!("/tasks/{t}/return"),
            &[("version", &seen), ("text", "Thiếu hồ sơ")],
        );
        assert_eq!(r.status, 409);
        assert!(r.body.contains("id=\"not-possible\""), "{}", r.body);
        assert!(r.body.contains("Đã hoàn thành") || r.body.contains("Hoàn thành"));
        assert!(r.input("version").is_none(), "no resend form");
        assert!(
            r.body.contains("Thiếu hồ sơ"),
            "what was typed is still shown"
        );
        assert_eq!(status(app, t), "done");
    });
}

/// A comment keeps its lines, its web addresses are links, and markup in it is only text.
#[test]
fn comments_keep_lines_and_link_addresses() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut leader = app.login_as(Role::Leader, None);
        let text = "Xem https://most.gov.vn/vb?id=1&x=2.\n<b>đậm</b>\ndòng ba";
        let r = leader.post(&format!("/tasks/{t}/comment"), &[("text", text)]);
        assert_eq!(r.status, 303);
        let page = leader.get(&format!("/tasks/{t}")).body;
        assert!(page.contains(
            "<a href=\"https://most.gov.vn/vb?id=1&amp;x=2\" rel=\"noopener noreferrer nofollow\""
        ));
        assert!(page.contains("&lt;b&gt;đậm&lt;/b&gt;") && !page.contains("<b>đậm"));
        assert!(
            page.contains("</a>.\n&lt;b&gt;"),
            "the lines are kept for pre-wrap"
        );
    });
}

/// A date in the list filter that is no date is kept in its box and explained (the list is
/// shown without it), never silently dropped; the page's error summary names it.
#[test]
fn a_bad_date_in_the_list_filter_is_kept_and_explained() {
    each_backend(|app| {
        publish(app);
        let mut sec = app.login_as(Role::Secretariat, None);
        let r = sec.get("/tasks?status=all&due_from=31%2F02%2F2026&due_to=15%2F12%2F2099");
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("value=\"31/02/2026\" class=\"invalid\""),
            "kept"
        );
        assert!(
            r.body.contains("id=\"due_from-error\""),
            "explained beside the box"
        );
        assert!(
            r.body.contains("id=\"error-summary\"") && r.body.contains("href=\"#due_from-error\"")
        );
        assert!(
            r.body.contains("value=\"15/12/2099\""),
            "the good date stays as it was"
        );
        assert!(!r.body.contains("id=\"due_to-error\""));
        assert_eq!(
            ids_in(&r.body).len(),
            2,
            "the two with a due date, without the unreadable bound"
        );
    });
}

#[test]
fn bad_input_is_explained_and_kept() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.khtc;
        let mut head = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let v = version(app, t);
        let r = head.post(
            &format!("/tasks/{t}/progress"),
            &[
                ("version", &v),
                ("text", "Nội dung đã gõ <b>đậm</b>"),
                ("percent", "140"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Nhập số từ 0 đến 100"));
        assert!(
            r.body.contains("Nội dung đã gõ &#60;b&#62;đậm&#60;/b&#62;"),
            "kept and escaped"
        );
        assert!(r.body.contains("value=\"140\""));
        assert_eq!(version(app, t), v);
        let mut sec = app.login_as(Role::Secretariat, None);
        let r = sec.post(
            &format!("/tasks/{t}/edit"),
            &[
                ("version", &v),
                ("due_on", "31/02/2026"),
                ("text", "Lùi hạn"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Ngày không hợp lệ") && r.body.contains("Lùi hạn"));
        let r = sec.post(
            &format!("/tasks/{t}/edit"),
            &[
                ("version", &v),
                ("due_on", "2031-01-15"),
                ("text", "Theo đề nghị của Cục"),
            ],
        );
        assert_eq!(r.status, 303);
        let page = sec.get(&format!("/tasks/{t}"));
        assert!(page.body.contains("15/01/2031") && page.body.contains("Theo đề nghị của Cục"));
        crate::fixtures::assert_scopes_consistent(app);
    });
}

/// A page makes the same number of queries whatever the number of rows it shows.
#[test]
fn pages_make_a_fixed_number_of_queries() {
    each_backend(|app| {
        let p = publish(app);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut leader = app.login_as(Role::Leader, None);
        let pages = [
            "/tasks",
            "/tasks?status=all&sort=-due",
            "/tasks?q=ke+hoach",
            "/api/v1/tasks",
        ];
        let small_inbox: Vec<u64> = pages
            .iter()
            .map(|path| app.queries_for(&mut head, path))
            .collect();
        let small_all = app.queries_for(&mut leader, "/tasks");
        let t = p.langson;
        let small_task = app.queries_for(&mut head, &format!("/tasks/{t}"));

        // Thirty more tasks for the unit, and a long history on one task.
        let by = chidao::models::user::by_email(&mut app.conn(), &leader.email)
            .unwrap()
            .unwrap()
            .0
            .id;
        let unit = chidao::models::directive::Assignee::Unit(app.unit_id("Sở KH&CN Lạng Sơn"));
        let coordinator = chidao::models::directive::Assignee::Unit(app.unit_id("Vụ Pháp chế"));
        let items = (0..30)
            .map(|i| chidao::models::directive::NewItem {
                label: format!("{i}"),
                text: format!("Kế hoạch số {i}"),
                leads: vec![unit.clone()],
                coordinators: vec![coordinator.clone()],
                due_on: Some(crate::fixtures::days(i)),
                recurrence: None,
                rule: None,
                until: None,
            })
            .collect();
        let d = chidao::models::directive::NewDirective {
            conference_id: None,
            number: "77/TB".into(),
            issued_on: crate::fixtures::days(0),
            signer: String::new(),
            title: "Nhiều mục".into(),
            body: String::new(),
            form_token: crate::support::unique("t"),
            items,
        };
        crate::fixtures::publish_directive(app, &d, by);
        for i in 0..10 {
            let v = version(app, t);
            let percent = (i * 10).to_string();
            assert_eq!(
                head.post(
                    &format!("/tasks/{t}/progress"),
                    &[("version", &v), ("text", "Tiến độ"), ("percent", &percent)]
                )
                .status,
                303
            );
        }
        // The changes above made every menu count again: one page does that (a fixed number of
        // queries too), and the pages measured keep the counts, as before.
        head.get("/me");
        leader.get("/me");
        let big_inbox: Vec<u64> = pages
            .iter()
            .map(|path| app.queries_for(&mut head, path))
            .collect();
        // A list longer than a page is counted apart (up to a cap): one query more.
        for (big, small) in big_inbox.iter().zip(&small_inbox) {
            assert!(
                *big <= small + 1,
                "list queries for {pages:?}: {big_inbox:?} against {small_inbox:?}"
            );
        }
        assert!(app.queries_for(&mut leader, "/tasks") <= small_all + 1);
        assert_eq!(
            app.queries_for(&mut head, &format!("/tasks/{t}")),
            small_task
        );
        assert!(
            small_inbox[0] <= 6,
            "the landing inbox: {} queries",
            small_inbox[0]
        );
    });
}

/// Many people changing tasks at the same moment on SQLite: each change waits its turn for the
/// write lock; none is answered with an error page.
#[test]
fn concurrent_changes_wait_for_each_other_instead_of_failing() {
    let app = crate::support::TestApp::start(crate::support::Backend::Sqlite);
    let p = crate::fixtures::publish(&app);
    let tasks = [p.langson, p.khtc];
    let mut clients: Vec<_> = (0..8)
        .map(|_| app.login_as(Role::Secretariat, None))
        .collect();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = clients
            .iter_mut()
            .enumerate()
            .map(|(i, c)| {
                let app = &app;
                s.spawn(move || {
                    let mut seen = Vec::new();
                    for n in 0..15 {
                        let t = tasks[(i + n) % 2];
                        let r = c.post(
                            &format!("/tasks/{t}/comment"),
                            &[("text", &format!("Ý kiến {i}.{n}"))],
                        );
                        seen.push(r.status);
                        let v = crate::fixtures::version(app, t);
                        let r = c.post(
                            &format!("/tasks/{t}/edit"),
                            &[
                                ("version", &v),
                                ("due_on", "31/12/2027"),
                                ("text", &format!("Lùi hạn {i}.{n}")),
                            ],
                        );
                        seen.push(r.status);
                    }
                    seen
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let errors: Vec<&u16> = statuses.iter().filter(|s| **s >= 500).collect();
    assert!(
        errors.is_empty(),
        "{} of {} failed: {errors:?}",
        errors.len(),
        statuses.len()
    );
    assert!(
        statuses.iter().all(|s| [303, 409].contains(s)),
        "{statuses:?}"
    );
}

/// The use cases check permission themselves, whoever calls them (a page, the API, the command
/// line): a task the person cannot see is not found, one they may not change is forbidden, and
/// neither changes the task or queues mail.
#[test]
fn use_cases_refuse_what_the_person_may_not_do() {
    use chidao::app::tasks;
    use chidao::domain::dates::Moment;
    use chidao::domain::status::Move;
    use chidao::error::AppError;
    use chidao::models::attachment::Storage;
    use chidao::models::task::Edit;
    use diesel::prelude::*;

    each_backend(|app| {
        let p = publish(app);
        let actor = |role, unit| {
            let email = app.add_user(role, unit);
            chidao::models::user::by_email(&mut app.conn(), &email)
                .unwrap()
                .unwrap()
                .0
                .actor()
        };
        let outbox = || -> i64 {
            chidao::db::schema::outbox::table
                .count()
                .get_result(&mut app.conn())
                .unwrap()
        };
        let version = |id| {
            chidao::models::task::get(&mut app.conn(), id)
                .unwrap()
                .version
        };
        let (before, mails) = (version(p.langson), outbox());
        let edit = |who| Edit {
            actor: who,
            task_id: p.langson,
            version: before,
            at: Moment::now(),
        };
        let store = Storage::Database;

        let hanoi_head = actor(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let e = tasks::report_progress(&mut app.conn(), &store, edit(&hanoi_head), "x", 50, &[]);
        assert!(matches!(e, Err(AppError::NotFound)), "{e:?}");

        let leader = actor(Role::Leader, None);
        let e = tasks::move_task(
            &mut app.conn(),
            &store,
            edit(&leader),
            Move::Cancel,
            "x",
            &[],
        );
        assert!(matches!(e, Err(AppError::Forbidden)), "{e:?}");
        let e = tasks::comment(
            &mut app.conn(),
            &store,
            Act::now(hanoi_head),
            p.langson,
            "x",
        );
        assert!(matches!(e, Err(AppError::NotFound)), "{e:?}");

        assert_eq!(version(p.langson), before);
        assert_eq!(status(app, p.langson), "assigned");
        assert_eq!(outbox(), mails);

        // The lead unit's head may: the same call goes through.
        let head = actor(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let done =
            tasks::report_progress(&mut app.conn(), &store, edit(&head), "Đang làm", 40, &[]);
        assert!(
            matches!(done, Ok(chidao::models::task::Outcome::Done(()))),
            "{done:?}"
        );
        assert_eq!(version(p.langson), before + 1);
    });
}
