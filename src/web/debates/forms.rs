//! The note and outcome forms as typed, and what the page needs to show them again.

use serde::Deserialize;

use crate::domain::debates::notes::{Note, NoteInput, NoteUpdate};
use crate::domain::debates::outcomes::{Outcome, OutcomeInput, OutcomeUpdate};
use crate::error::FieldErrors;
use crate::i18n::Lang;
use crate::web::forms::FormErrors;

/// The note form as typed; `version` is the one the text started from.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub topic: String,
    pub body: String,
    pub speaker_category: String,
    pub speaker_name: String,
    pub speaker_agreed: String,
    pub version: String,
}

impl NoteForm {
    fn from_note(n: &Note) -> Self {
        NoteForm {
            topic: n.topic.clone(),
            body: n.body.clone(),
            speaker_category: n.speaker_category.map(|c| c.slug().to_string()).unwrap_or_default(),
            speaker_agreed: if n.speaker_name.is_empty() { "" } else { "on" }.into(),
            speaker_name: n.speaker_name.clone(),
            version: n.version.to_string(),
        }
    }

    pub fn input(&self) -> NoteInput {
        NoteInput {
            topic: self.topic.clone(),
            body: self.body.clone(),
            speaker_category: self.speaker_category.clone(),
            speaker_name: self.speaker_name.clone(),
            speaker_agreed: !self.speaker_agreed.is_empty(),
        }
    }

    /// A missing or garbled version counts as 0, which is always stale: nothing is overwritten.
    pub fn update(&self) -> NoteUpdate {
        NoteUpdate {
            note: self.input(),
            version: self.version.trim().parse().unwrap_or(0),
        }
    }
}

/// The note being written: a new one, or note `id`.
#[derive(Default)]
pub struct NoteEditor {
    pub id: Option<i32>,
    /// When the stored note last changed (ms), so the script can tell a newer local draft.
    pub updated_ms: i64,
    pub form: NoteForm,
    pub errors: FormErrors,
    /// The stored note when a save was refused as stale: shown beside the writer's text.
    pub stale: Option<Note>,
}

impl NoteEditor {
    pub fn of(note: &Note) -> Self {
        NoteEditor {
            id: Some(note.id),
            updated_ms: note.updated_at.timestamp_millis(),
            form: NoteForm::from_note(note),
            ..Default::default()
        }
    }

    pub fn refused(id: Option<i32>, form: NoteForm, errors: &FieldErrors, lang: Lang) -> Self {
        NoteEditor {
            id,
            form,
            errors: FormErrors::from_fields(errors, lang),
            ..Default::default()
        }
    }

    /// The writer's text stays in the form, now based on the stored version: saving it again
    /// after reading both is a deliberate choice.
    pub fn stale(current: Note, form: NoteForm) -> Self {
        NoteEditor {
            id: Some(current.id),
            updated_ms: current.updated_at.timestamp_millis(),
            form: NoteForm {
                version: current.version.to_string(),
                ..form
            },
            errors: FormErrors::default(),
            stale: Some(current),
        }
    }
}

/// The outcome form as typed; `voiced_by` repeats once per ticked category.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutcomeForm {
    pub section_id: String,
    pub kind: String,
    pub summary: String,
    pub proposed_text: String,
    pub voiced_by: Vec<String>,
    pub agreement: String,
    pub version: String,
}

impl OutcomeForm {
    fn from_outcome(o: &Outcome) -> Self {
        OutcomeForm {
            section_id: o.section_id.map(|s| s.to_string()).unwrap_or_default(),
            kind: o.kind.slug().into(),
            summary: o.summary.clone(),
            proposed_text: o.proposed_text.clone(),
            voiced_by: o.voiced_by.iter().map(|c| c.slug().to_string()).collect(),
            agreement: o.agreement.slug().into(),
            version: o.version.to_string(),
        }
    }

    pub fn input(&self) -> OutcomeInput {
        let section_id = match self.section_id.trim() {
            "" => None,
            // A value that is no number is no section of the report either; the domain says so.
            raw => Some(raw.parse().unwrap_or(-1)),
        };
        OutcomeInput {
            section_id,
            kind: self.kind.clone(),
            summary: self.summary.clone(),
            proposed_text: self.proposed_text.clone(),
            voiced_by: self.voiced_by.clone(),
            agreement: self.agreement.clone(),
        }
    }

    pub fn update(&self) -> OutcomeUpdate {
        OutcomeUpdate {
            outcome: self.input(),
            version: self.version.trim().parse().unwrap_or(0),
        }
    }
}

/// The outcome being recorded: a new one, or outcome `id`.
#[derive(Default)]
pub struct OutcomeEditor {
    pub id: Option<i32>,
    pub form: OutcomeForm,
    pub errors: FormErrors,
}

impl OutcomeEditor {
    pub fn of(outcome: &Outcome) -> Self {
        OutcomeEditor {
            id: Some(outcome.id),
            form: OutcomeForm::from_outcome(outcome),
            errors: FormErrors::default(),
        }
    }

    pub fn refused(id: Option<i32>, form: OutcomeForm, errors: &FieldErrors, lang: Lang) -> Self {
        OutcomeEditor {
            id,
            form,
            errors: FormErrors::from_fields(errors, lang),
        }
    }
}
