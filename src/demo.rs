//! Demo data: a few accounts and realistic directives with tasks in every state (`--demo`), and
//! synthetic volume for benchmarks (`demo --synthetic --tasks N`).

use std::io::Write;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;

use chidao::app;
use chidao::db::schema::{
    directive_items, directives, journal, task_coordinators, task_units, tasks, units, users,
};
use chidao::db::DbConn;
use chidao::domain::dates::{today_in_vietnam, Moment};
use chidao::domain::directory::GROUP_PROVINCIAL;
use chidao::domain::ids::{DirectiveId, ItemId, TaskId, UnitId, UserId};
use chidao::domain::permissions::{Act, Actor, Role};
use chidao::domain::status::{Move, Status};
use chidao::models::directive::{self, Assignee, NewDirective, NewItem};
use chidao::models::task;
use chidao::models::{attachment::Storage, unit, user};

pub const PASSWORD: &str = "chidao-demo-2026";

/// (email, name, role, unit)
const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    (
        "quantri@demo.chidao.vn",
        "Quản trị hệ thống",
        Role::Admin,
        None,
    ),
    (
        "vanphong@demo.chidao.vn",
        "Nguyễn Thị Thu Hà (Văn phòng Bộ)",
        Role::Secretariat,
        None,
    ),
    (
        "thutruong@demo.chidao.vn",
        "Thứ trưởng Lê Xuân Định",
        Role::Leader,
        None,
    ),
    (
        "giamdoc.langson@demo.chidao.vn",
        "Hoàng Văn Tuấn (GĐ Sở KH&CN Lạng Sơn)",
        Role::UnitHead,
        Some("Sở KH&CN Lạng Sơn"),
    ),
    (
        "chuyenvien.langson@demo.chidao.vn",
        "Lý Thị Mai (Sở KH&CN Lạng Sơn)",
        Role::UnitStaff,
        Some("Sở KH&CN Lạng Sơn"),
    ),
    (
        "giamdoc.vinhlong@demo.chidao.vn",
        "Trần Minh Khoa (GĐ Sở KH&CN Vĩnh Long)",
        Role::UnitHead,
        Some("Sở KH&CN Vĩnh Long"),
    ),
    (
        "giamdoc.hanoi@demo.chidao.vn",
        "Phạm Quốc Bảo (GĐ Sở KH&CN Hà Nội)",
        Role::UnitHead,
        Some("Sở KH&CN Hà Nội"),
    ),
    (
        "cuctruong.shtt@demo.chidao.vn",
        "Đinh Hữu Phí (Cục Sở hữu trí tuệ)",
        Role::UnitHead,
        Some("Cục Sở hữu trí tuệ"),
    ),
    (
        "chuyenvien.khtc@demo.chidao.vn",
        "Vũ Thanh Hương (Cục Kế hoạch - Tài chính)",
        Role::UnitStaff,
        Some("Cục Kế hoạch - Tài chính"),
    ),
    (
        "vutruong.khtc@demo.chidao.vn",
        "Đỗ Văn Lâm (Cục Kế hoạch - Tài chính)",
        Role::UnitHead,
        Some("Cục Kế hoạch - Tài chính"),
    ),
];

fn unit_id(conn: &mut DbConn, name: &str) -> anyhow::Result<UnitId> {
    Ok(unit::find_by_name(conn, name)?
        .with_context(|| format!("demo unit {name}"))?
        .id)
}

fn group_id(conn: &mut DbConn, name: &str) -> anyhow::Result<i64> {
    unit::groups(conn)?
        .into_iter()
        .find(|(g, _)| g.name == name)
        .map(|(g, _)| g.id)
        .with_context(|| format!("group {name}"))
}

