//! The four buckets of Vietnamese progress reports, tallied per unit, and the periods they are
//! counted over.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::domain::dates::parse_date;
use crate::domain::ids::UnitId;
use crate::domain::status::{timeliness, Counts, Status};

/// What decides a task's bucket, under the key it is tallied by: (lead unit or directive,
/// status, due date, completion date).
pub type Facts<K = UnitId> = (K, Status, Option<NaiveDate>, Option<NaiveDate>);

/// Tallies tasks one by one: the whole and per key (lead unit, or directive). Cancelled tasks count nowhere. The
/// dashboard reads stored tallies instead (reports::tallies); this is their reference.
pub fn tally<K: Ord + Copy>(facts: &[Facts<K>], today: NaiveDate) -> (Counts, BTreeMap<K, Counts>) {
    let mut all = Counts::default();
    let mut by_unit: BTreeMap<K, Counts> = BTreeMap::new();
    for (unit, status, due, completed) in facts {
        if let Some(b) = timeliness(*status, *due, *completed, today) {
            all.add(b);
            by_unit.entry(*unit).or_default().add(b);
        }
    }
    (all, by_unit)
}

crate::words! {
    /// The period a figure covers, as the dashboard and the report offer it.
    pub enum Preset {
        Year = "year",
        /// Six months: the first half (January–June) or the second.
        Half = "half",
        Quarter = "quarter",
        Month = "month",
        Custom = "custom",
    }
}

impl Preset {
    /// The preset a query string asks for; the year when it names none.
    pub fn read(s: &str) -> Preset {
        Preset::parse(s).unwrap_or(Preset::Year)
    }
}

crate::words! {
    /// Which date of a task a period is about.
    pub enum Axis {
        Due = "due",
        Assigned = "assigned",
    }
}

impl Axis {
    /// The date a query string asks for; the due date when it names none.
    pub fn read(s: &str) -> Axis {
        Axis::parse(s).unwrap_or(Axis::Due)
    }
}

/// A period as the dashboard, its exports and the API are asked for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub preset: Preset,
    pub period: (NaiveDate, NaiveDate),
    /// The period just before, for the change since.
    pub before: (NaiveDate, NaiveDate),
    pub axis: Axis,
}

impl Asked {
    /// From a query's words: the preset, the date it is about (`by`), and a custom period's
    /// first and last day (dd/mm/yyyy); the period holding `today` unless custom.
    pub fn read(preset: &str, by: &str, (from, to): (&str, &str), today: NaiveDate) -> Asked {
        let preset = Preset::read(preset);
        let period = self::period(preset, today, (parse_date(from), parse_date(to)));
        Asked {
            preset,
            period,
            before: previous(preset, period),
            axis: Axis::read(by),
        }
    }
}

/// The first and last day of the period that holds `today`.
pub fn period(
    preset: Preset,
    today: NaiveDate,
    custom: (Option<NaiveDate>, Option<NaiveDate>),
) -> (NaiveDate, NaiveDate) {
    let y = today.year();
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let end_of_month = |m: u32| {
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        };
        next.expect("valid date").pred_opt().expect("valid date")
    };
    match preset {
        Preset::Year => (ymd(1, 1), ymd(12, 31)),
        Preset::Half => {
            let first = if today.month() <= 6 { 1 } else { 7 };
            (ymd(first, 1), end_of_month(first + 5))
        }
        Preset::Quarter => {
            let first = (today.month() - 1) / 3 * 3 + 1;
            (ymd(first, 1), end_of_month(first + 2))
        }
        Preset::Month => (ymd(today.month(), 1), end_of_month(today.month())),
        Preset::Custom => {
            let from = custom.0.unwrap_or(ymd(1, 1));
            let to = custom.1.unwrap_or(ymd(12, 31)).max(from);
            (from, to)
        }
    }
}

/// The period of the same length just before `[from, to]`, for the change since last period:
/// the month, quarter, half or year before; for a custom period as many days before.
pub fn previous(preset: Preset, (from, to): (NaiveDate, NaiveDate)) -> (NaiveDate, NaiveDate) {
    let months = match preset {
        Preset::Year => 12,
        Preset::Half => 6,
        Preset::Quarter => 3,
        Preset::Month => 1,
        Preset::Custom => {
            let days = (to - from).num_days();
            // At the edge of the calendar (a hand-written address) the period is its own
            // "before": nothing to compare with, nothing to panic on.
            let Some(end) = from.pred_opt() else {
                return (from, to);
            };
            let start = end.checked_sub_signed(chrono::Duration::days(days));
            return (start.unwrap_or(end), end);
        }
    };
    match (
        from.checked_sub_months(chrono::Months::new(months)),
        from.pred_opt(),
    ) {
        (Some(start), Some(end)) => (start, end),
        _ => (from, to),
    }
}

/// The period `n` (month 1–12, quarter 1–4, half 1–2) of `year`, as the report picks it.
pub fn numbered(preset: Preset, year: i32, n: u32) -> Option<(NaiveDate, NaiveDate)> {
    let (first, months) = match preset {
        Preset::Year => (1, 12),
        Preset::Half if (1..=2).contains(&n) => ((n - 1) * 6 + 1, 6),
        Preset::Quarter if (1..=4).contains(&n) => ((n - 1) * 3 + 1, 3),
        Preset::Month if (1..=12).contains(&n) => (n, 1),
        _ => return None,
    };
    let from = NaiveDate::from_ymd_opt(year, first, 1)?;
    let to = (from + chrono::Months::new(months)).pred_opt()?;
    Some((from, to))
}

