//! How often a recurring item is reported ("hằng tháng", "hằng quý"): one list, read by the
//! extractor, offered by the review form and stored, so a choice cannot fall between them; the
//! periods of a recurring obligation and when each period's report is due.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::domain::calendar::Calendar;

crate::words! {
    /// How often a recurring item is reported.
    pub enum Recurrence {
        Weekly = "weekly",
        Monthly = "monthly",
        Quarterly = "quarterly",
        HalfYearly = "half_yearly",
        Yearly = "yearly",
    }
}

/// One period of a recurring obligation: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Recurrence {
    /// How many months a period lasts (a week is not counted in months).
    fn months(self) -> Option<u32> {
        match self {
            Recurrence::Weekly => None,
            Recurrence::Monthly => Some(1),
            Recurrence::Quarterly => Some(3),
            Recurrence::HalfYearly => Some(6),
            Recurrence::Yearly => Some(12),
        }
    }

    /// The period holding `day`: the week from Monday, or the month, quarter, half-year or year
    /// of the calendar.
    pub fn period_of(self, day: NaiveDate) -> Period {
        match self.months() {
            None => {
                let start = day - Days::new(day.weekday().num_days_from_monday() as u64);
                Period {
                    start,
                    end: start + Days::new(6),
                }
            }
            Some(m) => {
                let first_month = (day.month0() / m) * m + 1;
                let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("valid");
                Period {
                    start,
                    end: start + Months::new(m) - Days::new(1),
                }
            }
        }
    }

    /// The period after `p`.
    pub fn next(self, p: Period) -> Period {
        self.period_of(p.end + Days::new(1))
    }
}

/// When each period's report is due. Stored as "day:N" or "workdays:N".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueRule {
    /// Day N of the period's last month (the month's last day when it is shorter): "ngày 15
    /// của tháng cuối quý". For a weekly obligation, the period's last day.
    DayOfLastMonth(u32),
    /// N working days after the period ends (0: its last working day).
    WorkingDaysAfter(u32),
}

impl DueRule {
    /// What a recurring item gets when no rule is given: the 15th of the last month, and for a
    /// week the first working day after it.
    pub fn default_for(r: Recurrence) -> DueRule {
        match r {
            Recurrence::Weekly => DueRule::WorkingDaysAfter(1),
            _ => DueRule::DayOfLastMonth(15),
        }
    }

    pub fn parse(s: &str) -> Option<DueRule> {
        let (kind, n) = s.trim().split_once(':')?;
        let n: u32 = n.trim().parse().ok()?;
        match kind.trim() {
            "day" if (1..=31).contains(&n) => Some(DueRule::DayOfLastMonth(n)),
            "workdays" if n <= 60 => Some(DueRule::WorkingDaysAfter(n)),
            _ => None,
        }
    }

    pub fn to_stored(self) -> String {
        match self {
            DueRule::DayOfLastMonth(n) => format!("day:{n}"),
            DueRule::WorkingDaysAfter(n) => format!("workdays:{n}"),
        }
    }

    /// The kind's word and the number, as the forms show them.
    pub fn parts(self) -> (&'static str, u32) {
        match self {
            DueRule::DayOfLastMonth(n) => ("day", n),
            DueRule::WorkingDaysAfter(n) => ("workdays", n),
        }
    }

    /// The day a period's report is due.
    pub fn due(self, r: Recurrence, p: Period, cal: &Calendar) -> NaiveDate {
        match self {
            DueRule::DayOfLastMonth(_) if r == Recurrence::Weekly => p.end,
            DueRule::DayOfLastMonth(n) => {
                let month_start =
                    NaiveDate::from_ymd_opt(p.end.year(), p.end.month(), 1).expect("valid");
                (month_start + Days::new(n.saturating_sub(1) as u64)).min(p.end)
            }
            DueRule::WorkingDaysAfter(0) => {
                let mut d = p.end;
                while !cal.is_working(d) && d > p.start {
                    d = d - Days::new(1);
                }
                d
            }
            DueRule::WorkingDaysAfter(n) => cal.add_working_days(p.end, n as i64),
        }
    }
}

/// The first period of an obligation issued on `issued`: the one holding that day, unless its
/// report would already be due, then the next.
pub fn first_period(r: Recurrence, rule: DueRule, issued: NaiveDate, cal: &Calendar) -> Period {
    let p = r.period_of(issued);
    if rule.due(r, p, cal) >= issued {
        p
    } else {
        r.next(p)
    }
}

