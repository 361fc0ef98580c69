//! The test harness: the real app on a random port, a fresh database per test, a browser-like client.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait};
use tempfile::TempDir;
use toguna::config::Settings;
use toguna::domain::audit::Who;
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
        regions: Default::default(),
        import_max_rows: toguna::domain::actors::csv_io::DEFAULT_MAX_ROWS,
        server: toguna::server::ServerSettings::default(),
        login: toguna::domain::login::Throttle::default(),
        inbound: toguna::mail::inbound::InboundSettings {
            poll: std::time::Duration::from_secs(1),
            ..Default::default()
        },
        retention: Default::default(),
        // Quiet hours would hold texts depending on when the suite runs; the quiet-hours story sets them.
        sms: toguna::sms::SmsSettings {
            quiet: toguna::sms::quiet::QuietHours { span: None },
            ..Default::default()
        },
        // Stories see a finished send, as before sending became a job; `jobs.rs` sets it to 0.
        send_wait: std::time::Duration::from_secs(20),
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
        // A story may pose as a deployment behind HTTPS; the others link to the test server itself.
        if settings.base_url.is_empty() {
            settings.base_url = self.browser.address.clone();
        }
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

    /// The data folder of the server (secret, file outbox).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.settings.data_dir
    }

    /// A second app process on this one's database, with the same settings (secret, mailbox…),
    /// as two servers behind a load balancer. Dropping it leaves the database to the first.
    pub async fn second_server(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temporary folder");
        let mut settings = self.settings.clone();
        settings.data_dir = data_dir.path().to_path_buf();
        let mut app = TestApp {
            browser: Browser::new(String::new()),
            db: toguna::db::connect(&settings.database_url)
                .await
                .expect("the first server's database"),
            queries: Arc::new(AtomicUsize::new(0)),
            settings,
            server: None,
            pg_database: None,
            _data_dir: data_dir,
        };
        app.start().await;
        app
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
            &Who::system("tests"),
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
        api_tokens::create(&self.db, user.id, "tests", &Who::system("tests"))
            .await
            .expect("token")
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

    /// A scheduled workshop with `guests` invitees, each with an email and consent (imported by CSV).
    pub async fn workshop_with_guests(&self, token: &str, guests: usize) -> i64 {
        let mut csv = String::from("full_name,category,gender,town,email,consent_contact\n");
        for i in 0..guests {
            csv.push_str(&format!(
                "Invitée {i},civil_society,female,Kayes,guest{i}@example.org,yes\n"
            ));
        }
        assert_eq!(self.import_csv(token, &csv).await.status(), StatusCode::CREATED);
        let post = reqwest::Method::POST;
        let event = self
            .api_ok(
                post.clone(),
                "/api/v1/events",
                token,
                serde_json::json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes",
                    "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
            )
            .await;
        let id = event["id"].as_i64().expect("an event id");
        self.api_ok(
            post.clone(),
            &format!("/api/v1/events/{id}/schedule"),
            token,
            serde_json::json!({}),
        )
        .await;
        self.api_ok(
            post,
            &format!("/api/v1/events/{id}/invitations"),
            token,
            serde_json::json!({"filter": {}}),
        )
        .await;
        id
    }

    /// Queues the invitations of an event and returns how many were queued.
    pub async fn send_invitations(&self, token: &str, event_id: i64) -> u64 {
        let sent = self
            .api_ok(
                reqwest::Method::POST,
                &format!("/api/v1/events/{event_id}/invitations/send"),
                token,
                serde_json::json!({}),
            )
            .await;
        sent["queued"].as_u64().expect("a count of queued invitations")
    }

    /// An event's guest list (its first hundred), as the API shows it to an organizer.
    pub async fn guest_list(&self, token: &str, event_id: i64) -> serde_json::Value {
        self.api_get(&format!("/api/v1/events/{event_id}/invitations?per_page=100"), token)
            .await
    }

    /// One guest's line of an event's guest list, as the API shows it to an organizer.
    pub async fn guest_line(&self, token: &str, event_id: i64, actor_id: i64) -> serde_json::Value {
        let list = self.guest_list(token, event_id).await;
        list["items"]
            .as_array()
            .and_then(|items| items.iter().find(|g| g["actor_id"] == actor_id).cloned())
            .unwrap_or_else(|| panic!("actor {actor_id} is on the guest list: {list}"))
    }

    /// `GET /healthz`: its status and body.
    pub async fn health(&self) -> (StatusCode, serde_json::Value) {
        let response = self.get("/healthz").await;
        let status = response.status();
        (status, response.json().await.expect("/healthz answers JSON"))
    }

    pub async fn count<E: EntityTrait>(&self, _entity: E) -> u64
    where
        E::Model: Sync,
    {
        E::find().count(&self.db).await.expect("count rows")
    }
}

