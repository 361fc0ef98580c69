//! Benchmark of the actor directory: importing the 5,000-actor fixture and listing pages.
//!
//! `cargo run --release --example bench_directory` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…/some_empty_db` to measure PostgreSQL. Prints medians of 5 runs.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};
use toguna::domain::actors::csv_io;
use toguna::domain::actors::search::{self, ActorFilter};
use toguna::domain::paging::PageQuery;

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/actors-5000.csv"))?;
    let mut imports = Vec::new();
    let mut pages = Vec::new();
    let mut searches = Vec::new();
    for run in 0..RUNS {
        let dir = tempfile::tempdir()?;
        let mut scratch: Option<(String, String)> = None;
        let url = match std::env::var("DATABASE_URL") {
            Ok(admin) => {
                let name = format!("toguna_bench_{run}_{}", std::process::id());
                let admin_db = Database::connect(&admin).await?;
                admin_db
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
                    .await?;
                admin_db
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                let (base, _) = admin.rsplit_once('/').unwrap_or((&admin, ""));
                let url = format!("{base}/{name}");
                scratch = Some((admin.clone(), name));
                url
            }
            Err(_) => format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()),
        };
        let db = toguna::db::connect(&url).await?;
        toguna::db::migrate(&db).await?;

        let started = Instant::now();
        let summary = csv_io::import(
            &db,
            &Default::default(),
            &csv,
            true,
            &toguna::domain::audit::Who::system("bench"),
            csv_io::OnExisting::Skip,
        )
        .await?;
        imports.push(started.elapsed());
        assert_eq!(summary.imported, 5000);

        let started = Instant::now();
        for page in 1..=25 {
            let paging = PageQuery {
                page: Some(page),
                per_page: Some(200),
            };
            search::page_with_facets(&db, &ActorFilter::default(), paging).await?;
        }
        pages.push(started.elapsed() / 25);

        let started = Instant::now();
        let filter = ActorFilter {
            q: "keita".into(),
            gender: "female".into(),
            ..Default::default()
        };
        search::page_with_facets(&db, &filter, PageQuery::default()).await?;
        searches.push(started.elapsed());
        db.close().await?;
        if let Some((admin, name)) = scratch {
            let admin_db = Database::connect(&admin).await?;
            admin_db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
                .await?;
        }
    }
    let import = median(imports);
    println!(
        "import of 5,000 actors (parse, validate, store): median {:.0} ms over {RUNS} runs ({:.0} rows/s)",
        import.as_secs_f64() * 1000.0,
        5000.0 / import.as_secs_f64()
    );
    println!(
        "one directory page of 200 rows with its counts: median {:.1} ms",
        median(pages).as_secs_f64() * 1000.0
    );
    println!(
        "search \"keita\" + gender filter with counts: median {:.1} ms",
        median(searches).as_secs_f64() * 1000.0
    );
    Ok(())
}
