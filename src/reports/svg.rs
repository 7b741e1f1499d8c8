//! Charts drawn on the server as SVG, readable without JavaScript: every bar carries a <title>
//! with its numbers, and the page shows the same numbers as a table beside it.

use crate::domain::status::Counts;
use crate::i18n::Lang;

const COLORS: [&str; 4] = ["#2e7d32", "#ef6c00", "#1565c0", "#c62828"];

/// Text made safe for SVG markup: the chart is inserted into the page as is, so every name in
/// it is escaped here.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One horizontal bar per unit, split into the four buckets in their usual order, scaled to the
/// largest total. `labels` name the buckets (in the reader's language).
pub fn stacked_bars(rows: &[(String, Counts)], labels: [&str; 4], title: &str) -> String {
    let bar_h = 18;
    let gap = 6;
    let label_w = 300;
    let width = 900;
    let plot_w = (width - label_w - 60) as f64;
    let max = rows
        .iter()
        .map(|(_, c)| c.total())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let legend_h = 28;
    let height = legend_h + rows.len() * (bar_h + gap) + gap;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"12\">",
        esc(title)
    );
    s.push_str(&format!("<title>{}</title>", esc(title)));
    for (i, (label, color)) in labels.iter().zip(COLORS).enumerate() {
        let x = 10 + i * 220;
        s.push_str(&format!("<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"16\">{}</text>", x + 16, esc(label)));
    }
    for (row, (name, c)) in rows.iter().enumerate() {
        let y = legend_h + row * (bar_h + gap);
        let shown: String = name.chars().take(46).collect();
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8,
            y + 13,
            esc(&shown)
        ));
        let mut x = label_w as f64;
        let values = [c.done_on_time, c.done_late, c.open_within, c.open_overdue];
        for ((v, color), label) in values.iter().zip(COLORS).zip(labels) {
            if *v == 0 {
                continue;
            }
            let w = plot_w * *v as f64 / max;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{color}\"><title>{}: {}: {v}</title></rect>",
                esc(name),
                esc(label)
            ));
            x += w;
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 4.0,
            y + 13,
            c.total()
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_names_are_escaped() {
        let a = Counts::of([2, 0, 1, 1]);
        let b = Counts::of([0, 1, 0, 1]);
        let svg = stacked_bars(
            &[("Sở <A> & \"B\"".into(), a), ("Cục C".into(), b)],
            ["đúng hạn", "muộn", "trong hạn", "quá hạn"],
            "Biểu đồ",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Sở &lt;A&gt; &amp; &quot;B&quot;") && !svg.contains("<A>"));
        // The largest total spans the plot (540 units): 2 of 4 on time is 270 wide.
        assert!(
            svg.contains("width=\"270.0\" height=\"18\" fill=\"#2e7d32\""),
            "{svg}"
        );
        assert_eq!(
            svg.matches("<rect x=\"300.0\"").count(),
            2,
            "each bar starts at the label column"
        );
        assert!(svg.contains("<title>Cục C: quá hạn: 1</title>"));
    }
}

/// Vertical bars of a rate per period (0–100 %), with the value above each bar; a period with
/// no rate yet shows a dash.
pub fn rate_bars(points: &[(String, Option<f64>)], title: &str, lang: Lang) -> String {
    let label = |v: f64| crate::i18n::whole_percent(lang, (v * 100.0).round() as i32);
    bars(points, 1.0, "#2e7d32", label, title)
}

/// Vertical bars of a count per period.
pub fn count_bars(points: &[(String, i64)], title: &str, lang: Lang) -> String {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let points: Vec<(String, Option<f64>)> = points
        .iter()
        .map(|(l, v)| (l.clone(), Some(*v as f64)))
        .collect();
    let label = |v: f64| crate::i18n::number(lang, v.round() as i64);
    bars(&points, max, "#c62828", label, title)
}

fn bars(
    points: &[(String, Option<f64>)],
    max: f64,
    color: &str,
    show: impl Fn(f64) -> String,
    title: &str,
) -> String {
    let (width, height, top, bottom) = (900.0, 220.0, 24.0, 30.0);
    let plot_h = height - top - bottom;
    let slot = width / points.len().max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"12\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    s.push_str(&format!(
        "<line x1=\"0\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#999\"/>",
        top + plot_h,
        top + plot_h
    ));
    for (i, (label, rate)) in points.iter().enumerate() {
        let x = i as f64 * slot + slot * 0.2;
        let w = slot * 0.6;
        let cx = x + w / 2.0;
        match rate {
            Some(v) => {
                let h = plot_h * (v / max).clamp(0.0, 1.0);
                let y = top + plot_h - h;
                let shown = show(*v);
                s.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{color}\"><title>{}: {shown}</title></rect><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{shown}</text>",
                    esc(label),
                    y - 4.0,
                ));
            }
            None => s.push_str(&format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">—</text>",
                top + plot_h - 4.0
            )),
        }
        s.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            height - 10.0,
            esc(label)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod rate_tests {
    #[test]
    fn rates_as_bars() {
        let svg = super::rate_bars(
            &[("01/2026".into(), Some(0.5)), ("02/2026".into(), None)],
            "Tỷ lệ",
            crate::i18n::Lang::Vi,
        );
        assert!(
            svg.contains("<title>01/2026: 50\u{a0}%</title>") && svg.contains(">50\u{a0}%</text>")
        );
        let counts = super::count_bars(
            &[("a".into(), 4), ("b".into(), 2)],
            "Quá hạn",
            crate::i18n::Lang::Vi,
        );
        assert!(
            counts.contains("height=\"166.0\"")
                && counts.contains("height=\"83.0\"")
                && counts.contains(">4</text>")
        );
        assert!(svg.contains(">—</text>") && svg.contains(">02/2026</text>"));
        // Half of the 166-unit plot height.
        assert!(svg.contains("height=\"83.0\""), "{svg}");
    }
}
