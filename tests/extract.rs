//! The extractor against the project's own fixtures (texts written in the styles of real
//! conclusion notices and news reports, each with the extraction a person would make), and
//! against input that is not a notice at all.

use chidao::domain::calendar::Calendar;
use chidao::extract::{extract, units::Directory};
use serde_json::Value;

const FIXTURES: &[&str] = &[
    "formal_notice_2020",
    "tb_2025_numbered",
    "tb_roman_sections",
    "tb_unit_header_letters",
    "tb_bullets_pre2025",
    "tb_letters",
    "tb_dash_plus",
    "tb_tricky",
    "news_ordinals",
    "news_list_gom",
    "tb_ket_luan_va_giao",
    "tb_headings",
    "tb_doi_voi",
    "tb_inline_letters",
    "tb_giao_nhiem_vu",
    "tb_province_headings",
    "cv_passing_conclusion",
    "news_provincial_visit",
    "news_national_conference",
    "news_prose_clauses",
    "news_candidates",
];

fn fixture(name: &str) -> (String, Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extract/");
    let text = std::fs::read_to_string(format!("{dir}{name}.txt")).unwrap();
    let expected =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}{name}.json")).unwrap())
            .unwrap();
    (text, expected)
}

/// Expected unit names, with "group:X" standing for every member of group X.
fn expand(directory: &Directory, v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for n in v.as_array().unwrap() {
        let n = n.as_str().unwrap();
        match n.strip_prefix("group:") {
            Some(g) => {
                let group = directory
                    .groups
                    .iter()
                    .find(|x| x.name == g)
                    .unwrap_or_else(|| panic!("group {g}"));
                out.extend(
                    group
                        .members
                        .iter()
                        .map(|m| directory.units[*m].name.clone()),
                );
            }
            None => out.push(n.to_string()),
        }
    }
    out.sort();
    out
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[derive(Default)]
struct Score {
    expected: usize,
    found: usize,
    extra: usize,
    lead: usize,
    coordinating: usize,
    deadline: usize,
    header: usize,
    headers: usize,
}

impl Score {
    fn pct(n: usize, of: usize) -> f64 {
        if of == 0 {
            100.0
        } else {
            100.0 * n as f64 / of as f64
        }
    }
}

/// Prints recall of items and accuracy of lead units, coordinating units and deadlines over
/// the fixture set, and fails under 100%.
#[test]
fn fixtures_are_extracted_completely() {
    let directory = Directory::builtin();
    let calendar = Calendar::shipped();
    let mut total = Score::default();
    let mut failures = Vec::new();
    for name in FIXTURES {
        let (text, expected) = fixture(name);
        let draft = extract(&text, None, &directory, &calendar);
        let mut s = Score {
            headers: 2,
            ..Default::default()
        };
        if draft.number.as_deref() == expected["number"].as_str() {
            s.header += 1;
        } else {
            failures.push(format!("{name}: number {:?}", draft.number));
        }
        if draft.issued_on.map(|d| d.to_string()).as_deref() == expected["issued_on"].as_str() {
            s.header += 1;
        } else {
            failures.push(format!("{name}: issued_on {:?}", draft.issued_on));
        }
        let items = expected["items"].as_array().unwrap();
        s.expected = items.len();
        for e in items {
            let label = e["label"].as_str().unwrap();
            let starts = e["starts"].as_str().unwrap();
            let Some(got) = draft
                .items
                .iter()
                .find(|i| i.label == label && i.text.starts_with(starts))
            else {
                failures.push(format!("{name} {label}: not found"));
                continue;
            };
            s.found += 1;
            let checks = [
                (
                    "lead",
                    sorted(&got.lead_units) == expand(&directory, &e["lead"]),
                    format!("{:?}", got.lead_units),
                ),
                (
                    "coordinating",
                    sorted(&got.coordinating_units) == expand(&directory, &e["coordinating"]),
                    format!("{:?}", got.coordinating_units),
                ),
                (
                    "deadline",
                    got.deadline.map(|d| d.to_string()).as_deref() == e["deadline"].as_str()
                        && got.recurrence.map(|r| r.as_str()) == e["recurrence"].as_str(),
                    format!("{:?} {:?}", got.deadline, got.recurrence),
                ),
            ];
            for (what, ok, got) in checks {
                if ok {
                    match what {
                        "lead" => s.lead += 1,
                        "coordinating" => s.coordinating += 1,
                        _ => s.deadline += 1,
                    }
                } else {
                    failures.push(format!("{name} {label}: {what} {got}"));
                }
            }
            if let Some(unresolved) = e.get("unresolved") {
                let want: Vec<String> = unresolved
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                if got.unresolved_units != want {
                    failures.push(format!(
                        "{name} {label}: unresolved {:?}",
                        got.unresolved_units
                    ));
                }
            }
        }
        s.extra = draft.items.len().saturating_sub(s.found);
        if s.extra > 0 {
            failures.push(format!(
                "{name}: {} items drafted that a person would not",
                s.extra
            ));
        }
        println!(
            "{name:<24} items {}/{} (+{} extra)  lead {}/{}  coordinating {}/{}  deadline {}/{}",
            s.found,
            s.expected,
            s.extra,
            s.lead,
            s.found,
            s.coordinating,
            s.found,
            s.deadline,
            s.found
        );
        total.expected += s.expected;
        total.found += s.found;
        total.extra += s.extra;
        total.lead += s.lead;
        total.coordinating += s.coordinating;
        total.deadline += s.deadline;
        total.header += s.header;
        total.headers += s.headers;
    }
    println!(
        "TOTAL over {} fixtures: item recall {:.1}%, extra {}, lead {:.1}%, coordinating {:.1}%, deadline {:.1}%, number and date {:.1}%",
        FIXTURES.len(),
        Score::pct(total.found, total.expected),
        total.extra,
        Score::pct(total.lead, total.found),
        Score::pct(total.coordinating, total.found),
        Score::pct(total.deadline, total.found),
        Score::pct(total.header, total.headers),
    );
    assert!(failures.is_empty(), "below 100%:\n{}", failures.join("\n"));
}

#[test]
fn text_that_is_not_a_notice_gives_a_message_and_no_items() {
    let directory = Directory::builtin();
    let calendar = Calendar::shipped();
    let empty = extract("   \n ", None, &directory, &calendar);
    assert!(empty.items.is_empty() && empty.warnings == vec!["extract.empty"]);
    let recipe = extract("Phở bò Hà Nội\nNguyên liệu: xương bò, bánh phở, hành.\n1. Ninh xương trong 8 tiếng.\n2. Chần bánh phở, thêm thịt và nước dùng.", None, &directory, &calendar);
    assert!(recipe.items.is_empty() && recipe.warnings.contains(&"extract.no_conclusion"));
    // 5 MB of noise: refused as too large, quickly and without a panic.
    let mut rng = 0x2545F4914F6CDD1Du64;
    let noise: String = (0..5 * 1024 * 1024)
        .map(|_| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            char::from(b' ' + (rng % 90) as u8)
        })
        .collect();
    let big = extract(&noise, None, &directory, &calendar);
    assert!(big.items.is_empty() && big.warnings == vec!["extract.too_large"]);
    let half = extract(&noise[..1024 * 1024], None, &directory, &calendar);
    assert!(half.items.len() < 5, "noise drafts next to nothing");
}

