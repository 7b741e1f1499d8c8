//! Text people wrote (reports, comments, notes) as HTML: everything escaped, and the web
//! addresses in it made links, since a report often points at a published document.

/// The text escaped for HTML, with each `http://` or `https://` address a link that opens
/// apart from the service. No other scheme is linked (`javascript:` stays text).
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = find_address(rest) {
        out.push_str(&escape(&rest[..start]));
        let tail = &rest[start..];
        let mut end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        // A sentence's closing mark is not part of the address.
        while end > 0 && tail[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', '\'']) {
            end -= 1;
        }
        let url = &tail[..end];
        if url.len() <= "https://".len() {
            out.push_str(&escape(url));
        } else {
            let url = escape(url);
            out.push_str(&format!(
                "<a href=\"{url}\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">{url}</a>"
            ));
        }
        // `end` is past "http://" at least: the loop always moves on.
        rest = &tail[end..];
    }
    out.push_str(&escape(rest));
    out
}

fn find_address(s: &str) -> Option<usize> {
    match (s.find("http://"), s.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn addresses_become_links_and_the_rest_is_escaped() {
        assert_eq!(
            linkify("Xem https://most.gov.vn/vb?id=1&x=2. Xong"),
            "Xem <a href=\"https://most.gov.vn/vb?id=1&amp;x=2\" rel=\"noopener noreferrer nofollow\" \
             target=\"_blank\">https://most.gov.vn/vb?id=1&amp;x=2</a>. Xong"
        );
        assert_eq!(
            linkify("<script>alert(1)</script> javascript:alert(1)"),
            "&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)"
        );
        let quoted = linkify("\"https://a.vn/\"onmouseover=\"x\"");
        assert!(!quoted.contains("\"onmouseover"), "{quoted}");
        assert_eq!(linkify("http:// và https://"), "http:// và https://");
        assert_eq!(linkify("(https://a.vn)"), "(<a href=\"https://a.vn\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">https://a.vn</a>)");
        assert_eq!(linkify("ba\ndòng"), "ba\ndòng");
    }
}
