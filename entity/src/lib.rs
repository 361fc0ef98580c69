//! sea-orm entities of Toguna, one module per table.

pub mod api_token;
pub mod app_setting;
pub mod login_attempt;
pub mod session;
pub mod user;
pub mod venue;
