//! The task list walked by index, page by page (keyset paging), gives exactly what the
//! straightforward query gives, for every filter, sort and kind of person, on both databases.

use chidao::domain::ids::{TaskId, UnitId, UserId};
use chidao::domain::paging::{Page, Sort};
use chidao::domain::permissions::{Actor, Role};
use chidao::domain::status::{Status, Timeliness};
use chidao::models::listing::{self, count_cap, TEXT_COUNT_CAP};
use chidao::models::over_cap::LongLists;
use chidao::models::task::{self, Filter, PAGE_SIZE};
use diesel::prelude::*;

use crate::support::each_backend;

/// Every page forward from the first, then every page back from the last, and the total the
/// first page gives.
fn walk(
    conn: &mut chidao::db::DbConn,
    actor: &Actor,
    f: &Filter,
    today: chrono::NaiveDate,
) -> (Vec<TaskId>, Vec<TaskId>, i64) {
    let long = LongLists::default();
    let mut list =
        |page: Page| listing::list(conn, actor, &Filter { page, ..f.clone() }, today, &long);
    let mut page = Page::First;
    let mut forward = Vec::new();
    let mut total = None;
    loop {
        let p = list(page).unwrap();
        total.get_or_insert(p.total);
        forward.extend(p.rows.iter().map(|r| r.id));
        match p.next {
            Some(next) => {
                assert_eq!(
                    p.rows.len() as i64,
                    f.page_size(),
                    "a page before another is full"
                );
                page = next;
            }
            None => break,
        }
    }
    let mut backward: Vec<TaskId> = Vec::new();
    loop {
        let p = list(page).unwrap();
        let mut ids: Vec<TaskId> = p.rows.iter().map(|r| r.id).collect();
        ids.extend(backward);
        backward = ids;
        match p.prev {
            Some(prev) => page = prev,
            None => break,
        }
    }
    let total = total.expect("a first page");
    assert!(!total.more || total.n == count_cap(f));
    (forward, backward, total.n)
}

/// Gives every `every`th task a word no other task holds, for a search the trigram index
/// answers (the text index follows the task's text by triggers).
fn mark_rare(conn: &mut chidao::db::DbConn, every: i64) {
    mark(conn, every, "quyetliet");
}

fn mark(conn: &mut chidao::db::DbConn, every: i64, word: &str) {
    diesel::sql_query(format!(
        "UPDATE tasks SET search_text = search_text || ' {word}' WHERE id % {every} = 0"
    ))
    .execute(conn)
    .unwrap();
}

