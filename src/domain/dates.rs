//! Dates as the ministry reads them: the day in Asia/Ho_Chi_Minh, written dd/mm/yyyy.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

pub fn today_in_vietnam(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vietnam()).date_naive()
}

/// The moment a change is made at: the time stored (UTC) and the day it is in Vietnam. The clock
/// is read once, at the edge (a request, a command, the scheduler's pass), and passed down, so
/// what a use case does depends on no hidden clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub now: NaiveDateTime,
    pub today: NaiveDate,
}

impl Moment {
    pub fn at(t: DateTime<Utc>) -> Moment {
        Moment {
            now: t.naive_utc(),
            today: today_in_vietnam(t),
        }
    }

    /// The clock, read.
    pub fn now() -> Moment {
        Moment::at(Utc::now())
    }
}

/// The UTC time at which a Vietnamese day begins (stored times are UTC).
pub fn vn_day_start(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("midnight") - chrono::Duration::hours(7)
}

pub fn format_date(d: NaiveDate) -> String {
    // By hand: chrono's formatter parses its pattern on every call, and lists show many dates.
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

pub fn format_opt_date(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// A stored UTC timestamp shown in Vietnamese local time.
pub fn format_timestamp(t: NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&vietnam())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A range of days (inclusive, either end open) cut into whole months and the days left at its
/// ends, so that a sum over stored counts by day reads a month's row for each whole month: an
/// overdue list's total then sums a few dozen rows instead of every day since the first task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSpans {
    /// The first days of the first and last whole months (None: without end), if any.
    pub months: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// The days outside those months, each an inclusive range.
    pub days: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

fn next_month(d: NaiveDate) -> NaiveDate {
    month_start(d)
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

pub fn month_spans(from: Option<NaiveDate>, to: Option<NaiveDate>) -> MonthSpans {
    // The first whole month begins on or after `from`; the last ends on or before `to`.
    let first = from.map(|d| if d.day() == 1 { d } else { next_month(d) });
    let last = to.map(|d| match d.succ_opt() {
        Some(next) if next.day() == 1 => month_start(d),
        _ => month_start(d)
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MIN),
    });
    if let (Some(f), Some(l)) = (first, last) {
        if f > l {
            return MonthSpans {
                months: None,
                days: if from <= to {
                    vec![(from, to)]
                } else {
                    Vec::new()
                },
            };
        }
    }
    let mut days = Vec::new();
    if let (Some(d), Some(f)) = (from, first) {
        if d < f {
            days.push((Some(d), f.pred_opt()));
        }
    }
    if let (Some(d), Some(l)) = (to, last) {
        let after = next_month(l);
        if after <= d {
            days.push((Some(after), Some(d)));
        }
    }
    MonthSpans {
        months: Some((first, last)),
        days,
    }
}

/// Reads a date typed by a person: dd/mm/yyyy (also with - or .), or the ISO form that
/// `<input type=date>` sends.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Years the service can mean; beyond them period arithmetic would leave the calendar.
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return (1900..=2200).contains(&d.year()).then_some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..] {
        let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse::<i32>().ok()?);
        if (1900..=2200).contains(&y) {
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    None
}

/// The new due date a request for more time asks for, as typed: a date after the current due
/// date and not in the past; otherwise the message key of what is wrong with it.
pub fn extension_date(
    typed: &str,
    current: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, &'static str> {
    let earliest = current.map_or(today, |d| d.max(today));
    match parse_date(typed) {
        None => Err("error.date"),
        Some(d) if d <= earliest => Err("error.extension_date"),
        Some(d) => Ok(d),
    }
}

/// A day written dd/mm/yyyy, for the unit tests' fixtures.
#[cfg(test)]
pub(crate) fn test_day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").expect("a day as dd/mm/yyyy")
}

/// A day from its year, month and day, for the unit tests' fixtures.
#[cfg(test)]
pub(crate) fn test_ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a day that exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_time_is_after_the_due_date_and_not_in_the_past() {
        let d = |s| parse_date(s).unwrap();
        let today = d("10/06/2026");
        assert_eq!(extension_date("x", None, today), Err("error.date"));
        assert_eq!(
            extension_date("20/06/2026", Some(d("20/06/2026")), today),
            Err("error.extension_date")
        );
        assert_eq!(
            extension_date("10/06/2026", Some(d("01/06/2026")), today),
            Err("error.extension_date")
        );
        assert_eq!(
            extension_date("11/06/2026", Some(d("01/06/2026")), today),
            Ok(d("11/06/2026"))
        );
        assert_eq!(
            extension_date("11/06/2026", None, today),
            Ok(d("11/06/2026"))
        );
    }
    use chrono::TimeZone;

    #[test]
    fn today_follows_hanoi_not_utc() {
        let late_utc = Utc.with_ymd_and_hms(2026, 3, 31, 18, 30, 0).unwrap();
        assert_eq!(
            today_in_vietnam(late_utc),
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
        );
    }

    #[test]
    fn parses_and_formats() {
        let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        assert_eq!(parse_date("30/6/2025"), Some(d));
        assert_eq!(parse_date("30/06/2025"), Some(d));
        assert_eq!(parse_date("2025-06-30"), Some(d));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("hôm nay"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(format_date(d), "30/06/2025");
    }

    #[test]
    fn month_spans_cover_each_day_once() {
        let d = |s| parse_date(s).unwrap();
        // Every day of 2025-2026 in or out of each range, counted through the spans.
        let inside = |spans: &MonthSpans, day: NaiveDate| {
            let within = |(a, b): &(Option<NaiveDate>, Option<NaiveDate>), x: NaiveDate| {
                a.is_none_or(|a| a <= x) && b.is_none_or(|b| x <= b)
            };
            let by_month = spans
                .months
                .iter()
                .filter(|m| within(m, month_start(day)))
                .count();
            by_month + spans.days.iter().filter(|r| within(r, day)).count()
        };
        let bounds = [
            None,
            Some(d("01/03/2025")),
            Some(d("15/03/2025")),
            Some(d("31/03/2025")),
            Some(d("28/02/2026")),
            Some(d("10/03/2026")),
            Some(d("31/12/2026")),
        ];
        for from in bounds {
            for to in bounds {
                let spans = month_spans(from, to);
                let mut day = d("01/01/2025");
                while day <= d("31/12/2026") {
                    let wanted = from.is_none_or(|a| a <= day) && to.is_none_or(|b| day <= b);
                    assert_eq!(
                        inside(&spans, day),
                        wanted as usize,
                        "{from:?} {to:?} {day}"
                    );
                    day = day.succ_opt().unwrap();
                }
                assert!(spans.days.len() <= 2, "{spans:?}");
            }
        }
        // The overdue list's days: the whole months before this one, then this month's days.
        assert_eq!(
            month_spans(None, Some(d("09/03/2026"))),
            MonthSpans {
                months: Some((None, Some(d("01/02/2026")))),
                days: vec![(Some(d("01/03/2026")), Some(d("09/03/2026")))],
            }
        );
    }
}
