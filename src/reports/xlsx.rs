//! The task list as an Excel workbook in the customary report layout: a title, the date of the
//! data, then STT, nội dung nhiệm vụ, văn bản giao, đơn vị chủ trì, đơn vị phối hợp, hạn xử lý,
//! tình trạng, kết quả / ghi chú; dates as real dates shown dd/mm/yyyy.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::reports::ReportRow;

pub fn write(
    title: &str,
    data_date_label: &str,
    header: &[&str],
    rows: &[ReportRow],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Nhiem vu")?;
    let bold = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#F2F2F2");
    let cell = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let date = cell.clone().set_num_format("dd/mm/yyyy");
    let last = header.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &bold)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        data_date_label,
        &Format::new().set_italic().set_align(FormatAlign::Center),
    )?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &head)?;
    }
    for (w, c) in [6.0, 60.0, 18.0, 30.0, 30.0, 12.0, 18.0, 28.0]
        .iter()
        .zip(0u16..)
    {
        ws.set_column_width(c, *w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_number_with_format(row, 0, (i + 1) as f64, &cell)?;
        ws.write_string_with_format(row, 1, &r.task, &cell)?;
        ws.write_string_with_format(row, 2, &r.directive, &cell)?;
        ws.write_string_with_format(row, 3, &r.lead, &cell)?;
        ws.write_string_with_format(row, 4, &r.coordinating, &cell)?;
        match r.due {
            Some(d) => ws.write_date_with_format(row, 5, d, &date)?,
            None => ws.write_blank(row, 5, &cell)?,
        };
        ws.write_string_with_format(row, 6, &r.status, &cell)?;
        ws.write_string_with_format(row, 7, &r.result, &cell)?;
    }
    ws.set_freeze_panes(4, 0)?;
    wb.save_to_buffer()
}

/// "Số liệu đến ngày dd/mm/yyyy" and its English twin come from the caller; this only formats.
pub fn data_date(label: &str, d: NaiveDate) -> String {
    format!("{label} {}", crate::domain::dates::format_date(d))
}
