//! The one CSV writer of every export: UTF-8 with a BOM, and no cell a spreadsheet would run as a formula.

use std::borrow::Cow;

/// Rows written in order; every cell goes through [`neutralize`], whoever wrote it.
pub struct SafeCsv {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for SafeCsv {
    fn default() -> Self {
        Self::new()
    }
}

/// Which separator a file uses: the standard comma, or the semicolon that French-locale
/// spreadsheets expect (there, a comma is the decimal mark and a comma file opens in one column).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvDialect {
    #[default]
    Standard,
    Spreadsheet,
}

impl CsvDialect {
    /// `?format=excel` asks for the spreadsheet variant; anything else is the standard file.
    pub fn from_format(format: &str) -> Self {
        match format {
            "excel" => CsvDialect::Spreadsheet,
            _ => CsvDialect::Standard,
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            CsvDialect::Standard => b',',
            CsvDialect::Spreadsheet => b';',
        }
    }
}

/// The `?format=` of a CSV link, read the same way by every export.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DialectQuery {
    /// `excel`: `;`-separated for spreadsheets in a French locale.
    pub format: String,
}

impl DialectQuery {
    pub fn dialect(&self) -> CsvDialect {
        CsvDialect::from_format(&self.format)
    }
}

impl SafeCsv {
    pub fn new() -> Self {
        Self::with_dialect(CsvDialect::Standard)
    }

    pub fn with_dialect(dialect: CsvDialect) -> Self {
        SafeCsv {
            writer: csv::WriterBuilder::new()
                .delimiter(dialect.delimiter())
                .from_writer(Vec::new()),
        }
    }

    /// One line; writing to memory cannot fail short of running out of it.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| neutralize(c.as_ref()).into_owned()).collect();
        let _ = self.writer.write_record(&cells);
    }

    /// The file as bytes, with a BOM so spreadsheet programs read the accents as UTF-8.
    pub fn into_bytes(self) -> Vec<u8> {
        let bytes = self.writer.into_inner().unwrap_or_default();
        [b"\xEF\xBB\xBF".as_slice(), &bytes].concat()
    }

    pub fn into_string(self) -> String {
        String::from_utf8_lossy(&self.into_bytes()).into_owned()
    }
}

/// A cell that a spreadsheet would run as a formula gets a leading `'` (OWASP CSV injection):
/// `=`, `+`, `-`, `@`, and tab or carriage return, which some programs skip before reading a formula.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`neutralize`] when a neutralized file is read back (the actor import).
pub fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_that_could_start_a_formula_is_neutralized() {
        let mut out = SafeCsv::new();
        out.row([
            "=HYPERLINK(\"http://evil\",\"x\")",
            "-2+3",
            "+223",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "Ségou",
            "a=b",
            "",
        ]);
        let text = out.into_string();
        let text = text.strip_prefix('\u{feff}').expect("starts with a BOM");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let record = reader.records().next().expect("one line").expect("readable");
        let cells: Vec<&str> = record.iter().collect();
        assert_eq!(
            cells,
            [
                "'=HYPERLINK(\"http://evil\",\"x\")",
                "'-2+3",
                "'+223",
                "'@SUM(A1)",
                "'\tx",
                "'\rx",
                "Ségou",
                "a=b",
                ""
            ]
        );
    }

    #[test]
    fn neutralized_cells_read_back_as_they_were() {
        for cell in ["=1+1", "-2+3", "+22376123456", "@x", "\tx", "Awa", "'Awa", ""] {
            assert_eq!(unneutralize(&neutralize(cell)), cell);
        }
    }
}
