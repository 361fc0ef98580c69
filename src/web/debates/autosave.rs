//! The JSON side of the note form for `notes.js`: the page's session and CSRF header, the API's
//! shapes, and errors as JSON (a 401 stays a 401) so the script can keep the draft and say why.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;
use crate::api::ApiJson;
use crate::domain::debates::notes::{self, NoteInput, NoteUpdate, Saved, StaleNote};
use crate::domain::users::User;
use crate::error::{AppError, AppResult, RenderedError};
use crate::i18n::Lang;
use crate::web::auth_extract::{MaybeUser, Policy, Recorder};

/// A refused save: the usual error, plus both texts so the writer can merge them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NoteConflict {
    error: ConflictDetail,
    #[serde(flatten)]
    texts: StaleNote,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ConflictDetail {
    code: &'static str,
    message: &'static str,
}

/// The 409 of a stale note save, in the API's error shape.
pub fn stale_note_response(stale: StaleNote, lang: Lang) -> Response {
    let body = NoteConflict {
        error: ConflictDetail {
            code: "conflict",
            message: lang.t("debates.note_stale"),
        },
        texts: stale,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// The error as the API renders it; without its page marker, the HTML layer leaves it as JSON
/// instead of turning a 401 into a sign-in redirect the script could not tell from a success.
fn json_error(err: AppError) -> Response {
    let mut response = err.into_response();
    response.extensions_mut().remove::<RenderedError>();
    response
}

fn recorder(user: MaybeUser) -> AppResult<User> {
    let user = user.0.ok_or(AppError::Unauthorized)?.user;
    if !Recorder::allows(user.role) {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The first server copy of a new note.
pub async fn create_draft(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: MaybeUser,
    Path(id): Path<i32>,
    body: Result<ApiJson<NoteInput>, AppError>,
) -> Response {
    let saved = async {
        let user = recorder(user)?;
        let ApiJson(input) = body?;
        notes::create(&state.db, id, Some(user.id), &input, &who).await
    };
    match saved.await {
        Ok(note) => (StatusCode::CREATED, Json(note)).into_response(),
        Err(err) => json_error(err),
    }
}

/// An autosave over the version the page started from; 409 with both texts when stale.
pub async fn save_draft(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: MaybeUser,
    Path((id, note)): Path<(i32, i32)>,
    body: Result<ApiJson<NoteUpdate>, AppError>,
) -> Response {
    let saved = async {
        let user = recorder(user)?;
        let ApiJson(update) = body?;
        let lang = user.language.unwrap_or_default();
        Ok::<_, AppError>((notes::update(&state.db, id, note, &user, &update, &who).await?, lang))
    };
    match saved.await {
        Ok((Saved::Done(note), _)) => Json(note).into_response(),
        Ok((Saved::Stale(stale), lang)) => stale_note_response(*stale, lang),
        Err(err) => json_error(err),
    }
}
