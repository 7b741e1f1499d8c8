//! The Vietnamese lunar calendar, computed: the dates of Tết (1/1 âm lịch) and of the Hùng
//! Kings' day (10/3 âm lịch) for any year, at Vietnam's time zone (UTC+7).
//!
//! The astronomical method published by Hồ Ngọc Đức: new moons and the sun's longitude from
//! Jean Meeus's formulas, months counted from the one holding the winter solstice (month 11),
//! a leap month inserted in a 13-month year at the first month without a major solar term.

use chrono::NaiveDate;
use std::f64::consts::PI;

const TIME_ZONE: f64 = 7.0;

fn jd_from_date(day: i64, month: i64, year: i64) -> i64 {
    let a = (14 - month) / 12;
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

fn date_from_jd(jd: i64) -> Option<NaiveDate> {
    // Julian day 2440588 is 1 January 1970.
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(jd - 2_440_588))
}

/// The moment of the k-th new moon after 1 January 1900, as a Julian day (UT).
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The local day of the k-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// Which of the twelve 30° sectors the sun is in at the start of a local day.
fn sun_sector(day: i64) -> i64 {
    let jdn = day as f64 - 0.5 - TIME_ZONE / 24.0;
    let t = (jdn - 2_451_545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let mut l = (l0 + dl) * dr;
    l -= PI * 2.0 * (l / (PI * 2.0)).floor();
    (l / PI * 6.0).floor() as i64
}

/// The first day of the lunar month that holds the winter solstice of `year`.
fn lunar_month_11(year: i64) -> i64 {
    let off = jd_from_date(31, 12, year) - 2_415_021;
    let k = (off as f64 / 29.530_588_853).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The solar date of a lunar date (not in a leap month).
pub fn lunar_to_solar(day: i64, month: i64, year: i64) -> Option<NaiveDate> {
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1), lunar_month_11(year))
    } else {
        (lunar_month_11(year), lunar_month_11(year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut off = month - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    date_from_jd(new_moon_day(k + off) + day - 1)
}

/// Mùng 1 Tết of a year.
pub fn tet(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(1, 1, year as i64)
}

/// Giỗ Tổ Hùng Vương, 10/3 âm lịch.
pub fn hung_kings(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(10, 3, year as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    /// The anchors of the official schedules 2020–2026.
    #[test]
    fn tet_and_hung_kings_day() {
        let table = [
            (2020, "25/01/2020", "02/04/2020"),
            (2021, "12/02/2021", "21/04/2021"),
            (2022, "01/02/2022", "10/04/2022"),
            (2023, "22/01/2023", "29/04/2023"),
            (2024, "10/02/2024", "18/04/2024"),
            (2025, "29/01/2025", "07/04/2025"),
            (2026, "17/02/2026", "26/04/2026"),
        ];
        for (year, tet_day, hung) in table {
            assert_eq!(tet(year), Some(d(tet_day)), "Tết {year}");
            assert_eq!(hung_kings(year), Some(d(hung)), "Giỗ Tổ {year}");
        }
        // Years with a leap month (2020 had a leap 4th month, 2023 a leap 2nd month).
        assert_eq!(tet(2027), Some(d("06/02/2027")));
        assert_eq!(tet(2028), Some(d("26/01/2028")));
    }
}
