//! sea-orm entities of Toguna, one module per table.

pub mod actor;
pub mod actor_import;
pub mod api_token;
pub mod app_setting;
pub mod attendance;
pub mod attendance_mark;
pub mod debate_note;
pub mod event;
pub mod inbound_mailbox;
pub mod inbound_message;
pub mod invitation;
pub mod job;
pub mod login_attempt;
pub mod outbox_message;
pub mod outcome;
pub mod outcome_decision;
pub mod report;
pub mod report_section;
pub mod report_version;
pub mod section_version;
pub mod session;
pub mod user;
pub mod venue;
pub mod version_participation;
