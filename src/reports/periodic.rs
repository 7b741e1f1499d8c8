//! The periodic report (báo cáo tình hình thực hiện nhiệm vụ) as one value: the heading in the
//! layout of Decree 30/2020/NĐ-CP, the computed body, the narrative the secretariat writes and
//! the appendix of units with their grades. Issuing stores this value as it is, so an issued
//! report never changes; the page and the Word file are both drawn from it, and the sentences
//! they share are made here once.
//!
//! The report is an official Vietnamese document: its text is Vietnamese whatever the reader's
//! language, with numbers and dates as Vietnamese writes them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::grading::{Grade, Record, Rule};
use crate::domain::ids::UnitId;
use crate::domain::status::Counts;
use crate::domain::status::Timeliness;
use crate::i18n::{number, percent, Lang};

/// The fixed lines of the heading and the signature, which the secretariat may change before
/// issuing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heading {
    /// The governing body, in capitals (BỘ KHOA HỌC VÀ CÔNG NGHỆ).
    pub body: String,
    /// The issuing unit, in capitals (VĂN PHÒNG).
    pub issuer: String,
    /// The number as the document register gives it; empty leaves the blank to fill at signing.
    pub number: String,
    /// The issuer's abbreviation in the number (BC-VP).
    pub issuer_abbr: String,
    pub place: String,
    pub date: NaiveDate,
    /// "TL. BỘ TRƯỞNG" over "CHÁNH VĂN PHÒNG".
    pub authority: String,
    pub signer_title: String,
    pub signer_name: String,
    /// "Nơi nhận", one per line.
    pub recipients: Vec<String>,
}

impl Heading {
    /// "Số: 15/BC-VP", or "Số:      /BC-VP" before the register gives the number.
    pub fn number_line(&self) -> String {
        let n = if self.number.trim().is_empty() {
            "\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}"
        } else {
            self.number.trim()
        };
        format!("Số: {n}/{}", self.issuer_abbr)
    }

    /// "Hà Nội, ngày 05 tháng 12 năm 2026": days below 10 and January and February with a
    /// leading zero, as the decree writes them.
    pub fn place_date(&self) -> String {
        let m = self.date.month();
        let month = if m <= 2 {
            format!("{m:02}")
        } else {
            m.to_string()
        };
        format!(
            "{}, ngày {:02} tháng {month} năm {}",
            self.place,
            self.date.day(),
            self.date.year()
        )
    }
}

/// The tasks of one source (a conference, or the notices outside any) in their buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueTask {
    pub id: i64,
    pub text: String,
    pub unit: String,
    pub due: NaiveDate,
    pub days: i64,
}

/// A difficulty or recommendation a unit raised, quoted from its report or explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remark {
    pub unit: String,
    pub text: String,
}

/// One unit's line of the appendix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitLine {
    pub id: UnitId,
    pub name: String,
    pub counts: Counts,
    /// The same buckets in the previous period.
    pub before: Counts,
    pub long_overdue: i64,
    pub unanswered: i64,
    pub score: Option<f64>,
    pub grade: Option<Grade>,
    /// 1 for the best score; units without a score have no rank.
    pub rank: Option<usize>,
}

/// What the queries found for the period, before grading: `models::periodic` gathers it.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub all: Counts,
    pub before: Counts,
    /// Per lead unit: (name, counts now, counts in the previous period).
    pub units: Vec<(UnitId, String, Counts, Counts)>,
    pub long_overdue: std::collections::BTreeMap<UnitId, i64>,
    pub unanswered: std::collections::BTreeMap<UnitId, i64>,
    pub assigned: i64,
    pub assigned_before: i64,
    pub assigned_year: i64,
    pub sources: Vec<Source>,
    pub overdue: Vec<OverdueTask>,
    /// How many overdue tasks there are in all (the list names the most overdue first).
    pub overdue_total: i64,
    pub remarks: Vec<Remark>,
}

