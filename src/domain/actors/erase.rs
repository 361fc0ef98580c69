//! Erasure of an actor's personal data: what names or reaches them becomes "anonymised", while the
//! frozen figures on invitations and attendance rows stay, so past counts do not move.

use chrono::Utc;
use entity::{
    actor, actor_erasure, actor_import, attendance, audit_entry, debate_note, inbound_message, invitation,
    outbox_message, outcome,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set,
};
use serde::Serialize;

use super::export::{self, names};
use crate::domain::audit::{self, Who};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// What every erased name, contact and message body becomes, in every language.
pub const ANONYMISED: &str = "anonymised";

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Erasure {
    pub actor_id: i32,
    /// Rows changed, across tables (the actor's own row included).
    pub rows_anonymised: u64,
    /// The `.eml` files of the outbox to overwrite (file transport), by message file name.
    #[serde(skip)]
    pub outbox_files: Vec<String>,
    pub erased_at: chrono::DateTime<Utc>,
}

/// `text` with every spelling of the name found replaced; `None` when it does not name them.
fn scrub(text: &str, name: &str, folded: &str) -> Option<String> {
    if !names(text, folded) {
        return None;
    }
    let mut out = text.replace(name, ANONYMISED);
    for variant in [name.to_lowercase(), name.to_uppercase()] {
        out = out.replace(&variant, ANONYMISED);
    }
    // A spelling the replacements missed (other accents or case): the whole text goes.
    if names(&out, folded) {
        out = ANONYMISED.to_string();
    }
    Some(out)
}

/// Anonymises everything the export would show about the actor, in one transaction, and records
/// that it was done (who, when, how many rows) without what was erased.
pub async fn erase(db: &DatabaseConnection, actor_id: i32, by: Option<i32>, who: &Who) -> AppResult<Erasure> {
    let txn = crate::db::begin_write(db).await?;
    let already = actor_erasure::Entity::find()
        .filter(actor_erasure::Column::ActorId.eq(actor_id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict("privacy.already_erased".into()));
    }
    let h = export::holdings(&txn, actor_id).await?;
    let name = h.actor.full_name.clone();
    let folded = text::fold(&name);
    let mut changed: u64 = 0;
    // What the audit log filed under the person, or that quotes them, is scrubbed below.
    let mut filed: Vec<(&str, String)> = vec![("actor", actor_id.to_string())];
    filed.extend(h.invitations.iter().map(|i| ("invitation", i.id.to_string())));
    filed.extend(h.notes.iter().map(|n| ("debate_note", n.id.to_string())));
    filed.extend(h.outcomes.iter().map(|o| ("outcome", o.id.to_string())));
    let mut quoted: Vec<String> = vec![name.clone()];
    quoted.extend(h.actor.email.iter().cloned());
    quoted.extend(h.actor.phone.iter().cloned());

    let mut model: actor::ActiveModel = h.actor.clone().into();
    model.full_name = Set(ANONYMISED.into());
    model.honorific = Set(String::new());
    model.organization = Set(String::new());
    model.town = Set(String::new());
    model.email = Set(None);
    model.phone = Set(None);
    model.consent_contact = Set(false);
    model.notes = Set(String::new());
    model.search_text = Set(ANONYMISED.into());
    model.name_key = Set(ANONYMISED.into());
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    changed += 1;

    // Guests keep their frozen gender, age group, category and region: the counts stay.
    for inv in h.invitations {
        let mut model: invitation::ActiveModel = inv.clone().into();
        if !inv.response_comment.is_empty() {
            model.response_comment = Set(ANONYMISED.into());
        }
        // The list's copy of the name goes with the name.
        model.name_key = Set(ANONYMISED.into());
        // The answer link of a person who is gone must not work any more.
        model.rsvp_nonce = Set(None);
        model.rsvp_token_hash = Set(None);
        model.update(&txn).await?;
        changed += 1;
    }
    for row in h.attendance {
        let mut model: attendance::ActiveModel = row.into();
        model.full_name = Set(ANONYMISED.into());
        model.organization = Set(String::new());
        model.update(&txn).await?;
        changed += 1;
    }
    for note in h.notes {
        let mut model: debate_note::ActiveModel = note.clone().into();
        if names(&note.speaker_name, &folded) {
            model.speaker_name = Set(ANONYMISED.into());
        }
        if let Some(body) = scrub(&note.body, &name, &folded) {
            model.body = Set(body);
        }
        model.update(&txn).await?;
        changed += 1;
    }
    for o in h.outcomes {
        let mut model: outcome::ActiveModel = o.clone().into();
        if let Some(t) = scrub(&o.summary, &name, &folded) {
            model.summary = Set(t);
        }
        if let Some(t) = scrub(&o.proposed_text, &name, &folded) {
            model.proposed_text = Set(t);
        }
        if let Some(t) = scrub(&o.rationale, &name, &folded) {
            model.rationale = Set(t);
        }
        model.update(&txn).await?;
        changed += 1;
    }
    let mut outbox_files = Vec::new();
    for message in h.outbox {
        outbox_files.push(crate::mail::outbox::file_name(&message.message_id));
        let mut model: outbox_message::ActiveModel = message.into();
        model.recipient = Set(ANONYMISED.into());
        model.subject = Set(ANONYMISED.into());
        model.body = Set(ANONYMISED.into());
        model.last_error = Set(String::new());
        model.update(&txn).await?;
        changed += 1;
    }
    for message in h.inbound {
        let mut model: inbound_message::ActiveModel = message.into();
        model.sender = Set(ANONYMISED.into());
        model.subject = Set(ANONYMISED.into());
        model.detail = Set(ANONYMISED.into());
        model.update(&txn).await?;
        changed += 1;
    }
    // An import waiting for confirmation may still hold the line that created them.
    for staged in actor_import::Entity::find().all(&txn).await? {
        if let Some(content) = scrub(&staged.content, &name, &folded) {
            let mut model: actor_import::ActiveModel = staged.into();
            model.content = Set(content);
            model.update(&txn).await?;
            changed += 1;
        }
    }
    changed += scrub_audit(&txn, &filed, &quoted, &name, &folded).await?;
    let erased_at = Utc::now();
    audit::record(
        &txn,
        who,
        "actor",
        actor_id,
        "erase",
        audit::Changes::new().note("rows_anonymised", changed),
    )
    .await?;
    actor_erasure::ActiveModel {
        actor_id: Set(actor_id),
        erased_by: Set(by),
        rows_anonymised: Set(i32::try_from(changed).unwrap_or(i32::MAX)),
        erased_at: Set(erased_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Erasure {
        actor_id,
        rows_anonymised: changed,
        outbox_files,
        erased_at,
    })
}

/// Erases, then overwrites the outbox files the file transport wrote for them.
pub async fn erase_with_files(
    db: &DatabaseConnection,
    mailer: &crate::mail::Mailer,
    actor_id: i32,
    by: Option<i32>,
    who: &Who,
) -> AppResult<Erasure> {
    let erasure = erase(db, actor_id, by, who).await?;
    if let crate::mail::Mailer::Files(dir) = mailer {
        overwrite_outbox_files(dir, &erasure.outbox_files)
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::from(e)))?;
    }
    Ok(erasure)
}

