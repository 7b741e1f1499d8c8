//! Any bytes as an uploaded .docx, and any text as its document.xml: an answer or an error,
//! never a panic, and in time (libFuzzer's -timeout catches the slow ones).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = chidao::extract::docx::text_of_docx(data);
    if let Ok(xml) = std::str::from_utf8(data) {
        let text = chidao::extract::docx::document_text(xml);
        // What comes out is never longer than what went in: entities only shrink.
        assert!(text.len() <= xml.len() + xml.len() / 2 + 16);
        let _ = chidao::extract::docx::unescape_xml(xml);
    }
});
