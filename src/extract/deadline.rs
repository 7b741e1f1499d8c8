//! When a conclusion item is due: a date with a deadline cue ("trước ngày 30/6/2025", "trước
//! 15/8", "chậm nhất ngày 15 tháng 10 năm 2025"), the end of a quarter, month or year ("trong quý
//! IV/2020", "trong tháng 9/2025", "trong năm 2025"), a number of working or calendar days from
//! the issue date, or a recurrence ("hằng tháng") with no single deadline. A date without a cue
//! (the day an event took place) is not a deadline.

use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate};
use regex::Regex;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::recurrence::Recurrence;
use crate::extract::folded::Folded;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub date: Option<NaiveDate>,
    /// The phrase as written in the text.
    pub text: String,
    pub recurrence: Option<Recurrence>,
}

const CUE: &str =
    r"(?:truoc|cham nhat(?: la| vao)?|han chot|han|khong muon hon|xong truoc|den het)";

struct Patterns {
    day_month_numeric: Regex,
    day_month_words: Regex,
    quarter: Regex,
    month: Regex,
    year: Regex,
    working_days: Regex,
    days: Regex,
    recurrences: Vec<(Regex, Recurrence)>,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("valid pattern");
        Patterns {
            day_month_numeric: re(&format!(r"\b{CUE}\s+(?:ngay\s+)?(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?:\s*[/.-]\s*(\d{{4}}|\d{{2}}))?\b")),
            day_month_words: re(&format!(r"\b{CUE}\s+ngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})(?:\s+nam\s+(\d{{4}}))?\b")),
            quarter: re(r"\b(?:trong|cuoi|het|truoc khi het)\s+quy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:nam|/)\s*(\d{4}))?"),
            month: re(r"\b(?:trong|cuoi|het)\s+thang\s+(\d{1,2})\b(?:\s*(?:nam|/)\s*(\d{4}))?"),
            year: re(r"\b(?:trong|cuoi|het|truoc khi het)\s+nam\s+(\d{4})\b"),
            working_days: re(r"\btrong(?:\s+vong|\s+thoi\s+han)?\s+(\d{1,3})\s+ngay\s+lam\s+viec\b"),
            days: re(r"\btrong(?:\s+vong|\s+thoi\s+han)?\s+(\d{1,3})\s+ngay\b"),
            recurrences: vec![
                (re(r"\b(?:hang|hàng)\s+tuan\b"), Recurrence::Weekly),
                (re(r"\bhang\s+thang\b|\bdinh\s+ky\s+(?:hang\s+)?thang\b"), Recurrence::Monthly),
                (re(r"\bhang\s+quy\b|\bdinh\s+ky\s+(?:hang\s+)?quy\b"), Recurrence::Quarterly),
                (re(r"\b(?:dinh\s+ky\s+)?(?:6|sau)\s+thang(?:\s+mot\s+lan|\s*/\s*lan)\b|\bdinh\s+ky\s+(?:6|sau)\s+thang\b|\bhang\s+nua\s+nam\b"), Recurrence::HalfYearly),
                (re(r"\bhang\s+nam\b|\bdinh\s+ky\s+hang\s+nam\b"), Recurrence::Yearly),
            ],
        }
    })
}

