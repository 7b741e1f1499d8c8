//! Which due dates get a reminder on a given day: pure date arithmetic over the working calendar.
//! A pass for day D turns these into an index range over open tasks' due dates, so it costs the
//! same whether there are a thousand tasks or a million.

use chrono::{Days, NaiveDate};

use crate::domain::calendar::Calendar;

/// When reminders go out; from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Days before the due date (0 = on the due day).
    pub before: Vec<u32>,
    /// Every this many calendar days while overdue (0 = never).
    pub overdue_every: u32,
    /// Count `before` in working days, and send only on working days.
    pub working_days: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            before: vec![7, 3, 1, 0],
            overdue_every: 7,
            working_days: false,
        }
    }
}

impl Schedule {
    /// Parses "7,3,1,0"; a clear message for anything else.
    pub fn parse_before(s: &str) -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let n: u32 = part
                .parse()
                .map_err(|_| format!("not a number of days: {part:?}"))?;
            if n > 365 {
                return Err(format!("more than a year before the due date: {n}"));
            }
            out.push(n);
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        out.dedup();
        Ok(out)
    }
}

fn minus(d: NaiveDate, n: u64) -> Option<NaiveDate> {
    d.checked_sub_days(Days::new(n))
}

/// The day a "k days before" reminder for a task due on `due` goes out.
pub fn reminder_day(cal: &Calendar, s: &Schedule, due: NaiveDate, k: u32) -> Option<NaiveDate> {
    if !s.working_days {
        return minus(due, k as u64);
    }
    if k == 0 {
        // Due on a day off: the due-day reminder goes out on the working day before it.
        let mut d = due;
        while !cal.is_working(d) {
            d = minus(d, 1)?;
        }
        return Some(d);
    }
    Some(cal.add_working_days(due, -(k as i64)))
}

/// The days whose reminders a pass on `day` sends: the day itself, and in working-day mode the
/// days off just before it (a reminder never falls on a day off; it waits for the next working
/// day). Empty on a day off in working-day mode.
pub fn covered_days(cal: &Calendar, s: &Schedule, day: NaiveDate) -> Vec<NaiveDate> {
    if !s.working_days {
        return vec![day];
    }
    if !cal.is_working(day) {
        return Vec::new();
    }
    let mut out = vec![day];
    let mut d = day;
    while let Some(prev) = minus(d, 1) {
        if cal.is_working(prev) || out.len() > 30 {
            break;
        }
        out.push(prev);
        d = prev;
    }
    out
}

/// Due dates whose open tasks get a reminder before (or on) their due day on `day`, with the
/// number of days left counted as the schedule counts them.
pub fn due_targets(cal: &Calendar, s: &Schedule, day: NaiveDate) -> Vec<NaiveDate> {
    let covered = covered_days(cal, s, day);
    if covered.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &k in &s.before {
        if !s.working_days {
            out.extend(day.checked_add_days(Days::new(k as u64)));
            continue;
        }
        // In working days a reminder day serves every due date that maps onto it: scan the
        // window of dates that can, and keep those that do.
        let span = k as u64 * 3 + 40;
        for i in 0..=span {
            let Some(due) = day.checked_add_days(Days::new(i)) else {
                break;
            };
            if reminder_day(cal, s, due, k) == Some(day) {
                out.push(due);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Due dates whose open tasks get an overdue reminder on `day`: every `overdue_every` days after
/// the due date, down to `earliest` (the oldest open due date).
pub fn overdue_targets(
    cal: &Calendar,
    s: &Schedule,
    day: NaiveDate,
    earliest: NaiveDate,
) -> Vec<NaiveDate> {
    if s.overdue_every == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in covered_days(cal, s, day) {
        let mut m = 1u64;
        while let Some(due) = minus(c, m * s.overdue_every as u64) {
            if due < earliest {
                break;
            }
            out.push(due);
            m += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    /// Every day of a task's life, with the calendar schedule: 7, 3, 1, 0 before, then weekly.
    #[test]
    fn calendar_days_remind_on_exactly_the_offsets_and_weekly_after() {
        let cal = Calendar::shipped();
        let s = Schedule::default();
        let due = d("20/11/2026");
        let mut days = Vec::new();
        let mut day = d("01/11/2026");
        while day <= d("20/12/2026") {
            let mut t = due_targets(&cal, &s, day);
            t.extend(overdue_targets(&cal, &s, day, d("01/01/2026")));
            if t.contains(&due) {
                days.push(day.format("%d/%m").to_string());
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(
            days,
            ["13/11", "17/11", "19/11", "20/11", "27/11", "04/12", "11/12", "18/12"]
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = Calendar::shipped();
        let s = Schedule {
            working_days: true,
            ..Schedule::default()
        };
        // Due Monday 4 May 2026: 1 working day before is Friday 1 May? No: 30/4 and 1/5 are
        // holidays, so it is Wednesday 29 April.
        assert_eq!(
            reminder_day(&cal, &s, d("04/05/2026"), 1),
            Some(d("29/04/2026"))
        );
        assert!(due_targets(&cal, &s, d("29/04/2026")).contains(&d("04/05/2026")));
        // Nothing goes out on a Saturday.
        assert!(due_targets(&cal, &s, d("21/11/2026")).is_empty());
        // A task due on Sunday gets its due-day reminder on Friday.
        assert!(due_targets(&cal, &s, d("20/11/2026")).contains(&d("22/11/2026")));
        // Overdue reminders that fall on the weekend go out on Monday.
        let monday = overdue_targets(&cal, &s, d("23/11/2026"), d("01/01/2026"));
        assert!(monday.contains(&d("14/11/2026")) && monday.contains(&d("15/11/2026")));
        assert!(monday.contains(&d("16/11/2026")));
    }

    #[test]
    fn offsets_parse_or_say_why_not() {
        assert_eq!(Schedule::parse_before("1, 7,3,0,3"), Ok(vec![7, 3, 1, 0]));
        assert!(Schedule::parse_before("7,x").is_err());
    }
}
