//! The test harness: the real app on a random port, a fresh database per test, a browser-like client.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait};
use tempfile::TempDir;
use toguna::config::Settings;
use toguna::domain::{api_tokens, users};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "un mot de passe sûr";

/// A browser: its own cookie jar, no automatic redirects so tests can assert them.
pub struct Browser {
    pub address: String,
    pub client: Client,
}

pub struct TestApp {
    /// The default browser of the story.
    pub browser: Browser,
    pub db: DatabaseConnection,
    /// SQL statements the server has run since the counter was last reset.
    pub queries: Arc<AtomicUsize>,
    settings: Settings,
    server: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    pg_database: Option<(String, String)>,
    _data_dir: TempDir,
}

/// Starts the app against a fresh database: SQLite by default, PostgreSQL with `TEST_DATABASE_URL`.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with some settings changed (mail server, worker off…).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary folder");
    let (database_url, pg_database) = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("toguna_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL ends with /database");
            (format!("{base}/{name}"), Some((admin_url.clone(), name)))
        }
        _ => (
            format!("sqlite://{}?mode=rwc", data_dir.path().join("test.db").display()),
            None,
        ),
    };
    let settings = Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        base_url: String::new(),
        secret: uuid::Uuid::new_v4().to_string().into_bytes().repeat(2),
        smtp_url: None,
        mail_from: "Toguna <toguna@example.org>".into(),
        data_dir: data_dir.path().to_path_buf(),
        outbox: test_outbox_settings(),
        run_worker: true,
        inbound: toguna::mail::inbound::InboundSettings {
            poll: std::time::Duration::from_secs(1),
            ..Default::default()
        },
    };
    let mut settings = settings;
    configure(&mut settings);
    let mut app = TestApp {
        browser: Browser::new(String::new()),
        db: toguna::db::connect(&settings.database_url)
            .await
            .expect("test database"),
        queries: Arc::new(AtomicUsize::new(0)),
        settings,
        server: None,
        pg_database,
        _data_dir: data_dir,
    };
    app.start().await;
    app
}

