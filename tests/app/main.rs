//! End-to-end stories: the app runs on a random port against a real database.

mod dovecot;
mod helpers;
mod mailbox;
mod reply_shapes;

mod actors;
mod api_auth;
mod attendance_stats;
mod bounces;
mod browser;
mod checkin;
mod csrf;
mod debates;
mod delivery;
mod demo;
mod events;
mod inbound;
mod invitations;
mod language;
mod login;
mod openapi;
mod reports;
mod review;
mod roles;
mod sessions;
mod setup;
mod smtp;
mod smtp_selftest;
mod venues;
