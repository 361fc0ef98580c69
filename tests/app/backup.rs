//! Backups that restore: taken while the service works, brought back into a fresh folder, complete.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use entity::{actor, event, invitation, outbox_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with};
use crate::mailbox::Delivered;
use crate::smtp::SmtpServer;

const SECRET: &str = "the-secret-of-this-deployment-0123456789";
const GUESTS: usize = 400;

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

/// What must survive: the ids of the main tables, and how far delivery and answers had got.
#[derive(Debug)]
struct Rows {
    actors: BTreeSet<i32>,
    events: BTreeSet<i32>,
    invitations: BTreeSet<i32>,
    messages: BTreeSet<i32>,
    sent: u64,
    answered: u64,
}

async fn rows(db: &DatabaseConnection) -> Rows {
    let ids = |v: Vec<i32>| v.into_iter().collect::<BTreeSet<_>>();
    Rows {
        actors: ids(actor::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()),
        events: ids(event::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()),
        invitations: ids(invitation::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()),
        messages: ids(outbox_message::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()),
        sent: outbox_message::Entity::find()
            .filter(outbox_message::Column::Status.eq("sent"))
            .count(db)
            .await
            .unwrap(),
        answered: invitation::Entity::find()
            .filter(invitation::Column::Response.ne("none"))
            .count(db)
            .await
            .unwrap(),
    }
}