impl TestApp {
    async fn start(&mut self) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let port = listener.local_addr().expect("local address").port();
        self.browser.address = format!("http://127.0.0.1:{port}");
        let mut settings = self.settings.clone();
        settings.base_url = self.browser.address.clone();
        let mut state = toguna::prepare(settings).await.expect("app starts");
        let counter = self.queries.clone();
        state.db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            toguna::serve(state, listener, shutdown).await.expect("server runs");
        });
        self.server = Some((stop, handle));
    }

    /// Stops the server as SIGTERM would and starts a new one on the same database.
    pub async fn restart(&mut self) {
        if let Some((stop, handle)) = self.server.take() {
            let _ = stop.send(());
            handle.await.expect("server stops cleanly");
        }
        self.start().await;
    }

    /// Stops the server as SIGTERM would; `start_server` brings it back on the same database.
    pub async fn stop_server(&mut self) {
        if let Some((stop, handle)) = self.server.take() {
            let _ = stop.send(());
            handle.await.expect("server stops cleanly");
        }
    }

    pub async fn start_server(&mut self) {
        self.start().await;
    }

    /// The database the server uses, for a second process on the same data.
    pub fn database_url(&self) -> &str {
        &self.settings.database_url
    }

    /// The folder where the file transport writes messages when no SMTP server is configured.
    pub fn outbox_dir(&self) -> std::path::PathBuf {
        self._data_dir.path().join("outbox")
    }

    /// A second, independent browser on the same server.
    pub fn new_browser(&self) -> Browser {
        Browser::new(self.browser.address.clone())
    }

    /// Creates an account directly in the database, as `toguna user add` does.
    pub async fn create_user(&self, email: &str, role: &str) -> users::User {
        users::create(
            &self.db,
            users::NewUser {
                email: email.into(),
                name: format!("Test {role}"),
                role: role.into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .expect("user created")
    }

    /// Creates an account and signs the default browser in with it.
    pub async fn login_as(&self, role: &str) -> users::User {
        let user = self.create_user(&format!("{role}@example.org"), role).await;
        self.browser.login_ok(&user.email).await;
        user
    }

    /// A new browser signed in with a new account of this role.
    pub async fn browser_as(&self, role: &str) -> (Browser, users::User) {
        let user = self
            .create_user(&format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple()), role)
            .await;
        let browser = self.new_browser();
        browser.login_ok(&user.email).await;
        (browser, user)
    }

    pub async fn api_token_for(&self, role: &str) -> String {
        let user = self.create_user(&format!("api-{role}@example.org"), role).await;
        api_tokens::create(&self.db, user.id, "tests").await.expect("token")
    }

    pub fn api(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let request = Client::new().request(method, self.url(path));
        match token {
            Some(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            None => request,
        }
    }

    /// Runs `work` and returns how many SQL statements the server ran meanwhile.
    pub async fn queries_during<F: std::future::Future>(&self, work: F) -> (F::Output, usize) {
        self.queries.store(0, Ordering::SeqCst);
        let output = work.await;
        (output, self.queries.load(Ordering::SeqCst))
    }

    /// Imports a CSV file through the API as an organizer would.
    pub async fn import_csv(&self, token: &str, csv: &str) -> Response {
        self.api(reqwest::Method::POST, "/api/v1/actors/import", Some(token))
            .header(reqwest::header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .body(csv.to_string())
            .send()
            .await
            .expect("import request")
    }

    pub async fn count<E: EntityTrait>(&self, _entity: E) -> u64
    where
        E::Model: Sync,
    {
        E::find().count(&self.db).await.expect("count rows")
    }
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl Browser {
    fn new(address: String) -> Self {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("HTTP client");
        Browser { address, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_in(&self, path: &str, accept_language: &str) -> Response {
        self.client
            .get(self.url(path))
            .header(ACCEPT_LANGUAGE, accept_language)
            .send()
            .await
            .expect("GET")
    }

    /// The CSRF token a page hands out, read the way a browser form would carry it.
    pub async fn csrf_token(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.expect("page body");
        let document = scraper::Html::parse_document(&html);
        let selector = scraper::Selector::parse(r#"meta[name="csrf-token"]"#).unwrap();
        document
            .select(&selector)
            .next()
            .and_then(|m| m.value().attr("content"))
            .map(str::to_string)
            .expect("page carries a CSRF token")
    }

    /// Submits a form the way a browser does: the token from the page, then the fields.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token(form_page).await;
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        body.extend_from_slice(fields);
        self.post_form(action, &body).await
    }

    /// Posts exactly these fields, token or not.
    pub async fn post_form(&self, action: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(action))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// What a page's script sends: JSON, the CSRF header from the page, the session cookie.
    pub async fn post_json(&self, path: &str, csrf: &str, body: &serde_json::Value) -> Response {
        self.client
            .post(self.url(path))
            .header("x-csrf-token", csrf)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(body)
            .send()
            .await
            .expect("POST JSON")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.submit("/login", "/login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn login_ok(&self, email: &str) {
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in as {email} works");
    }
}

impl Drop for TestApp {
    /// Drops a PostgreSQL test database so repeated runs do not pile them up.
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg_database.take() else {
            return;
        };
        let name = Arc::new(name);
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await;
                    }
                });
            }
        })
        .join();
    }
}

/// Short waits, so retries and lease expiry happen within a test.
pub fn test_outbox_settings() -> toguna::mail::outbox::OutboxSettings {
    toguna::mail::outbox::OutboxSettings {
        concurrency: 4,
        lease: std::time::Duration::from_secs(3),
        retry_base: std::time::Duration::from_millis(300),
        max_backoff: std::time::Duration::from_secs(2),
        poll: std::time::Duration::from_millis(100),
        reminder_days: 2,
        reminder_check: std::time::Duration::from_millis(200),
    }
}

/// The texts of the elements matching a CSS selector.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    document
        .select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A fixture file of the repository.
pub fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The `href` of the elements matching a CSS selector.
pub fn hrefs(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    document
        .select(&selector)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}
