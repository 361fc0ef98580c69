//! Editors' decisions on outcomes: accept (optionally editing the section), reject, defer or reopen,
//! always with a rationale, recorded in the outcome and in its history; final once published.

use std::collections::BTreeSet;

use chrono::Utc;
use entity::{event, outcome, outcome_decision};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use super::{ReviewedOutcome, undo};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::sections::{self, Section};
use crate::domain::text;
use crate::domain::users::User;
use crate::domain::vocab::OutcomeStatus;
use crate::error::{AppError, AppResult, FieldErrors};

/// A decision as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// `accepted`, `rejected`, `deferred`, or `open` to reverse an earlier decision.
    #[schema(min_length = 1)]
    pub decision: String,
    /// Why; required.
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub rationale: String,
    /// Accepting only: the section's new text, saved in the same step.
    #[serde(default)]
    pub section_body: Option<String>,
    /// The section version the new text started from; required with `section_body`.
    #[serde(default)]
    pub section_version: Option<i32>,
    /// Reopening an accepted outcome whose acceptance edited the section: `restore` puts back the
    /// text it replaced, `keep` (the default) leaves the section as it is; either is recorded.
    #[serde(default)]
    pub restore_section: Option<String>,
}

/// What a decision does to an outcome's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Reject,
    Defer,
    Reopen,
}

impl Verdict {
    pub fn parse(slug: &str) -> Option<Verdict> {
        match slug.trim() {
            "accepted" => Some(Verdict::Accept),
            "rejected" => Some(Verdict::Reject),
            "deferred" => Some(Verdict::Defer),
            "open" | "reopened" => Some(Verdict::Reopen),
            _ => None,
        }
    }

    fn status(self) -> OutcomeStatus {
        match self {
            Verdict::Accept => OutcomeStatus::Accepted,
            Verdict::Reject => OutcomeStatus::Rejected,
            Verdict::Defer => OutcomeStatus::Deferred,
            Verdict::Reopen => OutcomeStatus::Open,
        }
    }

    /// The word kept in the history: a reversal is recorded as `reopened`.
    fn recorded(self) -> &'static str {
        match self {
            Verdict::Reopen => "reopened",
            other => other.status().slug(),
        }
    }
}

struct ValidDecision {
    verdict: Verdict,
    rationale: String,
    edit: Option<(String, i32)>,
    restore: undo::Choice,
}

impl DecisionInput {
    fn validate(&self, outcome_ids: &[i32]) -> AppResult<ValidDecision> {
        let mut errors = FieldErrors::new();
        if outcome_ids.is_empty() {
            errors.add("outcome_ids", "review.select_outcomes");
        }
        let verdict = text::choice(&self.decision, Verdict::parse, "decision", &mut errors);
        let rationale = text::required(&self.rationale, "rationale", 10_000, &mut errors);
        let edit = match (&self.section_body, self.section_version) {
            (None, _) => None,
            (Some(body), version) => {
                let body = text::optional(body, "section_body", 200_000, &mut errors);
                if verdict.is_some_and(|v| v != Verdict::Accept) {
                    errors.add("section_body", "review.edit_needs_accept");
                }
                if version.is_none() {
                    errors.add("section_version", "validation.required");
                }
                Some((body, version.unwrap_or(0)))
            }
        };
        let restore = undo::Choice::parse(self.restore_section.as_deref(), &mut errors);
        if restore == undo::Choice::Restore && verdict.is_some_and(|v| v != Verdict::Reopen) {
            errors.add("restore_section", "undo.bad_choice");
        }
        errors.into_result(ValidDecision {
            verdict: verdict.unwrap_or(Verdict::Defer),
            rationale,
            edit,
            restore,
        })
    }
}

/// A refused section edit: the stored section and the text that was not saved.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StaleSection {
    /// The section as stored now.
    pub current: Section,
    /// The refused text.
    pub yours: String,
    /// The version the refused text started from.
    pub your_version: i32,
}

/// The result of a decision; the two refusals store nothing.
#[derive(Debug)]
pub enum Decided {
    Done(Vec<ReviewedOutcome>),
    /// The section moved on since the editor read it.
    Stale(Box<StaleSection>),
    /// A published version took this outcome on board; its decision stands.
    Final {
        outcome_id: i32,
        version: i32,
    },
}

