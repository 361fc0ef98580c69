//! Rapporteurs' notes: per event and agenda topic, speakers by group, saved against a version.

use chrono::{DateTime, Utc};
use entity::debate_note;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::events;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::text;
use crate::domain::users::User;
use crate::domain::vocab::ActorCategory;
use crate::error::{AppError, AppResult, FieldErrors};

/// A note as shown and as returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Note {
    pub id: i32,
    pub event_id: i32,
    pub topic: String,
    /// Markdown.
    pub body: String,
    /// The group that spoke, when noted.
    pub speaker_category: Option<ActorCategory>,
    /// Empty unless the person agreed to be named.
    pub speaker_name: String,
    pub author_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<debate_note::Model> for Note {
    fn from(m: debate_note::Model) -> Self {
        Note {
            id: m.id,
            event_id: m.event_id,
            speaker_category: ActorCategory::parse(&m.speaker_category),
            topic: m.topic,
            body: m.body,
            speaker_name: m.speaker_name,
            author_id: m.author_id,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A note's fields as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NoteInput {
    /// The agenda topic; free text, often a report section's heading.
    pub topic: String,
    /// Markdown.
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub body: String,
    /// An actor category slug, or empty.
    pub speaker_category: String,
    /// A name is stored only together with `speaker_agreed: true`.
    pub speaker_name: String,
    /// The person agreed to be named in the record.
    pub speaker_agreed: bool,
}

/// An edit (or autosave) names the version it started from.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NoteUpdate {
    #[serde(flatten)]
    pub note: NoteInput,
    pub version: i32,
}

/// What a save did: stored, or refused because someone saved a newer version meanwhile.
pub enum Saved {
    Done(Note),
    Stale(Box<StaleNote>),
}

/// Both texts of a refused save, so the writer can merge by hand and nothing is lost.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StaleNote {
    /// The note as stored now.
    pub current: Note,
    /// What the refused save carried.
    pub yours: NoteInput,
    /// The version the refused save started from.
    pub your_version: i32,
}

/// The notes of one topic, oldest first.
#[derive(Clone, Debug)]
pub struct Topic {
    pub name: String,
    pub notes: Vec<Note>,
}

struct ValidNote {
    topic: String,
    body: String,
    speaker_category: String,
    speaker_name: String,
}

impl NoteInput {
    fn validate(&self) -> AppResult<ValidNote> {
        let mut errors = FieldErrors::new();
        let speaker_category = match self.speaker_category.trim() {
            "" => String::new(),
            slug => match ActorCategory::parse(slug) {
                Some(c) => c.slug().to_string(),
                None => {
                    errors.add("speaker_category", "validation.choice");
                    String::new()
                }
            },
        };
        let speaker_name = text::optional(&self.speaker_name, "speaker_name", 200, &mut errors);
        // Participants' safety: a name typed by habit is refused rather than quietly stored.
        if !speaker_name.is_empty() && !self.speaker_agreed {
            errors.add("speaker_name", "debates.name_needs_agreement");
        }
        let valid = ValidNote {
            topic: text::optional(&self.topic, "topic", 200, &mut errors),
            body: text::required(&self.body, "body", 100_000, &mut errors),
            speaker_category,
            speaker_name,
        };
        errors.into_result(valid)
    }
}

impl ValidNote {
    fn apply(self, mut model: debate_note::ActiveModel) -> debate_note::ActiveModel {
        model.topic = Set(self.topic);
        model.body = Set(self.body);
        model.speaker_category = Set(self.speaker_category);
        model.speaker_name = Set(self.speaker_name);
        model.updated_at = Set(Utc::now());
        model
    }
}

