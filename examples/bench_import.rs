//! Benchmark of large CSV imports: rows → seconds for the preview (parse and check every line)
//! and for the import (the same, then store), at 5,000, 10,000, 20,000 and 40,000 rows.
//!
//! `cargo run --release --example bench_import` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…/postgres` for PostgreSQL (a scratch database per size, dropped after).
//! The rows are `fixtures/actors-5000.csv` repeated, each copy with distinct names and emails.

#[path = "support/scratch.rs"]
mod scratch;

use std::time::Instant;

use scratch::Scratch;
use toguna::domain::actors::csv_io::{self, ImportRules};

const SIZES: [usize; 4] = [5_000, 10_000, 20_000, 40_000];

/// `rows` lines of the fixture's format: copy k of the fixture gets " k" after each name and `+k` in each email.
fn generated(fixture: &str, rows: usize) -> anyhow::Result<String> {
    let mut reader = csv::Reader::from_reader(fixture.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers()?.clone();
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let name = header.iter().position(|h| h == "full_name").unwrap_or(0);
    let email = header.iter().position(|h| h == "email").unwrap_or(9);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header)?;
    for i in 0..rows {
        let copy = i / records.len();
        let mut cells: Vec<String> = records[i % records.len()].iter().map(str::to_string).collect();
        if copy > 0 {
            cells[name] = format!("{} {copy}", cells[name]);
            if let Some((local, domain)) = cells[email].clone().split_once('@') {
                cells[email] = format!("{local}+{copy}@{domain}");
            }
        }
        out.write_record(&cells)?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let fixture = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/actors-5000.csv"))?;
    let rules = ImportRules {
        max_rows: 100_000,
        ..Default::default()
    };
    println!("rows\tpreview (s)\timport (s)");
    for rows in SIZES {
        let csv = generated(&fixture, rows)?;
        let started = Instant::now();
        let file = csv_io::parse(&csv, &rules);
        let preview = started.elapsed();
        anyhow::ensure!(
            file.is_valid(),
            "generated rows are valid: {:?}",
            file.row_errors().first()
        );

        let scratch = Scratch::new("import").await?;
        let db = toguna::db::connect(&scratch.url).await?;
        toguna::db::migrate(&db).await?;
        let started = Instant::now();
        let summary = csv_io::import(&db, &rules, &csv, true, csv_io::OnExisting::Skip).await?;
        let import = started.elapsed();
        anyhow::ensure!(summary.imported == rows, "{} of {rows} imported", summary.imported);
        db.close().await?;
        scratch.remove().await?;
        println!("{rows}\t{:.2}\t\t{:.2}", preview.as_secs_f64(), import.as_secs_f64());
    }
    Ok(())
}
