//! CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads Vietnamese as Latin-1),
//! fields quoted where they must be, lines ended by CRLF.

pub const BOM: &str = "\u{feff}";

/// What Excel may read as the start of a formula (TAB and CR too: it skips them first).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(FORMULA_START) {
        // A leading formula character is neutralised: a cell never runs as a formula.
        let s = if s.starts_with(FORMULA_START) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn write(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from(BOM);
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(header.iter().map(|h| field(h)).collect()));
    for r in rows {
        out.push_str(&line(r.iter().map(|c| field(c)).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let out = write(
            &["STT", "Nội dung"],
            &[
                vec!["1".into(), "Rà soát, \"hoàn thiện\"\nchính sách".into()],
                vec!["2".into(), "=1+1".into()],
                vec!["3".into(), "\t=cmd|' /C calc'!A0".into()],
                vec!["4".into(), "\r@SUM(1)".into()],
            ],
        );
        assert!(out.starts_with('\u{feff}'));
        assert_eq!(
            out.trim_start_matches('\u{feff}'),
            "STT,Nội dung\r\n1,\"Rà soát, \"\"hoàn thiện\"\"\nchính sách\"\r\n2,\"'=1+1\"\r\n\
             3,\"'\t=cmd|' /C calc'!A0\"\r\n4,\"'\r@SUM(1)\"\r\n"
        );
    }
}
