//! Directives and tasks made directly through the models, for tests about what comes after.

use chidao::domain::permissions::Role;
use chidao::models::directive::{self, Assignee, NewDirective, NewItem};
use chrono::{Days, NaiveDate};

use crate::support::TestApp;

pub fn today() -> NaiveDate {
    chidao::domain::dates::today_in_vietnam(chrono::Utc::now())
}

pub fn days(n: i64) -> NaiveDate {
    if n >= 0 {
        today() + Days::new(n as u64)
    } else {
        today() - Days::new((-n) as u64)
    }
}

pub struct Published {
    pub directive_id: i64,
    /// Task ids: one for Lạng Sơn (lead, Cục SHTT coordinating), one for Cục Kế hoạch - Tài
    /// chính (lead, Lạng Sơn coordinating), one for Hà Nội (no coordinators).
    pub langson: i64,
    pub khtc: i64,
    pub hanoi: i64,
}

pub fn task_for(app: &TestApp, directive_id: i64, unit: &str) -> i64 {
    let unit_id = app.unit_id(unit);
    directive::tasks_by_item(&mut app.conn(), directive_id)
        .unwrap()
        .into_iter()
        .map(|t| t.task_id)
        .find(|t| {
            chidao::models::task::get(&mut app.conn(), *t)
                .unwrap()
                .lead_unit_id
                == unit_id
        })
        .unwrap_or_else(|| panic!("no task for {unit}"))
}

pub fn publish(app: &TestApp) -> Published {
    let by = app.add_user(Role::Secretariat, None);
    let by = chidao::models::user::by_email(&mut app.conn(), &by)
        .unwrap()
        .unwrap()
        .0
        .id;
    let u = |n: &str| Assignee::Unit(app.unit_id(n));
    let d = NewDirective {
        conference_id: None,
        number: "88/TB-BKHCN".into(),
        issued_on: days(-10),
        signer: "Thứ trưởng".into(),
        title: "Kết luận tại Hội nghị về đổi mới sáng tạo địa phương".into(),
        body: "Toàn văn".into(),
        form_token: crate::support::unique("token"),
        items: vec![
            NewItem {
                label: "1".into(),
                text: "Xây dựng kế hoạch ứng dụng trí tuệ nhân tạo trong quản lý nhà nước".into(),
                leads: vec![u("Sở KH&CN Lạng Sơn")],
                coordinators: vec![u("Cục Sở hữu trí tuệ")],
                due_on: Some(days(-2)),
                recurrence: None,
            },
            NewItem {
                label: "2".into(),
                text: "Rà soát cơ chế tài chính cho đổi mới sáng tạo".into(),
                leads: vec![u("Cục Kế hoạch - Tài chính")],
                coordinators: vec![u("Sở KH&CN Lạng Sơn")],
                due_on: Some(days(20)),
                recurrence: None,
            },
            NewItem {
                label: "3".into(),
                text: "Thí điểm sàn giao dịch công nghệ".into(),
                leads: vec![u("Sở KH&CN Hà Nội")],
                coordinators: vec![],
                due_on: None,
                recurrence: Some("quarterly".into()),
            },
        ],
    };
    let (id, _) = directive::publish(&mut app.conn(), &d, by).unwrap();
    Published {
        directive_id: id,
        langson: task_for(app, id, "Sở KH&CN Lạng Sơn"),
        khtc: task_for(app, id, "Cục Kế hoạch - Tài chính"),
        hanoi: task_for(app, id, "Sở KH&CN Hà Nội"),
    }
}

pub fn version(app: &TestApp, task: i64) -> String {
    chidao::models::task::get(&mut app.conn(), task)
        .unwrap()
        .version
        .to_string()
}

pub fn status(app: &TestApp, task: i64) -> String {
    chidao::models::task::get(&mut app.conn(), task)
        .unwrap()
        .status
}
