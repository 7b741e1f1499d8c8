//! A queued row turned into the message people read: subject, plain text and HTML from the
//! askama templates under templates/email/, in the recipient's language, with links to the
//! service. Rendered when sent, from the data as it is then, so a reminder for a task finished
//! in the meantime is skipped instead of sent.

use std::collections::HashMap;

use askama::Template;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use crate::db::schema::{journal, tasks, units, users};
use crate::db::DbConn;
use crate::domain::dates::{format_date, vn_day_start};
use crate::domain::ids::{DirectiveId, TaskId, UnitId, UserId};
use crate::domain::mail::Kind;
use crate::domain::permissions::Role;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::i18n::{t, Lang};
use crate::mail::letter::{fill, section, short, task_values, Built, Context, Letter, Section};
use crate::mail::outbox::Mail;
use crate::mail::payload::{self, Payload};
use crate::models::task::{self, ListRow};
use crate::models::{directive, extension, unit};

#[derive(Template)]
#[template(path = "email/message.html")]
struct Html<'a> {
    l: &'a Letter,
    /// "Kính gửi: …", where the recipient is known.
    salutation: Option<&'a str>,
    /// Why this person receives it, and whether and where they can turn it off.
    footer: &'a [String],
}

#[derive(Template)]
#[template(path = "email/message.txt", whitespace = "preserve")]
struct Text<'a> {
    l: &'a Letter,
    salutation: Option<&'a str>,
    footer: &'a [String],
}

/// What to do with a row.
pub enum Composed {
    Send {
        message: Box<Message>,
        subject: String,
    },
    /// Moot now (the task was finished, the digest would be empty): not sent, with the reason.
    Skip(&'static str),
    /// The recipient address cannot be used: a permanent failure.
    BadAddress(String),
}

/// Turns a claimed row into a message, or says why not.
/// Letters already built in this batch, by what they are about: the people of one unit get
/// the same reminder, so it is built once and only the footer differs.
#[derive(Default)]
pub struct Cache {
    letters: HashMap<String, Result<Letter, &'static str>>,
    roles: HashMap<UserId, Role>,
    /// Whom each message is addressed to ("Kính gửi: …": a person by name and unit, a unit's
    /// contact address by the unit's name), and the recipient's unit.
    addressed: HashMap<String, (String, Option<String>)>,
}

impl Cache {
    /// The batch's recipients in two queries: their roles (for the footers) and whom each
    /// message is addressed to.
    pub fn load_recipients(&mut self, conn: &mut DbConn, mails: &[Mail]) -> AppResult<()> {
        let ids: Vec<UserId> = mails.iter().filter_map(|m| m.user_id).collect();
        let found: Vec<(UserId, Role, String, Option<String>)> = users::table
            .left_join(units::table)
            .filter(users::id.eq_any(&ids))
            .select((users::id, users::role, users::name, units::name.nullable()))
            .load(conn)?;
        for (id, role, name, unit) in found {
            self.roles.insert(id, role);
            let to = match &unit {
                Some(unit) => format!("{name} ({unit})"),
                None => name,
            };
            self.addressed.insert(format!("u{id}"), (to, unit));
        }
        // Contact addresses: the units that list them, in one query for the batch, matched
        // address by address (a LIKE would also match "aa@x.vn" for "a@x.vn").
        let contacts: Vec<&Mail> = mails
            .iter()
            .filter(|m| m.user_id.is_none() && !self.addressed.contains_key(&m.recipient))
            .collect();
        if !contacts.is_empty() {
            let listed: Vec<(String, String)> = units::table
                .filter(units::emails.ne(""))
                .select((units::name, units::emails))
                .load(conn)?;
            for m in contacts {
                let address = m.recipient.trim().to_lowercase();
                let unit = listed.iter().find(|(_, emails)| {
                    emails
                        .split([',', ';', ' ', '\n'])
                        .any(|e| e.trim().eq_ignore_ascii_case(&address))
                });
                if let Some((unit, _)) = unit {
                    self.addressed
                        .insert(m.recipient.clone(), (unit.clone(), Some(unit.clone())));
                }
            }
        }
        Ok(())
    }