/// The period as the report names and counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub preset: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// "due" or "assigned": which date of a task puts it in the period.
    pub axis: String,
    /// "tháng 11 năm 2026".
    pub title: String,
    pub before_from: NaiveDate,
    pub before_to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub heading: Heading,
    pub period: Period,
    /// Whose tasks: "toàn Bộ", a leader's units, one unit.
    pub scope: String,
    /// The day the figures were counted.
    pub data_date: NaiveDate,
    pub all: Counts,
    pub before: Counts,
    pub assigned: i64,
    pub assigned_before: i64,
    pub assigned_year: i64,
    pub sources: Vec<Source>,
    /// The units with the most overdue tasks, worst first, with their count.
    pub worst: Vec<(String, i64)>,
    pub overdue: Vec<OverdueTask>,
    pub overdue_total: i64,
    pub remarks: Vec<Remark>,
    pub units: Vec<UnitLine>,
    pub rule: Rule,
    pub rule_id: i64,
    /// The secretariat's assessment (đánh giá chung) and proposals (đề xuất, kiến nghị).
    pub assessment: String,
    pub proposals: String,
}

/// How many units the text names among those with the most overdue tasks.
const WORST: usize = 5;

/// Grades every unit by the rule and ranks them (best score first; equal scores share a
/// rank), in Vietnamese alphabetical order within the appendix.
pub fn grade_units(f: &Figures, rule: &Rule) -> Vec<UnitLine> {
    let mut lines: Vec<UnitLine> = f
        .units
        .iter()
        .map(|(id, name, counts, before)| {
            let record = Record {
                counts: *counts,
                long_overdue: f.long_overdue.get(id).copied().unwrap_or(0),
                unanswered: f.unanswered.get(id).copied().unwrap_or(0),
            };
            let judged = rule.judge(&record);
            UnitLine {
                id: *id,
                name: name.clone(),
                counts: *counts,
                before: *before,
                long_overdue: record.long_overdue,
                unanswered: record.unanswered,
                score: judged.map(|j| j.0),
                grade: judged.map(|j| j.1),
                rank: None,
            }
        })
        .collect();
    let mut scores: Vec<f64> = lines.iter().filter_map(|l| l.score).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    for l in &mut lines {
        l.rank = l
            .score
            .map(|s| scores.iter().take_while(|x| **x > s).count() + 1);
    }
    lines.sort_by_cached_key(|l| crate::domain::text::vi_sort_key(&l.name));
    lines
}

/// The ranking's order: best score first, units without a score last; a stable sort of the
/// lines as `grade_units` gives them keeps equal ranks in name order.
pub fn rank_order(a: &UnitLine, b: &UnitLine) -> std::cmp::Ordering {
    let rank = |u: &UnitLine| u.rank.unwrap_or(usize::MAX);
    rank(a).cmp(&rank(b))
}

/// The whole report from the figures, the rule and what the secretariat wrote.
pub fn compose(
    f: Figures,
    rule: (i64, Rule),
    heading: Heading,
    period: Period,
    scope: String,
    data_date: NaiveDate,
    narrative: (String, String),
) -> Report {
    let units = grade_units(&f, &rule.1);
    let mut worst: Vec<(String, i64)> = units
        .iter()
        .filter(|u| u.counts.open_overdue > 0)
        .map(|u| (u.name.clone(), u.counts.open_overdue))
        .collect();
    worst.sort_by(|a, b| b.1.cmp(&a.1).then(crate::domain::text::vi_cmp(&a.0, &b.0)));
    worst.truncate(WORST);
    Report {
        heading,
        period,
        scope,
        data_date,
        all: f.all,
        before: f.before,
        assigned: f.assigned,
        assigned_before: f.assigned_before,
        assigned_year: f.assigned_year,
        sources: f.sources,
        worst,
        overdue: f.overdue,
        overdue_total: f.overdue_total,
        remarks: f.remarks,
        units,
        rule: rule.1,
        rule_id: rule.0,
        assessment: narrative.0,
        proposals: narrative.1,
    }
}

