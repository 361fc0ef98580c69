//! Everything Toguna holds about one actor, gathered for an access request (and for erasure).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{
    actor, actor_erasure, attendance, audit_entry, debate_note, inbound_message, invitation, outbox_message, outcome,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::Value;

use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Columns never exported: they would let the file's reader answer in the person's name.
const SECRET_COLUMNS: [&str; 2] = ["rsvp_nonce", "rsvp_token_hash"];

/// The rows held about one actor, found once for both the export and the erasure, so that an
/// erasure covers exactly what an export shows.
pub struct Holdings {
    pub actor: actor::Model,
    pub invitations: Vec<invitation::Model>,
    /// Their invitations' presence marks, and walk-ins typed in under the same name.
    pub attendance: Vec<attendance::Model>,
    /// Notes naming them as the speaker or in the text.
    pub notes: Vec<debate_note::Model>,
    /// Outcomes whose summary, proposed text or rationale names them.
    pub outcomes: Vec<outcome::Model>,
    pub outbox: Vec<outbox_message::Model>,
    pub inbound: Vec<inbound_message::Model>,
}

/// Whether `text` names the person (accent- and case-insensitive).
pub fn names(text: &str, folded_name: &str) -> bool {
    !folded_name.is_empty() && text::fold(text).contains(folded_name)
}

pub async fn holdings<C: ConnectionTrait>(db: &C, actor_id: i32) -> AppResult<Holdings> {
    let actor = actor::Entity::find_by_id(actor_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = text::fold(&actor.full_name);
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::ActorId.eq(actor_id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = invitations.iter().map(|i| i.id).collect();
    let attendance = attendance::Entity::find()
        .filter(
            Condition::any()
                .add(attendance::Column::InvitationId.is_in(ids.clone()))
                .add(
                    Condition::all()
                        .add(attendance::Column::InvitationId.is_null())
                        .add(attendance::Column::FullName.eq(actor.full_name.as_str())),
                ),
        )
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?;
    // Free text cannot be searched accent-insensitively in SQL on both databases: read and fold.
    let notes = debate_note::Entity::find()
        .order_by_asc(debate_note::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|n| names(&n.speaker_name, &name) || names(&n.body, &name))
        .collect();
    let outcomes = outcome::Entity::find()
        .order_by_asc(outcome::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|o| {
            [&o.summary, &o.proposed_text, &o.rationale]
                .iter()
                .any(|t| names(t, &name))
        })
        .collect();
    let mut by_mail = Condition::any().add(outbox_message::Column::InvitationId.is_in(ids.clone()));
    let mut from_them = Condition::any().add(inbound_message::Column::InvitationId.is_in(ids.clone()));
    if let Some(email) = actor.email.as_deref().filter(|e| !e.is_empty()) {
        by_mail = by_mail.add(outbox_message::Column::Recipient.contains(email));
        from_them = from_them.add(inbound_message::Column::Sender.contains(email));
    }
    let outbox = outbox_message::Entity::find()
        .filter(by_mail)
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await?;
    let inbound = inbound_message::Entity::find()
        .filter(from_them)
        .order_by_asc(inbound_message::Column::Id)
        .all(db)
        .await?;
    Ok(Holdings {
        actor,
        invitations,
        attendance,
        notes,
        outcomes,
        outbox,
        inbound,
    })
}

/// The access file: one JSON object, one key per kind of record.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ActorExport {
    /// `toguna-actor-export/1`.
    pub format: &'static str,
    pub exported_at: DateTime<Utc>,
    /// Section name → the rows as stored (`actor`, `invitations`, `attendance`, `debate_notes`,
    /// `outcomes`, `outbox_messages`, `inbound_messages`, `erasures`), secrets left out.
    #[schema(value_type = Object)]
    pub sections: BTreeMap<&'static str, Value>,
}

/// Every row as its stored JSON, secret columns removed.
fn rows<M: sea_orm::ModelTrait>(models: &[M]) -> Value {
    Value::Array(models.iter().map(|m| clean(json_of(m))).collect())
}

fn json_of<M: sea_orm::ModelTrait>(model: &M) -> Value {
    use sea_orm::{IdenStatic, Iterable};
    let mut out = serde_json::Map::new();
    for column in <M::Entity as EntityTrait>::Column::iter() {
        let value = model.get(column);
        out.insert(column.as_str().to_string(), value_json(value));
    }
    Value::Object(out)
}

fn value_json(value: sea_orm::Value) -> Value {
    sea_orm::sea_query::value::sea_value_to_json_value(&value)
}

fn clean(mut row: Value) -> Value {
    if let Value::Object(map) = &mut row {
        for secret in SECRET_COLUMNS {
            map.remove(secret);
        }
    }
    row
}

/// Everything held about the actor. Adding a kind of record is one line in `sections`.
pub async fn export<C: ConnectionTrait>(db: &C, actor_id: i32) -> AppResult<ActorExport> {
    let h = holdings(db, actor_id).await?;
    let erasures = actor_erasure::Entity::find()
        .filter(actor_erasure::Column::ActorId.eq(actor_id))
        .all(db)
        .await?;
    // The audit log's entries filed under the actor or under one of their invitations.
    let mut filed = Condition::any().add(
        Condition::all()
            .add(audit_entry::Column::Entity.eq("actor"))
            .add(audit_entry::Column::EntityId.eq(actor_id.to_string())),
    );
    for inv in &h.invitations {
        filed = filed.add(
            Condition::all()
                .add(audit_entry::Column::Entity.eq("invitation"))
                .add(audit_entry::Column::EntityId.eq(inv.id.to_string())),
        );
    }
    let audit = audit_entry::Entity::find()
        .filter(filed)
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?;
    let sections = BTreeMap::from([
        ("actor", clean(json_of(&h.actor))),
        ("invitations", rows(&h.invitations)),
        ("attendance", rows(&h.attendance)),
        ("debate_notes", rows(&h.notes)),
        ("outcomes", rows(&h.outcomes)),
        ("outbox_messages", rows(&h.outbox)),
        ("inbound_messages", rows(&h.inbound)),
        ("erasures", rows(&erasures)),
        ("audit_entries", rows(&audit)),
    ]);
    Ok(ActorExport {
        format: "toguna-actor-export/1",
        exported_at: Utc::now(),
        sections,
    })
}
