//! Giải trình end to end over HTTP: who asks, who answers (with files), accepting with the
//! proposed date as an extension, asking again, an unanswered request overdue, races and bad
//! input; the mail both ways and the API.

use chidao::domain::ids::TaskId;
use chidao::domain::permissions::Role;

use crate::fixtures::{days, publish, version};
use crate::support::{each_backend, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn rounds(app: &TestApp, task: TaskId) -> Vec<chidao::models::explanation::Explanation> {
    chidao::models::explanation::for_task(&mut app.conn(), task).unwrap()
}

fn outbox_to(app: &TestApp, kind: &str) -> Vec<String> {
    app.outbox()
        .into_iter()
        .filter(|(k, ..)| k == kind)
        .map(|(_, to, _)| to)
        .collect()
}

#[test]
fn a_leader_asks_the_unit_explains_with_files_and_the_leader_accepts_the_proposed_date() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson; // overdue by two days
        let ask = format!("/tasks/{t}/explanation");
        let mut leader = app.login_as(Role::Leader, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let mut staff = app.login_as(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let mut coordinator = app.login_as(Role::UnitHead, Some("Cục Sở hữu trí tuệ"));
        let mut outsider = app.login_as(Role::UnitHead, Some("Sở KH&CN Hà Nội"));
        let mut admin = app.login_as(Role::Admin, None);
        let lead_person = app.add_user(Role::UnitStaff, Some("Sở KH&CN Lạng Sơn"));
        let question = [("text", "Đề nghị giải trình lý do chậm"), ("reply_by", "")];

        // Only those who follow the work ask; a unit that cannot see the task is told there is
        // no such task.
        assert_eq!(head.post(&ask, &question).status, 403);
        assert_eq!(coordinator.post(&ask, &question).status, 403);
        assert_eq!(admin.post(&ask, &question).status, 403);
        assert_eq!(outsider.post(&ask, &question).status, 404);
        assert_eq!(app.count("explanations"), 0);

        // The form proposes 3 working days; a date in the past is refused, what was typed kept.
        let page = leader.get(&format!("/tasks/{t}"));
        assert!(page.body.contains(&format!("action=\"{ask}\"")));
        let past = ddmmyyyy(days(-1));
        let r = leader.post(
            &ask,
            &[("text", "Giữ lại nội dung này"), ("reply_by", &past)],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Giữ lại nội dung này"));
        assert!(r.body.contains("id=\"reply_by-error\""));
        assert_eq!(app.count("explanations"), 0);

        let r = leader.post(&ask, &question);
        assert_eq!(r.status, 303, "{}", r.body);
        let round = &rounds(app, t)[0];
        assert!(
            round.reply_by > days(0),
            "3 working days on: {}",
            round.reply_by
        );
        assert!(round.reply_by <= days(7));
        // One round at a time.
        let again = leader.post(&ask, &question);
        assert_eq!(again.status, 409);
        assert!(again.body.contains("đang có một yêu cầu giải trình"));
        assert_eq!(app.count("explanations"), 1);
        assert!(outbox_to(app, "explanation_asked").contains(&lead_person));

        // The head answers; staff and the coordinating unit see it but may not answer.
        let answer = format!("/explanations/{}/answer", round.id);
        let head_page = head.get(&format!("/tasks/{t}"));
        assert!(head_page.body.contains(&format!("action=\"{answer}\"")));
        assert!(head_page.body.contains("Đề nghị giải trình lý do chậm"));
        assert!(!staff.get(&format!("/tasks/{t}")).body.contains(&answer));
        let proposed = ddmmyyyy(days(30));
        let fields = [
            ("reason", "Chờ ý kiến của Sở Tài chính"),
            ("actions", "Đã có văn bản đề nghị"),
            ("proposed_due", proposed.as_str()),
            ("difficulties", "Thiếu kinh phí; kiến nghị Bộ hỗ trợ"),
        ];
        assert_eq!(staff.post_multipart(&answer, &fields, &[]).status, 403);
        assert_eq!(
            coordinator.post_multipart(&answer, &fields, &[]).status,
            403
        );
        let no_reason = [("reason", " "), ("actions", "Giữ lại giải pháp")];
        let r = head.post_multipart(&answer, &no_reason, &[]);
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Giữ lại giải pháp"));
        let r = head.post_multipart(&answer, &fields, &[("files", "cong-van.pdf", PDF)]);
        assert_eq!(r.status, 303, "{}", r.body);
        // Sent twice (a second device, a double press): the second finds it answered, and
        // shows both the answer given and what was typed.
        let twice = head.post_multipart(&answer, &[("reason", "Lý do khác gõ lần hai")], &[]);
        assert_eq!(twice.status, 409);
        assert!(twice.body.contains("Chờ ý kiến của Sở Tài chính"));
        assert!(twice.body.contains("Lý do khác gõ lần hai"));
        assert_eq!(
            app.count("attachments"),
            1,
            "the refused answer kept no file"
        );
        assert!(outbox_to(app, "explanation_answered").contains(&leader.email));

        // The leader sees the answer with its file and accepts with the proposed date.
        let page = leader.get(&format!("/tasks/{t}"));
        assert!(page.body.contains("cong-van.pdf"));
        assert!(page.body.contains("Thiếu kinh phí; kiến nghị Bộ hỗ trợ"));
        let accept = format!("/explanations/{}/accept", round.id);
        assert_eq!(
            head.post(&accept, &[("version", &version(app, t)), ("move_due", "1")])
                .status,
            403
        );
        let r = leader.post(
            &accept,
            &[
                ("version", &version(app, t)),
                ("move_due", "1"),
                ("text", "Đồng ý"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let task = chidao::models::task::get(&mut app.conn(), t).unwrap();
        assert_eq!(task.due_on, Some(days(30)));
        assert_eq!(
            app.count("extension_requests WHERE status = 'approved'"),
            1,
            "recorded as an extension"
        );
        assert!(leader
            .get("/tasks?extended=yes&status=all")
            .body
            .contains(&format!("data-task=\"{t}\"")));
        // Deciding again finds it decided.
        let r = leader.post(&accept, &[("version", &version(app, t))]);
        assert_eq!(r.status, 409);
        assert!(outbox_to(app, "explanation_accepted").contains(&lead_person));

        // The journal has every step; the API shows the round's state.
        let page = head.get(&format!("/tasks/{t}"));
        for step in [
            "yêu cầu giải trình",
            "giải trình; đề xuất hoàn thành",
            "chấp nhận giải trình",
        ] {
            assert!(page.body.contains(step), "{step}");
        }
        let api = head.get(&format!("/api/v1/tasks/{t}")).json();
        assert_eq!(api["explanations"][0]["state"], "accepted");
        assert_eq!(api["explanations"][0]["new_due"], days(30).to_string());
        assert_eq!(
            api["explanations"][0]["reason"],
            "Chờ ý kiến của Sở Tài chính"
        );
    });
}

#[test]
fn asking_again_opens_a_new_round_and_an_unanswered_one_is_overdue() {
    each_backend(|app| {
        let p = publish(app);
        let t = p.langson;
        let ls = app.unit_id("Sở KH&CN Lạng Sơn");
        let mut sec = app.login_as(Role::Secretariat, None);
        let mut head = app.login_as(Role::UnitHead, Some("Sở KH&CN Lạng Sơn"));
        let ask = format!("/tasks/{t}/explanation");
        assert_eq!(sec.post(&ask, &[("reply_by", "31/02/2026")]).status, 422);
        let r = sec.post(&ask, &[("text", "Vì sao chưa báo cáo?")]);
        assert_eq!(r.status, 303, "{}", r.body);
        let first = rounds(app, t)[0].id;

        // Unanswered past its date: overdue on the task, the unit's page and the API.
        let mut conn = app.conn();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE explanations SET reply_by = '{}' WHERE id = {first}",
                days(-1)
            )),
            &mut conn,
        )
        .unwrap();
        let unit_page = sec.get(&format!("/units/{ls}"));
        assert!(unit_page.body.contains("id=\"late-explanations\""));
        assert!(unit_page.body.contains("Vì sao chưa báo cáo?"));
        assert!(head
            .get(&format!("/tasks/{t}"))
            .body
            .contains("Quá hạn trả lời"));
        assert_eq!(
            head.get(&format!("/api/v1/tasks/{t}")).json()["explanations"][0]["overdue"],
            true
        );

        let answer = format!("/explanations/{first}/answer");
        let r = head.post_multipart(&answer, &[("reason", "Đang tổng hợp")], &[]);
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(!sec
            .get(&format!("/units/{ls}"))
            .body
            .contains("id=\"late-explanations\""));

        // Asking again needs a note; then the first round closes and a second one waits.
        let again = format!("/explanations/{first}/again");
        let v = version(app, t);
        assert_eq!(
            head.post(&again, &[("version", &v), ("text", "x")]).status,
            403
        );
        let r = sec.post(&again, &[("version", &v), ("text", " ")]);
        assert_eq!(r.status, 422);
        let r = sec.post(
            &again,
            &[("version", &v), ("text", "Nêu rõ tiến độ từng phần")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let all = rounds(app, t);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].state.as_str(), "asked_again");
        assert_eq!(all[1].state.as_str(), "asked");
        assert_eq!(all[1].question, "Nêu rõ tiến độ từng phần");
        let to_head = outbox_to(app, "explanation_asked")
            .into_iter()
            .filter(|to| *to == head.email)
            .count();
        assert_eq!(to_head, 2, "asked, then asked again");
        assert!(head
            .get(&format!("/tasks/{t}"))
            .body
            .contains(&format!("action=\"/explanations/{}/answer\"", all[1].id)));
        // The old round cannot be answered or decided any more.
        let r = head.post_multipart(&answer, &[("reason", "Trễ")], &[]);
        assert_eq!(r.status, 409);

        // A task reported complete is not asked about.
        let v = version(app, p.khtc);
        let mut khtc = app.login_as(Role::UnitHead, Some("Cục Kế hoạch - Tài chính"));
        let r = khtc.post(
            &format!("/tasks/{}/complete", p.khtc),
            &[("version", &v), ("text", "Xong")],
        );
        assert_eq!(r.status, 303);
        let r = sec.post(&format!("/tasks/{}/explanation", p.khtc), &[("text", "?")]);
        assert_eq!(r.status, 409);
        assert!(r
            .body
            .contains("Chỉ yêu cầu giải trình nhiệm vụ đang được thực hiện"));
        assert_eq!(app.count("explanations"), 2);
    });
}