/// A count's change against the previous period: "▲ 3", "▼ 2", "không đổi".
pub fn change(now: i64, before: i64) -> String {
    match now - before {
        0 => "không đổi".into(),
        d if d > 0 => format!("▲ {}", number(Lang::Vi, d)),
        d => format!("▼ {}", number(Lang::Vi, -d)),
    }
}

/// A share's change in percentage points: "▲ 1,5 điểm %".
pub fn share_change(now: f64, before: f64) -> String {
    let d = ((now - before) * 10.0).round() / 10.0;
    let pts = |x: f64| format!("{:.1}", x).replace('.', ",");
    if d == 0.0 {
        "không đổi".into()
    } else if d > 0.0 {
        format!("▲ {} điểm %", pts(d))
    } else {
        format!("▼ {} điểm %", pts(-d))
    }
}

fn n(x: i64) -> String {
    number(Lang::Vi, x)
}

/// A share of `total`, "14,3 %"; "0,0 %" of nothing.
pub fn share_of(part: i64, total: i64) -> String {
    percent(
        Lang::Vi,
        if total == 0 {
            0.0
        } else {
            part as f64 / total as f64
        },
    )
}

/// The official names of the buckets, in the report's order.
pub fn bucket_name(b: Timeliness) -> &'static str {
    match b {
        Timeliness::DoneOnTime => "Hoàn thành đúng hạn",
        Timeliness::DoneLate => "Hoàn thành quá hạn",
        Timeliness::OpenWithinDeadline => "Đang thực hiện trong hạn",
        Timeliness::OpenOverdue => "Chưa hoàn thành, quá hạn",
    }
}

impl Report {
    /// "BÁO CÁO"'s subject line.
    pub fn subject(&self) -> String {
        format!(
            "Tình hình thực hiện nhiệm vụ do Lãnh đạo Bộ giao {}",
            self.period.title
        )
    }

    pub fn overdue_share(&self) -> f64 {
        self.all.share(Timeliness::OpenOverdue)
    }

    /// Section I: the tasks assigned.
    pub fn assigned_text(&self) -> String {
        let basis = if self.period.axis == "assigned" {
            "theo ngày giao"
        } else {
            "theo hạn hoàn thành"
        };
        format!(
            "Trong kỳ ({} đến {}), Lãnh đạo Bộ đã giao {} nhiệm vụ cho {} ({} so với kỳ trước: {}); \
             từ đầu năm đến hết kỳ báo cáo đã giao {} nhiệm vụ. Số liệu dưới đây tính các nhiệm vụ \
             {} trong kỳ, đến ngày {}.",
            crate::domain::dates::format_date(self.period.from),
            crate::domain::dates::format_date(self.period.to),
            n(self.assigned),
            self.scope,
            change(self.assigned, self.assigned_before),
            n(self.assigned_before),
            n(self.assigned_year),
            basis,
            crate::domain::dates::format_date(self.data_date),
        )
    }

    /// Section II's opening: the four buckets and the share overdue against last period.
    pub fn results_text(&self) -> String {
        let a = &self.all;
        let done = a.done_on_time + a.done_late;
        let open = a.open_within + a.open_overdue;
        format!(
            "Tổng số {} nhiệm vụ; đã hoàn thành {} ({}), trong đó đúng hạn {}, quá hạn {}; \
             đang thực hiện {} ({}), trong đó trong hạn {}, quá hạn {}. Tỷ lệ nhiệm vụ quá hạn \
             chưa hoàn thành là {} ({} so với kỳ trước: {}).",
            n(a.total()),
            n(done),
            share_of(done, a.total()),
            n(a.done_on_time),
            n(a.done_late),
            n(open),
            share_of(open, a.total()),
            n(a.open_within),
            n(a.open_overdue),
            percent(Lang::Vi, self.overdue_share() / 100.0),
            share_change(
                self.overdue_share(),
                self.before.share(Timeliness::OpenOverdue)
            ),
            percent(Lang::Vi, self.before.share(Timeliness::OpenOverdue) / 100.0),
        )
    }

