//! First run: the one-time setup page creates the admin, and only once.

use entity::user;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, location, spawn_app, texts};

#[tokio::test]
async fn newcomer_creates_the_admin_once_and_a_second_attempt_creates_nothing() {
    let app = spawn_app().await;

    let home = app.get("/").await;
    assert_eq!(location(&home), "/setup", "a fresh install sends the visitor to setup");

    let created = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Awa Coulibaly"),
                ("email", "Awa.Coulibaly@Example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let dashboard = app.get("/").await.text().await.unwrap();
    assert!(dashboard.contains("Awa Coulibaly"), "the new admin is signed in");
    assert_eq!(app.count(user::Entity).await, 1);

    // The setup page is gone, and a forged POST is refused.
    assert_eq!(location(&app.get("/setup").await), "/login");
    let again = app
        .submit(
            "/profile",
            "/setup",
            &[
                ("name", "Intrus"),
                ("email", "intrus@example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("déjà"));
    assert_eq!(app.count(user::Entity).await, 1, "nothing was created");
}

#[tokio::test]
async fn setup_with_a_short_password_names_the_field_and_creates_nothing() {
    let app = spawn_app().await;
    let response = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Awa"),
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("password_confirm", "court"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(
        texts(&html, "#password-error"),
        ["Le mot de passe doit compter au moins 10 caractères."]
    );
    assert_eq!(
        texts(&html, "#email-error"),
        ["Ce n'est pas une adresse e-mail valide."]
    );
    assert_eq!(app.count(user::Entity).await, 0);
    assert_eq!(location(&app.get("/").await), "/setup", "setup is still offered");
}

#[tokio::test]
async fn blank_repeated_and_common_passwords_are_refused_wherever_a_password_is_set() {
    let app = spawn_app().await;
    let cases = [
        ("            ", "Le mot de passe ne peut pas être fait que d'espaces."),
        (
            "aaaaaaaaaaaaaaaa",
            "Le mot de passe ne peut pas être un seul caractère répété.",
        ),
        ("azertyuiop", "Ce mot de passe est parmi les plus courants"),
        ("password123", "Ce mot de passe est parmi les plus courants"),
    ];
    for (password, says) in cases {
        let response = app
            .submit(
                "/setup",
                "/setup",
                &[
                    ("name", "Awa Coulibaly"),
                    ("email", "awa@example.org"),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
        let shown = texts(&response.text().await.unwrap(), "#password-error").join(" ");
        assert!(shown.starts_with(says), "{password:?}: {shown}");
    }
    assert_eq!(app.count(user::Entity).await, 0, "setup created nothing");

    // An admin adding an account, and anyone changing their own password, meet the same rules.
    app.login_as("admin").await;
    let added = app
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("name", "Moussa"),
                ("email", "moussa@example.org"),
                ("role", "viewer"),
                ("password", "1234567890"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(added.text().await.unwrap().contains("parmi les plus courants"));
    let changed = app
        .submit(
            "/profile",
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "qwertyuiop"),
                ("new_password_confirm", "qwertyuiop"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shown = texts(&changed.text().await.unwrap(), "#new_password-error").join(" ");
    assert!(shown.contains("parmi les plus courants"), "{shown}");
    assert_eq!(app.count(user::Entity).await, 1, "only the admin exists");
    assert_eq!(
        app.new_browser().login("admin@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_command_line_refuses_a_common_password_and_says_why() {
    let app = spawn_app().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_toguna"))
        .args([
            "user",
            "add",
            "--email",
            "awa@example.org",
            "--name",
            "Awa",
            "--role",
            "admin",
        ])
        .env("DATABASE_URL", app.database_url())
        .env("TOGUNA_DATA_DIR", app.outbox_dir().parent().unwrap())
        .env("LANG", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("toguna runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"password123\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("password") && stderr.contains("most common"),
        "{stderr}"
    );
    assert_eq!(app.count(user::Entity).await, 0);
}

#[tokio::test]
async fn setup_reports_a_bad_email_a_short_password_and_a_mismatch_all_at_once() {
    let app = spawn_app().await;
    let response = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", ""),
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("password_confirm", "autre"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for field in ["name", "email", "password", "password_confirm"] {
        assert_eq!(
            texts(&html, &format!("#{field}-error")).len(),
            1,
            "{field} is reported: {html}"
        );
    }
    assert_eq!(app.count(entity::user::Entity).await, 0, "nothing created");
}
