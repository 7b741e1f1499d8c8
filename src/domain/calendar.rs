//! The Vietnamese working calendar for the state sector: weekends, statutory holidays, and each
//! year's official schedule (days off, swapped days, make-up working Saturdays).
//!
//! A year with an official schedule follows it exactly; a year without one falls back to the
//! statutory rule (Labour Code 2019 art. 112: 1/1, five days of Tết, 10/3 lunar, 30/4, 1/5, 2/9
//! with an adjacent day; art. 111(3): a holiday on a weekend is given back on the next working
//! day) and says so.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};

pub use crate::domain::holidays::Schedule;
use crate::domain::lunar;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A weekday with nothing declared.
    Weekday,
    /// A Saturday made a working day.
    MakeUpDay(String),
    Weekend,
    Holiday(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub working: bool,
    pub why: Why,
    /// False when the year has no official schedule and the statutory rule was used.
    pub official: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    official: HashMap<i32, Schedule>,
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d + Days::new(n as u64)
    } else {
        d - Days::new((-n) as u64)
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// "Due soon" means due within this many working days.
pub const DUE_SOON_WORKING_DAYS: i64 = 5;

/// An explanation is asked for within this many working days unless the asker says otherwise.
pub const EXPLANATION_WORKING_DAYS: i64 = 3;

/// The statutory days off of a year, as the rule alone gives them.
pub fn statutory(year: i32) -> Schedule {
    let mut holidays: Vec<(NaiveDate, &str)> = Vec::new();
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    holidays.push((ymd(1, 1), "Tết Dương lịch"));
    if let Some(tet) = lunar::tet(year) {
        // The last day of the old year and mùng 1 to mùng 4.
        for i in -1..=3 {
            holidays.push((add_days(tet, i), "Tết Nguyên đán"));
        }
    }
    if let Some(h) = lunar::hung_kings(year) {
        holidays.push((h, "Giỗ Tổ Hùng Vương"));
    }
    holidays.push((ymd(4, 30), "Ngày Chiến thắng"));
    holidays.push((ymd(5, 1), "Ngày Quốc tế Lao động"));
    let national = ymd(9, 2);
    holidays.push((national, "Quốc khánh"));
    if year >= 2021 {
        // The adjacent day that joins the break to a weekend, as the yearly decisions have
        // chosen it: the day after when 2/9 is a Monday or a Thursday, the day before otherwise.
        let adjacent = match national.weekday() {
            Weekday::Mon | Weekday::Thu => add_days(national, 1),
            _ => add_days(national, -1),
        };
        holidays.push((adjacent, "Quốc khánh"));
    }
    let mut s = Schedule::default();
    let mut given_back = Vec::new();
    for (d, name) in &holidays {
        s.days_off.insert(*d, name.to_string());
        if is_weekend(*d) {
            given_back.push(*name);
        }
    }
    // Each holiday on a weekend is given back on the next day that is neither a weekend nor
    // already off.
    for name in given_back {
        let last = *s
            .days_off
            .keys()
            .filter(|d| s.days_off[*d] == name)
            .max()
            .expect("holiday");
        let mut d = add_days(last, 1);
        while is_weekend(d) || s.days_off.contains_key(&d) {
            d = add_days(d, 1);
        }
        s.days_off.insert(d, format!("Nghỉ bù {name}"));
    }
    s
}

fn statutory_cached(year: i32) -> Schedule {
    static CACHE: OnceLock<Mutex<HashMap<i32, Schedule>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    c.entry(year).or_insert_with(|| statutory(year)).clone()
}

impl Calendar {
    pub fn new(official: HashMap<i32, Schedule>) -> Calendar {
        Calendar { official }
    }

    /// The calendar with only the schedules that ship with the service.
    pub fn shipped() -> Calendar {
        Calendar::new(crate::domain::holidays::shipped())
    }

    pub fn has_official(&self, year: i32) -> bool {
        self.official.contains_key(&year)
    }

    pub fn day(&self, d: NaiveDate) -> DayInfo {
        let (schedule, official) = match self.official.get(&d.year()) {
            Some(s) => (std::borrow::Cow::Borrowed(s), true),
            None => (std::borrow::Cow::Owned(statutory_cached(d.year())), false),
        };
        let (working, why) = if let Some(name) = schedule.working_saturdays.get(&d) {
            (true, Why::MakeUpDay(name.clone()))
        } else if let Some(name) = schedule.days_off.get(&d) {
            (false, Why::Holiday(name.clone()))
        } else if is_weekend(d) {
            (false, Why::Weekend)
        } else {
            (true, Why::Weekday)
        };
        DayInfo {
            working,
            why,
            official,
        }
    }

    pub fn is_working(&self, d: NaiveDate) -> bool {
        self.day(d).working
    }

    /// The day `n` working days after `d` (before it for negative `n`); `d` itself is not
    /// counted, so "within 10 working days of the 5th" ends on the 10th working day after it.
    pub fn add_working_days(&self, d: NaiveDate, n: i64) -> NaiveDate {
        let step = if n >= 0 { 1 } else { -1 };
        let mut left = n.abs();
        let mut day = d;
        while left > 0 {
            day = add_days(day, step);
            if self.is_working(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `from` up to and including `to` (negative when `to` is earlier).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut n = 0;
        let mut day = a;
        while day < b {
            day = add_days(day, 1);
            if self.is_working(day) {
                n += 1;
            }
        }
        n * sign
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    fn off(cal: &Calendar, s: &str) -> bool {
        !cal.is_working(d(s))
    }

    /// The official days off of 2024, 2025 and 2026, from the published decisions: every
    /// weekday in each break is off, the make-up Saturdays work, the days around stay working.
    #[test]
    fn official_schedules_2024_to_2026() {
        let cal = Calendar::shipped();
        #[rustfmt::skip]
        let days_off = [
            // 2024: New Year; Tết 08–14/02; Giỗ Tổ 18/04; 27/04–01/05 (29/04 swapped); 2/9 + 3/9.
            "01/01/2024", "08/02/2024", "09/02/2024", "12/02/2024", "13/02/2024", "14/02/2024",
            "18/04/2024", "29/04/2024", "30/04/2024", "01/05/2024", "02/09/2024", "03/09/2024",
            // 2025: New Year; Tết 25/01–02/02; Giỗ Tổ 07/04; 30/04–04/05 (02/05 swapped); 1–2/9.
            "01/01/2025", "27/01/2025", "28/01/2025", "29/01/2025", "30/01/2025", "31/01/2025",
            "07/04/2025", "30/04/2025", "01/05/2025", "02/05/2025", "01/09/2025", "02/09/2025",
            // 2026: 01–04/01 (02/01 swapped); Tết 14–22/02; 27/04 given back; 30/04–01/05;
            // 29/08–02/09 (31/08 swapped).
            "01/01/2026", "02/01/2026", "16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026",
            "20/02/2026", "27/04/2026", "30/04/2026", "01/05/2026", "31/08/2026", "01/09/2026",
            "02/09/2026",
        ];
        for s in days_off {
            assert!(off(&cal, s), "{s} is a day off");
            assert!(cal.day(d(s)).official);
        }
        #[rustfmt::skip]
        let working = [
            "04/05/2024", "26/04/2025", "10/01/2026", "22/08/2026",  // make-up Saturdays
            "02/01/2024", "07/02/2024", "15/02/2024", "02/05/2024", "04/09/2024",
            "02/01/2025", "24/01/2025", "03/02/2025", "08/04/2025", "05/05/2025", "03/09/2025",
            "05/01/2026", "13/02/2026", "23/02/2026", "28/04/2026", "29/04/2026", "04/05/2026",
            "28/08/2026", "03/09/2026",
        ];
        for s in working {
            assert!(cal.is_working(d(s)), "{s} is a working day");
        }
        assert!(matches!(cal.day(d("04/05/2024")).why, Why::MakeUpDay(_)));
        assert_eq!(
            cal.day(d("17/02/2026")).why,
            Why::Holiday("Tết Nguyên đán".into())
        );
        assert_eq!(cal.day(d("21/11/2026")).why, Why::Weekend);
    }

    #[test]
    fn adding_working_days_across_tet_and_a_make_up_saturday() {
        let cal = Calendar::shipped();
        // Fri 13/02/2026 + 1 working day: Tết runs to Sun 22/02, so Mon 23/02.
        assert_eq!(cal.add_working_days(d("13/02/2026"), 1), d("23/02/2026"));
        assert_eq!(cal.add_working_days(d("23/02/2026"), -1), d("13/02/2026"));
        // Issued Thu 12/02/2026, within 10 working days: 13/02, 23–27/02, 02–05/03.
        assert_eq!(cal.add_working_days(d("12/02/2026"), 10), d("05/03/2026"));
        assert_eq!(
            cal.working_days_between(d("12/02/2026"), d("05/03/2026")),
            10
        );
        assert_eq!(
            cal.working_days_between(d("05/03/2026"), d("12/02/2026")),
            -10
        );
        // Fri 21/08/2026 + 1: Saturday 22/08 is a make-up working day.
        assert_eq!(cal.add_working_days(d("21/08/2026"), 1), d("22/08/2026"));
        // Across 29/08–02/09/2026.
        assert_eq!(cal.add_working_days(d("28/08/2026"), 1), d("03/09/2026"));
        assert_eq!(cal.add_working_days(d("03/09/2026"), -2), d("27/08/2026"));
        assert_eq!(cal.add_working_days(d("03/09/2026"), 0), d("03/09/2026"));
    }

    #[test]
    fn a_year_without_a_schedule_falls_back_to_the_statutory_rule() {
        let cal = Calendar::shipped();
        assert!(!cal.has_official(2027));
        let tet = d("06/02/2027"); // Saturday
        let info = cal.day(tet);
        assert!(!info.working && !info.official);
        assert_eq!(info.why, Why::Holiday("Tết Nguyên đán".into()));
        // 05/02 (last day of the year) to 09/02 (mùng 4); Sat and Sun given back on 10–11/02.
        for s in [
            "05/02/2027",
            "08/02/2027",
            "09/02/2027",
            "10/02/2027",
            "11/02/2027",
        ] {
            assert!(off(&cal, s), "{s}");
        }
        assert!(cal.is_working(d("12/02/2027")));
        // 2/9/2027 is a Thursday: 3/9 joins it.
        assert!(off(&cal, "02/09/2027") && off(&cal, "03/09/2027"));
        assert!(cal.is_working(d("01/09/2027")));
        // 1/1/2028 is a Saturday: given back on Monday 3/1.
        assert!(off(&cal, "03/01/2028"));
    }
}