    /// Whom a message is addressed to, and their unit, as far as known.
    fn addressee(&self, mail: &Mail) -> (Option<&str>, Option<&str>) {
        let found = match mail.user_id {
            Some(id) => self.addressed.get(&format!("u{id}")),
            None => self.addressed.get(&mail.recipient),
        };
        match found {
            Some((to, unit)) => (Some(to.as_str()), unit.as_deref()),
            None => (None, None),
        }
    }
}

pub fn compose(
    conn: &mut DbConn,
    ctx: &Context,
    mail: &Mail,
    today: NaiveDate,
    cache: &mut Cache,
) -> AppResult<Composed> {
    let lang = Lang::parse(&mail.lang).unwrap_or(Lang::Vi);
    let kind = mail.kind;
    let key = format!(
        "{}|{}|{:?}|{:?}|{}",
        mail.kind, mail.lang, mail.task_id, mail.directive_id, mail.payload
    );
    if !cache.letters.contains_key(&key) {
        let built = letter(conn, ctx, mail, lang, today)?;
        cache.letters.insert(key.clone(), built);
    }
    let letter = match &cache.letters[&key] {
        Ok(l) => l,
        Err(why) => return Ok(Composed::Skip(why)),
    };
    let to: Mailbox = match mail.recipient.parse() {
        Ok(m) => m,
        Err(e) => return Ok(Composed::BadAddress(format!("{}: {e}", mail.recipient))),
    };
    let footer = footer(&cache.roles, ctx, mail, kind, lang);
    // The letter is shared by everyone it concerns; whom it is addressed to is this row's.
    let (addressee, their_unit) = cache.addressee(mail);
    let salutation = addressee.map(|to| fill(lang, "mail.salutation", &[("to", to)]));
    let subject = letter
        .subject
        .replace("{to}", their_unit.unwrap_or(t(lang, "mail.to_unit")));
    let failed =
        |e: askama::Error| crate::error::AppError::Internal(format!("email template: {e}"));
    let html = Html {
        l: letter,
        salutation: salutation.as_deref(),
        footer: &footer,
    }
    .render()
    .map_err(failed)?;
    let text = Text {
        l: letter,
        salutation: salutation.as_deref(),
        footer: &footer,
    }
    .render()
    .map_err(failed)?;
    let mut builder = Message::builder().from(ctx.from.clone()).to(to);
    for cc in &letter.cc {
        match cc.parse::<Mailbox>() {
            Ok(m) => builder = builder.cc(m),
            Err(e) => return Ok(Composed::BadAddress(format!("{cc}: {e}"))),
        }
    }
    let message = builder
        .subject(subject.clone())
        .message_id(Some(format!("<{}@{}>", mail.message_id, ctx.domain())))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| crate::error::AppError::Internal(format!("building a message: {e}")))?;
    Ok(Composed::Send {
        message: Box::new(message),
        subject,
    })
}

/// The footer: why this address gets the message, and how (or why not) to stop it.
fn footer(
    roles: &HashMap<UserId, Role>,
    ctx: &Context,
    mail: &Mail,
    kind: Kind,
    lang: Lang,
) -> Vec<String> {
    let Some(user_id) = mail.user_id else {
        return vec![t(lang, "mail.footer.contact").into()];
    };
    let role = roles.get(&user_id).copied().unwrap_or(Role::UnitStaff);
    let me = format!("{}/me", ctx.public_url);
    let mut out = vec![t(lang, "mail.footer.person").to_string()];
    match kind.mandatory_because(role) {
        Some(why) => out.push(format!(
            "{} {}",
            t(lang, "mail.footer.mandatory"),
            t(lang, why)
        )),
        None => out.push(fill(lang, "mail.footer.optional", &[("url", &me)])),
    }
    if kind == Kind::Reminder {
        out.push(fill(lang, "mail.footer.digest", &[("url", &me)]));
    }
    out
}

