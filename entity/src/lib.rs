//! sea-orm entities of Toguna, one module per table.

pub mod actor;
pub mod actor_import;
pub mod api_token;
pub mod app_setting;
pub mod event;
pub mod invitation;
pub mod login_attempt;
pub mod outbox_message;
pub mod report;
pub mod session;
pub mod user;
pub mod venue;
