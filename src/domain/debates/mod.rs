//! Debate records of an event: rapporteurs' notes and structured outcomes.
