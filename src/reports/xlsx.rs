//! The task list as an Excel workbook laid out as a report to hand up: the body's name and the
//! national heading (Decree 30/2020/NĐ-CP), the title and the date of the data, then one row
//! per task, and a place for the signature. Set up for A4 landscape, fitted to the page's
//! width, with the column headings repeated on every printed page; dates are real dates shown
//! dd/mm/yyyy.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::reports::ReportRow;

/// The words around the table, in the reader's language.
pub struct Heading<'a> {
    pub body: &'a str,
    pub issuer: &'a str,
    pub nation: &'a str,
    pub motto: &'a str,
    pub title: &'a str,
    pub data_date: String,
    pub signer: &'a str,
    pub sign_hint: &'a str,
}

/// The row the column headings are on (0-based); the tasks follow it.
const HEADER_ROW: u32 = 6;
/// Column widths, in the order of `reports::COLUMNS`.
const WIDTHS: [f64; 11] = [
    5.0, 8.0, 48.0, 14.0, 24.0, 24.0, 12.0, 12.0, 12.0, 18.0, 40.0,
];
/// A4 in Excel's numbering of paper sizes.
const A4: u8 = 9;

pub fn write(h: &Heading, header: &[&str], rows: &[ReportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Nhiem vu")?;
    let times = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let centre = times(Format::new()).set_align(FormatAlign::Center);
    let bold_centre = centre.clone().set_bold();
    let head = times(Format::new())
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#F2F2F2");
    let cell = times(Format::new())
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let date = cell.clone().set_num_format("dd/mm/yyyy");
    let last = header.len() as u16 - 1;
    // The body on the left, the national heading on the right (Decree 30/2020/NĐ-CP).
    let split = 3u16;
    ws.merge_range(0, 0, 0, split, h.body, &centre)?;
    ws.merge_range(1, 0, 1, split, h.issuer, &bold_centre)?;
    ws.merge_range(0, split + 1, 0, last, h.nation, &bold_centre)?;
    ws.merge_range(
        1,
        split + 1,
        1,
        last,
        h.motto,
        &bold_centre
            .clone()
            .set_underline(rust_xlsxwriter::FormatUnderline::Single),
    )?;
    ws.merge_range(
        3,
        0,
        3,
        last,
        h.title,
        &bold_centre.clone().set_font_size(14),
    )?;
    ws.merge_range(4, 0, 4, last, &h.data_date, &centre.clone().set_italic())?;
    for (c, title) in header.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *title, &head)?;
    }
    for (c, w) in WIDTHS.iter().enumerate().take(header.len()) {
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        ws.write_number_with_format(row, 0, (i + 1) as f64, &cell)?;
        ws.write_number_with_format(row, 1, r.number as f64, &cell)?;
        ws.write_string_with_format(row, 2, &r.task, &cell)?;
        ws.write_string_with_format(row, 3, &r.directive, &cell)?;
        ws.write_string_with_format(row, 4, &r.lead, &cell)?;
        ws.write_string_with_format(row, 5, &r.coordinating, &cell)?;
        for (col, d) in [(6, r.original_due), (7, r.extended_to), (8, r.completed)] {
            match d {
                Some(d) => ws.write_date_with_format(row, col, d, &date)?,
                None => ws.write_blank(row, col, &cell)?,
            };
        }
        ws.write_string_with_format(row, 9, &r.status, &cell)?;
        ws.write_string_with_format(row, 10, &r.result, &cell)?;
    }
    // The signature, under the table on the right.
    let sign_row = HEADER_ROW + rows.len() as u32 + 2;
    let sign_from = last.saturating_sub(2);
    ws.merge_range(sign_row, sign_from, sign_row, last, h.signer, &bold_centre)?;
    ws.merge_range(
        sign_row + 1,
        sign_from,
        sign_row + 1,
        last,
        h.sign_hint,
        &centre.clone().set_italic(),
    )?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    wb.save_to_buffer()
}

/// "Số liệu đến ngày dd/mm/yyyy" and its English twin come from the caller; this only formats.
pub fn data_date(label: &str, d: NaiveDate) -> String {
    format!("{label} {}", crate::domain::dates::format_date(d))
}