    /// The units with the most overdue tasks, named: "Sở KH&CN Sơn La 6 nhiệm vụ, …".
    pub fn worst_text(&self) -> String {
        if self.worst.is_empty() {
            return "Không có đơn vị nào có nhiệm vụ quá hạn chưa hoàn thành.".into();
        }
        let named: Vec<String> = self
            .worst
            .iter()
            .map(|(u, k)| format!("{u} {} nhiệm vụ", n(*k)))
            .collect();
        format!(
            "Các đơn vị có nhiều nhiệm vụ quá hạn chưa hoàn thành: {}.",
            named.join(", ")
        )
    }

    /// Under the overdue list, when it names only the first of many.
    pub fn overdue_more_text(&self) -> Option<String> {
        let shown = self.overdue.len() as i64;
        (self.overdue_total > shown).then(|| {
            format!(
                "(Danh sách nêu {} trong tổng số {} nhiệm vụ quá hạn, quá hạn lâu nhất trước.)",
                n(shown),
                n(self.overdue_total)
            )
        })
    }

    /// The grading rule in words, under the appendix.
    pub fn rule_text(&self) -> String {
        let r = &self.rule;
        let p = |x: f64| crate::i18n::decimal(Lang::Vi, x);
        let within = match r.open_within {
            Some(x) => format!("đang thực hiện trong hạn {} điểm", p(x)),
            None => "nhiệm vụ đang thực hiện trong hạn không tính".into(),
        };
        format!(
            "Điểm = tổng điểm các nhiệm vụ ÷ số nhiệm vụ được tính: đúng hạn {} điểm, hoàn thành \
             quá hạn {} điểm, quá hạn chưa hoàn thành {} điểm (quá {} ngày: {} điểm), {}; trừ {} \
             điểm cho mỗi yêu cầu giải trình chưa trả lời quá hạn. Xếp loại: Hoàn thành xuất sắc \
             từ {}, Hoàn thành tốt từ {}, Hoàn thành từ {}, dưới {} là Không hoàn thành.",
            p(r.on_time),
            p(r.late),
            p(r.overdue),
            r.long_days,
            p(r.long_overdue),
            within,
            p(r.unanswered),
            p(r.excellent),
            p(r.good),
            p(r.pass),
            p(r.pass),
        )
    }

    /// A score as the appendix writes it: "92,5", or "—" where nothing is counted yet.
    pub fn score_text(score: Option<f64>) -> String {
        score.map_or("—".into(), |s| crate::i18n::decimal(Lang::Vi, s))
    }

    pub fn grade_text(grade: Option<Grade>) -> &'static str {
        grade.map_or("—", Grade::official)
    }
}

/// The tables' header rows: the buckets, the sources, the overdue tasks, the appendix.
pub const BUCKET_HEAD: [&str; 4] = ["Kết quả", "Số nhiệm vụ", "Tỷ lệ", "So với kỳ trước"];
pub const SOURCE_HEAD: [&str; 7] = [
    "TT",
    "Nguồn giao",
    "Đúng hạn",
    "Trễ hạn",
    "Trong hạn",
    "Quá hạn",
    "Tổng",
];
pub const OVERDUE_HEAD: [&str; 5] = ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày quá hạn"];
pub const UNIT_HEAD: [&str; 10] = [
    "TT",
    "Đơn vị",
    "Đúng hạn",
    "Trễ hạn",
    "Trong hạn",
    "Quá hạn",
    "Tổng",
    "Điểm",
    "Xếp loại",
    "Hạng",
];

/// The four buckets' counts, in order, as cells.
fn bucket_cells(c: &Counts) -> impl Iterator<Item = String> + '_ {
    Timeliness::ALL.iter().map(|b| n(c.get(*b)))
}

