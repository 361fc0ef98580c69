//! Attendance figures: invited vs present, disaggregated, with small cells hidden where published.