/// The letter for a row, built by its kind's own function from its typed payload.
fn letter(
    conn: &mut DbConn,
    ctx: &Context,
    mail: &Mail,
    lang: Lang,
    today: NaiveDate,
) -> AppResult<Built> {
    let Some(payload) = Payload::read(mail.kind, &mail.payload) else {
        return Ok(Err("payload does not fit its kind"));
    };
    let l = Letter::new(lang);
    match payload {
        Payload::Assigned(p) => assigned(conn, ctx, l, mail.directive_id, p, today),
        Payload::Reminder(p) => reminder_of(conn, ctx, l, mail.task_id, p, today),
        Payload::Digest(p) => digest_of(conn, ctx, l, p, today),
        Payload::Moved(p) => on_task(conn, ctx, l, mail, today, |_, l, _, values| {
            Ok(moved(l, mail.kind, values, p, &[]))
        }),
        Payload::Chased(p) => on_task(conn, ctx, l, mail, today, |_, l, _, values| {
            let count = p.count.to_string();
            let note = payload::Moved { note: p.note };
            Ok(moved(l, mail.kind, values, note, &[("count", &count)]))
        }),
        Payload::Extension(p) => on_task(conn, ctx, l, mail, today, |conn, l, r, values| {
            extension_of(conn, l, mail.kind, r, values, p)
        }),
        Payload::Explanation(p) => on_task(conn, ctx, l, mail, today, |conn, l, _, values| {
            explanation_of(conn, l, mail.kind, values, p)
        }),
        Payload::Escalated(p) => on_task(conn, ctx, l, mail, today, |_, l, r, values| {
            Ok(escalated_of(l, r, values, p))
        }),
        Payload::WeeklySummary(p) => super::weekly::letter(conn, ctx, l, p, today),
        Payload::PasswordReset(p) => Ok(password_reset(ctx, l, p)),
    }
}

/// The row's task as a list shows it, if it still exists.
fn task_row(conn: &mut DbConn, mail: &Mail, today: NaiveDate) -> AppResult<Option<ListRow>> {
    match mail.task_id {
        Some(id) => Ok(task::rows_for(conn, &[id], today)?.pop()),
        None => Ok(None),
    }
}

/// The words most letters about a task fill in (see `task_values`).
type Values<'a> = Vec<(&'static str, &'a str)>;

/// A letter about the row's task: `build` writes it from the task as a list shows it and its
/// words, and says where on the task's page the letter's button leads; the task itself is
/// shown below. Nothing is sent if the task is gone since.
fn on_task(
    conn: &mut DbConn,
    ctx: &Context,
    mut l: Letter,
    mail: &Mail,
    today: NaiveDate,
    build: impl FnOnce(&mut DbConn, &mut Letter, &ListRow, Values) -> AppResult<&'static str>,
) -> AppResult<Built> {
    let Some(r) = task_row(conn, mail, today)? else {
        return Ok(Err("task gone"));
    };
    let title = short(&r.item_text, 60);
    let values = task_values(l.lang, &title, &r);
    let anchor = build(conn, &mut l, &r, values)?;
    l.about_task(ctx, &r, anchor);
    Ok(Ok(l))
}

/// A published directive: the tasks the recipient's unit leads, and those it coordinates.
fn assigned(
    conn: &mut DbConn,
    ctx: &Context,
    mut l: Letter,
    directive_id: Option<DirectiveId>,
    p: payload::Assigned,
    today: NaiveDate,
) -> AppResult<Built> {
    let Some(d) = directive_id else {
        return Ok(Err("no directive"));
    };
    let lang = l.lang;
    let d = directive::get(conn, d)?;
    // "{to}" is the recipient's unit, filled per message.
    l.subject = fill(
        lang,
        "mail.assigned.subject",
        &[("app", t(lang, "app.name")), ("number", &d.number)],
    );
    l.lines.push(fill(
        lang,
        "mail.assigned.intro",
        &[
            ("number", &d.number),
            ("date", &format_date(d.issued_on)),
            ("title", &d.title),
        ],
    ));
    for (key, list) in [
        ("mail.assigned.lead", p.lead),
        ("mail.assigned.coordinate", p.coordinate),
    ] {
        if !list.is_empty() {
            let rows = task::rows_for(conn, &list, today)?;
            l.sections.push(section(lang, ctx, t(lang, key), &rows));
        }
    }
    l.action = to_tasks(ctx, lang);
    Ok(Ok(l))
}

/// The button to the person's own list of tasks.
fn to_tasks(ctx: &Context, lang: Lang) -> Option<(String, String)> {
    let url = format!("{}/tasks", ctx.public_url);
    Some((t(lang, "mail.open_tasks").into(), url))
}