impl Report {
    /// The buckets with their shares and change, and the total.
    pub fn bucket_rows(&self) -> Vec<Vec<String>> {
        let total = self.all.total();
        let mut rows: Vec<Vec<String>> = Timeliness::ALL
            .iter()
            .map(|b| {
                vec![
                    bucket_name(*b).to_string(),
                    n(self.all.get(*b)),
                    share_of(self.all.get(*b), total),
                    change(self.all.get(*b), self.before.get(*b)),
                ]
            })
            .collect();
        rows.push(vec![
            "Tổng số".into(),
            n(total),
            share_of(total, total),
            change(total, self.before.total()),
        ]);
        rows
    }

    pub fn source_rows(&self) -> Vec<Vec<String>> {
        self.sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut row = vec![(i + 1).to_string(), s.name.clone()];
                row.extend(bucket_cells(&s.counts));
                row.push(n(s.counts.total()));
                row
            })
            .collect()
    }

    pub fn overdue_rows(&self) -> Vec<Vec<String>> {
        self.overdue
            .iter()
            .enumerate()
            .map(|(i, t)| {
                vec![
                    (i + 1).to_string(),
                    t.text.clone(),
                    t.unit.clone(),
                    crate::domain::dates::format_date(t.due),
                    n(t.days),
                ]
            })
            .collect()
    }

    /// The appendix: one row per unit with its buckets, score, grade and rank.
    pub fn unit_rows(&self) -> Vec<Vec<String>> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let mut row = vec![(i + 1).to_string(), u.name.clone()];
                row.extend(bucket_cells(&u.counts));
                row.push(n(u.counts.total()));
                row.push(Report::score_text(u.score));
                row.push(Report::grade_text(u.grade).to_string());
                row.push(u.rank.map_or("—".into(), |k| k.to_string()));
                row
            })
            .collect()
    }

    /// "(Kèm theo Báo cáo số 15/BC-VP ngày 05/12/2026)".
    pub fn appendix_note(&self) -> String {
        format!(
            "(Kèm theo Báo cáo {} ngày {})",
            self.heading.number_line().replacen("Số: ", "số ", 1),
            crate::domain::dates::format_date(self.heading.date)
        )
    }
}

/// The assessment the secretariat starts from: the figures in a sentence, to be edited.
pub fn default_assessment(r: &Report) -> String {
    let done = r.all.done_on_time + r.all.done_late;
    format!(
        "Trong kỳ, các đơn vị đã hoàn thành {} trên tổng số {} nhiệm vụ ({}); còn {} nhiệm vụ \
         quá hạn chưa hoàn thành. {}",
        n(done),
        n(r.all.total()),
        share_of(done, r.all.total()),
        n(r.all.open_overdue),
        r.worst_text()
    )
}

