//! End-to-end stories: the app runs on a random port against a real database.

mod helpers;
mod mailbox;

mod actors;
mod api_auth;
mod attendance_stats;
mod browser;
mod checkin;
mod csrf;
mod debates;
mod delivery;
mod demo;
mod events;
mod invitations;
mod language;
mod login;
mod openapi;
mod reports;
mod review;
mod roles;
mod security_headers;
mod sessions;
mod setup;
mod slow_clients;
mod smtp;
mod smtp_selftest;
mod venues;