/// Seeds the demo set once (it does nothing the second time) and returns the accounts.
pub fn seed(conn: &mut DbConn) -> anyhow::Result<Vec<(String, String, &'static str)>> {
    let accounts: Vec<_> = ACCOUNTS
        .iter()
        .map(|(e, n, r, _)| (e.to_string(), n.to_string(), r.as_str()))
        .collect();
    if user::by_email(conn, ACCOUNTS[0].0)?.is_some() {
        return Ok(accounts);
    }
    let at = Moment::now().now;
    let mut ids = Vec::new();
    for (email, name, role, unit) in ACCOUNTS {
        let unit_id = match unit {
            Some(u) => Some(unit_id(conn, u)?),
            None => None,
        };
        let form = user::UserForm {
            email: email.to_string(),
            name: name.to_string(),
            role: role.as_str().into(),
            unit_id,
            password: PASSWORD.into(),
            active: true,
            lang: "vi".into(),
        };
        ids.push((user::create(conn, &form, at)?, *role, unit_id));
    }
    let secretariat = ids[1].0;
    // The demo leader is in charge of the demo's units, so that their dashboard opens on them.
    for name in ACCOUNTS.iter().filter_map(|a| a.3) {
        let id = unit_id(conn, name)?;
        unit::set_leader(conn, id, Some(ids[2].0))?;
    }
    let sec = Actor {
        user_id: secretariat,
        role: Role::Secretariat,
        unit_id: None,
    };
    let today = today_in_vietnam(chrono::Utc::now());
    let day = |offset: i64| -> NaiveDate {
        if offset >= 0 {
            today + Days::new(offset as u64)
        } else {
            today - Days::new((-offset) as u64)
        }
    };
    let provinces = group_id(conn, GROUP_PROVINCIAL)?;
    let u = |conn: &mut DbConn, n: &str| unit_id(conn, n).map(Assignee::Unit);

    let conference = directive::create_conference(
        conn,
        "Hội nghị giao ban công tác khoa học và công nghệ địa phương",
        Some(day(-95)),
        "Hà Nội và trực tuyến",
        secretariat,
        at,
    )?;
    let first = NewDirective {
        conference_id: Some(conference),
        number: "215/TB-BKHCN".into(),
        issued_on: day(-90),
        signer: "Thứ trưởng Lê Xuân Định".into(),
        title: "Kết luận của Thứ trưởng Lê Xuân Định tại Hội nghị giao ban công tác khoa học và công nghệ địa phương".into(),
        body: "Sau khi nghe báo cáo và ý kiến của các đại biểu, Thứ trưởng kết luận như sau:\n1. Các Sở Khoa học và Công nghệ tham mưu Ủy ban nhân dân cấp tỉnh ban hành kế hoạch triển khai Nghị quyết số 57-NQ/TW, báo cáo Bộ trước ngày ...\n2. Giao Cục Kế hoạch - Tài chính chủ trì, phối hợp với Vụ Pháp chế ...\n3. Giao Cục Sở hữu trí tuệ ...\n4. Giao Văn phòng Bộ theo dõi, đôn đốc ...".into(),
        form_token: chidao::models::token::random_token(),
        items: vec![
            NewItem::once(
                "1",
                "Các Sở Khoa học và Công nghệ tham mưu Ủy ban nhân dân cấp tỉnh ban hành kế hoạch triển khai Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, báo cáo kết quả về Bộ.",
                (vec![Assignee::Group(provinces)], vec![]),
                Some(day(-20)),
            ),
            NewItem::once(
                "2",
                "Rà soát, hoàn thiện dự thảo Thông tư hướng dẫn quản lý nhiệm vụ khoa học và công nghệ sử dụng ngân sách nhà nước, trình Bộ trưởng.",
                (vec![u(conn, "Cục Kế hoạch - Tài chính")?], vec![u(conn, "Vụ Pháp chế")?]),
                Some(day(5)),
            ),
            NewItem::once(
                "3",
                "Hướng dẫn các địa phương tháo gỡ vướng mắc trong bảo hộ quyền sở hữu công nghiệp cho sản phẩm OCOP.",
                (vec![u(conn, "Cục Sở hữu trí tuệ")?], vec![u(conn, "Sở KH&CN Lạng Sơn")?]),
                Some(day(40)),
            ),
            NewItem {
                recurrence: Some(chidao::domain::recurrence::Recurrence::Monthly),
                rule: Some(chidao::domain::recurrence::DueRule::DayOfLastMonth(25)),
                ..NewItem::once(
                    "4",
                    "Theo dõi, đôn đốc việc thực hiện các nhiệm vụ nêu trên, tổng hợp báo cáo Thứ trưởng hằng tháng.",
                    (vec![u(conn, "Văn phòng Bộ")?], vec![]),
                    None,
                )
            },
        ],
    };
    let (first_id, _) = app::directives::publish(conn, Act::new(sec, on(first.issued_on)), &first)?;
    let second = NewDirective {
        conference_id: None,
        number: "45/TB-BKHCN".into(),
        issued_on: day(-30),
        signer: "Bộ trưởng".into(),
        title: "Kết luận của Bộ trưởng tại cuộc họp về chuyển đổi số trong quản lý nhiệm vụ khoa học và công nghệ".into(),
        body: String::new(),
        form_token: chidao::models::token::random_token(),
        items: vec![
            NewItem::once(
                "1",
                "Xây dựng cơ sở dữ liệu quốc gia về nhiệm vụ khoa học và công nghệ, kết nối với các Sở Khoa học và Công nghệ, hoàn thành trong quý này.",
                (vec![u(conn, "Cục Thông tin, Thống kê")?], vec![u(conn, "Cục Chuyển đổi số quốc gia")?, u(conn, "Sở KH&CN Hà Nội")?]),
                Some(day(25)),
            ),
            NewItem::once(
                "2",
                "Sở Khoa học và Công nghệ thành phố Hà Nội và Sở Khoa học và Công nghệ tỉnh Lạng Sơn thí điểm quy trình số hóa hồ sơ nhiệm vụ, báo cáo kinh nghiệm.",
                (vec![u(conn, "Sở KH&CN Hà Nội")?, u(conn, "Sở KH&CN Lạng Sơn")?], vec![u(conn, "Cục Thông tin, Thống kê")?]),
                Some(day(-3)),
            ),
        ],
    };
    app::directives::publish(conn, Act::new(sec, on(second.issued_on)), &second)?;

    // Move the first directive's tasks through their life so every status and every timeliness
    // bucket shows: the province tasks in turn done on time, done late, reported, in progress,
    // overdue and untouched, one cancelled. Each change is made through the use case, on the
    // day it is dated.
    let first_item = directive::items(conn, first_id)?[0].id;
    let first_tasks: Vec<_> = directive::tasks_by_item(conn, first_id)?
        .into_iter()
        .filter(|t| t.item_id == first_item)
        .collect();
    let mut heads: Heads = ids
        .iter()
        .filter(|(_, r, _)| *r == Role::UnitHead)
        .filter_map(|(id, _, u)| u.map(|u| (u, *id)))
        .collect();
    for (i, it) in first_tasks.iter().enumerate() {
        let t = task::get(conn, it.task_id)?;
        // Each unit's own head acts on its task: never another unit's people.
        let head = head_of(conn, &mut heads, t.lead_unit_id, at)?;
        let lead_name = unit::get(conn, t.lead_unit_id)?.name;
        // Lạng Sơn's own task is left for the demo unit head to work on.
        if lead_name.contains("Lạng Sơn") {
            continue;
        }
        let (id, v) = (t.id, t.version);
        match i % 7 {
            0 => {
                let text = "Đã trình UBND tỉnh ban hành Kế hoạch; gửi kèm bản chụp.";
                move_on(conn, &head, (id, v), Move::ReportCompletion, text, day(-25))?;
                move_on(conn, &sec, (id, v + 1), Move::Confirm, "", day(-22))?;
            }
            1 => {
                let text = "Kế hoạch đã được ban hành, chậm do chờ ý kiến các sở, ngành.";
                move_on(conn, &head, (id, v), Move::ReportCompletion, text, day(-10))?;
                move_on(conn, &sec, (id, v + 1), Move::Confirm, "", day(-8))?;
            }
            2 => {
                let text = "Đã hoàn thành, đề nghị Văn phòng Bộ xác nhận.";
                move_on(conn, &head, (id, v), Move::ReportCompletion, text, day(-1))?;
            }
            3 => {
                let text = "Đang lấy ý kiến các sở, ngành về dự thảo Kế hoạch.";
                progress_on(conn, &head, (id, v), text, 60, day(-5))?;
            }
            4 if i == 4 => {
                let text = "Địa phương đã thực hiện theo văn bản khác của Bộ.";
                move_on(conn, &sec, (id, v), Move::Cancel, text, today)?;
            }
            _ => {}
        }
    }
    let khtc = unit_id(conn, "Cục Kế hoạch - Tài chính")?;
    let khtc_task: Option<TaskId> = tasks::table
        .filter(tasks::directive_id.eq(first_id))
        .filter(tasks::lead_unit_id.eq(khtc))
        .select(tasks::id)
        .first(conn)
        .optional()?;
    year_of_history(conn, &sec, &mut heads, today, at)?;
    if let Some(tid) = khtc_task {
        let staff = Actor {
            user_id: ids[8].0,
            role: Role::UnitStaff,
            unit_id: Some(khtc),
        };
        let t = task::get(conn, tid)?;
        let text = "Đã hoàn thành dự thảo lần 2, đang xin ý kiến Vụ Pháp chế.";
        progress_on(conn, &staff, (t.id, t.version), text, 70, today)?;
    }
    Ok(accounts)
}

