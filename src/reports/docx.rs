//! The periodic report as a Word file in the layout of Decree 30/2020/NĐ-CP (Appendix I): A4,
//! margins 20/20/30/15 mm, Times New Roman 14 pt body, the two-column heading, the subject,
//! the body with first lines indented, the signature and "Nơi nhận", then the appendix table
//! whose header row repeats on every page.
//!
//! docx-rs writes the document; it has no switch for a repeated header row (w:tblHeader), so
//! header rows are marked "cannot split" (which they also should be) and the mark is completed
//! to `<w:cantSplit /><w:tblHeader />` in the document part before it is zipped. Body rows never
//! carry the "cannot split" mark.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableRow, WidthType,
};

use super::periodic::{Report, BUCKET_HEAD, OVERDUE_HEAD, SOURCE_HEAD, UNIT_HEAD};

/// Sizes in half-points, as the decree gives them in points.
const BODY: usize = 28; // 14 pt
const HEAD: usize = 26; // 13 pt
const SMALL: usize = 24; // 12 pt
const TINY: usize = 22; // 11 pt
/// Twentieths of a point per millimetre: 56.7.
fn mm(x: f64) -> i32 {
    (x * 56.7).round() as i32
}
/// The text width between the margins of an A4 page (210 − 30 − 15 mm), in twentieths.
fn text_width() -> usize {
    mm(165.0) as usize
}

fn run(text: impl Into<String>, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt before.
fn body(text: &str) -> Paragraph {
    indented(run(text, BODY)).align(AlignmentType::Both)
}

fn section(title: &str) -> Paragraph {
    indented(run(title, BODY).bold())
}

/// The decree's paragraph: first line indented 1 cm, 6 pt before.
fn indented(r: Run) -> Paragraph {
    let first_line = Some(SpecialIndentType::FirstLine(mm(10.0)));
    Paragraph::new()
        .add_run(r)
        .indent(None, first_line, None, None)
        .line_spacing(LineSpacing::new().before(120))
}

/// The secretariat's text, a paragraph per line it wrote.
fn narrative(text: &str) -> Vec<Paragraph> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(body)
        .collect()
}

fn cell(text: &str, width: usize, size: usize, bold: bool) -> TableCell {
    let r = run(text, size);
    let r = if bold { r.bold() } else { r };
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(r))
        .width(width, WidthType::Dxa)
}

/// A bordered table whose first row is its header, repeated on every page.
fn table(header: &[&str], rows: Vec<Vec<String>>, widths: &[usize]) -> Table {
    let head = TableRow::new(
        header
            .iter()
            .zip(widths)
            .map(|(h, w)| cell(h, *w, SMALL, true))
            .collect(),
    )
    .cant_split();
    let mut all = vec![head];
    all.extend(rows.into_iter().map(|r| {
        TableRow::new(
            r.iter()
                .zip(widths)
                .map(|(t, w)| cell(t, *w, SMALL, false))
                .collect(),
        )
    }));
    Table::new(all).set_grid(widths.to_vec())
}

/// The two-column heading: the body and issuer with the number on the left, the national
/// heading with place and date on the right, without borders.
fn heading(r: &Report) -> Table {
    let h = &r.heading;
    let half = text_width() / 2;
    let left = TableCell::new()
        .add_paragraph(centred(run(h.body.to_uppercase(), HEAD)))
        .add_paragraph(centred(run(h.issuer.to_uppercase(), HEAD).bold()))
        .add_paragraph(centred(run("───────", HEAD)))
        .add_paragraph(centred(run(h.number_line(), HEAD)))
        .width(half - mm(10.0) as usize, WidthType::Dxa);
    let right = TableCell::new()
        .add_paragraph(centred(
            run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEAD).bold(),
        ))
        .add_paragraph(centred(run("Độc lập - Tự do - Hạnh phúc", BODY).bold()))
        .add_paragraph(centred(run("───────────────", HEAD)))
        .add_paragraph(centred(run(h.place_date(), BODY).italic()))
        .width(half + mm(10.0) as usize, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![half - mm(10.0) as usize, half + mm(10.0) as usize])
}

/// The signature block on the right and "Nơi nhận" on the left.
fn signature(r: &Report) -> Table {
    let h = &r.heading;
    let half = text_width() / 2;
    let mut left = TableCell::new()
        .add_paragraph(Paragraph::new().add_run(run("Nơi nhận:", SMALL).bold().italic()));
    for line in &h.recipients {
        left = left.add_paragraph(Paragraph::new().add_run(run(line, TINY)));
    }
    let right = TableCell::new()
        .add_paragraph(centred(run(h.authority.to_uppercase(), BODY).bold()))
        .add_paragraph(centred(run(h.signer_title.to_uppercase(), BODY).bold()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(Paragraph::new())
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run(&h.signer_name, BODY).bold()));
    Table::without_borders(vec![TableRow::new(vec![
        left.width(half, WidthType::Dxa),
        right.width(half, WidthType::Dxa),
    ])])
    .set_grid(vec![half, half])
}

