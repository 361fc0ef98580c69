//! The `toguna` command: serve (default), migrate, demo, user add, token add, backup, restore.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use toguna::config::Settings;
use toguna::domain::{api_tokens, users};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "toguna",
    version,
    about = "Plans dialogue events and feeds their debates back into the report"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo campaign (a report, 600 actors, venues, workshops); safe to run twice.
    Demo,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Copy the SQLite database and the secret into one zip file, while the service runs.
    Backup {
        /// The backup file to write, e.g. toguna-2026-12-01.zip
        file: PathBuf,
    },
    /// Bring a backup back into the data folder (TOGUNA_DATA_DIR); stop the service first.
    Restore {
        /// A file made by `toguna backup`
        file: PathBuf,
        /// Replace the database and secret of a folder that is not empty
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, organizer, rapporteur, editor or viewer
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create an API token for a user and print it once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // Read per command: reading them creates a secret in the data folder, which `restore` must not.
    let settings = Settings::from_env;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings()?).await,
        Command::Migrate => {
            toguna::prepare(settings()?).await?;
            eprintln!("Database is up to date.");
            Ok(())
        }
        Command::Demo => {
            let state = toguna::prepare(settings()?).await?;
            let ctx = state.mail_context(None).map_err(describe)?;
            let summary = toguna::demo::load(&state.db, &ctx).await.map_err(describe)?;
            println!(
                "Demo campaign ready: {} actors imported, {} venues and {} events created, {} guests added.",
                summary.actors_imported, summary.venues_created, summary.events_created, summary.guests_added
            );
            if summary.outcomes > 0 {
                println!(
                    "The first workshop is completed: {} people present, {} outcomes recorded on {} report sections.",
                    summary.present, summary.outcomes, summary.sections
                );
            }
            if summary.decisions > 0 {
                println!(
                    "Version 1 of the report is published; {} outcomes of the workshop are decided, the rest wait in the review inbox.",
                    summary.decisions
                );
            }
            Ok(())
        }
        Command::User {
            action: UserAction::Add { email, name, role },
        } => {
            let state = toguna::prepare(settings()?).await?;
            let password = read_password()?;
            let input = users::NewUser {
                email,
                name,
                role,
                password,
            };
            let user = users::create(&state.db, input, &toguna::domain::audit::Who::system("cli"))
                .await
                .map_err(describe)?;
            println!("Created {} ({}) with role {}.", user.name, user.email, user.role.slug());
            Ok(())
        }
        Command::Token {
            action: TokenAction::Add { email, name },
        } => {
            let state = toguna::prepare(settings()?).await?;
            let user = users::find_by_email(&state.db, &email)
                .await
                .map_err(describe)?
                .with_context(|| format!("no account with the address {email}"))?;
            let token = api_tokens::create(&state.db, user.id, &name, &toguna::domain::audit::Who::system("cli"))
                .await
                .map_err(describe)?;
            println!("{token}");
            Ok(())
        }
        Command::Backup { file } => {
            let settings = settings()?;
            // No migration: the running service owns the schema.
            let db = toguna::db::connect(&settings.database_url).await?;
            let manifest = toguna::backup::backup(&db, &settings.secret, &file).await?;
            let rows: u64 = manifest.tables.values().sum();
            println!(
                "Backed up {} tables ({rows} rows) and the secret to {}. Keep it safe: the secret signs every answer link.",
                manifest.tables.len(),
                file.display()
            );
            Ok(())
        }
        Command::Restore { file, force } => restore(&file, force).await,
    }
}

async fn restore(file: &std::path::Path, force: bool) -> anyhow::Result<()> {
    if toguna::config::database_is_postgres() {
        anyhow::bail!("DATABASE_URL is PostgreSQL: restore its pg_dump with pg_restore (see the README, \"Backups\")");
    }
    let data_dir = toguna::config::data_dir_from_env();
    let manifest = toguna::backup::restore(file, &data_dir, force).await?;
    let rows: u64 = manifest.tables.values().sum();
    println!(
        "Restored the backup of {} ({} tables, {rows} rows) and its secret into {}.",
        manifest.created_at.to_rfc3339(),
        manifest.tables.len(),
        data_dir.display()
    );
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let url = settings.base_url.clone();
    let state = toguna::prepare(settings).await?;
    tracing::info!("listening on {}", listener.local_addr()?);
    println!("Toguna is running at {url}/");
    toguna::serve(state, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Reads the password from the first line of standard input (prompting on a terminal).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (at least 10 characters): ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Field errors in plain English for the shell.
fn describe(err: toguna::error::AppError) -> anyhow::Error {
    match err {
        toguna::error::AppError::Validation(fields) => {
            let text: Vec<String> = fields
                .translated(toguna::i18n::Lang::En)
                .into_iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect();
            anyhow::anyhow!("invalid input — {}", text.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}