/// The unit heads who act in the demo, by unit.
type Heads = std::collections::HashMap<UnitId, UserId>;

/// The unit's head: a listed demo account, or one made for the unit the first time it acts.
fn head_of(
    conn: &mut DbConn,
    heads: &mut Heads,
    unit: UnitId,
    at: chrono::NaiveDateTime,
) -> anyhow::Result<Actor> {
    let user_id = match heads.get(&unit) {
        Some(id) => *id,
        None => {
            let name = unit::get(conn, unit)?.short_name;
            let form = user::UserForm {
                email: format!("lanhdao.u{unit}@demo.chidao.vn"),
                name: format!("Lãnh đạo {name}"),
                role: Role::UnitHead.as_str().into(),
                unit_id: Some(unit),
                password: PASSWORD.into(),
                active: true,
                lang: "vi".into(),
            };
            let id = user::create(conn, &form, at)?;
            heads.insert(unit, id);
            id
        }
    };
    Ok(Actor {
        user_id,
        role: Role::UnitHead,
        unit_id: Some(unit),
    })
}

/// A notice a month over the past year, its tasks assigned on the day it was issued and
/// finished over the following weeks (mostly on time, some late, a few still open), so that
/// the dashboard's charts show a real year. Every change is made on its own day, by the lead
/// unit's head or the secretariat.
fn year_of_history(
    conn: &mut DbConn,
    sec: &Actor,
    heads: &mut Heads,
    today: NaiveDate,
    at: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    const UNITS: [&str; 8] = [
        "Sở KH&CN Hà Nội",
        "Sở KH&CN Vĩnh Long",
        "Cục Sở hữu trí tuệ",
        "Sở KH&CN Huế",
        "Cục Kế hoạch - Tài chính",
        "Sở KH&CN Đà Nẵng",
        "Vụ Pháp chế",
        "Sở KH&CN Cần Thơ",
    ];
    const WORK: [&str; 4] = [
        "Tổng hợp, báo cáo kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh",
        "Rà soát danh mục nhiệm vụ đặt hàng, đề xuất điều chỉnh",
        "Báo cáo tình hình triển khai chương trình hỗ trợ doanh nghiệp đổi mới sáng tạo",
        "Cập nhật cơ sở dữ liệu nhiệm vụ vào hệ thống thông tin quốc gia",
    ];
    for k in (1..=11u64).rev() {
        // The tenth of each of the eleven months before this one.
        let month = today.with_day(1).expect("a first day") - chrono::Months::new(k as u32);
        let issued = month + Days::new(9);
        let items: Vec<NewItem> = (0..4)
            .map(|j| {
                let lead = unit_id(conn, UNITS[(k as usize * 3 + j) % UNITS.len()])?;
                Ok(NewItem::once(
                    (j + 1).to_string(),
                    format!("{} tháng {}.", WORK[j], issued.format("%m/%Y")),
                    (vec![Assignee::Unit(lead)], vec![]),
                    Some(issued + Days::new(20 + 5 * j as u64)),
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        let notice = NewDirective {
            conference_id: None,
            number: format!("{}/TB-BKHCN", 100 + k * 7),
            issued_on: issued,
            signer: "Thứ trưởng Lê Xuân Định".into(),
            title: format!(
                "Kết luận của Thứ trưởng tại cuộc họp giao ban tháng {}",
                issued.format("%m/%Y")
            ),
            body: String::new(),
            form_token: chidao::models::token::random_token(),
            items,
        };
        let (id, _) = app::directives::publish(conn, Act::new(*sec, on(issued)), &notice)?;
        for (j, it) in directive::tasks_by_item(conn, id)?.into_iter().enumerate() {
            let t = task::get(conn, it.task_id)?;
            let Some(due) = t.due_on else { continue };
            // Mostly on time, some late, one in ten still open.
            let done = match (k as usize + j) % 10 {
                0..=6 => due - Days::new(3),
                7 | 8 => due + Days::new(4),
                _ => continue,
            };
            if done > today {
                continue;
            }
            let head = head_of(conn, heads, t.lead_unit_id, at)?;
            let text = "Đã hoàn thành, gửi kèm báo cáo kết quả.";
            move_on(
                conn,
                &head,
                (t.id, t.version),
                Move::ReportCompletion,
                text,
                done,
            )?;
            let confirmed = done + Days::new(2);
            if confirmed <= today {
                move_on(
                    conn,
                    sec,
                    (t.id, t.version + 1),
                    Move::Confirm,
                    "",
                    confirmed,
                )?;
            }
        }
    }
    Ok(())
}

/// A demo change made on day `d`, in the morning.
fn on(d: NaiveDate) -> Moment {
    Moment {
        now: d.and_hms_opt(2, 0, 0).expect("a time"),
        today: d,
    }
}

/// `actor`'s change to the task (id, version seen) on day `d`.
fn edit_on(actor: &Actor, (task_id, version): (TaskId, i32), d: NaiveDate) -> task::Edit<'_> {
    task::Edit {
        actor,
        task_id,
        version,
        at: on(d),
    }
}

/// `actor` moves the task (id, version seen) on day `d`, with a note.
fn move_on(
    conn: &mut DbConn,
    actor: &Actor,
    seen: (TaskId, i32),
    mv: Move,
    text: &str,
    d: NaiveDate,
) -> chidao::error::AppResult<()> {
    let edit = edit_on(actor, seen, d);
    app::tasks::move_task(conn, &Storage::Database, edit, mv, text, &[])?;
    Ok(())
}

/// `actor` reports progress on the task (id, version seen) on day `d`.
fn progress_on(
    conn: &mut DbConn,
    actor: &Actor,
    seen: (TaskId, i32),
    text: &str,
    percent: i32,
    d: NaiveDate,
) -> chidao::error::AppResult<()> {
    let edit = edit_on(actor, seen, d);
    app::tasks::report_progress(conn, &Storage::Database, edit, text, percent, &[])?;
    Ok(())
}

/// Runs the same statement on whichever backend: batch inserts need the concrete connection.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

#[derive(Insertable)]
#[diesel(table_name = tasks)]
struct TaskRow {
    id: TaskId,
    item_id: ItemId,
    directive_id: DirectiveId,
    lead_unit_id: UnitId,
    status: &'static str,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    progress: i32,
    version: i32,
    search_text: String,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = task_units)]
struct TaskUnitRow {
    unit_id: UnitId,
    task_id: TaskId,
    is_lead: bool,
    open: bool,
    due_sort: NaiveDate,
}

#[derive(Insertable)]
#[diesel(table_name = journal)]
struct JournalRow {
    task_id: TaskId,
    at: chrono::NaiveDateTime,
    kind: &'static str,
    from_value: Option<&'static str>,
    to_value: Option<&'static str>,
    note: String,
}

const VERBS: &[&str] = &[
    "Rà soát, hoàn thiện",
    "Xây dựng và trình ban hành",
    "Tổng kết, đánh giá",
    "Hướng dẫn triển khai",
    "Tham mưu Ủy ban nhân dân cấp tỉnh ban hành",
    "Đôn đốc, kiểm tra việc thực hiện",
    "Nghiên cứu, đề xuất sửa đổi",
];
const OBJECTS: &[&str] = &[
    "kế hoạch triển khai Nghị quyết số 57-NQ/TW",
    "cơ chế tài chính cho nhiệm vụ khoa học và công nghệ",
    "chương trình hỗ trợ doanh nghiệp đổi mới công nghệ",
    "hệ thống tiêu chuẩn quốc gia về chuyển đổi số",
    "đề án phát triển thị trường khoa học và công nghệ",
    "quy trình bảo hộ quyền sở hữu công nghiệp cho sản phẩm OCOP",
    "cơ sở dữ liệu nhiệm vụ khoa học và công nghệ các cấp",
    "mạng lưới đổi mới sáng tạo tại địa phương",
];

/// A cheap deterministic generator, so two runs with the same N give the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Fills the database with about `n` tasks over the directory's units, with thousands of users,
/// directives of 5 to 15 items (some fanned out to every province) and statuses by age.
/// Returns how many tasks and directives were made.
pub fn synthetic(conn: &mut DbConn, n: u64) -> anyhow::Result<(u64, u64)> {
    let unit_rows: Vec<(UnitId, String, String, String)> = units::table
        .filter(units::active.eq(true))
        .filter(units::kind.ne("external"))
        .select((units::id, units::name, units::short_name, units::kind))
        .load(conn)?;
    let provinces: Vec<usize> = (0..unit_rows.len())
        .filter(|i| unit_rows[*i].3 == "province")
        .collect();
    let now = Moment::now().now;
    let today = today_in_vietnam(chrono::Utc::now());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n);
    // PostgreSQL's text index takes each task as it comes (so that a search never waits on a
    // backlog); a bulk load gathers them and merges them once at the end, three times faster.
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("ALTER INDEX tasks_search_text_trgm SET (fastupdate = on)").execute(c)?;
    }

    // People: 40 per unit share one hash (hashing thousands of passwords would take minutes).
    let existing: i64 = users::table
        .filter(users::email.like("%@synthetic.chidao.vn"))
        .count()
        .get_result(conn)?;
    if existing == 0 {
        let hash = user::hash_password(PASSWORD)?;
        conn.transaction::<_, anyhow::Error, _>(|conn| {
            for (ui, (uid, _, _, _)) in unit_rows.iter().enumerate() {
                for k in 0..40 {
                    let role = if k < 3 { "unit_head" } else { "unit_staff" };
                    diesel::insert_into(users::table)
                        .values((
                            users::email.eq(format!("u{ui}.{k}@synthetic.chidao.vn")),
                            users::name.eq(format!("Cán bộ {k} – {}", unit_rows[ui].2)),
                            users::role.eq(role),
                            users::unit_id.eq(uid),
                            users::password_hash.eq(&hash),
                            users::active.eq(true),
                            users::lang.eq("vi"),
                            users::created_at.eq(now),
                            users::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
            }
            Ok(())
        })?;
    }

    let mut next_task: i64 = tasks::table
        .select(diesel::dsl::max(tasks::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;
    let mut made: u64 = 0;
    let mut directive_no = 0u64;
    let started = std::time::Instant::now();
    while made < n {
        conn.transaction::<_, anyhow::Error, _>(|conn| {
            let mut batch: Vec<TaskRow> = Vec::new();
            let mut coords: Vec<(TaskId, UnitId)> = Vec::new();
            let mut scopes: Vec<TaskUnitRow> = Vec::new();
            // About 2,000 tasks a transaction: big enough to be fast, small enough for memory.
            while batch.len() < 2000 && made + (batch.len() as u64) < n {
                directive_no += 1;
                let age = rng.below(720); // issued up to two years ago
                let issued = today - Days::new(age);
                // Assigned on the day the notice was issued, at 09:00 in Hà Nội.
                let assigned_at = (chidao::domain::dates::vn_day_start(issued)
                    + chrono::Duration::hours(9))
                .min(now);
                let number = format!("{}/TB-BKHCN", 1000 + directive_no);
                let title = format!("Kết luận tại Hội nghị chuyên đề số {directive_no}");
                let d_id: DirectiveId = diesel::insert_into(directives::table)
                    .values((
                        directives::number.eq(&number),
                        directives::issued_on.eq(issued),
                        directives::signer.eq("Thứ trưởng"),
                        directives::title.eq(&title),
                        directives::body.eq(""),
                        directives::created_at.eq(now),
                    ))
                    .returning(directives::id)
                    .get_result(conn)?;
                let items = 5 + rng.below(11);
                for pos in 0..items {
                    let text = format!(
                        "{} {}",
                        VERBS[rng.below(VERBS.len() as u64) as usize],
                        OBJECTS[rng.below(OBJECTS.len() as u64) as usize]
                    );
                    let due = if rng.below(10) == 0 {
                        None
                    } else {
                        Some(issued + Days::new(15 + rng.below(180)))
                    };
                    let item_id: ItemId = diesel::insert_into(directive_items::table)
                        .values((
                            directive_items::directive_id.eq(d_id),
                            directive_items::position.eq(pos as i32),
                            directive_items::label.eq((pos + 1).to_string()),
                            directive_items::text.eq(&text),
                            directive_items::due_on.eq(due),
                        ))
                        .returning(directive_items::id)
                        .get_result(conn)?;
                    let fan_out = rng.below(12) == 0;
                    let leads: Vec<usize> = if fan_out {
                        provinces.clone()
                    } else {
                        vec![rng.below(unit_rows.len() as u64) as usize]
                    };
                    let coordinator = if rng.below(3) == 0 {
                        Some(rng.below(unit_rows.len() as u64) as usize)
                    } else {
                        None
                    };
                    for lead in leads {
                        // Older tasks are more likely finished; some finish late.
                        let roll = rng.below(100);
                        let (status, completed) = match (age > 120, roll) {
                            (_, r) if r < 3 => (Status::Cancelled, None),
                            (true, r) if r < 75 => (
                                Status::Done,
                                // Never completed in the future; without a deadline, some
                                // day since it was assigned.
                                Some(
                                    due.map(|d| {
                                        if r < 55 {
                                            d - Days::new(rng.below(10))
                                        } else {
                                            d + Days::new(1 + rng.below(30))
                                        }
                                    })
                                    .unwrap_or_else(|| issued + Days::new(rng.below(age)))
                                    .min(today),
                                ),
                            ),
                            (false, r) if r < 25 => (
                                Status::Done,
                                Some(issued + Days::new(rng.below(age.max(1)))),
                            ),
                            (_, r) if r < 85 => (Status::InProgress, None),
                            (_, r) if r < 92 => (
                                Status::Reported,
                                Some(today.min(issued + Days::new(rng.below(age.max(1)) + 1))),
                            ),
                            _ => (Status::Assigned, None),
                        };
                        let progress = match status {
                            Status::Done => 100,
                            Status::InProgress => (10 + rng.below(80)) as i32,
                            Status::Reported => 100,
                            _ => 0,
                        };
                        let id = TaskId(next_task);
                        next_task += 1;
                        batch.push(TaskRow {
                            id,
                            item_id,
                            directive_id: d_id,
                            lead_unit_id: unit_rows[lead].0,
                            status: status.as_str(),
                            due_on: due,
                            completed_on: completed,
                            progress,
                            version: 1,
                            search_text: task::search_text(&[
                                &(pos + 1).to_string(),
                                &text,
                                &number,
                                &title,
                                &unit_rows[lead].1,
                                &unit_rows[lead].2,
                            ]),
                            created_at: assigned_at,
                            updated_at: now,
                        });
                        let scope = |unit_id, is_lead| TaskUnitRow {
                            unit_id,
                            task_id: id,
                            is_lead,
                            open: status.is_open(),
                            due_sort: due.unwrap_or_else(task::no_due_sort),
                        };
                        scopes.push(scope(unit_rows[lead].0, true));
                        if let Some(c) = coordinator.filter(|c| *c != lead) {
                            coords.push((id, unit_rows[c].0));
                            scopes.push(scope(unit_rows[c].0, false));
                        }
                    }
                }
            }
            for chunk in batch.chunks(500) {
                on_backend!(conn, |c| diesel::insert_into(tasks::table)
                    .values(chunk)
                    .execute(c))?;
            }
            let journal_rows: Vec<JournalRow> = batch
                .iter()
                .map(|t| JournalRow {
                    task_id: t.id,
                    at: now,
                    kind: "created",
                    from_value: None,
                    to_value: Some("assigned"),
                    note: String::new(),
                })
                .collect();
            for chunk in journal_rows.chunks(500) {
                on_backend!(conn, |c| diesel::insert_into(journal::table)
                    .values(chunk)
                    .execute(c))?;
            }
            let coord_rows: Vec<_> = coords
                .iter()
                .map(|(t, u)| {
                    (
                        task_coordinators::task_id.eq(*t),
                        task_coordinators::unit_id.eq(*u),
                    )
                })
                .collect();
            for chunk in scopes.chunks(500) {
                on_backend!(conn, |c| diesel::insert_into(task_units::table)
                    .values(chunk)
                    .execute(c))?;
            }
            for chunk in coord_rows.chunks(500) {
                on_backend!(conn, |c| diesel::insert_into(task_coordinators::table)
                    .values(chunk)
                    .execute(c))?;
            }
            made += batch.len() as u64;
            Ok(())
        })?;
        let pct = (made * 100 / n.max(1)).min(100);
        let bar: String = (0..40)
            .map(|i| if i * 100 / 40 < pct { '#' } else { ' ' })
            .collect();
        eprint!(
            "\r[{bar}] {pct:>3}% {made}/{n} tasks, {:.0}s",
            started.elapsed().as_secs_f64()
        );
        std::io::stderr().flush().ok();
    }
    eprintln!();
    // Explicit ids leave PostgreSQL's sequence behind; move it past them.
    if let DbConn::Pg(c) = conn {
        diesel::sql_query(
            "SELECT setval(pg_get_serial_sequence('tasks', 'id'), (SELECT MAX(id) FROM tasks))",
        )
        .execute(c)?;
        diesel::sql_query("SELECT gin_clean_pending_list('tasks_search_text_trgm')").execute(c)?;
        diesel::sql_query("ALTER INDEX tasks_search_text_trgm SET (fastupdate = off)")
            .execute(c)?;
    }
    // Fresh statistics, so the planner sees how selective a unit is after a bulk load.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok((made, directive_no))
}