/// The day's reminder: only what is still being worked on and still has a due date.
fn reminder_of(
    conn: &mut DbConn,
    ctx: &Context,
    mut l: Letter,
    task_id: Option<TaskId>,
    p: payload::Reminder,
    today: NaiveDate,
) -> AppResult<Built> {
    let day = p.day;
    let mut list = p.tasks;
    list.extend(task_id);
    // A unit's list can be long, so the ids and dates first, then the rows of the few shown. By
    // id alone, so the lookup is the primary key whatever the planner thinks of the status and
    // due-date indexes.
    let mut live: Vec<(TaskId, Option<NaiveDate>)> = tasks::table
        .filter(tasks::id.eq_any(&list))
        .select((tasks::id, tasks::status, tasks::due_on))
        .load::<(TaskId, Status, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter(|(_, status, due)| due.is_some() && Status::WORKING.contains(status))
        .map(|(id, _, due)| (id, due))
        .collect();
    live.sort_by_key(|(id, due)| (*due, *id));
    if live.is_empty() {
        return Ok(Err("no task still open"));
    }
    let mut groups: [(Vec<TaskId>, usize); 3] = Default::default();
    for (id, due) in &live {
        let g = match due.map(|d| d.cmp(&day)) {
            Some(std::cmp::Ordering::Equal) => 0,
            Some(std::cmp::Ordering::Greater) => 1,
            _ => 2,
        };
        if groups[g].0.len() < DIGEST_LIMIT as usize {
            groups[g].0.push(*id);
        }
        groups[g].1 += 1;
    }
    let shown: Vec<TaskId> = groups.iter().flat_map(|g| g.0.iter().copied()).collect();
    let mut rows: HashMap<TaskId, ListRow> = task::rows_for(conn, &shown, today)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let groups = groups.map(|(ids, total)| {
        let rows: Vec<ListRow> = ids.iter().filter_map(|id| rows.remove(id)).collect();
        (rows, total)
    });
    reminder(&mut l, ctx, day, live.len(), groups);
    Ok(Ok(l))
}

/// A unit's daily digest; nothing when every list is empty.
fn digest_of(
    conn: &mut DbConn,
    ctx: &Context,
    mut l: Letter,
    p: payload::Digest,
    today: NaiveDate,
) -> AppResult<Built> {
    let lang = l.lang;
    let built = digest(conn, ctx, lang, p.unit, p.day, today)?;
    if built.iter().all(|s| s.items.is_empty()) {
        return Ok(Err("nothing to report"));
    }
    l.subject = fill(
        lang,
        "mail.digest.subject",
        &[
            ("app", t(lang, "app.name")),
            ("date", &format_date(p.day)),
            ("unit", &unit::get(conn, p.unit)?.name),
        ],
    );
    l.lines.push(t(lang, "mail.digest.intro").into());
    l.sections = built.into_iter().filter(|s| !s.items.is_empty()).collect();
    l.action = to_tasks(ctx, lang);
    Ok(Ok(l))
}

/// Completion reported (to the secretariat), confirmed or returned (to the unit), or the unit
/// chased; `more` fills the kind's own words ("lần {count}").
fn moved<'a>(
    l: &mut Letter,
    kind: Kind,
    mut values: Values<'a>,
    p: payload::Moved,
    more: &[(&'static str, &'a str)],
) -> &'static str {
    let key = kind.as_str();
    values.extend_from_slice(more);
    l.open_with(&format!("mail.{key}"), &values);
    if !p.note.is_empty() {
        l.note = Some((t(l.lang, &format!("mail.{key}.note")).into(), p.note));
    }
    ""
}

/// An extension asked for (to the secretariat) or decided (to the unit).
fn extension_of(
    conn: &mut DbConn,
    l: &mut Letter,
    kind: Kind,
    r: &ListRow,
    values: Values,
    p: payload::Extension,
) -> AppResult<&'static str> {
    let lang = l.lang;
    let req = extension::get(conn, p.request)?;
    let asked = kind == Kind::ExtensionRequested;
    let (key, note) = if asked {
        ("mail.extension_requested", req.reason.clone())
    } else if req.status == extension::Decision::Approved {
        ("mail.extension_approved", req.decision_note.clone())
    } else {
        ("mail.extension_rejected", req.decision_note.clone())
    };
    let new_due = req.decided_due.unwrap_or(req.requested_due);
    l.subject = fill(lang, &format!("{key}.subject"), &values);
    l.lines.push(fill(
        lang,
        &format!("{key}.intro"),
        &[
            ("unit", &r.lead_unit),
            ("date", &format_date(new_due)),
            ("asked", &format_date(req.requested_due)),
        ],
    ));
    if !note.trim().is_empty() {
        // The unit's reason, or the decider's note: each labelled as what it is.
        let label = if asked {
            "mail.reason"
        } else {
            "mail.decision_note"
        };
        l.note = Some((t(lang, label).into(), note));
    }
    // The request is decided on the task's page, where its reason and files are.
    Ok("")
}

