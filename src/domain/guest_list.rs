//! Finding guests on a long list: search, filters by answer, delivery, channel and comment, and the export.

use entity::{actor, invitation};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::domain::guests::{Guest, guest};
use crate::domain::text;
use crate::domain::vocab::{Channel, Delivery, Response};
use crate::error::{AppResult, FieldErrors};

/// A filter on one column: the field's name, its value, the column, and whether the value is known.
type ExactFilter<'a> = (&'static str, &'a String, invitation::Column, fn(&str) -> bool);

/// The guest list's filters, from the event page's query string or the API's.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct GuestFilter {
    /// Words to find in the guest's name or organization; accents and case are ignored.
    pub q: String,
    /// The answer: `none`, `accepted`, `tentative` or `declined`.
    pub response: String,
    /// The email's state: `pending`, `queued`, `sent`, `failed` or `not_applicable`.
    pub delivery: String,
    /// How the invitation goes: `email`, `letter` or `phone`.
    pub channel: String,
    /// `yes`: only guests who left a comment with their answer; `no`: only those who did not.
    pub comment: String,
}

impl GuestFilter {
    pub fn is_empty(&self) -> bool {
        self == &GuestFilter::default()
    }

    /// The SQL condition, or a 422 naming each field whose value is not one of its words.
    pub fn condition(&self) -> AppResult<Condition> {
        let mut errors = FieldErrors::new();
        let mut cond = Condition::all();
        for word in text::fold(&self.q).split(' ').filter(|w| !w.is_empty()) {
            cond = cond.add(
                Expr::col((actor::Entity, actor::Column::SearchText))
                    .like(LikeExpr::new(text::like_contains(word)).escape('\\')),
            );
        }
        let exact: [ExactFilter; 3] = [
            ("response", &self.response, invitation::Column::Response, |s| {
                Response::parse(s).is_some()
            }),
            ("delivery", &self.delivery, invitation::Column::Delivery, |s| {
                Delivery::parse(s).is_some()
            }),
            ("channel", &self.channel, invitation::Column::Channel, |s| {
                Channel::parse(s).is_some()
            }),
        ];
        for (field, value, column, known) in exact {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if known(value) {
                cond = cond.add(column.eq(value));
            } else {
                errors.add(field, "guest_list.unknown_value");
            }
        }
        match self.comment.trim() {
            "" => {}
            "yes" => cond = cond.add(invitation::Column::ResponseComment.ne("")),
            "no" => cond = cond.add(invitation::Column::ResponseComment.eq("")),
            _ => errors.add("comment", "guest_list.yes_or_no"),
        }
        errors.into_result(cond)
    }

    /// The filter as a query string, for pager and export links.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("response", &self.response),
            ("delivery", &self.delivery),
            ("channel", &self.channel),
            ("comment", &self.comment),
        ];
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            if !value.is_empty() {
                out.append_pair(key, value);
            }
        }
        out.finish()
    }
}

/// The matching guests of an event in the list's order (by name, then invitation).
pub fn select(event_id: i32, condition: Condition) -> sea_orm::SelectTwo<invitation::Entity, actor::Entity> {
    invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .filter(condition)
        .order_by_asc(invitation::Column::NameKey)
        .order_by_asc(invitation::Column::Id)
}

/// One page of the matching guests in the list's order. The ids come from a range scan of
/// `idx_invitations_event_name` (the invitation's copy of the name), stopping at the page's last row,
/// so the first page costs the same at 200 guests as at 20,000; the page's rows are read afterwards.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    filter: &GuestFilter,
    condition: Condition,
    paging: crate::domain::paging::PageQuery,
) -> AppResult<Vec<(invitation::Model, Option<actor::Model>)>> {
    use sea_orm::QuerySelect;
    let per_page = paging.per_page();
    let ids: Vec<i32> = matching(event_id, filter, condition)
        .select_only()
        .column(invitation::Column::Id)
        .order_by_asc(invitation::Column::NameKey)
        .order_by_asc(invitation::Column::Id)
        .limit(per_page)
        .offset((paging.page() - 1) * per_page)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(ids.clone()))
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    let position: std::collections::HashMap<i32, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(inv, _)| position.get(&inv.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The event's invitations matching the filter; joined to their actors only when the words searched
/// need the actor's text, so an unfiltered list reads the invitation indexes alone.
fn matching(event_id: i32, filter: &GuestFilter, condition: Condition) -> sea_orm::Select<invitation::Entity> {
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let mut query = invitation::Entity::find().filter(invitation::Column::EventId.eq(event_id));
    if !text::fold(&filter.q).trim().is_empty() {
        query = query.join(JoinType::LeftJoin, invitation::Relation::Actor.def());
    }
    query.filter(condition)
}

/// How many guests match: with no filter, the event's counters; else a count over
/// `idx_invitations_event_name` (or the answer, delivery and channel indexes) unless words are searched.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    filter: &GuestFilter,
    condition: Condition,
) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    if filter.is_empty() {
        return crate::domain::tallies::guest_count(db, event_id).await;
    }
    Ok(matching(event_id, filter, condition).count(db).await?)
}

/// Copies the actors' `name_key` onto their invitations, after a change of name, an import's
/// update or a merge, so the list's order follows the directory (one statement per call).
pub async fn follow_names<C: ConnectionTrait>(db: &C, actor_ids: &[i32]) -> AppResult<()> {
    if actor_ids.is_empty() {
        return Ok(());
    }
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::NameKey,
            Expr::cust("COALESCE((SELECT actors.name_key FROM actors WHERE actors.id = invitations.actor_id), '')"),
        )
        .filter(invitation::Column::ActorId.is_in(actor_ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// Every matching guest, for an export (one query; a guest list is thousands of rows, not millions).
pub async fn all(db: &DatabaseConnection, event_id: i32, filter: &GuestFilter) -> AppResult<Vec<Guest>> {
    let event = crate::domain::events::get(db, event_id).await?;
    let rows = select(event_id, filter.condition()?).all(db).await?;
    Ok(rows.into_iter().map(|(inv, a)| guest(&event, inv, a)).collect())
}

/// Answers and deliveries of one event, for the events list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EventCounts {
    pub guests: u64,
    pub answers: std::collections::BTreeMap<String, u64>,
    pub deliveries: std::collections::BTreeMap<String, u64>,
}

impl EventCounts {
    pub fn answered(&self, slug: &str) -> u64 {
        self.answers.get(slug).copied().unwrap_or(0)
    }

    pub fn delivered(&self, slug: &str) -> u64 {
        self.deliveries.get(slug).copied().unwrap_or(0)
    }
}

/// The counts of the events shown, from their counters: one statement, whatever the number of events or guests.
pub async fn counts_for_events<C: ConnectionTrait>(
    db: &C,
    event_ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, EventCounts>> {
    use crate::domain::tallies;
    let tallies = tallies::of_events(db, event_ids, &[tallies::RESPONSE, tallies::DELIVERY]).await?;
    Ok(tallies
        .into_iter()
        .map(|(id, t)| {
            let counts = EventCounts {
                guests: t.guests(),
                answers: t.dim(tallies::RESPONSE),
                deliveries: t.dim(tallies::DELIVERY),
            };
            (id, counts)
        })
        .collect())
}

/// One guest of the event, for the guest's own page; another event's invitation is not found.
pub async fn one(
    db: &DatabaseConnection,
    event: &crate::domain::events::Event,
    invitation_id: i32,
) -> AppResult<Guest> {
    let id = Condition::all().add(invitation::Column::Id.eq(invitation_id));
    let (inv, a) = select(event.id, id)
        .one(db)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(guest(event, inv, a))
}
