//! A scratch database for a benchmark: SQLite in a temporary folder, or, when `DATABASE_URL` names a
//! PostgreSQL server, a fresh database made there and dropped at the end.

use sea_orm::{ConnectionTrait, Database};

pub struct Scratch {
    pub url: String,
    /// Also the data folder the app may write to (benchmarks that only read rows leave it unused).
    #[allow(dead_code)]
    pub dir: tempfile::TempDir,
    /// The server's admin URL and the database made on it.
    postgres: Option<(String, String)>,
}

impl Scratch {
    pub async fn new(tag: &str) -> anyhow::Result<Scratch> {
        let dir = tempfile::tempdir()?;
        let Ok(admin) = std::env::var("DATABASE_URL") else {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
            return Ok(Scratch {
                url,
                dir,
                postgres: None,
            });
        };
        let name = format!("toguna_bench_{tag}_{}", std::process::id());
        let admin_db = Database::connect(&admin).await?;
        admin_db
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
            .await?;
        admin_db
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        let (base, _) = admin.rsplit_once('/').unwrap_or((&admin, ""));
        Ok(Scratch {
            url: format!("{base}/{name}"),
            dir,
            postgres: Some((admin.clone(), name)),
        })
    }

    /// Drops the PostgreSQL database (the temporary folder goes by itself).
    pub async fn remove(self) -> anyhow::Result<()> {
        if let Some((admin, name)) = self.postgres {
            let admin_db = Database::connect(&admin).await?;
            admin_db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
        Ok(())
    }
}
