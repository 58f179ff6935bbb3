//! Tables in and out: CSV (UTF-8, `;` or `,` or tab, as Swedish Excel writes them) and XLSX (the
//! first sheet), with limits so a hostile file cannot exhaust memory.

use std::io::{Cursor, Read};

use tillit_domain::{Rule, ValidationError};

/// A table: the first row's names, then the rows (every row as long as the header).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The largest file accepted for import.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// The most data rows in one import.
pub const MAX_ROWS: usize = 10_000;
/// The most columns a sheet may use (the registers have 16 at most).
pub const MAX_COLUMNS: usize = 100;
/// The most an XLSX file may unpack to.
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

fn bad(rule: Rule) -> ValidationError {
    ValidationError::new("file", rule)
}

impl Table {
    /// The value of column `name` in a row, trimmed (empty when the column is missing).
    pub fn get<'a>(&'a self, row: &'a [String], name: &str) -> &'a str {
        self.headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Reads a CSV or XLSX file (by its name's extension).
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Table, ValidationError> {
    if bytes.is_empty() {
        return Err(bad(Rule::Required));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(bad(Rule::TooLong {
            max: MAX_IMPORT_BYTES,
        }));
    }
    let lower = file_name.to_ascii_lowercase();
    let table = if lower.ends_with(".xlsx") {
        read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else {
        return Err(bad(Rule::UnknownValue));
    };
    if table.headers.iter().all(|h| h.is_empty()) {
        return Err(bad(Rule::Required));
    }
    if table.rows.len() > MAX_ROWS {
        return Err(bad(Rule::TooLong { max: MAX_ROWS }));
    }
    Ok(table)
}

fn normalise(headers: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    let headers: Vec<String> = headers
        .into_iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let width = headers.len();
    let rows = rows
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|mut r| {
            r.resize(width, String::new());
            r.into_iter().map(|c| unguard(&c)).collect()
        })
        .collect();
    Table { headers, rows }
}

/// Undoes the export's guard against spreadsheet formulas (a leading `'`).
fn unguard(c: &str) -> String {
    match c.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => c.to_string(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, ValidationError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad(Rule::InvalidFormat))?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|_| bad(Rule::InvalidFormat))?;
        records.push(r.iter().map(str::to_string).collect::<Vec<_>>());
        if records.len() > MAX_ROWS + 1 {
            return Err(bad(Rule::TooLong { max: MAX_ROWS }));
        }
    }
    let mut it = records.into_iter();
    let headers = it.next().unwrap_or_default();
    Ok(normalise(headers, it.collect()))
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ValidationError> {
    use calamine::Reader;
    // Refuse archives that unpack to more than the limit before anything is parsed.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad(Rule::InvalidFormat))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index(i).map_err(|_| bad(Rule::InvalidFormat))?;
        total = total.saturating_add(f.size());
        // The declared size can lie; read at most the limit to be sure.
        let read = std::io::copy(&mut f.take(MAX_UNPACKED + 1), &mut std::io::sink())
            .map_err(|_| bad(Rule::InvalidFormat))?;
        if total > MAX_UNPACKED || read > MAX_UNPACKED {
            return Err(bad(Rule::TooLong {
                max: MAX_IMPORT_BYTES,
            }));
        }
    }
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|_| bad(Rule::InvalidFormat))?;
    let first = wb
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| bad(Rule::Required))?;
    // The sheet is read cell by cell, never as a grid: a sheet may declare (or hold a value at)
    // XFD1048576, and only the cells with values count. Rows and columns are capped as they come.
    let mut cells = wb
        .worksheet_cells_reader(&first)
        .map_err(|_| bad(Rule::InvalidFormat))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| bad(Rule::InvalidFormat))? {
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row > MAX_ROWS {
            return Err(bad(Rule::TooLong { max: MAX_ROWS }));
        }
        if col >= MAX_COLUMNS {
            return Err(ValidationError::new(
                "file",
                Rule::OutOfRange {
                    min: 1,
                    max: MAX_COLUMNS as i64,
                },
            ));
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let r = &mut rows[row];
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    let mut it = rows.into_iter();
    let headers = it.next().unwrap_or_default();
    Ok(normalise(headers, it.collect()))
}

/// A cell's value as text; whole numbers without a decimal part; a date cell as YYYY-MM-DD.
fn cell_text(v: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match v {
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::DateTime(d) if d.is_datetime() && d.as_f64().fract() == 0.0 => {
            day_of_serial(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string())
        }
        DataRef::Empty => String::new(),
        other => calamine::Data::from(other.clone()).to_string(),
    }
}

/// Excel's day numbers count from 1899-12-30 (so that 1900's leap-year slip cancels out).
fn excel_epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

fn day_of_serial(serial: f64) -> Option<String> {
    let days = chrono::Days::new(u64::try_from(serial as i64).ok()?);
    Some(excel_epoch().checked_add_days(days)?.to_string())
}

/// What a column holds, for typed spreadsheet cells: whole numbers, days, or text. A column is
/// numbers or days only when every filled cell is one (a whole number with no leading zero, a
/// valid YYYY-MM-DD), so a name that happens to be digits stays text in a text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Number,
    Day,
    Text,
}

