//! The HTML side: one module per resource, plus the page context and middleware.

pub mod actor_import;
mod actor_privacy;
pub mod actors;
pub mod admin;
pub mod admin_audit;
pub mod admin_inbound;
pub mod admin_outbox;
pub mod assets;
pub mod attendance_stats;
pub mod audit_who;
pub mod auth;
pub mod auth_extract;
pub mod checkin;
pub mod checkin_feed;
pub mod confirm;
pub mod csrf;
pub mod debates;
pub mod errors;
pub mod events;
pub mod forms;
pub mod guest_export;
pub mod guest_refresh;
pub mod home;
pub mod letters;
pub mod page;
pub mod paper_sheet;
pub mod profile;
pub mod reports;
pub mod review;
pub mod rsvp;
pub mod rsvp_moved;
pub mod security_headers;
pub mod sms;
pub mod venues;

use axum::Router;

use crate::AppState;

/// Every HTML route; the middleware is added by `crate::app`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(confirm::router())
        .merge(guest_export::router())
        .merge(guest_refresh::router())
        .merge(assets::router())
        .merge(auth::router())
        .merge(admin::router())
        .merge(admin_audit::router())
        .merge(admin_inbound::router())
        .merge(admin_outbox::router())
        .merge(profile::router())
        .merge(venues::router())
        .merge(actor_import::router())
        .merge(actor_privacy::router())
        .merge(actors::router())
        .merge(events::router())
        .merge(rsvp::router())
        .merge(letters::router())
        .merge(sms::router())
        .merge(checkin::router())
        .merge(paper_sheet::router())
        .merge(attendance_stats::router())
        .merge(debates::router())
        .merge(reports::router())
        .merge(review::router())
}