#[test]
fn every_list_walked_by_index_is_the_straightforward_query() {
    each_backend(|app| {
        let (ok, _, err) = crate::cli::chidao(app, &["demo", "--synthetic", "--tasks", "700"], "");
        assert!(ok, "{err}");
        let mut conn = app.conn();
        let today = crate::fixtures::today();
        mark_rare(&mut conn, 25);
        // Some approved extensions and people handed tasks, for those filters.
        let some: Vec<(TaskId, UnitId)> = chidao::db::schema::tasks::table
            .select((
                chidao::db::schema::tasks::id,
                chidao::db::schema::tasks::lead_unit_id,
            ))
            .order(chidao::db::schema::tasks::id)
            .limit(400)
            .load(&mut conn)
            .unwrap();
        let busiest: UnitId = {
            let mut n: std::collections::HashMap<UnitId, usize> = Default::default();
            for (_, u) in &some {
                *n.entry(*u).or_default() += 1;
            }
            n.into_iter().max_by_key(|(u, c)| (*c, u.0)).unwrap().0
        };
        let directive: i64 = chidao::db::schema::tasks::table
            .select(chidao::db::schema::tasks::directive_id)
            .order(chidao::db::schema::tasks::id.desc())
            .first::<chidao::domain::ids::DirectiveId>(&mut conn)
            .unwrap()
            .0;
        let leader = Actor {
            user_id: UserId(1),
            role: Role::Leader,
            unit_id: None,
        };
        let head = Actor {
            user_id: UserId(2),
            role: Role::UnitHead,
            unit_id: Some(busiest),
        };
        let base = Filter::default();
        let mut shapes: Vec<Filter> = vec![
            base.clone(),
            Filter {
                statuses: Some(Status::OPEN.to_vec()),
                ..base.clone()
            },
            Filter {
                statuses: Some(Status::COUNTED.to_vec()),
                ..base.clone()
            },
            Filter {
                unit_id: Some(busiest),
                ..base.clone()
            },
            Filter {
                statuses: Some(Status::OPEN.to_vec()),
                unit_id: Some(busiest),
                ..base.clone()
            },
            Filter {
                lead_unit_id: Some(busiest),
                statuses: Some(Status::OPEN.to_vec()),
                ..base.clone()
            },
            Filter {
                directive_id: Some(chidao::domain::ids::DirectiveId(directive)),
                ..base.clone()
            },
            Filter {
                due_from: Some(today - chrono::Days::new(60)),
                due_to: Some(today + chrono::Days::new(60)),
                ..base.clone()
            },
            Filter {
                assigned_from: Some(today - chrono::Days::new(200)),
                assigned_to: Some(today - chrono::Days::new(20)),
                ..base.clone()
            },
            Filter {
                q: "ke hoach".into(),
                ..base.clone()
            },
            // A rare word, read from the text index; short words only, walked.
            Filter {
                q: "quyetliet".into(),
                ..base.clone()
            },
            Filter {
                q: "ke so".into(),
                ..base.clone()
            },
            Filter {
                statuses: Some(Status::OPEN.to_vec()),
                q: "ke quyetliet".into(),
                unit_id: Some(busiest),
                ..base.clone()
            },
            Filter {
                due_soon_until: Some(today + chrono::Days::new(30)),
                ..base.clone()
            },
            Filter {
                statuses: Some(Status::OPEN.to_vec()),
                bucket: Some(Timeliness::OpenOverdue),
                q: "bao cao".into(),
                unit_id: Some(busiest),
                ..base.clone()
            },
        ];
        // The unit with the most open tasks: its due soon and overdue in pages of three, so
        // that their totals come from the stored counts by due day (a first page that holds
        // the whole list counts it).
        let most_open: UnitId = {
            use chidao::db::schema::task_units as tu;
            tu::table
                .filter(tu::open)
                .group_by(tu::unit_id)
                .order((diesel::dsl::count_star().desc(), tu::unit_id))
                .select(tu::unit_id)
                .first(&mut conn)
                .unwrap()
        };
        for (bucket, due_soon_until) in [
            (Some(Timeliness::OpenOverdue), None),
            (Some(Timeliness::OpenWithinDeadline), None),
            (None, Some(today + chrono::Days::new(30))),
        ] {
            shapes.push(Filter {
                unit_id: Some(most_open),
                bucket,
                due_soon_until,
                limit: Some(3),
                ..base.clone()
            });
        }
        // Everyone's open tasks from the first open task's due day to the last's, in pages of
        // three: the total sums the whole months' stored counts and the days' at both ends
        // (days inside their months, each holding a task).
        let open_days: Vec<chrono::NaiveDate> = {
            use chidao::db::schema::tasks as t;
            t::table
                .filter(t::status.eq_any(Status::OPEN.map(|s| s.as_str())))
                .filter(t::due_on.is_not_null())
                .order(t::due_key)
                .select(t::due_key)
                .load(&mut conn)
                .unwrap()
        };
        let inside = |d: &&chrono::NaiveDate| {
            use chrono::Datelike;
            d.day() > 1 && d.succ_opt().unwrap().day() > 1
        };
        let (first, last) = (
            *open_days.iter().find(inside).unwrap(),
            *open_days.iter().rev().find(inside).unwrap(),
        );
        assert!(last - first > chrono::Duration::days(90), "{first} {last}");
        shapes.push(Filter {
            statuses: Some(Status::OPEN.to_vec()),
            due_from: Some(first),
            due_to: Some(last),
            limit: Some(3),
            ..base.clone()
        });
        shapes.extend(Status::ALL.map(|s| Filter {
            statuses: Some(vec![s]),
            ..base.clone()
        }));
        shapes.extend(Timeliness::ALL.map(|b| Filter {
            bucket: Some(b),
            ..base.clone()
        }));
        let (mut walked, mut paged_by_day) = (0, 0);
        for actor in [&leader, &head] {
            for shape in &shapes {
                for sort in Sort::ALL {
                    let f = Filter {
                        sort,
                        ..shape.clone()
                    };
                    let expected = task::reference_ids(&mut conn, actor, &f, today).unwrap();
                    let (forward, backward, total) = walk(&mut conn, actor, &f, today);
                    assert_eq!(forward, expected, "forward: {f:?} as {:?}", actor.role);
                    assert_eq!(backward, expected, "backward: {f:?} as {:?}", actor.role);
                    let n = expected.len() as i64;
                    assert_eq!(total, n.min(count_cap(&f)), "{f:?}");
                    let ids = listing::all_ids(&mut conn, actor, &f, today, 100).unwrap();
                    assert_eq!(ids, expected[..expected.len().min(100)], "{f:?}");
                    walked += expected.len();
                    paged_by_day += usize::from(f.limit.is_some() && n > 3);
                }
            }
        }
        assert!(walked > 10_000, "the shapes hold tasks: {walked}");
        assert!(paged_by_day > 0, "a unit's day counts gave a total");
    });
}

