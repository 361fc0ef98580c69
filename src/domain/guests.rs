//! Guest lists: who is invited to an event, by hand, by selection or by filter, and who they are.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::{actor, invitation};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::domain::actors::Actor;
use crate::domain::actors::search::{self, ActorFilter};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::events;
use crate::domain::guest_list::{self, GuestFilter};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::tallies;
use crate::domain::vocab::{Channel, Delivery, EventStatus, Response};
use crate::error::{AppError, AppResult, FieldErrors};

/// One line of a guest list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Guest {
    pub id: i32,
    pub event_id: i32,
    pub actor_id: i32,
    pub channel: Channel,
    pub response: Response,
    pub responded_at: Option<chrono::DateTime<Utc>>,
    /// How the answer came: `web`, `phone`, `in_person`, `letter`, `calendar_app`; empty before any.
    pub responded_via: String,
    pub response_comment: String,
    pub delivery: Delivery,
    /// The invitee may be emailed: an address, consent to be contacted, and no permanent bounce.
    pub emailable: bool,
    /// The event's SEQUENCE the answer was given to; `null` before any answer.
    pub answered_sequence: Option<i32>,
    /// The answer was given to an earlier date or town: kept, but the guest is asked again.
    pub answer_to_reconfirm: bool,
    #[serde(skip)]
    pub actor: Option<Actor>,
}

pub(crate) fn guest(event: &events::Event, inv: invitation::Model, actor: Option<actor::Model>) -> Guest {
    let actor = actor.map(Actor::from);
    let response = Response::parse(&inv.response).unwrap_or(Response::None);
    Guest {
        answered_sequence: inv.answered_sequence,
        answer_to_reconfirm: events::moves::to_reconfirm(event, response, inv.answered_sequence),
        id: inv.id,
        event_id: inv.event_id,
        actor_id: inv.actor_id,
        channel: Channel::parse(&inv.channel).unwrap_or(Channel::Letter),
        response: Response::parse(&inv.response).unwrap_or(Response::None),
        responded_at: inv.responded_at,
        responded_via: inv.responded_via,
        response_comment: inv.response_comment,
        delivery: Delivery::parse(&inv.delivery).unwrap_or(Delivery::NotApplicable),
        emailable: actor.as_ref().is_some_and(Actor::reachable_by_email),
        actor,
    }
}

/// Who to add: explicit actors, or everyone matching a directory filter.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AddGuests {
    pub actor_ids: Vec<i32>,
    pub filter: Option<ActorFilter>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AddSummary {
    pub added: u64,
    pub already_invited: u64,
}

/// Adds actors once each; those already on the list are counted, not duplicated.
pub async fn add(db: &DatabaseConnection, event_id: i32, request: &AddGuests, who: &Who) -> AppResult<AddSummary> {
    let event = events::get(db, event_id).await?;
    if matches!(event.status, EventStatus::Cancelled | EventStatus::Completed) {
        return Err(AppError::Conflict("events.closed".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut ids = match &request.filter {
        Some(filter) => search::matching_ids(&txn, filter).await?,
        None => request.actor_ids.clone(),
    };
    ids.sort_unstable();
    ids.dedup();
    if request.filter.is_none() && ids.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("actor_ids", "guests.none_selected");
        return Err(AppError::Validation(errors));
    }
    let mut actors = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        actors.extend(
            actor::Entity::find()
                .filter(actor::Column::Id.is_in(chunk.to_vec()))
                .all(&txn)
                .await?,
        );
    }
    if actors.len() != ids.len() {
        let mut errors = FieldErrors::new();
        errors.add("actor_ids", "guests.unknown_actor");
        return Err(AppError::Validation(errors));
    }
    let before = count_for_event(&txn, event_id).await?;
    let now = Utc::now();
    let rows: Vec<invitation::ActiveModel> = actors
        .into_iter()
        .map(|a| {
            // Frozen now: the figures of this event never follow later edits of the directory.
            let frozen = (
                a.gender.clone(),
                a.age_group.clone(),
                a.category.clone(),
                a.region.clone(),
            );
            let name_key = a.name_key.clone();
            let actor = Actor::from(a);
            let channel = crate::domain::sms::choose_channel(&actor);
            let delivery = if matches!(channel, Channel::Email | Channel::Sms) {
                Delivery::Pending
            } else {
                Delivery::NotApplicable
            };
            invitation::ActiveModel {
                event_id: sea_orm::Set(event_id),
                actor_id: sea_orm::Set(actor.id),
                channel: sea_orm::Set(channel.slug().into()),
                response: sea_orm::Set(Response::None.slug().into()),
                responded_at: sea_orm::Set(None),
                response_comment: sea_orm::Set(String::new()),
                delivery: sea_orm::Set(delivery.slug().into()),
                created_at: sea_orm::Set(now),
                responded_via: sea_orm::Set(String::new()),
                gender: sea_orm::Set(frozen.0),
                age_group: sea_orm::Set(frozen.1),
                category: sea_orm::Set(frozen.2),
                region: sea_orm::Set(frozen.3),
                name_key: sea_orm::Set(name_key),
                ..Default::default()
            }
        })
        .collect();
    let requested = rows.len() as u64;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(200).collect();
        // The unique (event, actor) index makes a second invitation a no-op, even under concurrency.
        invitation::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([invitation::Column::EventId, invitation::Column::ActorId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let added = count_for_event(&txn, event_id).await? - before;
    let changes = Changes::new()
        .note("added", added)
        .note("already_invited", requested - added)
        .note("actor_ids", &ids);
    audit::record(&txn, who, "event", event_id, "guests_add", changes).await?;
    txn.commit().await?;
    Ok(AddSummary {
        added,
        already_invited: requested - added,
    })
}

/// The guest list, by name, filtered, one page at a time (three queries whatever the page size).
pub async fn list(
    db: &DatabaseConnection,
    event_id: i32,
    filter: &GuestFilter,
    paging: PageQuery,
) -> AppResult<Paged<Guest>> {
    let event = events::get(db, event_id).await?;
    let condition = filter.condition()?;
    let total = guest_list::count(db, event_id, filter, condition.clone()).await?;
    let items = guest_list::page(db, event_id, filter, condition, paging).await?;
    Ok(Paged {
        items: items.into_iter().map(|(inv, a)| guest(&event, inv, a)).collect(),
        total,
        page: paging.page(),
        per_page: paging.per_page(),
    })
}

pub async fn count_for_event<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<u64> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id))
        .count(db)
        .await?)
}

