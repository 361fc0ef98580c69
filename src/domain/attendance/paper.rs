//! Typing a filled-in paper sign-in sheet back in: ticked guests and handwritten walk-in rows, all or nothing.

use serde::Serialize;

use super::record::{self, WalkIn};
use crate::domain::vocab::CheckinMethod;
use crate::error::{AppResult, FieldErrors};

/// A sheet as typed: the guests who signed, and the blank rows that were filled in.
#[derive(Clone, Debug, Default)]
pub struct PaperSheet {
    pub signed: Vec<i32>,
    /// Row number on the sheet (1-based) and what was written on it.
    pub rows: Vec<(usize, WalkIn)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PaperSummary {
    pub guests: u64,
    pub walk_ins: u64,
}

impl WalkIn {
    /// A row left blank on the sheet is skipped rather than refused.
    pub fn is_blank(&self) -> bool {
        let empty = |v: &Option<String>| v.as_deref().unwrap_or("").trim().is_empty();
        empty(&self.full_name)
            && empty(&self.organization)
            && self.gender.trim().is_empty()
            && self.age_group.trim().is_empty()
            && self.category.trim().is_empty()
    }
}

/// Records the sheet in one transaction; any bad row refuses the whole sheet, naming `rows.N.field`.
pub async fn apply(
    db: &sea_orm::DatabaseConnection,
    regions: &crate::domain::regions::Regions,
    event_id: i32,
    user_id: Option<i32>,
    sheet: &PaperSheet,
    who: &crate::domain::audit::Who,
) -> AppResult<PaperSummary> {
    super::open_event(db, event_id).await?;
    let mut errors = FieldErrors::new();
    let people: Vec<_> = sheet
        .rows
        .iter()
        .filter(|(_, row)| !row.is_blank())
        .map(|(n, row)| record::validate_walk_in(row, regions, &format!("rows.{n}."), &mut errors))
        .collect();
    errors.into_result(())?;
    let txn = crate::db::begin_write(db).await?;
    let guests = record::present_many(&txn, event_id, &sheet.signed, user_id).await?;
    for person in &people {
        record::insert_walk_in(&txn, event_id, person, user_id, CheckinMethod::Paper).await?;
    }
    // One entry per sheet: who signed is on the attendance rows themselves.
    let changes = crate::domain::audit::Changes::new()
        .note("mark", "paper")
        .note("signed", &sheet.signed)
        .note("guests_new", guests)
        .note("walk_ins", people.len());
    crate::domain::audit::record(&txn, who, "event", event_id, "checkin", changes).await?;
    txn.commit().await?;
    Ok(PaperSummary {
        guests,
        walk_ins: people.len() as u64,
    })
}