fn column_kind(t: &Table, col: usize) -> ColumnKind {
    let filled: Vec<&str> = t
        .rows
        .iter()
        .filter_map(|r| r.get(col).map(String::as_str))
        .filter(|c| !c.is_empty())
        .collect();
    if filled.is_empty() {
        return ColumnKind::Text;
    }
    let number = |c: &str| {
        let d = c.strip_prefix('-').unwrap_or(c);
        !d.is_empty()
            && d.len() <= 15
            && d.bytes().all(|b| b.is_ascii_digit())
            && (d == "0" || !d.starts_with('0'))
    };
    let day = |c: &str| c.len() == 10 && chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d").is_ok();
    if filled.iter().all(|c| number(c)) {
        ColumnKind::Number
    } else if filled.iter().all(|c| day(c)) {
        ColumnKind::Day
    } else {
        ColumnKind::Text
    }
}

/// A cell as written to CSV: text that a spreadsheet would run as a formula gets a leading `'`.
fn guard(c: &str) -> String {
    let risky = c.starts_with(['=', '+', '@']) || (c.starts_with('-') && c.len() > 1);
    if risky {
        format!("'{c}")
    } else {
        c.to_string()
    }
}

/// CSV as Swedish Excel opens it: UTF-8 with a byte-order mark, `;` between fields.
pub fn write_csv(t: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let _ = w.write_record(&t.headers);
    for r in &t.rows {
        let _ = w.write_record(r.iter().map(|c| guard(c)));
    }
    w.into_inner().unwrap_or_default()
}

