//! The ordered sections of a report.
