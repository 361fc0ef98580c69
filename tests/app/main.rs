//! End-to-end stories: the app runs on a random port against a real database.

mod helpers;
mod mailbox;

mod absurd_input;
mod actors;
mod api_auth;
mod api_errors;
mod attendance_privacy;
mod attendance_stats;
mod backup;
mod body_limits;
mod browser;
mod checkin;
mod csrf;
mod csv_safety;
mod debates;
mod delivery;
mod demo;
mod events;
mod faults;
mod import_scale;
mod invitations;
mod language;
mod login;
mod openapi;
mod paging;
mod reports;
mod review;
mod roles;
mod sessions;
mod setup;
mod smtp;
mod smtp_selftest;
mod stale_versions;
mod venues;
