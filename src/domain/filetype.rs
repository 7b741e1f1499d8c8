//! What an uploaded file really is, read from its first bytes, and whether its name agrees.

/// Accepted kinds: the documents and pictures a unit sends as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    /// docx, xlsx, pptx, odt, ods: all ZIP containers.
    OfficeZip,
    /// doc, xls, ppt: OLE compound files.
    OfficeLegacy,
    Png,
    Jpeg,
    Text,
}

impl FileKind {
    pub fn content_type(self, ext: &str) -> &'static str {
        match (self, ext) {
            (FileKind::Pdf, _) => "application/pdf",
            (FileKind::OfficeZip, "docx") => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            (FileKind::OfficeZip, "xlsx") => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            (FileKind::OfficeZip, "pptx") => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            (FileKind::OfficeZip, "odt") => "application/vnd.oasis.opendocument.text",
            (FileKind::OfficeZip, "ods") => "application/vnd.oasis.opendocument.spreadsheet",
            (FileKind::OfficeZip, _) => "application/zip",
            (FileKind::OfficeLegacy, "doc") => "application/msword",
            (FileKind::OfficeLegacy, "xls") => "application/vnd.ms-excel",
            (FileKind::OfficeLegacy, _) => "application/vnd.ms-powerpoint",
            (FileKind::Png, _) => "image/png",
            (FileKind::Jpeg, _) => "image/jpeg",
            (FileKind::Text, "csv") => "text/csv; charset=utf-8",
            (FileKind::Text, _) => "text/plain; charset=utf-8",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::OfficeZip => &["docx", "xlsx", "pptx", "odt", "ods", "zip"],
            FileKind::OfficeLegacy => &["doc", "xls", "ppt"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Text => &["txt", "csv"],
        }
    }
}

pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(FileKind::OfficeZip)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(FileKind::OfficeLegacy)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Some(FileKind::Text)
    } else {
        None
    }
}

/// The lower-case extension of a file name, if it has one.
pub fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    Empty,
    UnknownType,
    /// The name says one thing, the content another ("report.pdf" that is a picture).
    Mislabelled,
}

/// The kind of an upload whose content and name agree.
pub fn check(name: &str, bytes: &[u8]) -> Result<FileKind, Rejection> {
    if bytes.is_empty() {
        return Err(Rejection::Empty);
    }
    let kind = sniff(bytes).ok_or(Rejection::UnknownType)?;
    if kind.extensions().contains(&extension(name).as_str()) {
        Ok(kind)
    } else {
        Err(Rejection::Mislabelled)
    }
}

/// A file name safe to put in a header and show: no path, no control characters, bounded.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(150)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides() {
        assert_eq!(check("bao-cao.pdf", b"%PDF-1.7 ..."), Ok(FileKind::Pdf));
        assert_eq!(
            check("Báo cáo.DOCX", b"PK\x03\x04rest"),
            Ok(FileKind::OfficeZip)
        );
        assert_eq!(
            check("ghi chu.txt", "Tiến độ 50%".as_bytes()),
            Ok(FileKind::Text)
        );
        assert_eq!(
            check("anh.pdf", b"\x89PNG\r\n\x1a\nxxxx"),
            Err(Rejection::Mislabelled)
        );
        assert_eq!(
            check("virus.exe", b"MZ\x90\x00\x03"),
            Err(Rejection::UnknownType)
        );
        assert_eq!(check("x.txt", b""), Err(Rejection::Empty));
        assert_eq!(check("x.txt", b"a\0b"), Err(Rejection::UnknownType));
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\tmp\\Báo cáo \"Q3\".pdf"), "Báo cáo Q3.pdf");
        assert_eq!(clean_name(""), "file");
    }
}
