//! Conclusion text to draft items: the notice's parts, its items, who leads and coordinates
//! each, and by when. Pure: no I/O.

pub mod bodies;
pub mod deadline;
pub mod docx;
pub mod duty;
pub mod folded;
pub mod notice;
pub mod places;
mod reading;
pub mod segment;
pub mod units;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::recurrence::Recurrence;
use folded::Folded;
use reading::{push_unique, Reading};
use units::{Directory, Target};

/// What the extractor drafts from a text, for a person to check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Draft {
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub title: Option<String>,
    pub items: Vec<DraftItem>,
    /// Why nothing or little was found, as message keys ("extract.not_a_notice", ...).
    pub warnings: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftItem {
    pub label: String,
    pub text: String,
    /// Unit names as the directory holds them; a group is listed as all its members.
    pub lead_units: Vec<String>,
    pub coordinating_units: Vec<String>,
    /// Mentions of bodies the directory does not know, kept as written.
    pub unresolved_units: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub deadline_text: Option<String>,
    pub recurrence: Option<Recurrence>,
    /// Byte range of the item in the input, to highlight where it came from.
    #[serde(skip)]
    pub source: std::ops::Range<usize>,
    /// Proposed from a sentence that names a unit and a duty, in a text with no concluding
    /// part or numbered items: to be checked before it is kept.
    pub candidate: bool,
    /// The directory positions behind the names, groups as the group.
    #[serde(skip)]
    pub lead_targets: Vec<Target>,
    #[serde(skip)]
    pub coordinating_targets: Vec<Target>,
}

/// The largest text drafted at once; beyond it the input is refused with a message.
pub const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
/// Items drafted from one text: a conclusion has a few dozen at most, and each drafted item
/// carries the unit pickers on the review page.
pub const MAX_ITEMS: usize = 100;

impl Directory {
    fn names_of(&self, targets: &[Target]) -> Vec<String> {
        let mut out = Vec::new();
        for t in targets {
            match t {
                Target::Unit(i) => push_unique(&mut out, self.units[*i].name.clone()),
                Target::Group(g) => {
                    for m in &self.groups[*g].members {
                        push_unique(&mut out, self.units[*m].name.clone());
                    }
                }
            }
        }
        out
    }
}