/// Sends an API request that must succeed; returns its JSON body.
async fn succeeded(path: &str, request: reqwest::RequestBuilder) -> serde_json::Value {
    let response = request.send().await.expect("API call");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.expect("a JSON body")
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

    /// A GET revalidating a kept copy, as the check-in service worker does.
    pub async fn get_if_none_match(&self, path: &str, etag: &str) -> Response {
        self.client
            .get(self.url(path))
            .header(reqwest::header::IF_NONE_MATCH, etag)
            .send()
            .await
            .expect("GET")
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

    /// Uploads a CSV on the import page as the file picker does; returns the preview's address.
    pub async fn upload_actors(&self, csv: &str) -> String {
        let token = self.csrf_token("/actors/import").await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("actors.csv"),
        );
        let uploaded = self
            .client
            .post(self.url(&format!("/actors/import?csrf_token={token}")))
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(
            uploaded.status(),
            StatusCode::SEE_OTHER,
            "the upload leads to its preview"
        );
        location(&uploaded)
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
        stall_after: std::time::Duration::from_secs(60),
        ..Default::default()
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

/// An API error as a client reads it: the JSON shape of DESIGN §5, checked on the way.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Field name → message; empty when the error names no field.
    pub fields: std::collections::BTreeMap<String, String>,
}

/// Reads an error answer, failing the test unless it is `{"error": {"code", "message", "fields"?}}`.
pub async fn api_error(response: Response) -> ApiError {
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("error body");
    assert!(
        content_type.starts_with("application/json"),
        "a {status} answer is JSON, not {content_type:?}: {text}"
    );
    let body: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("a {status} answer is JSON ({e}): {text}"));
    let error = &body["error"];
    let code = error["code"].as_str().unwrap_or_else(|| panic!("error.code in {text}"));
    let message = error["message"]
        .as_str()
        .unwrap_or_else(|| panic!("error.message in {text}"));
    assert!(!message.is_empty(), "error.message says something: {text}");
    let fields = match error.get("fields") {
        Some(fields) => serde_json::from_value(fields.clone()).unwrap_or_else(|e| panic!("error.fields ({e}): {text}")),
        None => Default::default(),
    };
    ApiError {
        status,
        code: code.to_string(),
        message: message.to_string(),
        fields,
    }
}
impl TestApp {
    /// A JSON API call that must succeed; returns the body.
    pub async fn api_ok(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        succeeded(path, self.api(method, path, Some(token)).json(&body)).await
    }

    /// A `GET` of the JSON API that must succeed; returns the body.
    pub async fn api_get(&self, path: &str, token: &str) -> serde_json::Value {
        succeeded(path, self.api(reqwest::Method::GET, path, Some(token))).await
    }

    /// A JSON API call that must fail with `status`; returns the error body.
    pub async fn api_refused(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
        status: StatusCode,
    ) -> serde_json::Value {
        let response = self
            .api(method, path, Some(token))
            .json(&body)
            .send()
            .await
            .expect("API call");
        assert_eq!(response.status(), status, "{path}");
        response.json().await.expect("a JSON error body")
    }

    /// A scheduled workshop (in 2030) at a new venue of `region`; returns the event id.
    pub async fn scheduled_workshop(&self, token: &str, title: &str, region: &str) -> i64 {
        let venue = self
            .api_ok(
                reqwest::Method::POST,
                "/api/v1/venues",
                token,
                serde_json::json!({"name": format!("Salle de {region}"), "region": region, "town": region}),
            )
            .await;
        let event = self
            .api_ok(
                reqwest::Method::POST,
                "/api/v1/events",
                token,
                serde_json::json!({"kind": "dissemination_workshop", "title": title, "venue_id": venue["id"],
                    "starts_at": "2030-06-10T09:00:00+00:00", "ends_at": "2030-06-10T17:00:00+00:00"}),
            )
            .await;
        let id = event["id"].as_i64().expect("event id");
        self.api_ok(
            reqwest::Method::POST,
            &format!("/api/v1/events/{id}/schedule"),
            token,
            serde_json::json!({}),
        )
        .await;
        id
    }