/// The extractor never panics, whatever it is given: random texts built from the pieces
/// notices are made of, cut at random places.
#[test]
fn never_panics_on_random_text() {
    let directory = Directory::builtin();
    let calendar = Calendar::shipped();
    let pieces = [
        "Số: ",
        "12/TB",
        "ngày ",
        "tháng ",
        "năm ",
        "2025",
        "kết luận như sau:",
        "\n",
        "1. ",
        "2.1. ",
        "II. ",
        "a) ",
        "- ",
        "+ ",
        "Thứ nhất, ",
        "gồm: ",
        "; ",
        "Giao ",
        "Đề nghị ",
        "Sở KH&CN ",
        "tỉnh Lạng Sơn",
        "Cục Sở hữu trí tuệ",
        "chủ trì, phối hợp với ",
        " và ",
        "trước ngày ",
        "31/2/2025",
        "99/99/9999",
        "trong quý ",
        "IV",
        "/",
        "trong ",
        "999",
        " ngày làm việc",
        "hằng tháng",
        "Nơi nhận:",
        "./.",
        "Các Sở KH&CN",
        ":",
        "đ",
        "Đ",
        "̀",
        "😀",
        "\t",
        "  ",
    ];
    let mut rng = 42u64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    for _ in 0..3000 {
        let len = next(60);
        let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
        let cut: String = text.chars().take(next(text.chars().count() + 1)).collect();
        let d = extract(&cut, None, &directory, &calendar);
        for item in &d.items {
            assert!(
                cut.get(item.source.clone()).is_some(),
                "item source within the text"
            );
        }
    }
}
