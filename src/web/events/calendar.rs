//! The month calendar of events.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::AppState;
use crate::domain::events::Event;
use crate::domain::events::listing::{self};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Require};
use crate::web::errors::render;
use crate::web::page::Page;

/// A day of the month and the events on it.
type DayCell = (u32, Vec<Event>);

#[derive(Template)]
#[template(path = "events/calendar.html")]
struct CalendarPage {
    page: Page,
    month: NaiveDate,
    previous: String,
    next: String,
    weeks: Vec<Vec<Option<DayCell>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MonthQuery {
    month: Option<String>,
}

impl CalendarPage {
    fn month_name(&self) -> &'static str {
        self.page.t(&format!("month.{}", self.month.format("%m")))
    }
}

pub(super) async fn show_calendar(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let month = listing::month_start(q.month.as_deref());
    let events = listing::in_month(&state.db, month).await?;
    let weeks = month_grid(month, &events);
    let previous = month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(month)
        .format("%Y-%m")
        .to_string();
    let next = month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(month)
        .format("%Y-%m")
        .to_string();
    Ok(render(&CalendarPage {
        page,
        month,
        previous,
        next,
        weeks,
    }))
}

/// Weeks from Monday; each day holds the events happening on it in their own zone.
fn month_grid(first: NaiveDate, events: &[Event]) -> Vec<Vec<Option<DayCell>>> {
    let lead = first.weekday().num_days_from_monday() as usize;
    let days_in_month = first
        .checked_add_months(chrono::Months::new(1))
        .map(|n| (n - first).num_days())
        .unwrap_or(30) as u32;
    let mut cells: Vec<Option<DayCell>> = vec![None; lead];
    for day in 1..=days_in_month {
        let date = first.with_day(day).unwrap_or(first);
        let todays = events
            .iter()
            .filter(|e| e.local_start().date_naive() <= date && e.local_end().date_naive() >= date)
            .cloned()
            .collect();
        cells.push(Some((day, todays)));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    cells.chunks(7).map(<[_]>::to_vec).collect()
}