fn roman(q: &str) -> Option<u32> {
    match q {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

fn end_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    first_next.pred_opt()
}

fn year_of(text: Option<regex::Match>, issued: Option<NaiveDate>) -> Option<i32> {
    match text {
        Some(m) if m.as_str().len() == 2 => m.as_str().parse::<i32>().ok().map(|y| 2000 + y),
        Some(m) => m.as_str().parse().ok(),
        None => issued.map(|d| d.year()),
    }
}

/// A day and month with the year from the notice: the next such day on or after the issue date.
fn day_month(
    day: u32,
    month: u32,
    year: Option<i32>,
    explicit: bool,
    issued: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let d = NaiveDate::from_ymd_opt(year?, month, day)?;
    match issued {
        Some(issued) if !explicit && d < issued => {
            NaiveDate::from_ymd_opt(d.year() + 1, month, day)
        }
        _ => Some(d),
    }
}

/// The first deadline in an item's text, if it has one.
pub fn find(text: &str, issued: Option<NaiveDate>, calendar: &Calendar) -> Option<Deadline> {
    let f = Folded::new(text);
    let p = patterns();
    // Every candidate with where it starts; the earliest wins.
    let mut found: Vec<(usize, Deadline)> = Vec::new();
    let mut push =
        |range: std::ops::Range<usize>, date: Option<NaiveDate>, recurrence: Option<Recurrence>| {
            found.push((
                range.start,
                Deadline {
                    date,
                    text: f.original(range).to_string(),
                    recurrence,
                },
            ));
        };
    for re in [&p.day_month_numeric, &p.day_month_words] {
        for c in re.captures_iter(&f.text) {
            let whole = c.get(0).expect("match");
            let (Ok(day), Ok(month)) = (c[1].parse::<u32>(), c[2].parse::<u32>()) else {
                continue;
            };
            let explicit = c.get(3).is_some();
            if let Some(date) = day_month(day, month, year_of(c.get(3), issued), explicit, issued) {
                push(whole.range(), Some(date), None);
            }
        }
    }
    for c in p.quarter.captures_iter(&f.text) {
        let whole = c.get(0).expect("match");
        if let (Some(q), Some(y)) = (roman(&c[1]), year_of(c.get(2), issued)) {
            push(whole.range(), end_of_month(y, q * 3), None);
        }
    }
    for c in p.month.captures_iter(&f.text) {
        let whole = c.get(0).expect("match");
        let month: u32 = c[1].parse().unwrap_or(0);
        if let (true, Some(y)) = ((1..=12).contains(&month), year_of(c.get(2), issued)) {
            push(whole.range(), end_of_month(y, month), None);
        }
    }
    for c in p.year.captures_iter(&f.text) {
        let whole = c.get(0).expect("match");
        if let Ok(y) = c[1].parse::<i32>() {
            push(whole.range(), NaiveDate::from_ymd_opt(y, 12, 31), None);
        }
    }
    for c in p.working_days.captures_iter(&f.text) {
        let whole = c.get(0).expect("match");
        let n: i64 = c[1].parse().unwrap_or(0);
        push(
            whole.range(),
            issued.map(|d| calendar.add_working_days(d, n)),
            None,
        );
    }
    for c in p.days.captures_iter(&f.text) {
        let whole = c.get(0).expect("match");
        if f.text[whole.end()..].trim_start().starts_with("lam viec") {
            continue;
        }
        let n: u64 = c[1].parse().unwrap_or(0);
        push(
            whole.range(),
            issued.and_then(|d| d.checked_add_days(Days::new(n))),
            None,
        );
    }
    for (re, kind) in &p.recurrences {
        if let Some(m) = re.find(&f.text) {
            push(m.range(), None, Some(*kind));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    // A recurrence beside a date ("báo cáo hằng quý, lần đầu trước 30/6") keeps both.
    let recurrence = found.iter().find_map(|(_, d)| d.recurrence);
    let first_date = found
        .iter()
        .find(|(_, d)| d.date.is_some())
        .map(|(_, d)| d.clone());
    match (first_date, recurrence) {
        (Some(mut d), r) => {
            d.recurrence = r;
            Some(d)
        }
        (None, Some(_)) => found
            .into_iter()
            .map(|(_, d)| d)
            .find(|d| d.recurrence.is_some()),
        // A phrase read but no date to compute (working days without an issue date): the
        // phrase is kept for the person to complete.
        (None, None) => found.into_iter().next().map(|(_, d)| d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    fn due(text: &str, issued: &str) -> Option<NaiveDate> {
        find(text, Some(d(issued)), &Calendar::shipped()).and_then(|x| x.date)
    }

    #[test]
    fn each_form_of_deadline() {
        let cases = [
            ("báo cáo kết quả về Bộ trước ngày 30/6/2025.", "30/06/2025"),
            ("hoàn thành trước 15/8.", "15/08/2020"),
            (
                "trình Bộ trưởng trước ngày 15 tháng 10 năm 2025",
                "15/10/2025",
            ),
            ("chậm nhất ngày 05/11/2020", "05/11/2020"),
            ("hoàn thành trong quý III năm 2025", "30/09/2025"),
            ("trình Bộ trưởng trong quý IV/2020.", "31/12/2020"),
            ("báo cáo Bộ trưởng trong tháng 11 năm 2020.", "30/11/2020"),
            ("trong tháng 9/2025", "30/09/2025"),
            ("ban hành trong năm 2025", "31/12/2025"),
            ("gửi Bộ trước 30/9/20", "30/09/2020"),
            ("TRƯỚC NGÀY 31/12/2026", "31/12/2026"),
            ("truoc ngay 31/12/2026 (khong dau)", "31/12/2026"),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text, "12/06/2020"), Some(d(expected)), "{text}");
        }
        let x = find(
            "hoàn thành trước 15/8.",
            Some(d("12/06/2020")),
            &Calendar::shipped(),
        )
        .unwrap();
        assert_eq!(x.text, "trước 15/8");
    }

    #[test]
    fn days_from_the_issue_date() {
        // Issued Thu 12/02/2026: 10 working days across Tết end on 05/03/2026.
        assert_eq!(
            due("báo cáo trong 10 ngày làm việc", "12/02/2026"),
            Some(d("05/03/2026"))
        );
        assert_eq!(
            due("trong vòng 15 ngày kể từ ngày ký", "12/02/2026"),
            Some(d("27/02/2026"))
        );
        assert_eq!(
            find("trong 10 ngày làm việc", None, &Calendar::shipped())
                .unwrap()
                .date,
            None
        );
    }

    #[test]
    fn a_year_taken_from_the_notice_rolls_over() {
        assert_eq!(
            due("hoàn thành trước 15/1", "20/11/2025"),
            Some(d("15/01/2026"))
        );
    }

    #[test]
    fn recurrences_have_no_single_deadline() {
        for (text, kind) in [
            ("gửi Bộ Khoa học và Công nghệ hằng tháng", "monthly"),
            ("báo cáo hàng quý", "quarterly"),
            ("báo cáo định kỳ 6 tháng một lần", "half_yearly"),
            ("tổng hợp hằng năm", "yearly"),
        ] {
            let x = find(text, Some(d("12/06/2020")), &Calendar::shipped()).unwrap();
            assert_eq!(
                (x.date, x.recurrence.map(|r| r.as_str())),
                (None, Some(kind)),
                "{text}"
            );
        }
        let both = find(
            "báo cáo hằng quý, lần đầu trước ngày 30/6/2025",
            None,
            &Calendar::shipped(),
        )
        .unwrap();
        assert_eq!(
            (both.date, both.recurrence),
            (Some(d("30/06/2025")), Some(Recurrence::Quarterly))
        );
    }

    #[test]
    fn an_event_date_is_not_a_deadline() {
        for text in [
            "Ngày 05 tháng 6 năm 2020, Bộ Khoa học và Công nghệ tổ chức Hội nghị trực tuyến",
            "tại Hội nghị ngày 5/6/2020 các đại biểu đã thống nhất",
            "theo Quyết định số 100/QĐ-TTg ngày 19/01/2019",
            "theo dõi, đôn đốc việc thực hiện các nhiệm vụ nêu trên",
        ] {
            assert_eq!(
                find(text, Some(d("12/06/2020")), &Calendar::shipped()),
                None,
                "{text}"
            );
        }
    }
}