/// Invitees answer each invitation as it arrives, until told to stop.
async fn answer_as_they_arrive(app: &TestApp, server: &SmtpServer, stop: &AtomicBool, answered: &AtomicUsize) {
    let mut seen = 0;
    while !stop.load(Ordering::SeqCst) {
        let mails = server.messages();
        for mail in &mails[seen..] {
            let link = Delivered::parse(&mail.data).rsvp_path();
            let response = app
                .new_browser()
                .submit(&link, &link, &[("response", "accepted")])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            answered.fetch_add(1, Ordering::SeqCst);
            if stop.load(Ordering::SeqCst) {
                return;
            }
        }
        seen = mails.len();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn toguna(args: &[&str], envs: &[(&str, &Path)]) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_toguna"));
    command.args(args).env_remove("TOGUNA_SECRET").env("RUST_LOG", "warn");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().await.expect("the toguna binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_invitations_go_out_and_answers_arrive_restores_every_row_and_every_link() {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: its backups are pg_dump's (see the test below)");
        return;
    }
    let server = SmtpServer::start().await;
    let url = server.url();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        // The secret lives in the data folder, as on a server where it was generated.
        std::fs::write(s.data_dir.join("secret"), SECRET).unwrap();
        s.secret = SECRET.as_bytes().to_vec();
    })
    .await;
    let token = app.api_token_for("organizer").await;
    let event_id = app.workshop_with_guests(&token, GUESTS).await;
    assert_eq!(app.send_invitations(&token, event_id).await, GUESTS as u64);
    server.wait_for(10, Duration::from_secs(30)).await;

    let backups = tempfile::tempdir().unwrap();
    let (by_library, by_command) = (backups.path().join("a.zip"), backups.path().join("b.zip"));
    let stop = AtomicBool::new(false);
    let answered = AtomicUsize::new(0);
    let (_, (before, after)) = tokio::join!(answer_as_they_arrive(&app, &server, &stop, &answered), async {
        while answered.load(Ordering::SeqCst) < 5 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before = rows(&app.db).await;
        toguna::backup::backup(&app.db, SECRET.as_bytes(), &by_library)
            .await
            .unwrap();
        let made = toguna(
            &["backup", by_command.to_str().unwrap()],
            &[
                ("DATABASE_URL", Path::new(app.database_url())),
                ("TOGUNA_DATA_DIR", app.data_dir()),
            ],
        )
        .await;
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        assert!(String::from_utf8_lossy(&made.stdout).contains("Backed up"));
        let after = rows(&app.db).await;
        stop.store(true, Ordering::SeqCst);
        (before, after)
    });
    assert!(
        before.sent < GUESTS as u64,
        "the backup ran while invitations were still going out"
    );
    assert!(after.answered > before.answered, "answers arrived during the backup");

    let restored = tempfile::tempdir().unwrap();
    let folder = restored.path().join("data");
    let manifest = toguna::backup::restore(&by_library, &folder, false).await.unwrap();
    let restored_db = toguna::db::connect(&format!("sqlite://{}", folder.join("toguna.db").display()))
        .await
        .unwrap();
    let found = rows(&restored_db).await;
    assert_eq!(found.actors, before.actors);
    assert_eq!(found.events, before.events);
    assert_eq!(found.invitations, before.invitations);
    assert_eq!(found.messages, before.messages);
    assert!(
        (before.sent..=after.sent).contains(&found.sent),
        "{found:?} between {before:?} and {after:?}"
    );
    assert!(
        (before.answered..=after.answered).contains(&found.answered),
        "{found:?}"
    );
    assert_eq!(manifest.tables["invitations"], GUESTS as u64);
    assert_eq!(std::fs::read_to_string(folder.join("secret")).unwrap(), SECRET);
    restored_db.close().await.unwrap();

    // The app starts on the restored folder, reading the restored secret.
    let secret = std::fs::read(folder.join("secret")).unwrap();
    let (database, data_dir) = (folder.join("toguna.db"), folder.clone());
    let back = spawn_app_with(move |s| {
        s.database_url = format!("sqlite://{}?mode=rwc", database.display());
        s.data_dir = data_dir;
        s.secret = secret;
        s.run_worker = false;
    })
    .await;
    // An answer link from an invitation sent before the backup, not answered in it, still works.
    let mut links = Vec::new();
    for mail in server.messages() {
        links.push(Delivered::parse(&mail.data).rsvp_path());
    }
    let mut unanswered = None;
    for link in &links {
        let hash = toguna::domain::secrets::hash_token(link.trim_start_matches("/rsvp/"));
        let row = invitation::Entity::find()
            .filter(invitation::Column::RsvpTokenHash.eq(hash))
            .one(&back.db)
            .await
            .unwrap()
            .unwrap();
        if row.response == "none" {
            unanswered = Some((link.clone(), row));
            break;
        }
    }
    let (link, row) = unanswered.expect("an invitee who had not answered at the backup");
    let declined = back
        .new_browser()
        .submit(&link, &link, &[("response", "declined")])
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    let stored = invitation::Entity::find_by_id(row.id)
        .one(&back.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.response, "declined");

    // The organizer's API token still opens the API, and the update a move sends carries the very
    // link the invitee holds: the restored secret is the one that signed it.
    let last_message = found.messages.iter().max().copied().unwrap_or_default();
    let moved = back
        .api(Method::PATCH, &format!("/api/v1/events/{event_id}"), Some(&token))
        .json(&json!({"starts_at": "2030-06-11T09:00", "ends_at": "2030-06-11T17:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let update = outbox_message::Entity::find()
        .filter(outbox_message::Column::InvitationId.eq(row.id))
        .filter(outbox_message::Column::Id.gt(last_message))
        .one(&back.db)
        .await
        .unwrap()
        .expect("an update for the invitee");
    assert_eq!(update.kind, "update");
    assert_eq!(Delivered::parse(update.body.as_bytes()).rsvp_path(), link);

    // The command-line restore refuses a folder that is not empty, unless forced.
    let fresh = restored.path().join("by-command");
    let env = [("TOGUNA_DATA_DIR", fresh.as_path())];
    let first = toguna(&["restore", by_command.to_str().unwrap()], &env).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Restored"));
    let again = toguna(&["restore", by_command.to_str().unwrap()], &env).await;
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not empty"),
        "{again:?}"
    );
    let forced = toguna(&["restore", "--force", by_command.to_str().unwrap()], &env).await;
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(std::fs::read_to_string(fresh.join("secret")).unwrap(), SECRET);
}

#[tokio::test]
async fn on_postgresql_the_backup_command_points_to_pg_dump() {
    if !on_postgres() {
        eprintln!("runs with TEST_DATABASE_URL only");
        return;
    }
    let app = spawn_app_with(|_| {}).await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("backup.zip");
    let made = toguna(
        &["backup", file.to_str().unwrap()],
        &[
            ("DATABASE_URL", Path::new(app.database_url())),
            ("TOGUNA_DATA_DIR", folder.path()),
        ],
    )
    .await;
    assert!(!made.status.success());
    assert!(String::from_utf8_lossy(&made.stderr).contains("pg_dump"), "{made:?}");
    assert!(!file.exists());
}
