//! Debate records of an event: rapporteurs' notes and structured outcomes.

pub mod markdown;
pub mod notes;
pub mod outcomes;

// Shared helpers that first lived here; other modules may still reach them by these paths.
pub(crate) use crate::domain::paging::fetch_page;
pub(crate) use crate::domain::text::choice;
