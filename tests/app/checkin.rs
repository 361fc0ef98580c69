//! Check-in on the event day: by list, by QR code, walk-ins, headcount grid, offline marks, paper sheets.