/// Drafts the items of a conclusion notice or news report. `issued_on` overrides the date read
/// from the text (used for years and working days).
pub fn extract(
    input: &str,
    issued_on: Option<NaiveDate>,
    directory: &Directory,
    calendar: &Calendar,
) -> Draft {
    // Nothing to read, or more than is read: no items, and why.
    let refused = |warning| Draft {
        number: None,
        issued_on,
        place: None,
        title: None,
        items: Vec::new(),
        warnings: vec![warning],
    };
    if input.trim().is_empty() {
        return refused("extract.empty");
    }
    if input.len() > MAX_INPUT_BYTES {
        return refused("extract.too_large");
    }
    let mut warnings = Vec::new();
    let head = notice::read_header(input);
    let issued = issued_on.or(head.issued_on);
    let reading = Reading {
        directory,
        place: directory.places.only_one(&Folded::new(input)),
        above: Default::default(),
    };
    let mut found = segment::items(input);
    // Nothing concluding, nothing numbered: the sentences naming a unit and a duty, proposed.
    let candidates = found.is_empty();
    if candidates {
        found = segment::all_clauses(input);
    }
    let mut items: Vec<DraftItem> = Vec::new();
    // "Đối với X, …" names the lead for the clauses after it, until another subject; in
    // numbered items, only within the item that sets it.
    let mut subject: Option<(String, Vec<Target>)> = None;
    // "Thứ trưởng yêu cầu Sở A tiếp tục …; tập trung …": a clause after ";" goes on with the
    // unit of the clause before it.
    let mut sentence: Vec<Target> = Vec::new();
    let mut prose_count = 0;
    let running = found.iter().any(|r| r.prose);
    for mut raw in found {
        let top = raw.label.split('.').next().unwrap_or("").to_string();
        if subject
            .as_ref()
            .is_some_and(|(t, _)| !raw.prose && *t != top)
        {
            subject = None;
        }
        let seen = reading.see(&raw.text);
        let own = seen.subject();
        if !own.is_empty() {
            subject = Some((top, own));
        }
        let mut whole = Some(seen.who());
        let continued = std::mem::take(&mut sentence);
        let goes_on = !continued.is_empty();
        let carried = match continued.is_empty() {
            true => subject.as_ref().map(|(_, s)| s.clone()).unwrap_or_default(),
            false => continued,
        };
        if raw.prose {
            // A clause is a task when it names who does it and what, and does not report.
            let inherited = (raw.inherited.iter()).any(|t| !reading.above(t).leads.is_empty())
                || raw
                    .intro
                    .as_deref()
                    .is_some_and(|t| !reading.above(t).asked.is_empty());
            let duty = goes_on || duty::has_duty(&raw.text) || duty::directs(&raw.text);
            let someone = whole.as_ref().is_some_and(|w| !w.leads.is_empty())
                || !carried.is_empty()
                || !candidates && (inherited || duty::directs(&raw.text));
            if duty::reports(&raw.text) || !duty || !someone {
                continue;
            }
        }
        // Running prose is numbered in the order its tasks come.
        if running {
            prose_count += 1;
            raw.label = prose_count.to_string();
        }
        // An item with two tasks becomes two items, "N.1" and "N.2"; each keeps the whole
        // item's text for the deadline, which is often stated once, after the second task.
        let parts: Vec<(String, String)> = match seen.second_task() {
            Some(join) => {
                let first = raw.text[..join.start].trim().trim_end_matches(',');
                let second = raw.text[join.end..].trim();
                vec![
                    (format!("{}.1", raw.label), first.to_string()),
                    (format!("{}.2", raw.label), second.to_string()),
                ]
            }
            None => vec![(raw.label.clone(), raw.text.clone())],
        };
        let split = parts.len() > 1;
        for (n, (label, text)) in parts.into_iter().enumerate() {
            let mut who = match (split, whole.take()) {
                (false, Some(whole)) => whole,
                _ => reading.see(&text).who(),
            };
            if who.leads.is_empty() {
                who.leads = carried.clone();
            }
            if who.leads.is_empty() {
                // "5. Các Sở KH&CN: a) ...; b) ..." and "đề nghị Sở ... thực hiện các nhiệm vụ
                // sau: Thứ nhất ...": the unit is named once, above the items.
                let above = (raw.inherited.iter())
                    .map(|t| reading.above(t))
                    .map(|a| (a.leads, a.coordinating));
                let intro = raw
                    .intro
                    .iter()
                    .map(|t| reading.above(t))
                    .map(|a| (a.asked, a.coordinating));
                if let Some((leads, coordinating)) = above.chain(intro).find(|(l, _)| !l.is_empty())
                {
                    who.leads = leads;
                    if who.coordinating.is_empty() {
                        who.coordinating = coordinating;
                    }
                }
            }
            who.coordinating.retain(|c| !who.leads.contains(c));
            let deadline = deadline::find(&text, issued, calendar).or_else(|| {
                // A deadline after the second task is both tasks'; one inside the first is
                // the first's own.
                (split && n == 0)
                    .then(|| deadline::find(&raw.text, issued, calendar))
                    .flatten()
            });
            items.push(DraftItem {
                label,
                text: text.trim().to_string(),
                lead_units: directory.names_of(&who.leads),
                coordinating_units: directory.names_of(&who.coordinating),
                unresolved_units: who.unresolved,
                deadline: deadline.as_ref().and_then(|d| d.date),
                deadline_text: deadline
                    .as_ref()
                    .filter(|d| d.date.is_some() || d.recurrence.is_none())
                    .map(|d| d.text.clone()),
                recurrence: deadline.as_ref().and_then(|d| d.recurrence),
                source: raw.source.clone(),
                candidate: candidates,
                lead_targets: who.leads,
                coordinating_targets: who.coordinating,
            });
        }
        if raw.prose && input[..raw.source.end].trim_end().ends_with(';') {
            sentence = items
                .last()
                .map(|i| i.lead_targets.clone())
                .unwrap_or_default();
        }
        if items.len() > MAX_ITEMS {
            items.truncate(MAX_ITEMS);
            warnings.push("extract.too_many_items");
            break;
        }
    }
    if items.is_empty() {
        warnings.push("extract.no_conclusion");
    } else if candidates {
        warnings.push("extract.candidates");
    }
    if !items.is_empty() && items.iter().all(|i| i.lead_units.is_empty()) {
        warnings.push("extract.no_units");
    }
    Draft {
        number: head.number,
        issued_on: issued,
        place: head.place,
        title: head.title,
        items,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tasks in one item, each with its own unit, however they are joined.
    #[test]
    fn clauses_with_their_own_unit_are_tasks_of_their_own() {
        let directory = Directory::builtin();
        let calendar = Calendar::shipped();
        for joined in [
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn; giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn, đồng thời giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn; đề nghị Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn và giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
        ] {
            let text = format!("Thứ trưởng kết luận như sau:\n1. {joined}\n2. Giao Văn phòng Bộ theo dõi.");
            let d = extract(&text, None, &directory, &calendar);
            assert_eq!(d.items.len(), 3, "{joined}: {:#?}", d.items);
            assert_eq!(d.items[0].lead_units, ["Vụ Pháp chế"], "{joined}");
            assert_eq!(d.items[0].text, "Giao Vụ Pháp chế rà soát văn bản hướng dẫn", "{joined}");
            assert_eq!(d.items[1].lead_units, ["Cục Sở hữu trí tuệ"], "{joined}");
            assert!(!d.items[1].text.starts_with([';', ',']), "{}", d.items[1].text);
        }
    }

    fn draft(text: &str) -> Draft {
        extract(text, None, &Directory::builtin(), &Calendar::shipped())
    }

    fn leads(d: &Draft) -> Vec<Vec<String>> {
        d.items.iter().map(|i| i.lead_units.clone()).collect()
    }

    /// "Đối với X, …" and "Về phía X, …" name the lead of the clauses after them until another
    /// subject; "các Sở …" there is the whole group; "phối hợp với Y" still makes Y coordinating.
    #[test]
    fn a_subject_carries_over_the_clauses_after_it() {
        let d = draft("Kết luận cuộc họp, Bộ trưởng ghi nhận nỗ lực của các đơn vị. Đối với Cục Chuyển đổi số quốc gia, cần trình Khung kiến trúc số trước ngày 31/5/2026; tiếp tục hướng dẫn các địa phương triển khai nền tảng số. Về phía các Sở Khoa học và Công nghệ, cần phối hợp với Cục Thông tin, Thống kê báo cáo số liệu hằng quý.");
        assert_eq!(d.items.len(), 3, "{:#?}", d.items);
        assert_eq!(d.items[0].lead_units, ["Cục Chuyển đổi số quốc gia"]);
        assert_eq!(d.items[1].lead_units, ["Cục Chuyển đổi số quốc gia"]);
        assert_eq!(d.items[2].lead_units.len(), 34, "the group fans out");
        assert_eq!(d.items[2].coordinating_units, ["Cục Thông tin, Thống kê"]);
        // A subject set in a numbered item ends with it.
        let d = draft("Bộ trưởng giao nhiệm vụ như sau:\n1. Đối với Văn phòng Bộ: xây dựng kế hoạch tổ chức hội nghị.\n2. Tăng cường công tác truyền thông về khoa học và công nghệ.\n");
        assert_eq!(leads(&d), [vec!["Văn phòng Bộ".to_string()], vec![]]);
        // "Đối với kiến nghị …" is no subject: the unit comes from the clause itself.
        let d = draft("Kết luận cuộc họp, Thứ trưởng yêu cầu như sau. Đối với kiến nghị của tỉnh, Thứ trưởng giao Cục Chuyển đổi số quốc gia nghiên cứu, trả lời.");
        assert_eq!(leads(&d), [vec!["Cục Chuyển đổi số quốc gia".to_string()]]);
    }

    /// A text about one province names its units generically; a text about several does not
    /// get them guessed.
    #[test]
    fn generic_names_are_the_one_provinces_own() {
        let text = |place: &str| {
            format!("Kính gửi: Sở Khoa học và Công nghệ tỉnh Quảng Ngãi\nVăn phòng Bộ thông báo ý kiến kết luận của Thứ trưởng như sau:\n1. Đề nghị Quý Sở rà soát quy định quản lý nhiệm vụ cấp tỉnh.\n2. Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng đầu tư phòng thử nghiệm.\n3. Đề nghị tỉnh bố trí kinh phí đối ứng{place}.\n4. Giao Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi phối hợp tuyên truyền.\n")
        };
        let d = draft(&text(""));
        let so = "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi".to_string();
        let ubnd = "Ủy ban nhân dân tỉnh Quảng Ngãi".to_string();
        assert_eq!(leads(&d), [vec![so.clone()], vec![so], vec![ubnd], vec![]]);
        // Another body of the province stays unknown, as written.
        assert_eq!(
            d.items[3].unresolved_units,
            ["Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi"]
        );
        // The dateline ("Hà Nội, ngày …") is where it was signed, not what it is about.
        let d = draft(&format!("Hà Nội, ngày 22 tháng 5 năm 2026\n{}", text("")));
        assert_eq!(d.items[0].lead_units.len(), 1);
        // Two provinces named: "Quý Sở" and "tỉnh" are nobody in particular.
        let d = draft(&text(" như tỉnh Gia Lai đã làm"));
        assert!(
            d.items[..3].iter().all(|i| i.lead_units.is_empty()),
            "{:#?}",
            d.items
        );
    }

    /// With no concluding part, only sentences that give someone work are proposed: not what a
    /// province asks of the ministry, not what a unit has done, not what happened on a day.
    #[test]
    fn candidates_leave_out_requests_results_and_events() {
        let d = draft("Ngày 12/5/2026, Cục Đổi mới sáng tạo phối hợp với Sở Khoa học và Công nghệ tỉnh Gia Lai tổ chức tọa đàm.\nNăm 2025, Sở đã triển khai 25 mô hình ứng dụng công nghệ.\nGiám đốc Sở cho biết đơn vị đã hoàn thành chuyển giao 10 quy trình.\nSở Khoa học và Công nghệ tỉnh Gia Lai kiến nghị Bộ hỗ trợ kinh phí xây dựng phòng thí nghiệm.\nĐại diện Sở đề nghị Bộ Khoa học và Công nghệ hướng dẫn thủ tục.\nThứ trưởng đề nghị Sở Khoa học và Công nghệ tỉnh Gia Lai nhân rộng các mô hình, báo cáo trước ngày 30/11/2026.\nThứ trưởng cũng giao Cục Đổi mới sáng tạo phối hợp với Sở hướng dẫn các hợp tác xã.\n");
        assert!(d.warnings.contains(&"extract.candidates"));
        let texts: Vec<&str> = d.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(texts[0].starts_with("đề nghị Sở Khoa học"), "{texts:?}");
        assert_eq!(d.items[1].lead_units, ["Cục Đổi mới sáng tạo"]);
        assert_eq!(
            d.items[1].coordinating_units,
            ["Sở Khoa học và Công nghệ tỉnh Gia Lai"]
        );
        assert!(d.items.iter().all(|i| i.candidate));
    }

    /// A unit whose own verb is to coordinate coordinates; a clause after ";" goes on with the
    /// unit before it; a deadline inside the first of two tasks is the first's own.
    #[test]
    fn clauses_that_go_on_and_units_that_coordinate() {
        let d = draft("Thứ trưởng kết luận như sau:\n1. Cục Chuyển đổi số quốc gia hoàn thiện Nền tảng trước ngày 30/9/2026. Trung tâm Công nghệ thông tin phối hợp bảo đảm hạ tầng.\n2. Giao Cục Thông tin, Thống kê biên tập ấn phẩm; giao Báo VnExpress phối hợp tuyên truyền.\n");
        assert_eq!(d.items[0].lead_units, ["Cục Chuyển đổi số quốc gia"]);
        assert_eq!(
            d.items[0].coordinating_units,
            ["Trung tâm Công nghệ thông tin"]
        );
        assert_eq!(
            leads(&d)[2],
            ["Báo VnExpress"],
            "one given the work leads it"
        );
        let d = draft("Phát biểu kết luận buổi làm việc, Thứ trưởng yêu cầu Sở Khoa học và Công nghệ tỉnh Đắk Lắk tiếp tục tham mưu cho Ủy ban nhân dân tỉnh cụ thể hóa Nghị quyết; tập trung phát triển thị trường công nghệ trong năm 2026. Thứ trưởng giao Cục Sở hữu trí tuệ hướng dẫn hồ sơ trước ngày 31/12/2026 và giao Cục Đổi mới sáng tạo xem xét hỗ trợ tỉnh.");
        let so = vec!["Sở Khoa học và Công nghệ tỉnh Đắk Lắk".to_string()];
        assert_eq!(leads(&d)[..2], [so.clone(), so]);
        assert_eq!(d.items[2].deadline, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(d.items[3].lead_units, ["Cục Đổi mới sáng tạo"]);
        assert_eq!(d.items[3].deadline, None);
    }
}
