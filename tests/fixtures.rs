//! Directives and tasks made directly through the use cases, for tests about what comes after.

use chidao::domain::permissions::{Act, Actor, Role};
use chidao::models::directive::{self, Assignee, NewDirective, NewItem};
use chrono::{Days, NaiveDate};

use crate::support::TestApp;
use chidao::domain::ids::{DirectiveId, TaskId, UserId};

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

/// Publishes `d` as the secretariat's account `by`, now; the directive's id and whether it was
/// new.
pub fn publish_directive(app: &TestApp, d: &NewDirective, by: UserId) -> (DirectiveId, bool) {
    let sec = Actor {
        user_id: by,
        role: Role::Secretariat,
        unit_id: None,
    };
    chidao::app::directives::publish(&mut app.conn(), Act::now(sec), d).unwrap()
}

pub struct Published {
    pub directive_id: DirectiveId,
    /// Task ids: one for Lạng Sơn (lead, Cục SHTT coordinating), one for Cục Kế hoạch - Tài
    /// chính (lead, Lạng Sơn coordinating), one for Hà Nội (no coordinators).
    pub langson: TaskId,
    pub khtc: TaskId,
    pub hanoi: TaskId,
}

pub fn task_for(app: &TestApp, directive_id: DirectiveId, unit: &str) -> TaskId {
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
                rule: None,
                until: None,
            },
            NewItem {
                label: "2".into(),
                text: "Rà soát cơ chế tài chính cho đổi mới sáng tạo".into(),
                leads: vec![u("Cục Kế hoạch - Tài chính")],
                coordinators: vec![u("Sở KH&CN Lạng Sơn")],
                due_on: Some(days(20)),
                recurrence: None,
                rule: None,
                until: None,
            },
            NewItem {
                label: "3".into(),
                text: "Thí điểm sàn giao dịch công nghệ".into(),
                leads: vec![u("Sở KH&CN Hà Nội")],
                coordinators: vec![],
                due_on: None,
                recurrence: Some(chidao::domain::recurrence::Recurrence::Quarterly),
                rule: None,
                until: None,
            },
        ],
    };
    let (id, _) = crate::fixtures::publish_directive(app, &d, by);
    Published {
        directive_id: id,
        langson: task_for(app, id, "Sở KH&CN Lạng Sơn"),
        khtc: task_for(app, id, "Cục Kế hoạch - Tài chính"),
        hanoi: task_for(app, id, "Sở KH&CN Hà Nội"),
    }
}

pub fn version(app: &TestApp, task: TaskId) -> String {
    chidao::models::task::get(&mut app.conn(), task)
        .unwrap()
        .version
        .to_string()
}

pub fn status(app: &TestApp, task: TaskId) -> String {
    chidao::models::task::get(&mut app.conn(), task)
        .unwrap()
        .status
        .as_str()
        .to_string()
}

/// `task_units` says exactly what tasks and task_coordinators say: who sees each task, whether
/// it is open, and its due date.
pub fn assert_scopes_consistent(app: &TestApp) {
    use chidao::db::schema::{task_coordinators, task_units, tasks};
    use diesel::prelude::*;
    use std::collections::BTreeSet;
    let mut conn = app.conn();
    let all: Vec<(i64, i64, String, Option<NaiveDate>)> = tasks::table
        .select((tasks::id, tasks::lead_unit_id, tasks::status, tasks::due_on))
        .load(&mut conn)
        .unwrap();
    let coords: Vec<(i64, i64)> = task_coordinators::table
        .select((task_coordinators::task_id, task_coordinators::unit_id))
        .load(&mut conn)
        .unwrap();
    let mut expected = BTreeSet::new();
    for (id, lead, status, due) in &all {
        let open = ["assigned", "in_progress", "reported"].contains(&status.as_str());
        let due = due.unwrap_or_else(chidao::models::task::no_due_sort);
        expected.insert((*lead, *id, true, open, due));
        for (_, unit) in coords.iter().filter(|(t, u)| t == id && u != lead) {
            expected.insert((*unit, *id, false, open, due));
        }
    }
    let actual: BTreeSet<(i64, i64, bool, bool, NaiveDate)> = task_units::table
        .select((
            task_units::unit_id,
            task_units::task_id,
            task_units::is_lead,
            task_units::open,
            task_units::due_sort,
        ))
        .load::<(i64, i64, bool, bool, NaiveDate)>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(actual, expected, "task_units out of step");
}

/// Moves a task's due date directly (and its rows in `task_units`), as if it had been set so.
pub fn set_due(app: &TestApp, task: TaskId, due: NaiveDate) {
    use chidao::db::schema::tasks;
    use diesel::prelude::*;
    diesel::update(tasks::table.find(task))
        .set(tasks::due_on.eq(due))
        .execute(&mut app.conn())
        .unwrap();
    chidao::models::task::sync_units(&mut app.conn(), task).unwrap();
}