/// The proposals the secretariat starts from.
pub fn default_proposals(r: &Report) -> String {
    if r.worst.is_empty() {
        return "Đề nghị các đơn vị tiếp tục triển khai các nhiệm vụ được giao, bảo đảm tiến độ \
                và chất lượng."
            .into();
    }
    let names: Vec<&str> = r.worst.iter().map(|w| w.0.as_str()).collect();
    format!(
        "Đề nghị {} khẩn trương hoàn thành các nhiệm vụ quá hạn, báo cáo Lãnh đạo Bộ kết quả và \
         nguyên nhân chậm trễ.",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::dates::test_day as d;

    #[test]
    fn heading_lines_follow_the_decree() {
        let mut h = Heading {
            body: "BỘ KHOA HỌC VÀ CÔNG NGHỆ".into(),
            issuer: "VĂN PHÒNG".into(),
            number: String::new(),
            issuer_abbr: "BC-VP".into(),
            place: "Hà Nội".into(),
            date: d("05/02/2026"),
            authority: String::new(),
            signer_title: String::new(),
            signer_name: String::new(),
            recipients: vec![],
        };
        assert_eq!(h.place_date(), "Hà Nội, ngày 05 tháng 02 năm 2026");
        h.date = d("15/11/2026");
        assert_eq!(h.place_date(), "Hà Nội, ngày 15 tháng 11 năm 2026");
        assert!(h.number_line().starts_with("Số: \u{a0}"));
        h.number = "15".into();
        assert_eq!(h.number_line(), "Số: 15/BC-VP");
    }

    #[test]
    fn units_are_graded_ranked_and_named() {
        // Each unit: done on time, done late, open within, open overdue; now, then in the
        // previous period.
        let units = [
            (1, "Sở KH&CN Lào Cai", [19, 0, 2, 1], [0, 0, 0, 0]),
            (2, "Sở KH&CN Lạng Sơn", [7, 0, 0, 3], [0, 0, 0, 1]),
            (3, "Vụ Pháp chế", [0, 0, 4, 0], [0, 0, 0, 0]),
            (4, "Sở KH&CN Cà Mau", [7, 0, 0, 3], [0, 0, 0, 0]),
        ];
        let f = Figures {
            units: units
                .into_iter()
                .map(|(id, name, now, before)| {
                    (UnitId(id), name.into(), Counts::of(now), Counts::of(before))
                })
                .collect(),
            ..Figures::default()
        };
        let lines = grade_units(&f, &Rule::default());
        let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Sở KH&CN Cà Mau",
                "Sở KH&CN Lạng Sơn",
                "Sở KH&CN Lào Cai",
                "Vụ Pháp chế"
            ]
        );
        let by = |id: i64| lines.iter().find(|l| l.id == UnitId(id)).unwrap();
        assert_eq!(
            (by(1).score, by(1).grade, by(1).rank),
            (Some(95.0), Some(Grade::Excellent), Some(1))
        );
        assert_eq!(
            (by(2).score, by(2).grade, by(2).rank),
            (Some(70.0), Some(Grade::Pass), Some(2))
        );
        assert_eq!(by(4).rank, Some(2), "equal scores share a rank");
        assert_eq!((by(3).score, by(3).rank), (None, None));
        let h = Heading {
            body: String::new(),
            issuer: String::new(),
            number: String::new(),
            issuer_abbr: String::new(),
            place: String::new(),
            date: d("01/12/2026"),
            authority: String::new(),
            signer_title: String::new(),
            signer_name: String::new(),
            recipients: vec![],
        };
        let p = Period {
            preset: "month".into(),
            from: d("01/11/2026"),
            to: d("30/11/2026"),
            axis: "due".into(),
            title: "tháng 11 năm 2026".into(),
            before_from: d("01/10/2026"),
            before_to: d("31/10/2026"),
        };
        let r = compose(
            f,
            (1, Rule::default()),
            h,
            p,
            "toàn Bộ".into(),
            d("01/12/2026"),
            Default::default(),
        );
        assert_eq!(
            r.worst_text(),
            "Các đơn vị có nhiều nhiệm vụ quá hạn chưa hoàn thành: Sở KH&CN Cà Mau 3 nhiệm vụ, \
             Sở KH&CN Lạng Sơn 3 nhiệm vụ, Sở KH&CN Lào Cai 1 nhiệm vụ."
        );
        assert_eq!(
            r.subject(),
            "Tình hình thực hiện nhiệm vụ do Lãnh đạo Bộ giao tháng 11 năm 2026"
        );
    }

    #[test]
    fn changes_read_with_arrows() {
        assert_eq!(change(1234, 1000), "▲ 234");
        assert_eq!(change(3, 5), "▼ 2");
        assert_eq!(change(4, 4), "không đổi");
        assert_eq!(share_change(14.3, 12.8), "▲ 1,5 điểm %");
        assert_eq!(share_change(10.0, 12.25), "▼ 2,3 điểm %");
        assert_eq!(share_of(1, 7), "14,3\u{a0}%");
    }
}
