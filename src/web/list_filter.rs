//! The task list's filter as a URL writes it: parsed from a query string into `task::Filter`
//! and written back to one. The list, the JSON API, the exports and every link the dashboard
//! makes go through here, so a new filter is one field of `Query` and one line each way.

use serde::Deserialize;

use crate::domain::dates::{format_opt_date, parse_date, today_in_vietnam};
use crate::domain::paging::{Key, Page};
use crate::domain::permissions::Actor;
use crate::domain::status::{Status, Timeliness};
use crate::models::task::{Filter, Sort};

/// The query string's fields, as typed. Anything unreadable is as if absent: a list link
/// someone shortened by hand still opens a list. (The API's description of its list takes its
/// parameters from here.)
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open` (assigned, in progress, reported), `all`, `counted`, or one status: `assigned`,
    /// `in_progress`, `reported`, `done`, `cancelled`. Unit people default to `open`.
    status: Option<String>,
    /// One bucket: `done_on_time`, `done_late`, `open_within`, `open_overdue`.
    bucket: Option<String>,
    /// A unit's number: the tasks it leads or coordinates.
    unit: Option<String>,
    /// A directive's number (its id).
    directive: Option<String>,
    /// A directive's number as typed in the list's form (`tasks::resolve_filter` finds it).
    directive_no: Option<String>,
    /// A conference's number (its id).
    conference: Option<String>,
    /// Due on or after this day (yyyy-mm-dd or dd/mm/yyyy).
    due_from: Option<String>,
    /// Due on or before this day.
    due_to: Option<String>,
    /// Words that must all appear (diacritics ignored), at most 200 characters.
    q: Option<String>,
    /// `yes`: only tasks whose due date was extended.
    extended: Option<String>,
    /// `yes`: only open tasks due within the next few working days.
    soon: Option<String>,
    /// Assigned on or after this day.
    assigned_from: Option<String>,
    /// Assigned on or before this day.
    assigned_to: Option<String>,
    /// A unit's number: only the tasks it leads.
    lead: Option<String>,
    /// "mine": only the units the leader is in charge of (where a leader's menu leads).
    scope: Option<String>,
    /// "me": only the tasks handed to the person (giao cho tôi).
    assignee: Option<String>,
    /// `due` (most urgent first, the default), `-due`, `updated`, `created` (newest first).
    sort: Option<String>,
    /// Tasks a page holds, 1 to 100 (25 unless asked).
    limit: Option<String>,
    /// Where the page begins: after or before a task's place (`paging::Key`).
    after: Option<String>,
    before: Option<String>,
}

/// The longest search text kept, in characters.
const MAX_SEARCH_CHARS: usize = 200;

fn id<T: std::str::FromStr>(v: &Option<String>) -> Option<T> {
    v.as_deref().and_then(|v| v.trim().parse().ok())
}

fn date(v: &Option<String>) -> Option<chrono::NaiveDate> {
    v.as_deref().and_then(parse_date)
}

fn yes(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| v.trim() == "yes")
}

/// The first value of each name, as a browser's form or a hand-made link gives it.
fn first_values(query: &str) -> ListQuery {
    crate::web::query::parse(query)
}

/// The date fields of a query string that hold something that is not a date (dd/mm/yyyy):
/// (field, as typed). The list ignores them, and its page says so and keeps what was typed.
pub fn unreadable_dates(query: &str) -> Vec<(&'static str, String)> {
    let q = first_values(query);
    [
        ("due_from", q.due_from),
        ("due_to", q.due_to),
        ("assigned_from", q.assigned_from),
        ("assigned_to", q.assigned_to),
    ]
    .into_iter()
    .filter_map(|(field, v)| {
        let v = v?.trim().to_string();
        (!v.is_empty() && parse_date(&v).is_none()).then_some((field, v))
    })
    .collect()
}

/// The directive number typed into the list's form, if any (at most 100 characters).
pub fn directive_number(query: &str) -> Option<String> {
    let typed: String = first_values(query)
        .directive_no?
        .trim()
        .chars()
        .take(100)
        .collect();
    (!typed.is_empty()).then_some(typed)
}

/// Reads the list filters from a query string. A unit person with no status chosen lands on
/// their open tasks; everyone else on all tasks. "Due soon" gets its end from the calendar
/// later (`tasks::resolve_filter`); until then it holds today.
pub fn parse(query: &str, actor: &Actor) -> Filter {
    let q = first_values(query);
    let sort = q
        .sort
        .as_deref()
        .and_then(|s| Sort::parse(s.trim()))
        .unwrap_or_default();
    let statuses = match q.status.as_deref().map(str::trim) {
        None if actor.role.is_unit_role() => Some(Status::OPEN.to_vec()),
        None | Some("") | Some("all") => None,
        Some("open") => Some(Status::OPEN.to_vec()),
        Some("counted") => Some(Status::COUNTED.to_vec()),
        Some(s) => Status::parse(s).map(|s| vec![s]),
    };
    Filter {
        statuses,
        bucket: q
            .bucket
            .as_deref()
            .and_then(|b| Timeliness::parse(b.trim())),
        unit_id: id(&q.unit),
        directive_id: id(&q.directive),
        conference_id: id(&q.conference),
        due_from: date(&q.due_from),
        due_to: date(&q.due_to),
        q: q.q
            .as_deref()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_SEARCH_CHARS)
            .collect(),
        extended: yes(&q.extended),
        due_soon_until: yes(&q.soon).then(|| today_in_vietnam(chrono::Utc::now())),
        assigned_from: date(&q.assigned_from),
        assigned_to: date(&q.assigned_to),
        lead_unit_id: id(&q.lead),
        in_charge_of: (q.scope.as_deref().map(str::trim) == Some("mine")).then_some(actor.user_id),
        assignee: (q.assignee.as_deref().map(str::trim) == Some("me")).then_some(actor.user_id),
        sort,
        page: page(&q, sort),
        limit: id(&q.limit),
    }
}

/// Where the page begins; a place that cannot be read is the first page.
fn page(q: &ListQuery, sort: Sort) -> Page {
    let key = |v: &Option<String>| v.as_deref().and_then(|v| Key::parse(v, sort));
    match (key(&q.after), key(&q.before)) {
        (Some(k), _) => Page::After(k),
        (None, Some(k)) => Page::Before(k),
        (None, None) => Page::First,
    }
}

/// How the status choice is written: the words `parse` reads.
pub fn status_word(f: &Filter) -> String {
    match &f.statuses {
        None => "all".to_string(),
        Some(s) if s.as_slice() == Status::OPEN => "open".to_string(),
        Some(s) if s.as_slice() == Status::COUNTED => "counted".to_string(),
        Some(s) => s
            .first()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    }
}

/// The filter as a query string (`parse` gives the same filter back), the first page left out.
pub fn to_query(f: &Filter) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            s.append_pair(k, &v);
        }
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format_opt_date(Some(d)));
    put("status", Some(status_word(f)));
    put("bucket", f.bucket.map(|b| b.as_str().to_string()));
    put("unit", f.unit_id.map(|v| v.to_string()));
    put("directive", f.directive_id.map(|v| v.to_string()));
    put("conference", f.conference_id.map(|v| v.to_string()));
    put("due_from", date(f.due_from));
    put("due_to", date(f.due_to));
    put("q", Some(f.q.clone()));
    put("limit", f.limit.map(|n| n.to_string()));
    put("extended", f.extended.then(|| "yes".to_string()));
    put("soon", f.due_soon_until.map(|_| "yes".to_string()));
    put("assigned_from", date(f.assigned_from));
    put("assigned_to", date(f.assigned_to));
    put("lead", f.lead_unit_id.map(|v| v.to_string()));
    put("scope", f.in_charge_of.map(|_| "mine".to_string()));
    put("assignee", f.assignee.map(|_| "me".to_string()));
    put(
        "sort",
        (f.sort != Sort::default()).then(|| f.sort.as_str().to_string()),
    );
    match f.page {
        Page::First => {}
        Page::After(k) => put("after", Some(k.as_param())),
        Page::Before(k) => put("before", Some(k.as_param())),
    }
    s.finish()
}

/// The task list showing `f`.
pub fn list_url(f: &Filter) -> String {
    format!("/tasks?{}", to_query(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{DirectiveId, TaskId, UnitId, UserId};
    use crate::domain::permissions::Role;
    use chrono::NaiveDate;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: UserId(1),
            role,
            unit_id: role.is_unit_role().then_some(UnitId(7)),
        }
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 11, d)
    }

    /// One filter per field set to something other than its default, and all of them at once.
    fn samples() -> Vec<Filter> {
        let base = parse("", &actor(Role::Leader));
        let today = today_in_vietnam(chrono::Utc::now());
        let mut out: Vec<Filter> = vec![
            Filter {
                statuses: Some(Status::OPEN.to_vec()),
                ..base.clone()
            },
            Filter {
                statuses: Some(Status::COUNTED.to_vec()),
                ..base.clone()
            },
            Filter {
                bucket: Some(Timeliness::OpenOverdue),
                ..base.clone()
            },
            Filter {
                unit_id: Some(UnitId(12)),
                ..base.clone()
            },
            Filter {
                directive_id: Some(DirectiveId(3)),
                ..base.clone()
            },
            Filter {
                conference_id: Some(4),
                ..base.clone()
            },
            Filter {
                due_from: day(2),
                ..base.clone()
            },
            Filter {
                due_to: day(30),
                ..base.clone()
            },
            Filter {
                q: "Sở KH&CN Lạng Sơn & \"x=1\"".into(),
                ..base.clone()
            },
            Filter {
                extended: true,
                ..base.clone()
            },
            Filter {
                due_soon_until: Some(today),
                ..base.clone()
            },
            Filter {
                assigned_from: day(1),
                ..base.clone()
            },
            Filter {
                assigned_to: day(15),
                ..base.clone()
            },
            Filter {
                lead_unit_id: Some(UnitId(9)),
                ..base.clone()
            },
            Filter {
                in_charge_of: Some(UserId(1)),
                ..base.clone()
            },
            Filter {
                sort: Sort::ALL[Sort::ALL.len() - 1],
                ..base.clone()
            },
            Filter {
                page: Page::After(Key {
                    value: 739_000,
                    id: TaskId(7),
                }),
                ..base.clone()
            },
            Filter {
                sort: Sort::Updated,
                page: Page::Before(Key {
                    value: 1_764_000_000_000_000_000,
                    id: TaskId(8),
                }),
                ..base.clone()
            },
        ];
        out.extend(Status::ALL.map(|s| Filter {
            statuses: Some(vec![s]),
            ..base.clone()
        }));
        out.extend(Timeliness::ALL.map(|b| Filter {
            bucket: Some(b),
            ..base.clone()
        }));
        out.extend(Sort::ALL.map(|s| Filter {
            sort: s,
            ..base.clone()
        }));
        out.push(Filter {
            statuses: Some(Status::COUNTED.to_vec()),
            bucket: Some(Timeliness::DoneLate),
            unit_id: Some(UnitId(1)),
            directive_id: Some(DirectiveId(2)),
            conference_id: Some(3),
            due_from: day(1),
            due_to: day(30),
            q: "báo cáo".into(),
            extended: true,
            due_soon_until: Some(today),
            assigned_from: day(3),
            assigned_to: day(4),
            lead_unit_id: Some(UnitId(5)),
            in_charge_of: Some(UserId(1)),
            assignee: Some(UserId(1)),
            sort: Sort::ALL[1],
            page: Page::After(Key {
                value: 739_100,
                id: TaskId(2),
            }),
            limit: Some(60),
        });
        out
    }

    #[test]
    fn every_field_survives_the_trip_through_a_url() {
        for role in [Role::Leader, Role::UnitStaff] {
            for f in samples() {
                let url = list_url(&f);
                let query = url.strip_prefix("/tasks?").unwrap();
                assert_eq!(parse(query, &actor(role)), f, "{url}");
                assert_eq!(list_url(&parse(query, &actor(role))), url);
            }
        }
    }

    #[test]
    fn a_unit_person_lands_on_open_tasks_and_others_on_all() {
        assert_eq!(
            parse("", &actor(Role::UnitHead)).statuses,
            Some(Status::OPEN.to_vec())
        );
        assert_eq!(parse("", &actor(Role::Leader)).statuses, None);
        assert_eq!(parse("status=all", &actor(Role::UnitHead)).statuses, None);
    }

    #[test]
    fn the_units_in_a_leaders_charge_are_asked_for_by_name() {
        let leader = actor(Role::Leader);
        assert_eq!(
            parse("scope=mine", &leader).in_charge_of,
            Some(leader.user_id)
        );
        assert_eq!(parse("scope=all", &leader).in_charge_of, None);
        assert_eq!(parse("", &leader).in_charge_of, None);
    }

    #[test]
    fn what_cannot_be_read_is_left_out() {
        let f = parse(
            "status=paused&bucket=x&unit=abc&due_from=31/02/2026&after=x_4&sort=up&q=a&q=b",
            &actor(Role::Leader),
        );
        assert_eq!(
            f,
            Filter {
                q: "a".into(),
                ..parse("", &actor(Role::Leader))
            }
        );
    }
}