/// The period as an official report's title names it: "tháng 11 năm 2026", "quý IV năm
/// 2026", "6 tháng đầu năm 2026", "năm 2026", or its first and last days.
pub fn title(preset: Preset, (from, to): (NaiveDate, NaiveDate)) -> String {
    let whole = numbered(preset, from.year(), 1).is_some()
        && match preset {
            Preset::Month => numbered(preset, from.year(), from.month()),
            Preset::Quarter => numbered(preset, from.year(), (from.month() - 1) / 3 + 1),
            Preset::Half => numbered(preset, from.year(), (from.month() - 1) / 6 + 1),
            Preset::Year => numbered(preset, from.year(), 1),
            Preset::Custom => None,
        } == Some((from, to));
    let y = from.year();
    if !whole {
        let d = crate::domain::dates::format_date;
        return format!("từ ngày {} đến ngày {}", d(from), d(to));
    }
    match preset {
        Preset::Month => format!("tháng {} năm {y}", from.month()),
        Preset::Quarter => {
            let roman = ["I", "II", "III", "IV"][((from.month() - 1) / 3) as usize];
            format!("quý {roman} năm {y}")
        }
        Preset::Half if from.month() == 1 => format!("6 tháng đầu năm {y}"),
        Preset::Half => format!("6 tháng cuối năm {y}"),
        Preset::Year | Preset::Custom => format!("năm {y}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::Timeliness;

    use crate::domain::dates::test_day as d;

    #[test]
    fn tally_and_rates() {
        let today = d("15/06/2026");
        let f = |u: i64, s: &str, due: Option<&str>, done: Option<&str>| {
            (u, Status::parse(s).unwrap(), due.map(d), done.map(d))
        };
        let facts = vec![
            f(1, "done", Some("10/06/2026"), Some("10/06/2026")), // on the due day: on time
            f(1, "done", Some("10/06/2026"), Some("11/06/2026")), // late
            f(1, "in_progress", Some("15/06/2026"), None),        // due today: within
            f(2, "assigned", Some("14/06/2026"), None),           // overdue
            f(2, "cancelled", Some("01/06/2026"), None),          // nowhere
            f(1, "reported", None, Some("01/06/2026")),           // reported: on time
        ];
        let (all, by_unit) = tally(&facts, today);
        assert_eq!(all, Counts::of([2, 1, 1, 1]));
        assert_eq!(by_unit[&1].total(), 4);
        assert_eq!(by_unit[&2], Counts::of([0, 0, 0, 1]));
        assert_eq!(all.on_time_rate(), Some(2.0 / 4.0));
        assert_eq!(
            by_unit[&2].on_time_rate(),
            None,
            "nothing finished: no rate"
        );
        assert_eq!(Counts::default().on_time_rate(), None);
        assert_eq!(all.share(Timeliness::OpenWithinDeadline), 20.0);
    }

    #[test]
    fn periods() {
        let today = d("15/08/2026");
        let presets = [
            (Preset::Year, ("01/01/2026", "31/12/2026")),
            (Preset::Quarter, ("01/07/2026", "30/09/2026")),
            (Preset::Month, ("01/08/2026", "31/08/2026")),
            (Preset::Half, ("01/07/2026", "31/12/2026")),
        ];
        for (preset, (from, to)) in presets {
            assert_eq!(period(preset, today, (None, None)), (d(from), d(to)));
        }
        assert_eq!(
            period(Preset::Month, d("10/02/2028"), (None, None)).1,
            d("29/02/2028")
        );
        assert_eq!(
            period(
                Preset::Custom,
                today,
                (Some(d("01/03/2026")), Some(d("01/02/2026")))
            ),
            (d("01/03/2026"), d("01/03/2026"))
        );
    }

    #[test]
    fn previous_periods_and_titles() {
        let p = |a: &str, b: &str| (d(a), d(b));
        // Each preset's period and the one before it.
        #[rustfmt::skip]
        let before = [
            (Preset::Month, "01/03/2026", "31/03/2026", "01/02/2026", "28/02/2026"),
            (Preset::Quarter, "01/01/2026", "31/03/2026", "01/10/2025", "31/12/2025"),
            (Preset::Half, "01/07/2026", "31/12/2026", "01/01/2026", "30/06/2026"),
            (Preset::Year, "01/01/2026", "31/12/2026", "01/01/2025", "31/12/2025"),
            (Preset::Custom, "11/03/2026", "20/03/2026", "01/03/2026", "10/03/2026"),
        ];
        for (preset, from, to, before_from, before_to) in before {
            assert_eq!(previous(preset, p(from, to)), p(before_from, before_to));
        }
        #[rustfmt::skip]
        let titles = [
            (Preset::Month, "01/11/2026", "30/11/2026", "tháng 11 năm 2026"),
            (Preset::Quarter, "01/10/2026", "31/12/2026", "quý IV năm 2026"),
            (Preset::Half, "01/01/2026", "30/06/2026", "6 tháng đầu năm 2026"),
            (Preset::Half, "01/07/2026", "31/12/2026", "6 tháng cuối năm 2026"),
            (Preset::Year, "01/01/2026", "31/12/2026", "năm 2026"),
            (Preset::Custom, "05/01/2026", "20/02/2026", "từ ngày 05/01/2026 đến ngày 20/02/2026"),
            (Preset::Month, "05/01/2026", "31/01/2026", "từ ngày 05/01/2026 đến ngày 31/01/2026"),
        ];
        for (preset, from, to, named) in titles {
            assert_eq!(title(preset, p(from, to)), named);
        }
        let min = NaiveDate::MIN;
        assert_eq!(previous(Preset::Month, (min, min)), (min, min));
        assert_eq!(previous(Preset::Custom, (min, min)), (min, min));
        assert_eq!(
            numbered(Preset::Quarter, 2026, 4),
            Some(p("01/10/2026", "31/12/2026"))
        );
        assert_eq!(numbered(Preset::Month, 2026, 13), None);
    }
}