/// Column widths in percent of the text width, the wider columns last computed to fill it.
fn widths(percent: &[usize]) -> Vec<usize> {
    let w = text_width();
    percent.iter().map(|p| w * p / 100).collect()
}

fn buckets_table(r: &Report) -> Table {
    table(&BUCKET_HEAD, r.bucket_rows(), &widths(&[40, 18, 18, 24]))
}

fn sources_table(r: &Report) -> Table {
    table(
        &SOURCE_HEAD,
        r.source_rows(),
        &widths(&[6, 39, 11, 11, 11, 11, 11]),
    )
}

fn overdue_table(r: &Report) -> Table {
    table(
        &OVERDUE_HEAD,
        r.overdue_rows(),
        &widths(&[6, 46, 22, 13, 13]),
    )
}

/// The appendix table; its columns are sized for a portrait page, which one section keeps
/// simple to edit.
fn appendix_table(r: &Report) -> Table {
    table(
        &UNIT_HEAD,
        r.unit_rows(),
        &widths(&[5, 25, 8, 8, 8, 8, 8, 8, 14, 8]),
    )
}

/// The report as the bytes of a .docx file.
pub fn write(r: &Report) -> Result<Vec<u8>, String> {
    let fonts = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("Times New Roman")
        .cs("Times New Roman");
    let mut doc = Docx::new()
        // A4 in twentieths of a point.
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: mm(20.0),
            bottom: mm(20.0),
            left: mm(30.0),
            right: mm(15.0),
            header: mm(10.0),
            footer: mm(10.0),
            gutter: 0,
        })
        .default_fonts(fonts)
        .default_size(BODY)
        .add_table(heading(r))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("BÁO CÁO", BODY).bold()))
        .add_paragraph(centred(run(r.subject(), BODY).bold()))
        .add_paragraph(centred(run("───────", BODY)))
        .add_paragraph(section("I. TÌNH HÌNH GIAO NHIỆM VỤ"))
        .add_paragraph(body(&r.assigned_text()))
        .add_paragraph(section("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
        .add_paragraph(body("1. Kết quả chung"))
        .add_paragraph(body(&r.results_text()))
        .add_table(buckets_table(r))
        .add_paragraph(body("2. Kết quả theo nguồn giao nhiệm vụ"));
    doc = if r.sources.is_empty() {
        doc.add_paragraph(body("Không có nhiệm vụ trong kỳ."))
    } else {
        doc.add_table(sources_table(r))
    };
    doc = doc
        .add_paragraph(body("3. Các đơn vị có nhiều nhiệm vụ quá hạn"))
        .add_paragraph(body(&r.worst_text()))
        .add_paragraph(body("4. Các nhiệm vụ quá hạn chưa hoàn thành"));
    doc = if r.overdue.is_empty() {
        doc.add_paragraph(body("Không có."))
    } else {
        let d = doc.add_table(overdue_table(r));
        match r.overdue_more_text() {
            Some(t) => d.add_paragraph(body(&t)),
            None => d,
        }
    };
    doc = doc.add_paragraph(section(
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ CỦA CÁC ĐƠN VỊ",
    ));
    if r.remarks.is_empty() {
        doc = doc.add_paragraph(body("Các đơn vị không nêu khó khăn, vướng mắc trong kỳ."));
    }
    for m in &r.remarks {
        doc = doc.add_paragraph(body(&format!("- {}: {}", m.unit, m.text)));
    }
    doc = doc.add_paragraph(section("IV. ĐÁNH GIÁ CHUNG"));
    for p in narrative(&r.assessment) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(section("V. ĐỀ XUẤT, KIẾN NGHỊ"));
    for p in narrative(&r.proposals) {
        doc = doc.add_paragraph(p);
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(signature(r))
        .add_paragraph(centred(run("Phụ lục", BODY).bold()).page_break_before(true))
        .add_paragraph(centred(
            run("KẾT QUẢ THỰC HIỆN NHIỆM VỤ VÀ XẾP LOẠI CÁC ĐƠN VỊ", BODY).bold(),
        ))
        .add_paragraph(centred(run(r.appendix_note(), BODY).italic()))
        .add_table(appendix_table(r))
        .add_paragraph(body(&r.rule_text()));
    let mut xml = doc.build();
    xml.document = repeat_header_rows(&xml.document);
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Completes every "cannot split" row mark (only header rows carry it) with "repeat as
/// header row".
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(document);
    xml.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
        .into_bytes()
}
