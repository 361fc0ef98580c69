//! Who was at an event: check-in marks, walk-ins, headcounts and paper sheets.

pub mod stats;