    /// Records a walk-in at the check-in desk (`person` holds the walk-in fields).
    pub async fn walk_in(&self, token: &str, event_id: i64, person: serde_json::Value) -> reqwest::Response {
        self.api(
            reqwest::Method::POST,
            &format!("/api/v1/events/{event_id}/attendance"),
            Some(token),
        )
        .json(&serde_json::json!({"walk_in": person, "client_id": uuid::Uuid::new_v4().to_string()}))
        .send()
        .await
        .expect("attendance POST")
    }
}

/// The cells of a downloaded CSV file (BOM removed, header line included).
pub fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.expect("a readable CSV line").iter().map(str::to_string).collect())
        .collect()
}

/// One attribute of the elements matching a CSS selector (the options of a `<datalist>`…).
pub fn attrs(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    document
        .select(&selector)
        .filter_map(|e| e.value().attr(attribute).map(str::to_string))
        .collect()
}

/// Cookies kept by hand, for stories that forge what a browser would not send on its own
/// (an attacker's cookie beside a victim's session, an old session id).
#[derive(Clone, Debug, Default)]
pub struct HandJar(pub std::collections::BTreeMap<String, String>);

impl HandJar {
    /// Takes in the cookies a response sets, and drops those it clears.
    pub fn absorb(&mut self, response: &Response) {
        for (name, value, attributes) in set_cookies(response) {
            if attributes.to_ascii_lowercase().contains("max-age=0") {
                self.0.remove(&name);
            } else {
                self.0.insert(name, value);
            }
        }
    }

    /// The value of the one cookie whose name ends with `suffix` (`toguna_session`, with or without prefix).
    pub fn ending_with(&self, suffix: &str) -> Option<(&str, &str)> {
        self.0
            .iter()
            .find(|(name, _)| name.ends_with(suffix))
            .map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Every `Set-Cookie` of a response as (name, value, the attributes after the value).
pub fn set_cookies(response: &Response) -> Vec<(String, String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|line| {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=')?;
            Some((
                name.trim().to_string(),
                value.trim().to_string(),
                attributes.trim().to_string(),
            ))
        })
        .collect()
}

/// The CSRF token a page carries in its `<meta name="csrf-token">`.
pub fn meta_csrf(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"meta[name="csrf-token"]"#).expect("valid selector");
    document
        .select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
        .expect("page carries a CSRF token")
}

impl TestApp {
    /// A GET without a cookie store: only the cookies of `jar`, whose new cookies are taken in.
    pub async fn get_by_hand(&self, path: &str, jar: &mut HandJar) -> Response {
        let response = Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("HTTP client")
            .get(self.url(path))
            .header(reqwest::header::COOKIE, jar.header())
            .send()
            .await
            .expect("GET");
        jar.absorb(&response);
        response
    }

    /// A form POST without a cookie store, with exactly these cookies and fields.
    pub async fn post_by_hand(&self, path: &str, jar: &mut HandJar, fields: &[(&str, &str)]) -> Response {
        let response = Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("HTTP client")
            .post(self.url(path))
            .header(reqwest::header::COOKIE, jar.header())
            .form(fields)
            .send()
            .await
            .expect("POST");
        jar.absorb(&response);
        response
    }

    /// Signs in from an empty jar the way a browser does; the jar then holds the session.
    pub async fn sign_in_by_hand(&self, email: &str, jar: &mut HandJar) -> Response {
        let page = self.get_by_hand("/login", jar).await;
        let token = meta_csrf(&page.text().await.expect("login page"));
        self.post_by_hand(
            "/login",
            jar,
            &[("csrf_token", &token), ("email", email), ("password", PASSWORD)],
        )
        .await
    }
}

/// The cells of a spreadsheet-variant CSV (`?format=excel`), checked byte by byte on the way: it
/// starts with the UTF-8 BOM and separates with `;`, so a French-locale spreadsheet opens it in columns.
pub fn excel_csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or_else(|| panic!("no UTF-8 BOM at the start of {:?}", String::from_utf8_lossy(bytes)));
    let text = std::str::from_utf8(body).expect("the file is UTF-8");
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains(';'), "the header is `;`-separated: {header:?}");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(body);
    reader
        .records()
        .map(|r| r.expect("a readable CSV line").iter().map(str::to_string).collect())
        .collect()
}