/// Giải trình asked (to the unit, with the question and the date to answer by), answered (to
/// the asker, with the answer) or accepted (to the unit, with the new due date if it moved).
fn explanation_of(
    conn: &mut DbConn,
    l: &mut Letter,
    kind: Kind,
    values: Values,
    p: payload::Explanation,
) -> AppResult<&'static str> {
    let lang = l.lang;
    let e = crate::models::explanation::get(conn, p.explanation)?;
    let key = kind.as_str();
    let reply_by = format_date(e.reply_by);
    let new_due = e.new_due.map(format_date).unwrap_or_default();
    // Rebound, so that it may hold words that live only here.
    let mut values = values;
    values.push(("date", reply_by.as_str()));
    l.open_with(&format!("mail.{key}"), &values);
    let note = match kind {
        Kind::ExplanationAnswered => {
            let mut parts = vec![format!("{}: {}", t(lang, "explanation.reason"), e.reason)];
            for (k, v) in [
                ("explanation.actions", e.actions.clone()),
                (
                    "explanation.proposed_due",
                    e.proposed_due.map(format_date).unwrap_or_default(),
                ),
                ("explanation.difficulties", e.difficulties.clone()),
            ] {
                if !v.is_empty() {
                    parts.push(format!("{}: {v}", t(lang, k)));
                }
            }
            parts.join("\n")
        }
        Kind::ExplanationAccepted if !new_due.is_empty() => {
            let moved = format!("{}: {new_due}", t(lang, "explanation.new_due"));
            [moved, e.decision_note.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        }
        Kind::ExplanationAccepted => e.decision_note.clone(),
        _ => e.question.clone(),
    };
    if !note.trim().is_empty() {
        l.note = Some((t(lang, &format!("mail.{key}.note")).into(), note));
    }
    Ok("#explanations")
}

/// Late work climbing: the task, how late or how long silent or waiting, and what to do.
fn escalated_of(
    l: &mut Letter,
    r: &ListRow,
    values: Values,
    p: payload::Escalated,
) -> &'static str {
    let key = format!("mail.escalated.{}", p.rule.as_str());
    let days = p.days.to_string();
    let due = r.due_on.map(format_date).unwrap_or_default();
    // Rebound, so that it may hold words that live only here.
    let mut values = values;
    values.extend([("days", days.as_str()), ("due", due.as_str())]);
    l.open_with(&key, &values);
    l.cc = p.cc;
    ""
}

/// A link to set a new password; nothing once the link was sent or used.
fn password_reset(ctx: &Context, mut l: Letter, p: payload::PasswordReset) -> Built {
    if p.token.is_empty() {
        return Err("token already used");
    }
    let lang = l.lang;
    l.subject = fill(lang, "mail.reset.subject", &[("app", t(lang, "app.name"))]);
    l.lines.push(t(lang, "mail.reset.intro").into());
    l.lines.push(t(lang, "mail.reset.ignore").into());
    l.action = Some((
        t(lang, "mail.reset.action").into(),
        format!("{}/password/reset/{}", ctx.public_url, p.token),
    ));
    Ok(l)
}

