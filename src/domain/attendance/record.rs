//! Recording a check-in mark: a guest present (or not after all), a walk-in, a headcount grid.
//! A mark may carry the client's id for it; a mark whose id was already received is not applied again,
//! which makes resending safe for a phone that lost its connection mid-request.

use chrono::Utc;
use entity::{actor, attendance, attendance_mark, invitation};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};
use serde::{Deserialize, Serialize};

use super::present_count;
use crate::domain::audit::{self, Changes, Who};
use crate::domain::regions::Regions;
use crate::domain::text;
use crate::domain::vocab::{ActorCategory, AgeGroup, CheckinMethod, Gender};
use crate::error::{AppError, AppResult, FieldErrors};

/// A mark as sent by the check-in page or an API client.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Mark {
    /// Made by the client (a UUID); the same id sent again is stored once.
    pub client_id: Option<String>,
    /// An invited guest: marked present, or unmarked with `undo`.
    pub invitation_id: Option<i32>,
    /// A guest by the code of their QR code (from the invitation email or letter).
    pub checkin_code: Option<String>,
    /// A walk-in or headcount row to remove, with `undo`.
    pub attendance_id: Option<i32>,
    pub undo: bool,
    /// `list` (default) or `qr`, for a guest.
    pub method: Option<String>,
    pub walk_in: Option<WalkIn>,
    pub headcount: Option<Headcount>,
}

/// Someone who came without an invitation; only the disaggregation is required.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WalkIn {
    pub full_name: Option<String>,
    pub organization: Option<String>,
    pub gender: String,
    pub age_group: String,
    pub category: String,
    pub region: Option<String>,
}

/// A crowd counted without names: category × gender × age group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Headcount {
    pub region: Option<String>,
    pub cells: Vec<HeadcountCell>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HeadcountCell {
    pub category: String,
    pub gender: String,
    pub age_group: String,
    pub count: i64,
}

/// What became of a mark.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MarkResult {
    /// `recorded`, or `repeated` when the client id had been received before (nothing changed).
    pub status: &'static str,
    /// The attendance row created or found, if any.
    pub attendance_id: Option<i32>,
    /// The guest was already marked present (by list, QR or paper): counted once.
    pub already_present: bool,
    /// People now present at the event.
    pub present: i64,
}

impl MarkResult {
    pub fn repeated(&self) -> bool {
        self.status == "repeated"
    }
}

const MAX_HEADCOUNT_CELL: i64 = 10_000;

/// Applies one mark in one transaction, at most once per client id.
pub async fn apply(
    db: &DatabaseConnection,
    secret: &[u8],
    regions: &Regions,
    event_id: i32,
    user_id: Option<i32>,
    mark: &Mark,
    who: &Who,
) -> AppResult<MarkResult> {
    super::open_event(db, event_id).await?;
    let action = validate(mark, secret, regions)?;
    let txn = crate::db::begin_write(db).await?;
    if let Some(client_id) = &mark.client_id
        && !claim_client_id(&txn, event_id, client_id, action.slug()).await?
    {
        txn.rollback().await?;
        let previous = attendance_mark::Entity::find()
            .filter(attendance_mark::Column::EventId.eq(event_id))
            .filter(attendance_mark::Column::ClientId.eq(client_id.as_str()))
            .one(db)
            .await?;
        return Ok(MarkResult {
            status: "repeated",
            attendance_id: previous.and_then(|m| m.attendance_id),
            already_present: false,
            present: present_count(db, event_id).await?,
        });
    }
    let action_slug = if mark.undo { "undo" } else { action.slug() };
    let (attendance_id, already_present) = match action {
        Action::Present(invitation_id, method) => present(&txn, event_id, invitation_id, method, user_id).await?,
        Action::UndoGuest(invitation_id) => {
            attendance::Entity::delete_many()
                .filter(attendance::Column::EventId.eq(event_id))
                .filter(attendance::Column::InvitationId.eq(invitation_id))
                .exec(&txn)
                .await?;
            (None, false)
        }
        Action::UndoRow(attendance_id) => {
            attendance::Entity::delete_many()
                .filter(attendance::Column::EventId.eq(event_id))
                .filter(attendance::Column::Id.eq(attendance_id))
                .exec(&txn)
                .await?;
            (None, false)
        }
        Action::WalkIn(person) => (
            Some(insert_walk_in(&txn, event_id, &person, user_id, CheckinMethod::WalkIn).await?),
            false,
        ),
        Action::Headcount(region, cells) => (insert_headcount(&txn, event_id, &region, &cells, user_id).await?, false),
    };
    if let Some(client_id) = &mark.client_id
        && let Some(id) = attendance_id
    {
        attendance_mark::Entity::update_many()
            .col_expr(
                attendance_mark::Column::AttendanceId,
                sea_orm::sea_query::Expr::value(id),
            )
            .filter(attendance_mark::Column::EventId.eq(event_id))
            .filter(attendance_mark::Column::ClientId.eq(client_id.as_str()))
            .exec(&txn)
            .await?;
    }
    let present = present_count(&txn, event_id).await?;
    // Filed under the event, so its history shows every mark and correction made at the desk.
    let changes = Changes::created(mark)
        .note("mark", action_slug)
        .note("attendance_id", attendance_id)
        .note("already_present", already_present);
    audit::record(&txn, who, "event", event_id, "checkin", changes).await?;
    txn.commit().await?;
    Ok(MarkResult {
        status: "recorded",
        attendance_id,
        already_present,
        present,
    })
}