/// The fields a browser would send from the first form matching `selector`, as the page filled it
/// (inputs, checked boxes, selected options, text areas; no CSRF token: `Browser::submit` adds it).
pub fn form_fields(html: &str, selector: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let form = document
        .select(&scraper::Selector::parse(selector).expect("valid selector"))
        .next()
        .expect("the form is on the page");
    let fields = scraper::Selector::parse("input[name], select[name], textarea[name]").unwrap();
    let option = scraper::Selector::parse("option").unwrap();
    let mut out = Vec::new();
    for field in form.select(&fields) {
        let el = field.value();
        let name = el.attr("name").unwrap_or_default().to_string();
        if name == "csrf_token" {
            continue;
        }
        let value = match el.name() {
            "select" => {
                let options: Vec<_> = field.select(&option).collect();
                let chosen = options
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(options.first());
                chosen.map(|o| {
                    o.value()
                        .attr("value")
                        .map_or_else(|| o.text().collect(), str::to_string)
                })
            }
            "textarea" => Some(field.text().collect()),
            _ => match el.attr("type").unwrap_or("text") {
                "checkbox" | "radio" => el.attr("checked").map(|_| el.attr("value").unwrap_or("on").to_string()),
                "submit" | "button" | "file" => None,
                _ => Some(el.attr("value").unwrap_or_default().to_string()),
            },
        };
        if let Some(value) = value {
            out.push((name, value));
        }
    }
    out
}

impl TestApp {
    /// A scheduled workshop on `day` (`YYYY-MM-DD`) at a new venue of `region`; returns the event id.
    pub async fn workshop_on(&self, token: &str, title: &str, region: &str, day: &str) -> i64 {
        let venue = self
            .api_ok(
                reqwest::Method::POST,
                "/api/v1/venues",
                token,
                serde_json::json!({"name": format!("Salle {title}"), "region": region, "town": region}),
            )
            .await;
        let event = self
            .api_ok(
                reqwest::Method::POST,
                "/api/v1/events",
                token,
                serde_json::json!({"kind": "dissemination_workshop", "title": title, "venue_id": venue["id"],
                    "starts_at": format!("{day}T09:00:00+00:00"), "ends_at": format!("{day}T17:00:00+00:00")}),
            )
            .await;
        let id = event["id"].as_i64().expect("event id");
        self.api_ok(
            reqwest::Method::POST,
            &format!("/api/v1/events/{id}/schedule"),
            token,
            serde_json::json!({}),
        )
        .await;
        id
    }

    /// Records a headcount grid of (category, gender, age group, count) cells from `region`.
    pub async fn headcount(&self, token: &str, event_id: i64, region: &str, cells: &[(&str, &str, &str, i64)]) {
        let cells: Vec<serde_json::Value> = cells
            .iter()
            .map(|(category, gender, age_group, count)| {
                serde_json::json!({"category": category, "gender": gender, "age_group": age_group, "count": count})
            })
            .collect();
        self.api_ok(
            reqwest::Method::POST,
            &format!("/api/v1/events/{event_id}/attendance"),
            token,
            serde_json::json!({"headcount": {"region": region, "cells": cells},
                "client_id": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    }
}

impl Browser {
    /// Presses a button tied to a shared form by its `form` attribute, as a browser does: that
    /// form's fields and own CSRF token, the button's name and value, sent to its `formaction`.
    pub async fn press(&self, html: &str, button: &str) -> Response {
        let form = attrs(html, button, "form").pop().expect("the button names its form");
        let form = format!("form#{form}");
        let token = attrs(html, &format!("{form} input[name=csrf_token]"), "value")
            .pop()
            .expect("the shared form carries its CSRF token");
        let action = attrs(html, button, "formaction")
            .pop()
            .or_else(|| attrs(html, &form, "action").pop())
            .expect("the button or its form says where to post");
        let mut fields = form_fields(html, &form);
        let name = attrs(html, button, "name").pop();
        if let Some(name) = name {
            fields.push((name, attrs(html, button, "value").pop().unwrap_or_default()));
        }
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        body.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.post_form(&action, &body).await
    }
}