/// A list shape's plans read a page from an index: a shape the list's own order answers
/// walks it in that order and sorts nothing (a scan in index order stops after the page); any
/// other narrows by an index first and sorts the few tasks found. The count reads at most the
/// cap's worth, so only a bare scan of a big table is refused there.
fn check_plans(plans: &[Vec<String>], sqlite: bool, ordered: bool, what: &str) {
    let big = ["tasks", "task_units"];
    let bare_scan = |line: &str| {
        if sqlite {
            big.iter().any(|t| {
                let scan = format!("SCAN {t}");
                line.trim() == scan
                    || (line.trim().starts_with(&format!("{scan} ")) && !line.contains("USING"))
            })
        } else {
            big.iter()
                .any(|t| line.contains(&format!("Seq Scan on {t} ")))
        }
    };
    // PostgreSQL sorts a set it expects to be small rather than walk an index, which is as
    // good: a sort of more than a couple of thousand rows is what is refused.
    let sorts = |line: &str| {
        if sqlite {
            return line.contains("TEMP B-TREE FOR ORDER BY");
        }
        let node = line.trim_start().trim_start_matches("->").trim_start();
        let rows = node
            .split("rows=")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|r| r.parse::<u64>().ok())
            .unwrap_or(u64::MAX);
        node.starts_with("Sort  (") && rows > 2_000
    };
    let (page, counts) = plans.split_at(plans.len() - 1);
    for plan in page {
        let sorted = plan.iter().any(|l| sorts(l));
        assert!(
            !(ordered && sorted),
            "{what}: sorts instead of walking an index: {plan:#?}"
        );
        // SQLite names a walk in rowid order (newest first) a scan of the table; without a
        // sort after it, it stops after the page.
        let walked_in_order = sqlite && !sorted;
        assert!(
            walked_in_order || !plan.iter().any(|l| bare_scan(l)),
            "{what}: a full scan: {plan:#?}"
        );
    }
    if sqlite {
        for plan in counts {
            assert!(
                !plan.iter().any(|l| bare_scan(l)),
                "{what}: counts by a full scan: {plan:#?}"
            );
        }
    }
}

