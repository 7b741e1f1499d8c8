//! The official schedules that ship with the service, 2020–2026, as published each year
//! (Labour ministry notices up to 2025, Ministry of Home Affairs from 2026). Administrators
//! edit them, and add later years, in the browser; these seed an empty database.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};

/// One year's official schedule: the days off it declares (holidays, days given back, swapped
/// weekdays) and the Saturdays it makes working days, each with its name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub days_off: BTreeMap<NaiveDate, String>,
    pub working_saturdays: BTreeMap<NaiveDate, String>,
}

/// (year, days-off ranges as (first, last, name), make-up working Saturdays as (day, name))
type YearRows = (
    i32,
    &'static [(&'static str, &'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);

#[rustfmt::skip]
pub const SCHEDULES: &[YearRows] = &[
    (2020, &[
        ("2020-01-01", "2020-01-01", "Tết Dương lịch"),
        ("2020-01-23", "2020-01-29", "Tết Nguyên đán"),
        ("2020-04-02", "2020-04-02", "Giỗ Tổ Hùng Vương"),
        ("2020-04-30", "2020-05-03", "Ngày Chiến thắng và Quốc tế Lao động"),
        ("2020-09-02", "2020-09-02", "Quốc khánh"),
    ], &[]),
    (2021, &[
        ("2021-01-01", "2021-01-03", "Tết Dương lịch"),
        ("2021-02-10", "2021-02-16", "Tết Nguyên đán"),
        ("2021-04-21", "2021-04-21", "Giỗ Tổ Hùng Vương"),
        ("2021-04-30", "2021-05-03", "Ngày Chiến thắng và Quốc tế Lao động"),
        ("2021-09-02", "2021-09-05", "Quốc khánh"),
    ], &[]),
    (2022, &[
        ("2022-01-01", "2022-01-03", "Tết Dương lịch"),
        ("2022-01-29", "2022-02-06", "Tết Nguyên đán"),
        ("2022-04-09", "2022-04-11", "Giỗ Tổ Hùng Vương"),
        ("2022-04-30", "2022-05-03", "Ngày Chiến thắng và Quốc tế Lao động"),
        ("2022-09-01", "2022-09-04", "Quốc khánh"),
    ], &[]),
    (2023, &[
        ("2023-01-01", "2023-01-02", "Tết Dương lịch"),
        ("2023-01-20", "2023-01-26", "Tết Nguyên đán"),
        ("2023-04-29", "2023-05-03", "Giỗ Tổ Hùng Vương, Ngày Chiến thắng và Quốc tế Lao động"),
        ("2023-09-01", "2023-09-04", "Quốc khánh"),
    ], &[]),
    (2024, &[
        ("2024-01-01", "2024-01-01", "Tết Dương lịch"),
        ("2024-02-08", "2024-02-14", "Tết Nguyên đán"),
        ("2024-04-18", "2024-04-18", "Giỗ Tổ Hùng Vương"),
        ("2024-04-27", "2024-05-01", "Ngày Chiến thắng và Quốc tế Lao động (hoán đổi 29/4)"),
        ("2024-08-31", "2024-09-03", "Quốc khánh"),
    ], &[("2024-05-04", "Làm bù cho ngày 29/4/2024")]),
    (2025, &[
        ("2025-01-01", "2025-01-01", "Tết Dương lịch"),
        ("2025-01-25", "2025-02-02", "Tết Nguyên đán"),
        ("2025-04-05", "2025-04-07", "Giỗ Tổ Hùng Vương"),
        ("2025-04-30", "2025-05-04", "Ngày Chiến thắng và Quốc tế Lao động (hoán đổi 2/5)"),
        ("2025-08-30", "2025-09-02", "Quốc khánh"),
    ], &[("2025-04-26", "Làm bù cho ngày 2/5/2025")]),
    (2026, &[
        ("2026-01-01", "2026-01-04", "Tết Dương lịch (hoán đổi 2/1)"),
        ("2026-02-14", "2026-02-22", "Tết Nguyên đán"),
        ("2026-04-25", "2026-04-27", "Giỗ Tổ Hùng Vương"),
        ("2026-04-30", "2026-05-03", "Ngày Chiến thắng và Quốc tế Lao động"),
        ("2026-08-29", "2026-09-02", "Quốc khánh (hoán đổi 31/8)"),
        // Set by Resolution 80-NQ/TW (07/01/2026); its enactment in the Labour Code was not
        // confirmed when this was written: administrators correct it in the browser if needed.
        ("2026-11-24", "2026-11-24", "Ngày Văn hóa Việt Nam"),
    ], &[
        ("2026-01-10", "Làm bù cho ngày 2/1/2026"),
        ("2026-08-22", "Làm bù cho ngày 31/8/2026"),
    ]),
];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date in the shipped schedules")
}

/// The shipped schedules, by year.
pub fn shipped() -> HashMap<i32, Schedule> {
    let mut out = HashMap::new();
    for (year, off, work) in SCHEDULES {
        let mut s = Schedule::default();
        for (first, last, name) in *off {
            let mut d = date(first);
            while d <= date(last) {
                s.days_off.insert(d, name.to_string());
                d = d + Days::new(1);
            }
        }
        for (day, name) in *work {
            s.working_saturdays.insert(date(day), name.to_string());
        }
        out.insert(*year, s);
    }
    out
}