/// XLSX with one sheet, the header row bold and frozen; a column of whole numbers as numbers, a
/// column of days as dates (shown YYYY-MM-DD), everything else as text (never a formula).
pub fn write_xlsx(t: &Table, sheet: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let kinds: Vec<ColumnKind> = (0..t.headers.len()).map(|c| column_kind(t, c)).collect();
    for (c, h) in t.headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|e| e.to_string())?;
        ws.write_string_with_format(0, col, h, &bold)
            .map_err(|e| e.to_string())?;
        ws.set_column_width(col, 22).map_err(|e| e.to_string())?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let rn = u32::try_from(r + 1).map_err(|e| e.to_string())?;
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| e.to_string())?;
            let kind = kinds.get(c).copied().unwrap_or(ColumnKind::Text);
            match kind {
                _ if v.is_empty() => {}
                ColumnKind::Number => match v.parse::<i64>() {
                    Ok(n) => {
                        ws.write_number(rn, col, n as f64)
                            .map_err(|e| e.to_string())?;
                    }
                    Err(_) => {
                        ws.write_string(rn, col, v).map_err(|e| e.to_string())?;
                    }
                },
                ColumnKind::Day => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    Ok(d) => {
                        let serial = (d - excel_epoch()).num_days() as f64;
                        ws.write_number_with_format(rn, col, serial, &date)
                            .map_err(|e| e.to_string())?;
                    }
                    Err(_) => {
                        ws.write_string(rn, col, v).map_err(|e| e.to_string())?;
                    }
                },
                ColumnKind::Text => {
                    ws.write_string(rn, col, v).map_err(|e| e.to_string())?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["name".into(), "description".into()],
            rows: vec![
                vec!["Patientjournal".into(), "Hälsa; vård".into()],
                vec!["=HYPERLINK(\"x\")".into(), "-".into()],
            ],
        }
    }

    #[test]
    fn csv_round_trips_with_formula_guard() {
        let bytes = write_csv(&table());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("'=HYPERLINK"), "a formula is not left live");
        assert_eq!(read("export.csv", &bytes).unwrap(), table());
    }

    #[test]
    fn xlsx_round_trips() {
        let bytes = write_xlsx(&table(), "Export").unwrap();
        assert_eq!(read("export.xlsx", &bytes).unwrap(), table());
    }

    #[test]
    fn xlsx_writes_numbers_and_days_as_typed_cells_and_reads_them_back() {
        use calamine::{Data, Reader, Xlsx};
        let t = Table {
            headers: vec!["title".into(), "cost".into(), "due".into(), "code".into()],
            rows: vec![
                vec![
                    "2026".into(),
                    "12000".into(),
                    "2027-03-31".into(),
                    "0123".into(),
                ],
                vec!["Logg".into(), "".into(), "".into(), "7".into()],
            ],
        };
        let bytes = write_xlsx(&t, "Export").unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let range = wb.worksheet_range("Export").unwrap();
        // A title column with one name of digits stays text; cost is a number; due a date; a
        // code with a leading zero keeps its column as text.
        assert_eq!(range.get((1, 0)), Some(&Data::String("2026".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(12000.0)));
        assert!(
            matches!(range.get((1, 2)), Some(Data::DateTime(_))),
            "{:?}",
            range.get((1, 2))
        );
        assert_eq!(range.get((1, 3)), Some(&Data::String("0123".into())));
        assert_eq!(read("t.xlsx", &bytes).unwrap(), t);
    }

    #[test]
    fn csv_with_commas_and_short_rows_is_read() {
        let t = read("a.csv", b"Name,Description\nA,one\nB\n\n").unwrap();
        assert_eq!(t.headers, vec!["name", "description"]);
        assert_eq!(
            t.rows,
            vec![
                vec!["A".to_string(), "one".into()],
                vec!["B".into(), "".into()]
            ]
        );
    }

    #[test]
    fn bad_files_name_the_file_and_the_rule() {
        assert_eq!(read("a.csv", b"").unwrap_err().rule, Rule::Required);
        assert_eq!(read("a.pdf", b"x").unwrap_err().rule, Rule::UnknownValue);
        assert_eq!(
            read("a.csv", b"\xff\xfe").unwrap_err().rule,
            Rule::InvalidFormat
        );
        assert_eq!(
            read("a.xlsx", b"not a zip").unwrap_err().rule,
            Rule::InvalidFormat
        );
        let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
        assert!(matches!(
            read("a.csv", &big).unwrap_err().rule,
            Rule::TooLong { .. }
        ));
    }

    /// A workbook with "name" in A1 and a value (or only formatting) at one far cell.
    fn far_cell(row: u32, col: u16, value: bool) -> Vec<u8> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "name").unwrap();
        ws.write_string(1, 0, "Journal").unwrap();
        if value {
            ws.write_string(row, col, "x").unwrap();
        } else {
            ws.write_blank(row, col, &Format::new().set_bold()).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_value_at_the_last_cell_of_a_sheet_is_refused_without_reading_a_grid() {
        // A1 and XFD1048576: a grid would be 17 billion cells.
        let bytes = far_cell(1_048_575, 16_383, true);
        assert!(bytes.len() < 10_000, "a small file: {}", bytes.len());
        let e = read("a.xlsx", &bytes).unwrap_err();
        assert_eq!(e.field, "file");
        assert!(
            matches!(e.rule, Rule::TooLong { .. } | Rule::OutOfRange { .. }),
            "{e:?}"
        );
        // P1048576: 16 columns, a million rows.
        let e = read("a.xlsx", &far_cell(1_048_575, 15, true)).unwrap_err();
        assert_eq!(e.rule, Rule::TooLong { max: MAX_ROWS });
        // A value in a far column of a short sheet.
        let e = read("a.xlsx", &far_cell(1, 16_383, true)).unwrap_err();
        assert_eq!(
            e.rule,
            Rule::OutOfRange {
                min: 1,
                max: MAX_COLUMNS as i64
            }
        );
    }

    #[test]
    fn formatting_far_below_the_data_does_not_count_as_rows() {
        let t = read("a.xlsx", &far_cell(1_048_575, 16_383, false)).unwrap();
        assert_eq!(t.headers, ["name"]);
        assert_eq!(t.rows, [vec!["Journal".to_string()]]);
    }

    /// A small deterministic generator, so that a failure can be repeated.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Property: whatever bytes arrive — random, or a valid file with bytes changed, cut or
    /// repeated — reading answers a table or an error about the file, and never panics.
    #[test]
    fn any_bytes_give_a_table_or_a_file_error_never_a_panic() {
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        let xlsx = write_xlsx(&table(), "assets").unwrap();
        let csv = write_csv(&table());
        let check = |name: &str, bytes: &[u8]| match read(name, bytes) {
            Ok(t) => assert!(t.rows.len() <= MAX_ROWS),
            Err(e) => assert_eq!(e.field, "file"),
        };
        for round in 0..600 {
            let (name, base) = if round % 2 == 0 {
                ("a.xlsx", &xlsx)
            } else {
                ("a.csv", &csv)
            };
            let mut bytes = base.clone();
            match rng.below(4) {
                0 => {
                    for _ in 0..=rng.below(8) {
                        let i = rng.below(bytes.len());
                        bytes[i] = rng.next() as u8;
                    }
                }
                1 => bytes.truncate(rng.below(bytes.len())),
                2 => {
                    let i = rng.below(bytes.len());
                    let chunk = bytes[i..].to_vec();
                    bytes.extend_from_slice(&chunk);
                }
                _ => {
                    let n = rng.below(512);
                    bytes = (0..n).map(|_| rng.next() as u8).collect();
                }
            }
            check(name, &bytes);
        }
    }
}
