//! Attendance statistics: breakdowns, totals, small-cell suppression, charts and exports.
