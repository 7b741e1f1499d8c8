//! The text of a .docx file, as a person would copy it: paragraphs on their own lines, with
//! Word's automatic numbering written out ("1.", "a)") so that items keep their labels.

use std::collections::HashMap;
use std::io::Read;

#[derive(Debug, PartialEq, Eq)]
pub enum DocxError {
    /// Not a ZIP, or no word/document.xml inside.
    NotDocx,
    /// The document unpacks to more than the limit (a ZIP bomb, or simply too large).
    TooLarge,
}

const MAX_XML_BYTES: u64 = 20 * 1024 * 1024;

/// The longest reference `unescape_xml` reads, `&` and `;` included (`&#x10FFFF;`).
const MAX_REFERENCE_BYTES: usize = 10;

/// Decodes XML and HTML character references (`&amp;`, `&#38;`, `&#x26;` ...). Linear: the
/// `;` is looked for only as far as a reference can reach, so a long run of `&` costs no more
/// than any other text.
pub fn unescape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let window = &rest.as_bytes()[..rest.len().min(MAX_REFERENCE_BYTES)];
        let Some(end) = window.iter().position(|&b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let decoded = match &rest[1..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!("{name}=\"");
    let at = tag.find(&needle)? + needle.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// The text of word/document.xml: one line per paragraph.
pub fn document_text(xml: &str) -> String {
    let mut out = String::new();
    let mut counters: HashMap<(String, u32), u32> = HashMap::new();
    let mut rest = xml;
    let mut in_text = false;
    let mut paragraph = String::new();
    let mut numbering: Option<(String, u32)> = None;
    while let Some(lt) = rest.find('<') {
        if in_text {
            paragraph.push_str(&unescape_xml(&rest[..lt]));
        }
        // A document cut inside a tag ends there.
        let Some(gt) = rest[lt..].find('>').map(|g| lt + g) else {
            break;
        };
        let tag = &rest[lt + 1..gt];
        let name = tag.split([' ', '/']).next().unwrap_or("");
        match name {
            "w:t" => in_text = !tag.ends_with('/'),
            "" if tag.starts_with("/w:t") => in_text = false,
            "w:tab" => paragraph.push('\t'),
            "w:br" | "w:cr" => paragraph.push('\n'),
            "w:numId" => {
                if let Some(v) = attr(tag, "w:val") {
                    let level = numbering.as_ref().map(|n| n.1).unwrap_or(0);
                    numbering = Some((v.to_string(), level));
                }
            }
            "w:ilvl" => {
                let level = attr(tag, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                let id = numbering.as_ref().map(|n| n.0.clone()).unwrap_or_default();
                numbering = Some((id, level));
            }
            _ => {}
        }
        if tag.starts_with("/w:p") && !tag.starts_with("/w:pPr") {
            if let Some((id, level)) = numbering.take() {
                if id != "0" {
                    let n = counters.entry((id.clone(), level)).or_insert(0);
                    *n += 1;
                    // A new item at a level restarts the levels under it.
                    let n = *n;
                    counters.retain(|(i, l), _| *i != id || *l <= level);
                    let label = match level {
                        0 => format!("{n}. "),
                        1 => format!("{}) ", char::from(b'a' + ((n - 1) % 26) as u8)),
                        _ => "- ".to_string(),
                    };
                    paragraph.insert_str(0, &label);
                }
            }
            out.push_str(paragraph.trim_end());
            out.push('\n');
            paragraph.clear();
        }
        rest = &rest[gt + 1..];
    }
    out
}

pub fn text_of_docx(bytes: &[u8]) -> Result<String, DocxError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| DocxError::NotDocx)?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| DocxError::NotDocx)?;
    let mut xml = String::new();
    let read = entry
        .take(MAX_XML_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|_| DocxError::NotDocx)?;
    if read as u64 > MAX_XML_BYTES {
        return Err(DocxError::TooLarge);
    }
    Ok(document_text(&xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn docx(document_xml: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opts).unwrap();
        std::io::Write::write_all(&mut z, b"<Types/>").unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        std::io::Write::write_all(&mut z, document_xml.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn paragraphs_numbering_and_entities() {
        let xml = r#"<w:document><w:body>
<w:p><w:r><w:t>Số: 9/TB-BKHCN</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Bộ trưởng kết luận </w:t></w:r><w:r><w:t>như sau:</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>Giao Cục Sở hữu trí tuệ &amp; Vụ Pháp chế</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>rà soát;</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>Giao Văn phòng Bộ</w:t></w:r><w:r><w:tab/><w:t>theo dõi.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = text_of_docx(&docx(xml)).unwrap();
        assert_eq!(
            text,
            "Số: 9/TB-BKHCN\nBộ trưởng kết luận như sau:\n1. Giao Cục Sở hữu trí tuệ & Vụ Pháp chế\na) rà soát;\n2. Giao Văn phòng Bộ\ttheo dõi.\n"
        );
        assert_eq!(
            text_of_docx(b"PK\x03\x04 not really"),
            Err(DocxError::NotDocx)
        );
        assert_eq!(text_of_docx(b"plain text"), Err(DocxError::NotDocx));
    }

    #[test]
    fn a_cut_document_is_read_as_far_as_it_goes() {
        let whole = "<w:p><w:r><w:t>Giao Sở</w:t></w:r></w:p><w:p><w:r><w:t>Hà Nội";
        for end in 0..=whole.len() {
            if whole.is_char_boundary(end) {
                document_text(&whole[..end]);
            }
        }
        assert_eq!(
            document_text("<w:p><w:r><w:t>Sở</w:t></w:r></w:p><"),
            "Sở\n"
        );
        assert_eq!(text_of_docx(&docx("<w:p><w:t>Hà")).unwrap(), "");
    }

    #[test]
    fn references_decode_and_runs_of_ampersands_stay_text() {
        assert_eq!(
            unescape_xml("a &amp; b &#7863; &#x1EA1; &bogus; &"),
            "a & b ặ ạ &bogus; &"
        );
        let run = "&".repeat(200_000);
        assert_eq!(unescape_xml(&run), run);
        assert_eq!(unescape_xml(&format!("{run};")), format!("{run};"));
    }
}