/// Decides one or more outcomes together with one rationale, in one transaction: all or nothing.
/// With `report_id`, every outcome must come from an event of that report (404 otherwise).
/// `by` is `None` when the system decides (the demo loader).
pub async fn decide(
    db: &DatabaseConnection,
    report_id: Option<i32>,
    outcome_ids: &[i32],
    by: Option<&User>,
    input: &DecisionInput,
    who: &Who,
) -> AppResult<Decided> {
    let ids: BTreeSet<i32> = outcome_ids.iter().copied().collect();
    let valid = input.validate(outcome_ids)?;
    let txn = crate::db::begin_write(db).await?;
    let targets = outcome::Entity::find()
        .filter(outcome::Column::Id.is_in(ids.iter().copied()))
        .all(&txn)
        .await?;
    if targets.len() != ids.len() {
        return Err(AppError::NotFound);
    }
    if let Some(report_id) = report_id {
        let inside = event::Entity::find()
            .filter(event::Column::Id.is_in(targets.iter().map(|o| o.event_id)))
            .filter(event::Column::ReportId.eq(report_id))
            .all(&txn)
            .await?;
        if targets.iter().any(|o| !inside.iter().any(|e| e.id == o.event_id)) {
            return Err(AppError::NotFound);
        }
    }
    if let Some(o) = targets.iter().find(|o| o.report_version.is_some()) {
        return Ok(final_of(o));
    }
    let edit = match &valid.edit {
        None => None,
        Some((body, version)) => match edit_section(&txn, &targets, body, *version).await? {
            Ok(edit) => edit,
            Err(stale) => return Ok(Decided::Stale(Box::new(stale))),
        },
    };
    let mut decided = Vec::with_capacity(targets.len());
    for target in &targets {
        // Reopening: the acceptance's edit is undone when asked, and the choice recorded.
        let (undone, choice) = if valid.verdict == Verdict::Reopen {
            undo::apply(&txn, target.id, valid.restore).await?
        } else {
            (None, "")
        };
        let edit = undone.as_ref().or(edit.as_ref());
        match record(&txn, target, by, &valid, edit, choice).await? {
            Some(o) => decided.push(o),
            // Published between our read and our write: nothing of this transaction is kept.
            None => {
                let now = outcome::Entity::find_by_id(target.id).one(&txn).await?;
                return Ok(now.map(|o| final_of(&o)).unwrap_or(Decided::Final {
                    outcome_id: target.id,
                    version: 0,
                }));
            }
        }
    }
    record_audit(&txn, who, &targets, &valid, edit.as_ref()).await?;
    txn.commit().await?;
    Ok(Decided::Done(decided))
}

/// One entry per outcome decided, and one for the section text the decision replaced.
async fn record_audit(
    txn: &DatabaseTransaction,
    who: &Who,
    targets: &[outcome::Model],
    valid: &ValidDecision,
    edit: Option<&(String, String)>,
) -> AppResult<()> {
    for target in targets {
        let changes = Changes::new()
            .set("status", &target.status, valid.verdict.status().slug())
            .note("rationale", &valid.rationale);
        audit::record(txn, who, "outcome", target.id, "decide", changes).await?;
    }
    if let (Some((before, after)), Some(section_id)) = (edit, targets.first().and_then(|t| t.section_id)) {
        let changes = Changes::new().set("body", before, after);
        audit::record(txn, who, "section", section_id, "update", changes).await?;
    }
    Ok(())
}

fn final_of(o: &outcome::Model) -> Decided {
    Decided::Final {
        outcome_id: o.id,
        version: o.report_version.unwrap_or(0),
    }
}

/// Saves the accepted text over the version the editor read; the texts before and after, or
/// `None` when the text did not change. Every outcome must be about the one section edited.
async fn edit_section(
    txn: &DatabaseTransaction,
    targets: &[outcome::Model],
    body: &str,
    version: i32,
) -> AppResult<Result<Option<(String, String)>, StaleSection>> {
    let section_ids: BTreeSet<Option<i32>> = targets.iter().map(|o| o.section_id).collect();
    let Some(&Some(section_id)) = section_ids.iter().next().filter(|_| section_ids.len() == 1) else {
        let mut errors = FieldErrors::new();
        errors.add("section_body", "review.edit_one_section");
        return Err(AppError::Validation(errors));
    };
    let before = sections::get(txn, section_id).await?;
    if before.version == version && before.body == body {
        return Ok(Ok(None));
    }
    match sections::save_body(txn, section_id, version, body).await {
        Ok(after) => Ok(Ok(Some((before.body, after.body)))),
        Err(AppError::Conflict(key)) if key == "sections.stale" => Ok(Err(StaleSection {
            current: before,
            yours: body.to_string(),
            your_version: version,
        })),
        Err(other) => Err(other),
    }
}

/// Writes the decision on the outcome unless a version has taken it on board meanwhile
/// (`None` then), and appends it to the outcome's history.
async fn record(
    txn: &DatabaseTransaction,
    target: &outcome::Model,
    by: Option<&User>,
    valid: &ValidDecision,
    edit: Option<&(String, String)>,
    restore_choice: &str,
) -> AppResult<Option<ReviewedOutcome>> {
    let now = Utc::now();
    let reopened = valid.verdict == Verdict::Reopen;
    // A reopened outcome awaits a decision again; why it was reopened stays in its history.
    let model = outcome::ActiveModel {
        status: Set(valid.verdict.status().slug().into()),
        rationale: Set(if reopened {
            String::new()
        } else {
            valid.rationale.clone()
        }),
        decided_by: Set(if reopened { None } else { by.map(|u| u.id) }),
        decided_at: Set(if reopened { None } else { Some(now) }),
        ..Default::default()
    };
    let updated = outcome::Entity::update_many()
        .set(model)
        .filter(outcome::Column::Id.eq(target.id))
        .filter(outcome::Column::ReportVersion.is_null())
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    outcome_decision::ActiveModel {
        outcome_id: Set(target.id),
        decision: Set(valid.verdict.recorded().into()),
        rationale: Set(valid.rationale.clone()),
        section_id: Set(target.section_id),
        section_body_before: Set(edit.map(|(before, _)| before.clone())),
        section_body_after: Set(edit.map(|(_, after)| after.clone())),
        restore_choice: Set(restore_choice.to_string()),
        decided_by: Set(by.map(|u| u.id)),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let stored = outcome::Entity::find_by_id(target.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Some(stored.into()))
}