/// A reminder: one task in detail, or the unit's tasks of the day in three lists.
fn reminder(
    l: &mut Letter,
    ctx: &Context,
    day: NaiveDate,
    total: usize,
    groups: [(Vec<ListRow>, usize); 3],
) {
    let lang = l.lang;
    let app = t(lang, "app.name");
    let Some(first) = groups.iter().find_map(|g| g.0.first()) else {
        return;
    };
    let (unit, unit_id) = (first.lead_unit.clone(), first.lead_unit_id);
    if total == 1 {
        let r = first;
        let due = r.due_on.unwrap_or(day);
        let left = (due - day).num_days();
        let n = left.abs().to_string();
        let (subject, line) = match left {
            0 => ("mail.reminder.today.subject", "mail.reminder.today"),
            l if l > 0 => ("mail.reminder.soon.subject", "mail.reminder.soon"),
            _ => ("mail.reminder.late.subject", "mail.reminder.late"),
        };
        let title = short(&r.item_text, 60);
        l.subject = fill(
            lang,
            subject,
            &[
                ("app", app),
                ("n", &n),
                ("title", &title),
                ("unit", &unit),
                ("number", &r.directive_number),
            ],
        );
        l.lines.push(fill(
            lang,
            line,
            &[("n", &n), ("date", &format_date(due)), ("unit", &unit)],
        ));
        l.about_task(ctx, r, "");
        return;
    }
    let n = total.to_string();
    l.subject = fill(
        lang,
        "mail.reminders.subject",
        &[("app", app), ("n", &n), ("unit", &unit)],
    );
    l.lines.push(fill(
        lang,
        "mail.reminders.intro",
        &[("n", &n), ("unit", &unit)],
    ));
    let keys = [
        ("mail.reminders.today", "soon=yes"),
        ("mail.reminders.soon", "soon=yes"),
        ("mail.reminders.late", "bucket=open_overdue"),
    ];
    for ((key, filter), (rows, count)) in keys.into_iter().zip(groups) {
        if rows.is_empty() {
            continue;
        }
        let mut s = section(lang, ctx, t(lang, key), &rows);
        s.more = (count - rows.len()) as i64;
        s.more_url = format!("{}/tasks?{filter}&lead={unit_id}", ctx.public_url);
        l.sections.push(s);
    }
    l.action = to_tasks(ctx, lang);
}

/// How many tasks of each list a digest shows; the rest is a count and a link.
const DIGEST_LIMIT: i64 = 20;

/// The unit's lists for a day: due within a week, overdue, returned since yesterday.
fn digest(
    conn: &mut DbConn,
    ctx: &Context,
    lang: Lang,
    unit: UnitId,
    day: NaiveDate,
    today: NaiveDate,
) -> AppResult<Vec<Section>> {
    let open = || {
        tasks::table
            .filter(tasks::lead_unit_id.eq(unit))
            .filter(crate::db::word_in(tasks::status, &Status::WORKING))
            .into_boxed()
    };
    let week = day + Duration::days(7);
    let soon_q = || {
        open()
            .filter(tasks::due_on.ge(day))
            .filter(tasks::due_on.le(week))
    };
    let late_q = || open().filter(tasks::due_on.lt(day));
    let mut out = Vec::new();
    for (key, filter, ids, total) in [
        (
            "mail.digest.soon",
            "soon=yes",
            soon_q()
                .order(tasks::due_on)
                .limit(DIGEST_LIMIT)
                .select(tasks::id)
                .load::<TaskId>(conn)?,
            soon_q().count().get_result::<i64>(conn)?,
        ),
        (
            "mail.digest.late",
            "bucket=open_overdue",
            late_q()
                .order(tasks::due_on)
                .limit(DIGEST_LIMIT)
                .select(tasks::id)
                .load::<TaskId>(conn)?,
            late_q().count().get_result::<i64>(conn)?,
        ),
    ] {
        let rows = task::rows_for(conn, &ids, today)?;
        let mut s = section(lang, ctx, t(lang, key), &rows);
        s.more = total - rows.len() as i64;
        s.more_url = format!("{}/tasks?{filter}&lead={unit}", ctx.public_url);
        out.push(s);
    }
    let since = vn_day_start(day - Duration::days(1));
    let returned: Vec<TaskId> = journal::table
        .inner_join(tasks::table)
        .filter(tasks::lead_unit_id.eq(unit))
        .filter(tasks::status.eq(Status::InProgress))
        .filter(journal::at.ge(since))
        .filter(journal::from_value.eq(Status::Reported.as_str()))
        .filter(journal::to_value.eq(Status::InProgress.as_str()))
        .select(journal::task_id)
        .distinct()
        .limit(DIGEST_LIMIT)
        .load(conn)?;
    let rows = task::rows_for(conn, &returned, today)?;
    out.push(section(lang, ctx, t(lang, "mail.digest.returned"), &rows));
    Ok(out)
}