pub async fn count_for_actor<C: ConnectionTrait>(db: &C, actor_id: i32) -> AppResult<u64> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::ActorId.eq(actor_id))
        .count(db)
        .await?)
}

/// The composition of a guest list (DESIGN §1: disaggregated by gender, age group and category).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct GuestStats {
    pub total: u64,
    pub by_category: BTreeMap<String, u64>,
    pub by_gender: BTreeMap<String, u64>,
    pub by_age_group: BTreeMap<String, u64>,
    /// Share of women among the guests, in percent (one decimal), `null` for an empty list.
    pub women_share_percent: Option<f64>,
    /// Guests who may not be emailed (no address, or no consent).
    pub not_emailable: u64,
}

/// How many guests gave each answer (`none`, `accepted`, `tentative`, `declined`), from the counters.
pub async fn answers(db: &DatabaseConnection, event_id: i32) -> AppResult<BTreeMap<String, u64>> {
    Ok(tallies::of_event(db, event_id, &[tallies::RESPONSE])
        .await?
        .dim(tallies::RESPONSE))
}

impl GuestStats {
    pub fn women(&self) -> u64 {
        self.by_gender.get("female").copied().unwrap_or(0)
    }
}

pub async fn stats(db: &DatabaseConnection, event_id: i32) -> AppResult<GuestStats> {
    // The counters follow the copies frozen on the invitations, so the list's composition does not
    // follow directory edits; reading them costs the same at 200 guests as at 20,000.
    let dims = [
        tallies::GENDER,
        tallies::AGE_GROUP,
        tallies::CATEGORY,
        tallies::EMAILABLE,
    ];
    let t = tallies::of_event(db, event_id, &dims).await?;
    let by_gender = t.dim(tallies::GENDER);
    let total: u64 = by_gender.values().sum();
    let emailable = t.count(tallies::EMAILABLE, "yes");
    let women = by_gender.get("female").copied().unwrap_or(0);
    let women_share_percent = (total > 0).then(|| (women as f64 * 1000.0 / total as f64).round() / 10.0);
    Ok(GuestStats {
        total,
        by_category: t.dim(tallies::CATEGORY),
        by_gender,
        by_age_group: t.dim(tallies::AGE_GROUP),
        women_share_percent,
        not_emailable: total.saturating_sub(emailable),
    })
}

/// Copies the actor's gender, age group, category and region onto the guest's row again, at an
/// organizer's request. Only before the event is over: a completed event's figures are final.
pub async fn refresh(db: &DatabaseConnection, event_id: i32, invitation_id: i32, who: &Who) -> AppResult<Guest> {
    let event = events::get(db, event_id).await?;
    if event.status == EventStatus::Completed {
        return Err(AppError::Conflict("privacy.figures_closed".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let Some((inv, Some(a))) = invitation::Entity::find_by_id(invitation_id)
        .find_also_related(actor::Entity)
        .one(&txn)
        .await?
        .filter(|(inv, _)| inv.event_id == event_id)
    else {
        return Err(AppError::NotFound);
    };
    let changes = Changes::new()
        .set("gender", &inv.gender, &a.gender)
        .set("age_group", &inv.age_group, &a.age_group)
        .set("category", &inv.category, &a.category)
        .set("region", &inv.region, &a.region);
    let mut model: invitation::ActiveModel = inv.into();
    model.gender = sea_orm::Set(a.gender.clone());
    model.age_group = sea_orm::Set(a.age_group.clone());
    model.category = sea_orm::Set(a.category.clone());
    model.region = sea_orm::Set(a.region.clone());
    let inv = sea_orm::ActiveModelTrait::update(model, &txn).await?;
    audit::record(&txn, who, "invitation", inv.id, "refresh", changes).await?;
    txn.commit().await?;
    Ok(guest(&event, inv, Some(a)))
}