/// A checked mark, ready to apply.
enum Action {
    Present(i32, CheckinMethod),
    UndoGuest(i32),
    UndoRow(i32),
    WalkIn(ValidWalkIn),
    Headcount(String, Vec<(ActorCategory, Gender, AgeGroup, i32)>),
}

impl Action {
    fn slug(&self) -> &'static str {
        match self {
            Action::Present(..) => "present",
            Action::UndoGuest(_) | Action::UndoRow(_) => "undo",
            Action::WalkIn(_) => "walk_in",
            Action::Headcount(..) => "headcount",
        }
    }
}

fn validate(mark: &Mark, secret: &[u8], regions: &Regions) -> AppResult<Action> {
    let mut errors = FieldErrors::new();
    if let Some(client_id) = &mark.client_id
        && (client_id.trim().is_empty() || client_id.len() > 64)
    {
        errors.add("client_id", "checkin.bad_client_id");
    }
    let kinds = [
        mark.invitation_id.is_some(),
        mark.checkin_code.is_some(),
        mark.attendance_id.is_some(),
        mark.walk_in.is_some(),
        mark.headcount.is_some(),
    ]
    .iter()
    .filter(|set| **set)
    .count();
    if kinds != 1 {
        errors.add("invitation_id", "checkin.one_kind");
        return Err(AppError::Validation(errors));
    }
    let action = if let Some(code) = &mark.checkin_code {
        match crate::domain::invitations::parse_checkin_code(secret, code) {
            Some(invitation_id) if mark.undo => Action::UndoGuest(invitation_id),
            Some(invitation_id) => Action::Present(invitation_id, CheckinMethod::Qr),
            None => {
                errors.add("checkin_code", "checkin.bad_code");
                return Err(AppError::Validation(errors));
            }
        }
    } else if let Some(invitation_id) = mark.invitation_id {
        if mark.undo {
            Action::UndoGuest(invitation_id)
        } else {
            let method = match mark.method.as_deref().unwrap_or("list") {
                "list" => CheckinMethod::List,
                "qr" => CheckinMethod::Qr,
                "paper" => CheckinMethod::Paper,
                _ => {
                    errors.add("method", "validation.choice");
                    CheckinMethod::List
                }
            };
            Action::Present(invitation_id, method)
        }
    } else if let Some(attendance_id) = mark.attendance_id {
        if !mark.undo {
            errors.add("undo", "checkin.undo_only");
        }
        Action::UndoRow(attendance_id)
    } else if let Some(walk_in) = &mark.walk_in {
        Action::WalkIn(validate_walk_in(walk_in, regions, "walk_in.", &mut errors))
    } else if let Some(headcount) = &mark.headcount {
        validate_headcount(headcount, regions, &mut errors)
    } else {
        // Unreachable after the count above; refused as the same input error rather than a panic.
        errors.add("invitation_id", "checkin.one_kind");
        return Err(AppError::Validation(errors));
    };
    errors.into_result(action)
}