#[test]
fn every_list_shape_walks_an_index() {
    each_backend(|app| {
        let (ok, _, err) =
            crate::cli::chidao(app, &["demo", "--synthetic", "--tasks", "20000"], "");
        assert!(ok, "{err}");
        let mut conn = app.conn();
        let sqlite = matches!(conn, chidao::db::DbConn::Sqlite(_));
        diesel::sql_query("ANALYZE").execute(&mut conn).unwrap();
        let today = crate::fixtures::today();
        use chidao::db::schema::{tasks, units, users};
        let unit: UnitId = tasks::table
            .select(tasks::lead_unit_id)
            .order(tasks::id)
            .first(&mut conn)
            .unwrap();
        let someone: i64 = users::table
            .select(users::id)
            .order(users::id)
            .first(&mut conn)
            .unwrap();
        diesel::update(units::table.filter(units::id.le(unit.0 + 3)))
            .set(units::leader_id.eq(someone))
            .execute(&mut conn)
            .unwrap();
        let directive = tasks::table
            .select(tasks::directive_id)
            .order(tasks::id.desc())
            .first::<chidao::domain::ids::DirectiveId>(&mut conn)
            .unwrap();
        let leader = Actor {
            user_id: UserId(someone),
            role: Role::Leader,
            unit_id: None,
        };
        let head = Actor {
            user_id: UserId(someone),
            role: Role::UnitHead,
            unit_id: Some(unit),
        };
        let open = Some(Status::OPEN.to_vec());
        let base = Filter::default();
        // (shape, whether the list's own order answers it: no sorting allowed)
        let mut shapes: Vec<(Filter, bool)> = vec![
            (base.clone(), true),
            (
                Filter {
                    statuses: open.clone(),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    statuses: open.clone(),
                    unit_id: Some(unit),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    unit_id: Some(unit),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    statuses: open.clone(),
                    lead_unit_id: Some(unit),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    statuses: open.clone(),
                    bucket: Some(Timeliness::OpenOverdue),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    statuses: open.clone(),
                    in_charge_of: Some(UserId(someone)),
                    ..base.clone()
                },
                true,
            ),
            (
                Filter {
                    due_soon_until: Some(today + chrono::Days::new(10)),
                    ..base.clone()
                },
                false,
            ),
            (
                Filter {
                    due_from: Some(today),
                    due_to: Some(today + chrono::Days::new(30)),
                    ..base.clone()
                },
                false,
            ),
            (
                Filter {
                    directive_id: Some(directive),
                    ..base.clone()
                },
                false,
            ),
            (
                Filter {
                    assigned_from: Some(today - chrono::Days::new(10)),
                    ..base.clone()
                },
                false,
            ),
            (
                Filter {
                    extended: true,
                    ..base.clone()
                },
                false,
            ),
        ];
        shapes.extend(Timeliness::ALL.map(|b| {
            (
                Filter {
                    bucket: Some(b),
                    ..base.clone()
                },
                true,
            )
        }));
        for actor in [&leader, &head] {
            for (shape, ordered) in &shapes {
                for sort in Sort::ALL {
                    let f = Filter {
                        sort,
                        ..shape.clone()
                    };
                    // A range of due dates (an open bucket) in another order is read either
                    // way, as the database judges best: by the range, then sorted, or in order.
                    let due_range = matches!(
                        f.bucket,
                        Some(Timeliness::OpenOverdue | Timeliness::OpenWithinDeadline)
                    );
                    let in_order =
                        *ordered && !(due_range && matches!(sort, Sort::Updated | Sort::Created));
                    let plans = listing::plans(&mut conn, actor, &f, today).unwrap();
                    check_plans(
                        &plans,
                        sqlite,
                        in_order,
                        &format!("{f:?} as {:?}", actor.role),
                    );
                }
            }
        }
        // A rare word's few tasks are found from the trigram index: on SQLite by their ids,
        // after a probe; on PostgreSQL the planner reads the index itself.
        mark_rare(&mut conn, 500);
        for actor in [&leader, &head] {
            for sort in Sort::ALL {
                let f = Filter {
                    q: "quyetliet".into(),
                    statuses: open.clone(),
                    sort,
                    ..base.clone()
                };
                let plans = listing::plans(&mut conn, actor, &f, today).unwrap();
                let what = format!("{f:?} as {:?}", actor.role);
                // SQLite probes the text index first; PostgreSQL's planner picks it itself.
                let page = if sqlite {
                    let probe = plans[0].join("\n");
                    assert!(
                        probe.contains("SCAN tasks_text VIRTUAL TABLE INDEX"),
                        "{what}: {probe}"
                    );
                    &plans[1..]
                } else {
                    &plans[..]
                };
                for plan in page {
                    let plan = plan.join("\n");
                    let by_id = if sqlite {
                        plan.lines()
                            .any(|l| l.contains("SEARCH") && l.contains("id=?"))
                    } else {
                        ["tasks_pkey", "task_units_pkey", "tasks_search_text_trgm"]
                            .iter()
                            .any(|i| plan.contains(i))
                    };
                    assert!(by_id, "{what}: neither by the text index nor by id: {plan}");
                }
                check_plans(page, sqlite, false, &what);
            }
        }
        // Totals stop at the cap: 10.000 tasks, or 100 found by a text search.
        // A list counted past the cap is remembered as such: its next page says the same
        // without counting.
        let long = LongLists::default();
        let all = listing::list(&mut conn, &leader, &base, today, &long).unwrap();
        assert_eq!((all.total.n, all.total.more), (10_000, true));
        let next = Filter {
            page: all.next.expect("a second page"),
            ..base.clone()
        };
        let again = listing::list(&mut conn, &leader, &next, today, &long).unwrap();
        assert_eq!((again.total.n, again.total.more), (10_000, true));
        let text = Filter {
            q: "ket luan".into(),
            ..base.clone()
        };
        let found = listing::list(&mut conn, &leader, &text, today, &LongLists::default()).unwrap();
        assert_eq!((found.total.n, found.total.more), (TEXT_COUNT_CAP, true));
        assert_eq!(found.rows.len() as i64, PAGE_SIZE);
        // A common word where the list looks: its tasks in the list are found among the word's
        // tasks from the text index, stretch by stretch (4,000 tasks that hold the word), to
        // the exact number or past the cap; a word in every task ("ket luan") is walked.
        mark(&mut conn, 5, "thuongxuyen");
        mark(&mut conn, 97, "giamsat");
        let narrow = |q: &str, statuses: Option<Vec<Status>>, lead: Option<UnitId>| Filter {
            q: q.into(),
            statuses,
            lead_unit_id: lead,
            ..base.clone()
        };
        for f in [
            narrow("thuongxuyen", None, Some(unit)),
            narrow("thuongxuyen", Some(vec![Status::Cancelled]), None),
            narrow("ket luan", Some(vec![Status::Assigned]), Some(unit)),
            narrow("ket luan", Some(vec![Status::Cancelled]), None),
            // On PostgreSQL the list's order is walked first (5,000 tasks at most): a word in
            // one task in five fills the first page and the count's cap in one walk; one in 97
            // is too rare for the cap, so its first page asks the trigram index (its later
            // pages are walked, below); one in 500 asks the index for every page.
            narrow("giamsat", Some(Status::OPEN.to_vec()), None),
            narrow("quyetliet", Some(Status::OPEN.to_vec()), None),
            // A unit's list is walked whole for a word common elsewhere.
            Filter {
                unit_id: Some(unit),
                ..narrow("giamsat", None, None)
            },
            // A unit's open tasks, led or coordinated: its own among the word's, in memory.
            Filter {
                unit_id: Some(unit),
                ..narrow("thuongxuyen", Some(Status::OPEN.to_vec()), None)
            },
        ] {
            let expected = task::reference_ids(&mut conn, &leader, &f, today).unwrap();
            assert!(!expected.is_empty(), "{f:?}");
            let got = listing::list(&mut conn, &leader, &f, today, &LongLists::default()).unwrap();
            let n = expected.len() as i64;
            assert_eq!(
                (got.total.n, got.total.more),
                (n.min(TEXT_COUNT_CAP), n > TEXT_COUNT_CAP),
                "{f:?}"
            );
            let ids: Vec<TaskId> = got.rows.iter().map(|r| r.id).collect();
            let first = expected.len().min(PAGE_SIZE as usize);
            assert_eq!(ids, expected[..first], "{f:?}");
        }
        // Every page of a word that fills a page within the walk, but not the cap: on
        // PostgreSQL later pages are walked, their count asks the index.
        let f = narrow("giamsat", Some(Status::OPEN.to_vec()), None);
        let expected = task::reference_ids(&mut conn, &leader, &f, today).unwrap();
        let (forward, backward, total) = walk(&mut conn, &leader, &f, today);
        assert_eq!((&forward, &backward), (&expected, &expected), "{f:?}");
        assert_eq!(total, (expected.len() as i64).min(TEXT_COUNT_CAP));
        // A word common elsewhere but only in the oldest few of a unit's tasks: on PostgreSQL
        // the first look at the unit's list finds none, the newest tasks show the word is
        // common, and the unit's whole list is walked.
        use chidao::db::schema::task_units;
        let (big, tasks_of_big): (UnitId, i64) = task_units::table
            .group_by(task_units::unit_id)
            .select((task_units::unit_id, diesel::dsl::count_star()))
            .order(diesel::dsl::count_star().desc())
            .first(&mut conn)
            .unwrap();
        assert!(
            tasks_of_big > 510,
            "a unit's list longer than the first look"
        );
        let of_big = format!("SELECT task_id FROM task_units WHERE unit_id = {}", big.0);
        for rule in [
            format!("id % 3 = 0 AND id NOT IN ({of_big})"),
            format!("id IN ({of_big} ORDER BY task_id LIMIT 3)"),
        ] {
            diesel::sql_query(format!(
                "UPDATE tasks SET search_text = search_text || ' dieuphoi' WHERE {rule}"
            ))
            .execute(&mut conn)
            .unwrap();
        }
        let f = Filter {
            unit_id: Some(big),
            sort: Sort::Created,
            ..narrow("dieuphoi", None, None)
        };
        let expected = task::reference_ids(&mut conn, &leader, &f, today).unwrap();
        assert_eq!(expected.len(), 3);
        let (forward, _, total) = walk(&mut conn, &leader, &f, today);
        assert_eq!((forward, total), (expected, 3));
    });
}

