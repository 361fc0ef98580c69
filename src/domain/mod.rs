//! Domain services: the rules of each aggregate and all database access.

pub mod actors;
pub mod api_tokens;
pub mod attendance;
pub mod calendar_feed;
pub mod csv_out;
pub mod debates;
pub mod events;
pub mod guests;
pub mod inbound_mail;
pub mod invitations;
pub mod jobs;
pub mod login;
pub mod paging;
pub mod passwords;
pub mod regions;
pub mod reports;
pub mod review;
pub mod rsvp;
pub mod secrets;
pub mod sections;
pub mod sessions;
pub mod text;
pub mod users;
pub mod venues;
pub mod versions;
pub mod vocab;
