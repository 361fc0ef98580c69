//! The per-event counters the database's triggers keep with the rows (migration `event_tallies`), read back.

use std::collections::{BTreeMap, HashMap};

use entity::event_tally;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

/// Invitations by answer (`none`, `accepted`…); every invitation counts once here, so it gives the total.
pub const RESPONSE: &str = "response";
pub const DELIVERY: &str = "delivery";
pub const CHANNEL: &str = "channel";
pub const GENDER: &str = "gender";
pub const AGE_GROUP: &str = "age_group";
pub const CATEGORY: &str = "category";
/// Invitations whose actor may be emailed, under the value `yes`.
pub const EMAILABLE: &str = "emailable";
/// Outbox messages by status.
pub const OUTBOX: &str = "outbox";

/// One event's counters, dimension by dimension; a value nobody has is absent (a zero).
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    dims: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Tallies {
    /// The counts of one dimension, only the values that occur, as a grouped count would give them.
    pub fn dim(&self, dim: &str) -> BTreeMap<String, u64> {
        self.dims.get(dim).cloned().unwrap_or_default()
    }

    pub fn count(&self, dim: &str, value: &str) -> u64 {
        self.dims.get(dim).and_then(|d| d.get(value)).copied().unwrap_or(0)
    }

    /// How many guests the event has.
    pub fn guests(&self) -> u64 {
        self.dims.get(RESPONSE).map(|d| d.values().sum()).unwrap_or(0)
    }

    fn add(&mut self, row: event_tally::Model) {
        // Rows that came back to zero may stay in the table; they are no value anybody has.
        if let Ok(n) = u64::try_from(row.n)
            && n > 0
        {
            self.dims.entry(row.dim).or_default().insert(row.value, n);
        }
    }
}

/// How many guests the event has, from its counters (one dimension's rows, not the guest list).
pub async fn guest_count<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<u64> {
    Ok(of_event(db, event_id, &[RESPONSE]).await?.guests())
}

/// These dimensions of one event's counters: one read of the primary key's range, a handful of
/// rows whatever the guest list's length.
pub async fn of_event<C: ConnectionTrait>(db: &C, event_id: i32, dims: &[&str]) -> AppResult<Tallies> {
    Ok(of_events(db, &[event_id], dims)
        .await?
        .remove(&event_id)
        .unwrap_or_default())
}

/// These dimensions of these events' counters, in one statement; an event without any row gets
/// empty counters.
pub async fn of_events<C: ConnectionTrait>(
    db: &C,
    event_ids: &[i32],
    dims: &[&str],
) -> AppResult<HashMap<i32, Tallies>> {
    let mut out: HashMap<i32, Tallies> = event_ids.iter().map(|id| (*id, Tallies::default())).collect();
    if event_ids.is_empty() {
        return Ok(out);
    }
    let rows = event_tally::Entity::find()
        .filter(event_tally::Column::EventId.is_in(event_ids.to_vec()))
        .filter(event_tally::Column::Dim.is_in(dims.iter().copied()))
        .all(db)
        .await?;
    for row in rows {
        out.entry(row.event_id).or_default().add(row);
    }
    Ok(out)
}
