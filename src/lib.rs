//! Toguna: plans dialogue events and feeds their debates back into the research report.

pub mod api;
pub mod backup;
pub mod calendar;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod log_mask;
pub mod mail;
pub mod retention_job;
pub mod server;
pub mod sms;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;

/// Shared by every handler: the database pool and the settings.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub mailer: mail::Mailer,
    /// Wakes the outbox worker when messages are queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// What this process's outbox worker last did, for `/healthz`.
    pub worker_health: Arc<mail::health::WorkerHealth>,
}

impl AppState {
    /// The sending context, with the acting user as the organizer answers go to.
    pub fn mail_context(&self, acting: Option<&domain::users::User>) -> error::AppResult<mail::MailContext> {
        mail::MailContext::new(&self.settings, acting.map(|u| (u.name.as_str(), u.email.as_str())))
            .map_err(error::AppError::Internal)
    }

    /// Records one check-in mark made by `who`: the desk, the QR link and the API share it.
    pub async fn record_mark(
        &self,
        event_id: i32,
        who: &domain::audit::Who,
        mark: &domain::attendance::record::Mark,
    ) -> error::AppResult<domain::attendance::record::MarkResult> {
        let settings = &self.settings;
        domain::attendance::record::apply(
            &self.db,
            &settings.secret,
            &settings.regions,
            event_id,
            who.user_id,
            mark,
            who,
        )
        .await
    }

    /// Tells the outbox worker that messages are waiting.
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Forms and JSON are small; CSV imports of thousands of actors stay well under this.
const BODY_LIMIT: usize = 10 * 1024 * 1024;

/// The whole application as one router, with its middleware.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(web::router())
        .merge(api::router())
        .fallback(web::errors::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), web::csrf::protect))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::errors::render_html_errors,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Pages such as a 1,000-guest check-in list travel gzipped over a hall's slow link.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // Paths carry answer tokens, check-in codes and feed secrets: never logged whole.
            let path = log_mask::path(request.uri().path());
            tracing::info_span!("request", id, method = %request.method(), path = %path)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(web::security_headers::add))
        .with_state(state)
}

/// Connects, migrates and builds the state.
pub async fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    let db = db::connect(&settings.database_url).await?;
    db::migrate(&db).await?;
    let mailer = mail::Mailer::from_settings(&settings)?;
    settings.from_mailbox()?;
    Ok(AppState {
        db,
        mailer,
        settings: Arc::new(settings),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
        worker_health: Arc::default(),
    })
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop_worker = Arc::new(tokio::sync::Notify::new());
    let worker = state.settings.run_worker.then(|| {
        mail::supervisor::spawn(
            state.db.clone(),
            state.mailer.clone(),
            state.settings.clone(),
            state.outbox_wake.clone(),
            state.worker_health.clone(),
            stop_worker.clone(),
        )
    });
    let stop_inbound = Arc::new(tokio::sync::Notify::new());
    let inbound = (state.settings.run_worker)
        .then(|| state.settings.inbound.url.clone())
        .flatten()
        .map(|url| {
            let (db, secret, poll) = (
                state.db.clone(),
                state.settings.secret.clone(),
                state.settings.inbound.poll,
            );
            tokio::spawn(mail::inbound::run(db, secret, url, poll, stop_inbound.clone()))
        });
    let stop_retention = Arc::new(tokio::sync::Notify::new());
    let retention = (state.settings.run_worker).then(|| {
        retention_job::spawn(
            state.db.clone(),
            state.settings.retention.clone(),
            stop_retention.clone(),
        )
    });
    let stop_sms = Arc::new(tokio::sync::Notify::new());
    let sms = (state.settings.run_worker)
        .then(|| {
            state
                .settings
                .sms
                .gateway(&state.settings.base_url, state.settings.outbox.lease)
        })
        .flatten()
        .map(|gateway| {
            let worker = sms::worker::SmsWorker::new(
                state.db.clone(),
                gateway,
                state.settings.outbox.clone(),
                state.settings.sms.quiet,
            );
            tokio::spawn(worker.run(stop_sms.clone()))
        });
    let stop_jobs = Arc::new(tokio::sync::Notify::new());
    let job_runner = state.settings.run_worker.then(|| {
        let every = state.settings.outbox.poll.max(Duration::from_millis(100));
        tokio::spawn(jobs::resume_abandoned(state.clone(), every, stop_jobs.clone()))
    });
    let limits = state.settings.server.clone();
    let served = server::run(listener, app(state), limits, shutdown).await;
    // The worker finishes the message in hand; unsent ones stay queued for the next start.
    if let Some(worker) = worker {
        stop_worker.notify_one();
        let _ = worker.await;
    }
    if let Some(inbound) = inbound {
        stop_inbound.notify_one();
        let _ = inbound.await;
    }
    if let Some(retention) = retention {
        stop_retention.notify_one();
        let _ = retention.await;
    }
    if let Some(sms) = sms {
        stop_sms.notify_one();
        let _ = sms.await;
    }
    if let Some(runner) = job_runner {
        stop_jobs.notify_one();
        let _ = runner.await;
    }
    served
}