/// The audit log keeps who did what, not the person's data: entries filed under them (their
/// directory entry, invitations, notes and outcomes about them) lose their changes, and entries
/// elsewhere that quote their name, email or phone have those replaced. Returns the rows changed.
async fn scrub_audit(
    txn: &DatabaseTransaction,
    filed: &[(&str, String)],
    quoted: &[String],
    name: &str,
    folded: &str,
) -> AppResult<u64> {
    let mut which = Condition::any();
    for (entity, id) in filed {
        which = which.add(
            Condition::all()
                .add(audit_entry::Column::Entity.eq(*entity))
                .add(audit_entry::Column::EntityId.eq(id.as_str())),
        );
    }
    for needle in quoted.iter().filter(|n| !n.is_empty()) {
        which = which.add(audit_entry::Column::Changes.contains(needle.as_str()));
    }
    let mut changed = 0;
    for entry in audit_entry::Entity::find().filter(which).all(txn).await? {
        let own = filed
            .iter()
            .any(|(entity, id)| entry.entity == *entity && entry.entity_id == *id);
        let mut text = entry.changes.clone();
        for needle in quoted.iter().filter(|n| !n.is_empty()) {
            text = text.replace(needle.as_str(), ANONYMISED);
        }
        if let Some(scrubbed) = scrub(&text, name, folded) {
            text = scrubbed;
        }
        // The person's own entries lose every value; a quote that left invalid JSON goes whole.
        if own || serde_json::from_str::<serde_json::Value>(&text).is_err() {
            text = r#"{"anonymised":[null,true]}"#.to_string();
        }
        if text != entry.changes {
            let mut model: audit_entry::ActiveModel = entry.into();
            model.changes = Set(text);
            model.update(txn).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Overwrites the outbox's `.eml` files of an erased actor (file transport only; a real SMTP
/// server keeps no copy here). Files already gone are fine.
pub async fn overwrite_outbox_files(dir: &std::path::Path, files: &[String]) -> std::io::Result<()> {
    for name in files {
        let path = dir.join(format!("{name}.eml"));
        match tokio::fs::metadata(&path).await {
            Ok(_) => tokio::fs::write(&path, ANONYMISED).await?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_scrubbed_in_any_case_and_other_text_is_left() {
        let folded = text::fold("Awa Koné");
        assert_eq!(
            scrub("Awa Koné a dit que AWA KONÉ viendra", "Awa Koné", &folded).as_deref(),
            Some("anonymised a dit que anonymised viendra")
        );
        assert_eq!(
            scrub("Awa Kone, sans accent", "Awa Koné", &folded).as_deref(),
            Some(ANONYMISED)
        );
        assert_eq!(scrub("Personne", "Awa Koné", &folded), None);
    }
}
