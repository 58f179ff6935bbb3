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
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad(Rule::Required))?
        .map_err(|_| bad(Rule::InvalidFormat))?;
    let mut rows = range.rows().map(|r| {
        r.iter()
            .map(|c| match c {
                calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    format!("{}", *f as i64)
                }
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
    });
    let headers = rows.next().unwrap_or_default();
    Ok(normalise(headers, rows.collect()))
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

/// XLSX with one sheet; every cell is text (never a formula), the header row bold and frozen.
pub fn write_xlsx(t: &Table, sheet: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
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
            ws.write_string(rn, col, v).map_err(|e| e.to_string())?;
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
}
