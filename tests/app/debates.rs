//! Debate records: notes with autosave, outcomes, roles and the completed-event lock.
