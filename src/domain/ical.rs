//! iCalendar (RFC 5545) as the deadline feeds write it: all-day events, text escaped, lines
//! folded at 75 octets without splitting a character, CRLF line ends.

use chrono::{NaiveDate, NaiveDateTime};

/// One deadline as an all-day event.
pub struct Event {
    /// Stable across feeds and resets, so a calendar updates the event instead of adding one.
    pub uid: String,
    pub day: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub modified: NaiveDateTime,
}

/// A whole calendar named `name`, stamped `now` (UTC).
pub fn calendar(name: &str, now: NaiveDateTime, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(&fold(s));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Chi dao//Deadlines//VI");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    // Calendars that honour it fetch the feed again every few hours.
    line("REFRESH-INTERVAL;VALUE=DURATION:PT4H");
    line("X-PUBLISHED-TTL:PT4H");
    let stamp = utc(now);
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&e.uid)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("LAST-MODIFIED:{}", utc(e.modified)));
        line(&format!("DTSTART;VALUE=DATE:{}", e.day.format("%Y%m%d")));
        let next = e.day.succ_opt().unwrap_or(e.day);
        line(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        line(&format!("DESCRIPTION:{}", escape(&e.description)));
        line(&format!("URL;VALUE=URI:{}", e.url));
        // A deadline takes no time: it does not show the person as busy.
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn utc(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values: backslash, semicolon and comma escaped, line breaks as `\n`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Other control characters have no place in a content line.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A content line folded so that no physical line passes 75 octets: each continuation begins
/// with a space, and a break never falls inside a character's UTF-8 bytes.
pub fn fold(line: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / MAX * 3);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > MAX {
            out.push_str("\r\n ");
            // The space counts on the continuation line.
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("Báo cáo; kế hoạch, dự toán\\ số\n2"),
            "Báo cáo\\; kế hoạch\\, dự toán\\\\ số\\n2"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!(
            "SUMMARY:{}",
            "Xây dựng kế hoạch ứng dụng trí tuệ nhân tạo ".repeat(6)
        );
        let folded = fold(&line);
        for (i, physical) in folded.split("\r\n").enumerate() {
            assert!(physical.len() <= 75, "{}: {physical}", physical.len());
            assert_eq!(i > 0, physical.starts_with(' '));
        }
        // Unfolding gives the line back.
        assert_eq!(folded.replace("\r\n ", ""), line);
        assert_eq!(fold("SHORT"), "SHORT");
    }

    #[test]
    fn an_all_day_event_ends_the_next_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let now = day.and_hms_opt(8, 0, 0).unwrap();
        let cal = calendar(
            "Hạn xử lý",
            now,
            &[Event {
                uid: "task-7@chidao".into(),
                day,
                summary: "Hạn: 1. Báo cáo".into(),
                description: "Sở KH&CN Lạng Sơn".into(),
                url: "https://chidao.test/tasks/7".into(),
                modified: now,
            }],
        );
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(cal.contains("DTSTAMP:20261231T080000Z\r\n"));
        assert!(cal.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(!cal.replace("\r\n", "").contains('\n'));
    }
}
