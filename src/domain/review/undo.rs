//! Undoing an accepted decision's section edit: what reopening would restore, shown as a diff,
//! and the restore itself when the editor chooses it.

use entity::{outcome, outcome_decision};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::domain::sections;
use crate::domain::versions::diff::{self, Segment};
use crate::domain::vocab::OutcomeStatus;
use crate::error::{AppError, AppResult, FieldErrors};

/// What the editor chose about the text an accepted decision replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Restore,
    Keep,
}

impl Choice {
    /// `restore` or `keep`; absent means keep, as before this choice existed.
    pub fn parse(raw: Option<&str>, errors: &mut FieldErrors) -> Choice {
        match raw.map(str::trim) {
            None | Some("") | Some("keep") => Choice::Keep,
            Some("restore") => Choice::Restore,
            Some(_) => {
                errors.add("restore_section", "undo.bad_choice");
                Choice::Keep
            }
        }
    }

    /// As recorded on the reopening decision.
    pub fn recorded(self) -> &'static str {
        match self {
            Choice::Restore => "restored",
            Choice::Keep => "kept",
        }
    }
}

/// The offer shown before reopening: the text the acceptance replaced, against the text now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UndoOffer {
    pub outcome_id: i32,
    pub section_id: i32,
    /// The section's text before the acceptance.
    pub replaced: String,
    /// The section's text now.
    pub current: String,
    /// Word diff from the current text to the restored one.
    pub diff: Vec<Segment>,
    /// The section was edited again after the acceptance: restoring undoes those edits too.
    pub moved_on: bool,
}

/// The offer for an accepted outcome whose acceptance edited its section; `None` otherwise.
pub async fn offer<C: ConnectionTrait>(db: &C, outcome_id: i32) -> AppResult<Option<UndoOffer>> {
    let o = outcome::Entity::find_by_id(outcome_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if o.status != OutcomeStatus::Accepted.slug() || o.report_version.is_some() {
        return Ok(None);
    }
    let Some(accepted) = last_acceptance(db, outcome_id).await? else {
        return Ok(None);
    };
    let (Some(section_id), Some(replaced), Some(after)) = (
        accepted.section_id,
        accepted.section_body_before,
        accepted.section_body_after,
    ) else {
        return Ok(None);
    };
    let current = sections::get(db, section_id).await?;
    Ok(Some(UndoOffer {
        outcome_id,
        section_id,
        diff: diff::words(&current.body, &replaced),
        moved_on: current.body != after,
        replaced,
        current: current.body,
    }))
}

async fn last_acceptance<C: ConnectionTrait>(db: &C, outcome_id: i32) -> AppResult<Option<outcome_decision::Model>> {
    Ok(outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.eq(outcome_id))
        .order_by_desc(outcome_decision::Column::Id)
        .one(db)
        .await?
        .filter(|d| d.decision == OutcomeStatus::Accepted.slug()))
}

/// Inside the reopening transaction: restores the replaced text when chosen. Returns the texts
/// before and after the restore (to record), and the choice to record when there was an edit.
pub async fn apply(
    txn: &DatabaseTransaction,
    outcome_id: i32,
    choice: Choice,
) -> AppResult<(Option<(String, String)>, &'static str)> {
    let Some(offer) = offer(txn, outcome_id).await? else {
        return Ok((None, ""));
    };
    if choice == Choice::Keep {
        return Ok((None, choice.recorded()));
    }
    let current = sections::get(txn, offer.section_id).await?;
    let restored = sections::save_body(txn, offer.section_id, current.version, &offer.replaced).await?;
    Ok((Some((current.body, restored.body)), choice.recorded()))
}