/// A walk-in whose fields passed validation.
#[derive(Clone, Debug)]
pub struct ValidWalkIn {
    pub full_name: String,
    pub organization: String,
    pub gender: Gender,
    pub age_group: AgeGroup,
    pub category: ActorCategory,
    pub region: String,
}

/// Checks a walk-in; errors are named `<prefix><field>` (e.g. `walk_in.gender`, `rows.3.gender`).
pub fn validate_walk_in(input: &WalkIn, regions: &Regions, prefix: &str, errors: &mut FieldErrors) -> ValidWalkIn {
    let field = |name: &str| format!("{prefix}{name}");
    let full_name = text::optional_line(
        input.full_name.as_deref().unwrap_or(""),
        &field("full_name"),
        200,
        errors,
    );
    let organization = text::optional_line(
        input.organization.as_deref().unwrap_or(""),
        &field("organization"),
        200,
        errors,
    );
    let region = regions.check(input.region.as_deref().unwrap_or(""), &field("region"), errors);
    let gender = Gender::parse(&input.gender).unwrap_or_else(|| {
        errors.add(&field("gender"), "validation.choice");
        Gender::Unspecified
    });
    let age_group = AgeGroup::parse(&input.age_group).unwrap_or_else(|| {
        errors.add(&field("age_group"), "validation.choice");
        AgeGroup::Unspecified
    });
    let category = ActorCategory::parse(&input.category).unwrap_or_else(|| {
        errors.add(&field("category"), "validation.choice");
        ActorCategory::Other
    });
    ValidWalkIn {
        full_name,
        organization,
        gender,
        age_group,
        category,
        region,
    }
}

fn validate_headcount(input: &Headcount, regions: &Regions, errors: &mut FieldErrors) -> Action {
    let region = regions.check(input.region.as_deref().unwrap_or(""), "headcount.region", errors);
    let mut cells = Vec::new();
    for (i, cell) in input.cells.iter().enumerate() {
        let field = |name: &str| format!("headcount.cells.{i}.{name}");
        let category = ActorCategory::parse(&cell.category);
        let gender = Gender::parse(&cell.gender);
        let age_group = AgeGroup::parse(&cell.age_group);
        if category.is_none() {
            errors.add(&field("category"), "validation.choice");
        }
        if gender.is_none() {
            errors.add(&field("gender"), "validation.choice");
        }
        if age_group.is_none() {
            errors.add(&field("age_group"), "validation.choice");
        }
        if !(0..=MAX_HEADCOUNT_CELL).contains(&cell.count) {
            errors.add(&field("count"), "checkin.bad_count");
        }
        if let (Some(c), Some(g), Some(a)) = (category, gender, age_group)
            && cell.count > 0
        {
            cells.push((c, g, a, cell.count as i32));
        }
    }
    if errors.is_empty() && cells.is_empty() {
        errors.add("headcount.cells", "checkin.empty_headcount");
    }
    Action::Headcount(region, cells)
}

