//! What makes a clause a task: a word of duty, or a "cần"/"phải" asked of someone; and what
//! makes one a report instead (a request to the ministry, a past result, a speaker's words, an
//! event on a date).

use std::sync::OnceLock;

use regex::Regex;

use crate::extract::folded::Folded;

/// The words that make a sentence a task: someone is given, asked or put in charge of work.
pub const DUTY: [&str; 16] = [
    "giao",
    "de nghi",
    "yeu cau",
    "chu tri",
    "phoi hop",
    "bao cao",
    "trien khai",
    "thuc hien",
    "tham muu",
    "hoan thanh",
    "xay dung",
    "ra soat",
    "huong dan",
    "nghien cuu",
    "de xuat",
    "to chuc",
];

/// Whether a text speaks of a duty (see `DUTY`).
pub fn has_duty(text: &str) -> bool {
    let f = Folded::new(text);
    DUTY.iter().any(|w| f.text.contains(w))
}

/// Whether a clause asks for work of whoever it speaks to ("các cấp, bộ, ngành cần tiếp tục rà
/// soát …"): in a conclusion, a task even when it names no unit.
pub fn directs(text: &str) -> bool {
    static MUST: OnceLock<Regex> = OnceLock::new();
    let must =
        MUST.get_or_init(|| Regex::new(r"\b(?:cần|phải|Cần|Phải)\s").expect("valid pattern"));
    must.is_match(text)
}

/// Whether a clause reports rather than assigns: a province's request to the ministry ("Sở …
/// kiến nghị Bộ …"), what a unit has done ("Sở đã triển khai 42 nhiệm vụ"), what a speaker said
/// ("… cho biết"), an event on a date ("Ngày 12/5/2026, Cục … tổ chức tọa đàm").
pub fn reports(text: &str) -> bool {
    struct Cues {
        request: Regex,
        assigns: Regex,
        leader: Regex,
        past: Regex,
        event: Regex,
    }
    static CUES: OnceLock<Cues> = OnceLock::new();
    let cues = CUES.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("valid pattern");
        Cues {
            request: re(r"\b(?:kien nghi|de nghi|de xuat|xin|mong muon)\s+(?:voi\s+)?(bo|lanh dao bo|bo truong|chinh phu|thu tuong|trung uong)\b"),
            assigns: re(r"\b(?:giao|de nghi|yeu cau|chi dao)\b"),
            leader: re(r"\b(?:thu truong|bo truong|lanh dao bo|chu tich|thu tuong)\b"),
            past: re(r"\bda\s+(?:\S+\s+){0,2}?(?:giao|de nghi|yeu cau|chu tri|phoi hop|bao cao|trien khai|thuc hien|tham muu|hoan thanh|xay dung|ra soat|huong dan|nghien cuu|de xuat|to chuc)\b|\b(?:cho biet|chia se|cho rang)\b"),
            event: re(r"^\s*(?:\(.*?\)\s*-?\s*)?(?:ngay|sang|chieu|toi|trua)\s+\d{1,2}\s*[/-]\s*\d{1,2}"),
        }
    });
    let f = Folded::new(text);
    let t = f.text.as_str();
    // "đề nghị Bộ …" is a request to the ministry when no leader of it speaks; "bổ sung" is no
    // "Bộ", so the original must say "Bộ".
    if let Some(c) = cues.request.captures(t) {
        let body = c.get(1).expect("group");
        let asked = f.original(body.start()..body.end());
        let ministry = !asked.starts_with(['b', 'B']) || asked.starts_with("Bộ");
        if ministry && !cues.leader.is_match(&t[..body.start()]) {
            return true;
        }
    }
    // "đã" is past only as written: "đa dạng" folds the same.
    let past = cues.past.find_iter(t).any(|m| {
        let said = f.original(m.start()..m.end()).to_lowercase();
        !said.starts_with(['đ', 'd']) || said.starts_with("đã")
    });
    let assigns = cues.assigns.is_match(t);
    !assigns && (past || cues.event.is_match(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_reports_rather_than_assigns() {
        for report in [
            "Sở Khoa học và Công nghệ tỉnh Gia Lai kiến nghị Bộ hỗ trợ kinh phí xây dựng phòng thí nghiệm.",
            "Đại diện Trung tâm đề nghị Bộ quan tâm đào tạo nhân lực.",
            "Năm 2025, Sở đã triển khai 42 nhiệm vụ khoa học và công nghệ.",
            "Giám đốc Sở cho biết đơn vị sẽ tiếp tục hoàn thành kế hoạch.",
            "Ngày 12/5/2026, Cục Đổi mới sáng tạo tổ chức tọa đàm.",
        ] {
            assert!(reports(report), "{report}");
        }
        for task in [
            "Thứ trưởng đề nghị Bộ Công an phối hợp bảo đảm an toàn thông tin.",
            "Đề nghị bổ sung kinh phí cho Sở Khoa học và Công nghệ tỉnh Gia Lai.",
            "Cục Sở hữu trí tuệ xây dựng đa dạng các mô hình hỗ trợ.",
            "Giao Cục Đổi mới sáng tạo tổ chức hội thảo ngày 12/5/2026.",
        ] {
            assert!(!reports(task), "{task}");
        }
    }
}