/// How many days before a period starts its task is made (the daily pass makes it then, so a
/// unit sees the coming period's obligation ahead).
pub const MADE_AHEAD_DAYS: u64 = 15;

/// The period after `last` to make on `today`, if it starts within `MADE_AHEAD_DAYS` and not
/// after `until`.
pub fn to_make(
    r: Recurrence,
    last: Period,
    today: NaiveDate,
    until: Option<NaiveDate>,
) -> Option<Period> {
    let next = r.next(last);
    let soon = next.start <= today + Days::new(MADE_AHEAD_DAYS);
    let within = until.is_none_or(|u| next.start <= u);
    (soon && within).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_ymd as d;

    #[test]
    fn periods_follow_the_calendar() {
        let q = Recurrence::Quarterly.period_of(d(2026, 12, 3));
        assert_eq!((q.start, q.end), (d(2026, 10, 1), d(2026, 12, 31)));
        let next = Recurrence::Quarterly.next(q);
        assert_eq!((next.start, next.end), (d(2027, 1, 1), d(2027, 3, 31)));
        let h = Recurrence::HalfYearly.period_of(d(2026, 7, 1));
        assert_eq!((h.start, h.end), (d(2026, 7, 1), d(2026, 12, 31)));
        let m = Recurrence::Monthly.period_of(d(2028, 2, 10));
        assert_eq!(m.end, d(2028, 2, 29));
        let y = Recurrence::Yearly.period_of(d(2026, 5, 5));
        assert_eq!((y.start, y.end), (d(2026, 1, 1), d(2026, 12, 31)));
        let w = Recurrence::Weekly.period_of(d(2026, 12, 3)); // a Thursday
        assert_eq!((w.start, w.end), (d(2026, 11, 30), d(2026, 12, 6)));
    }

    #[test]
    fn due_days_by_rule() {
        let cal = Calendar::shipped();
        let q = Recurrence::Quarterly.period_of(d(2026, 12, 3));
        let day15 = DueRule::DayOfLastMonth(15);
        assert_eq!(day15.due(Recurrence::Quarterly, q, &cal), d(2026, 12, 15));
        // Day 31 of a 30-day month is its last day.
        let q2 = Recurrence::Quarterly.period_of(d(2027, 5, 1));
        assert_eq!(
            DueRule::DayOfLastMonth(31).due(Recurrence::Quarterly, q2, &cal),
            d(2027, 6, 30)
        );
        // Five working days after 31/12/2026 (a Thursday): 1/1 is a holiday, then a weekend.
        let after = DueRule::WorkingDaysAfter(5).due(Recurrence::Quarterly, q, &cal);
        assert!(after > d(2027, 1, 7) && after <= d(2027, 1, 11), "{after}");
        assert_eq!(DueRule::parse("day:15"), Some(day15));
        assert_eq!(
            DueRule::parse("workdays:5"),
            Some(DueRule::WorkingDaysAfter(5))
        );
        assert_eq!(DueRule::parse("day:40"), None);
        assert_eq!(DueRule::parse("x"), None);
        assert_eq!(DueRule::parse(&day15.to_stored()), Some(day15));
    }

    #[test]
    fn the_first_period_is_the_next_when_this_ones_report_is_past() {
        let cal = Calendar::shipped();
        let rule = DueRule::DayOfLastMonth(15);
        let first = first_period(Recurrence::Quarterly, rule, d(2026, 12, 3), &cal);
        assert_eq!(first.start, d(2026, 10, 1));
        let first = first_period(Recurrence::Quarterly, rule, d(2026, 12, 20), &cal);
        assert_eq!(first.start, d(2027, 1, 1));
    }

    #[test]
    fn the_next_period_is_made_ahead_until_the_end() {
        let r = Recurrence::Quarterly;
        let q4 = r.period_of(d(2026, 12, 3));
        assert_eq!(to_make(r, q4, d(2026, 12, 3), None), None);
        assert_eq!(
            to_make(r, q4, d(2026, 12, 17), None).map(|p| p.start),
            Some(d(2027, 1, 1))
        );
        assert_eq!(to_make(r, q4, d(2026, 12, 17), Some(d(2026, 12, 31))), None);
        assert_eq!(
            to_make(r, q4, d(2026, 12, 17), Some(d(2027, 1, 1))).map(|p| p.start),
            Some(d(2027, 1, 1))
        );
    }
}