/// Records a note for an event (404 when the event does not exist).
pub async fn create(
    db: &DatabaseConnection,
    event_id: i32,
    author_id: Option<i32>,
    input: &NoteInput,
    who: &Who,
) -> AppResult<Note> {
    let valid = input.validate()?;
    events::get(db, event_id).await?;
    let model = debate_note::ActiveModel {
        event_id: Set(event_id),
        author_id: Set(author_id),
        version: Set(1),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let note = Note::from(valid.apply(model).insert(&txn).await?);
    audit::record(&txn, who, "debate_note", note.id, "create", Changes::created(&note)).await?;
    txn.commit().await?;
    Ok(note)
}

pub async fn get<C: sea_orm::ConnectionTrait>(db: &C, event_id: i32, id: i32) -> AppResult<Note> {
    debate_note::Entity::find_by_id(id)
        .filter(debate_note::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .map(Note::from)
        .ok_or(AppError::NotFound)
}

/// A note is its author's to change; admins may correct any, and notes loaded without an
/// author (demo, imports) are anyone's who records debates.
pub fn may_change(note: &Note, user: &User) -> bool {
    user.role.is_admin() || note.author_id.is_none_or(|id| id == user.id)
}

/// Saves over the version the writer started from; a newer stored version is never overwritten.
pub async fn update(
    db: &DatabaseConnection,
    event_id: i32,
    id: i32,
    by: &User,
    update: &NoteUpdate,
    who: &Who,
) -> AppResult<Saved> {
    let txn = crate::db::begin_write(db).await?;
    let existing = get(&txn, event_id, id).await?;
    if !may_change(&existing, by) {
        return Err(AppError::Forbidden);
    }
    let valid = update.note.validate()?;
    let mut model = valid.apply(Default::default());
    // Saturating: a made-up i32::MAX matches no stored version, so it is refused as stale.
    model.version = Set(update.version.saturating_add(1));
    // The version test and the write are one statement, so two saves cannot both pass it.
    let result = debate_note::Entity::update_many()
        .set(model)
        .filter(debate_note::Column::Id.eq(id))
        .filter(debate_note::Column::Version.eq(update.version))
        .exec(&txn)
        .await?;
    let current = get(&txn, event_id, id).await?;
    if result.rows_affected > 0 {
        audit::record(
            &txn,
            who,
            "debate_note",
            id,
            "update",
            Changes::diff(&existing, &current),
        )
        .await?;
    }
    txn.commit().await?;
    if result.rows_affected == 0 {
        return Ok(Saved::Stale(Box::new(StaleNote {
            current,
            yours: update.note.clone(),
            your_version: update.version,
        })));
    }
    Ok(Saved::Done(current))
}

/// Deletes a note its author (or an admin) no longer wants.
pub async fn delete(db: &DatabaseConnection, event_id: i32, id: i32, by: &User, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let existing = get(&txn, event_id, id).await?;
    if !may_change(&existing, by) {
        return Err(AppError::Forbidden);
    }
    debate_note::Entity::delete_by_id(existing.id).exec(&txn).await?;
    audit::record(&txn, who, "debate_note", id, "delete", Changes::deleted(&existing)).await?;
    txn.commit().await?;
    Ok(())
}

/// An event's notes by topic then time, a page at a time (the API list).
pub async fn list(db: &DatabaseConnection, event_id: i32, paging: PageQuery) -> AppResult<Paged<Note>> {
    events::get(db, event_id).await?;
    super::fetch_page(db, ordered(event_id), paging).await
}

/// Every note of an event grouped by topic, topics in alphabetical order (the debate page).
pub async fn by_topic(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<Topic>> {
    let mut topics: Vec<Topic> = Vec::new();
    for note in ordered(event_id).all(db).await?.into_iter().map(Note::from) {
        match topics.last_mut() {
            Some(last) if last.name == note.topic => last.notes.push(note),
            _ => topics.push(Topic {
                name: note.topic.clone(),
                notes: vec![note],
            }),
        }
    }
    Ok(topics)
}

fn ordered(event_id: i32) -> sea_orm::Select<debate_note::Entity> {
    debate_note::Entity::find()
        .filter(debate_note::Column::EventId.eq(event_id))
        .order_by_asc(debate_note::Column::Topic)
        .order_by_asc(debate_note::Column::CreatedAt)
        .order_by_asc(debate_note::Column::Id)
}