/// Notes the client id; `false` when it was received before. Taken first, inside the
/// transaction, so two copies of one mark arriving together serialize on the unique index.
async fn claim_client_id(txn: &DatabaseTransaction, event_id: i32, client_id: &str, action: &str) -> AppResult<bool> {
    let row = attendance_mark::ActiveModel {
        event_id: Set(event_id),
        client_id: Set(client_id.trim().to_string()),
        action: Set(action.to_string()),
        attendance_id: Set(None),
        received_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = attendance_mark::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([attendance_mark::Column::EventId, attendance_mark::Column::ClientId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(inserted == 1)
}

/// Marks a guest present once; the invitation's frozen disaggregation is copied onto the mark.
async fn present(
    txn: &DatabaseTransaction,
    event_id: i32,
    invitation_id: i32,
    method: CheckinMethod,
    user_id: Option<i32>,
) -> AppResult<(Option<i32>, bool)> {
    let Some((invitation, Some(actor))) = invitation::Entity::find_by_id(invitation_id)
        .find_also_related(actor::Entity)
        .one(txn)
        .await?
    else {
        return Err(not_on_list(method));
    };
    if invitation.event_id != event_id {
        return Err(not_on_list(method));
    }
    if let Some(existing) = existing_for(txn, invitation_id).await? {
        return Ok((Some(existing), true));
    }
    let row = attendance::ActiveModel {
        event_id: Set(event_id),
        invitation_id: Set(Some(invitation_id)),
        full_name: Set(actor.full_name),
        organization: Set(actor.organization),
        // The copy frozen on the invitation, not the directory of today.
        gender: Set(invitation.gender),
        age_group: Set(invitation.age_group),
        category: Set(invitation.category),
        region: Set(invitation.region),
        people: Set(1),
        method: Set(method.slug().into()),
        recorded_by: Set(user_id),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    };
    // The unique index on invitation_id makes a concurrent second mark a no-op.
    attendance::Entity::insert(row)
        .on_conflict(
            OnConflict::column(attendance::Column::InvitationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok((existing_for(txn, invitation_id).await?, false))
}

/// The guest is not on this event's list; for a QR code, it belongs to another event.
fn not_on_list(method: CheckinMethod) -> AppError {
    let mut errors = FieldErrors::new();
    if method == CheckinMethod::Qr {
        errors.add("checkin_code", "checkin.other_event");
    } else {
        errors.add("invitation_id", "checkin.not_on_list");
    }
    AppError::Validation(errors)
}

async fn existing_for<C: ConnectionTrait>(db: &C, invitation_id: i32) -> AppResult<Option<i32>> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::InvitationId.eq(invitation_id))
        .one(db)
        .await?
        .map(|a| a.id))
}

/// Stores one walk-in; shared with the paper sheet.
pub async fn insert_walk_in<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    person: &ValidWalkIn,
    user_id: Option<i32>,
    method: CheckinMethod,
) -> AppResult<i32> {
    let row = attendance::ActiveModel {
        event_id: Set(event_id),
        invitation_id: Set(None),
        full_name: Set(person.full_name.clone()),
        organization: Set(person.organization.clone()),
        gender: Set(person.gender.slug().into()),
        age_group: Set(person.age_group.slug().into()),
        category: Set(person.category.slug().into()),
        region: Set(person.region.clone()),
        people: Set(1),
        method: Set(method.slug().into()),
        recorded_by: Set(user_id),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn insert_headcount(
    txn: &DatabaseTransaction,
    event_id: i32,
    region: &str,
    cells: &[(ActorCategory, Gender, AgeGroup, i32)],
    user_id: Option<i32>,
) -> AppResult<Option<i32>> {
    let now = Utc::now();
    let mut first = None;
    for (category, gender, age_group, count) in cells {
        let row = attendance::ActiveModel {
            event_id: Set(event_id),
            invitation_id: Set(None),
            full_name: Set(String::new()),
            organization: Set(String::new()),
            gender: Set(gender.slug().into()),
            age_group: Set(age_group.slug().into()),
            category: Set(category.slug().into()),
            region: Set(region.to_string()),
            people: Set(*count),
            method: Set(CheckinMethod::Headcount.slug().into()),
            recorded_by: Set(user_id),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        first.get_or_insert(row.id);
    }
    Ok(first)
}

/// Marks several guests present inside the caller's transaction (paper sheets); returns how many were new.
pub async fn present_many(
    txn: &DatabaseTransaction,
    event_id: i32,
    invitation_ids: &[i32],
    user_id: Option<i32>,
) -> AppResult<u64> {
    let mut added = 0;
    for id in invitation_ids {
        let (_, already) = present(txn, event_id, *id, CheckinMethod::Paper, user_id).await?;
        if !already {
            added += 1;
        }
    }
    Ok(added)
}