/// A leader's list page keeps its unit and notice pickers between pages, and shows at once
/// what any writer changed in them, this server or another (here a connection of its own).
#[test]
fn the_list_pickers_follow_every_write() {
    each_backend(|app| {
        use chidao::db::schema::{directives, units};
        crate::fixtures::publish(app);
        let mut leader = app.login_as(Role::Leader, None);
        let hn = app.unit_id("Sở KH&CN Hà Nội");
        let name = chidao::models::unit::get(&mut app.conn(), hn).unwrap().name;
        let option = format!("<option value=\"{hn}\">{name}</option>");
        let page = leader.get("/tasks").body;
        assert!(page.contains(&option), "{option}");
        let (number, title): (String, String) = directives::table
            .select((directives::number, directives::title))
            .first(&mut app.conn())
            .unwrap();
        assert!(page.contains(&format!("<option value=\"{number}\">")));
        let kept = app.queries_for(&mut leader, "/tasks");
        assert_eq!(app.queries_for(&mut leader, "/tasks"), kept);

        // Another instance renames the unit and renumbers the notice.
        let mut conn = app.conn();
        diesel::update(units::table.find(hn))
            .set(units::name.eq("Sở Khoa học và Công nghệ Thủ đô"))
            .execute(&mut conn)
            .unwrap();
        diesel::update(directives::table.filter(directives::number.eq(&number)))
            .set(directives::number.eq("99/TB-BKHCN"))
            .execute(&mut conn)
            .unwrap();
        let read_again = app.queries_for(&mut leader, "/tasks");
        assert!(read_again > kept, "{read_again} > {kept}");
        let page = leader.get("/tasks").body;
        assert!(page.contains(&format!(
            "<option value=\"{hn}\">Sở Khoa học và Công nghệ Thủ đô</option>"
        )));
        assert!(!page.contains(&option));
        assert!(page.contains("<option value=\"99/TB-BKHCN\">"));
        assert!(!page.contains(&format!("<option value=\"{number}\">")));
        assert!(page.contains(&title));
        assert_eq!(app.queries_for(&mut leader, "/tasks"), kept);

        // The list of one unit has it chosen; each language has its own headings.
        let chosen = leader.get(&format!("/tasks?unit={hn}")).body;
        assert!(chosen.contains(&format!("<option value=\"{hn}\" selected>")));
        let selected = |page: &str| page.matches(" selected>").count();
        assert_eq!(selected(&chosen), selected(&page) + 1, "one unit chosen");
        let province = "<optgroup label=\"Sở Khoa học và Công nghệ các tỉnh, thành phố\">";
        assert!(chosen.contains(province));
        assert_eq!(leader.post("/me/language", &[("lang", "en")]).status, 303);
        let english = leader.get("/tasks").body;
        assert!(english.contains("<optgroup label=\"Provincial departments of science"));
        assert!(!english.contains(province));
        assert_eq!(leader.post("/me/language", &[("lang", "vi")]).status, 303);
        assert!(leader.get("/tasks").body.contains(province));
    });
}
