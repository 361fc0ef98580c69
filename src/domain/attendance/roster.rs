//! The guest list as the door sees it: everyone invited, in name order, with who is already in.

use entity::{actor, attendance, invitation};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Select,
};

use crate::domain::text::{fold, like_contains};
use crate::domain::vocab::{ActorCategory, AgeGroup, Gender, Response};
use crate::error::AppResult;

/// One guest on the check-in list.
#[derive(Clone, Debug)]
pub struct RosterEntry {
    pub invitation_id: i32,
    pub full_name: String,
    pub honorific: String,
    pub organization: String,
    pub category: ActorCategory,
    pub gender: Gender,
    pub age_group: AgeGroup,
    pub region: String,
    pub response: Response,
    /// The attendance row when the guest is in.
    pub present: Option<i32>,
}

/// The door's figures: guests invited, guests marked in, people present (walk-ins and headcounts too).
#[derive(Clone, Copy, Debug, Default)]
pub struct RosterCounts {
    pub invited: u64,
    pub guests_present: u64,
    pub present: i64,
}

/// Two statements, whatever the size of the list: the event's counters give the guests invited.
pub async fn counts(db: &DatabaseConnection, event_id: i32) -> AppResult<RosterCounts> {
    let invited = crate::domain::tallies::guest_count(db, event_id).await?;
    // Guests in and people present in one pass over the event's attendance rows (a covering index).
    let (guests_present, present): (i64, Option<i64>) = attendance::Entity::find()
        .select_only()
        .column_as(attendance::Column::InvitationId.count(), "guests")
        .column_as(attendance::Column::People.sum(), "people")
        .filter(attendance::Column::EventId.eq(event_id))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    Ok(RosterCounts {
        invited,
        guests_present: u64::try_from(guests_present).unwrap_or(0),
        present: present.unwrap_or(0),
    })
}

/// One page of the list, by name, filtered on every word of `query` (accents and case aside):
/// `limit + 1` rows are read so the caller knows whether a next page exists. One statement.
pub async fn page(
    db: &DatabaseConnection,
    event_id: i32,
    query: &str,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<RosterEntry>> {
    let mut cond = Condition::all();
    for word in fold(query).split(' ').filter(|w| !w.is_empty()) {
        cond = cond.add(
            Expr::col((actor::Entity, actor::Column::SearchText)).like(LikeExpr::new(like_contains(word)).escape('\\')),
        );
    }
    // One statement with only the columns shown: decoding whole rows cost more than the query.
    let rows: Vec<PageRow> = by_name(db.get_database_backend(), event_id)
        .column(actor::Column::Honorific)
        .column(actor::Column::Organization)
        .column(actor::Column::Category)
        .column(actor::Column::Gender)
        .column(actor::Column::AgeGroup)
        .column(actor::Column::Region)
        .column(invitation::Column::Response)
        .column_as(attendance::Column::Id, "present")
        .filter(cond)
        .offset(offset)
        .limit(limit + 1)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(page_entry).collect())
}

/// The event's guests in name order, selecting the invitation id and the name first; the caller
/// adds its columns, filters and bounds. Walks the actors by name (index `idx_actors_full_name_id`)
/// and probes the guest list, stopping after the caller's limit: sorting the whole list on each
/// call would cost what the list costs. SQLite needs CROSS JOIN to keep that order of tables;
/// PostgreSQL plans it from its statistics. The guest's attendance row, if any, is joined (one at
/// most: `attendances.invitation_id` is unique).
pub(super) fn by_name(backend: DatabaseBackend, event_id: i32) -> Select<actor::Entity> {
    let join = if backend == DatabaseBackend::Sqlite {
        JoinType::CrossJoin
    } else {
        JoinType::InnerJoin
    };
    let attendance_of: sea_orm::RelationDef = attendance::Entity::belongs_to(invitation::Entity)
        .from(attendance::Column::InvitationId)
        .to(invitation::Column::Id)
        .into();
    actor::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .column(actor::Column::FullName)
        .join(join, invitation::Relation::Actor.def().rev())
        .join(JoinType::LeftJoin, attendance_of.rev())
        // sea-query writes CROSS JOIN without its ON: the pairing is said here, for both joins.
        .filter(Expr::col((invitation::Entity, invitation::Column::ActorId)).equals((actor::Entity, actor::Column::Id)))
        .filter(invitation::Column::EventId.eq(event_id))
        .order_by_asc(actor::Column::FullName)
        .order_by_asc(actor::Column::Id)
}

type PageRow = (
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i32>,
);

fn page_entry(row: PageRow) -> RosterEntry {
    let (invitation_id, full_name, honorific, organization, category, gender, age_group, region, response, present) =
        row;
    RosterEntry {
        invitation_id,
        full_name,
        honorific,
        organization,
        category: ActorCategory::parse(&category).unwrap_or(ActorCategory::Other),
        gender: Gender::parse(&gender).unwrap_or(Gender::Unspecified),
        age_group: AgeGroup::parse(&age_group).unwrap_or(AgeGroup::Unspecified),
        region,
        response: Response::parse(&response).unwrap_or(Response::None),
        present,
    }
}

/// Every guest of the event, by name.
pub async fn roster(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<RosterEntry>> {
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .order_by_asc(actor::Column::FullName)
        .order_by_asc(actor::Column::Id)
        .all(db)
        .await?;
    let present = super::present_guests(db, event_id).await?;
    Ok(guests
        .into_iter()
        .filter_map(|(inv, actor)| {
            let present = present.get(&inv.id).copied();
            Some(entry(inv, actor?, present))
        })
        .collect())
}

/// The guest behind a check-in code, with their event: for the QR confirmation page.
pub async fn guest(db: &DatabaseConnection, invitation_id: i32) -> AppResult<Option<(i32, RosterEntry)>> {
    let Some((inv, Some(actor))) = invitation::Entity::find_by_id(invitation_id)
        .find_also_related(actor::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let present = attendance::Entity::find()
        .filter(attendance::Column::InvitationId.eq(inv.id))
        .one(db)
        .await?
        .map(|a| a.id);
    Ok(Some((inv.event_id, entry(inv, actor, present))))
}

fn entry(inv: invitation::Model, actor: actor::Model, present: Option<i32>) -> RosterEntry {
    RosterEntry {
        invitation_id: inv.id,
        full_name: actor.full_name,
        honorific: actor.honorific,
        organization: actor.organization,
        category: ActorCategory::parse(&actor.category).unwrap_or(ActorCategory::Other),
        gender: Gender::parse(&actor.gender).unwrap_or(Gender::Unspecified),
        age_group: AgeGroup::parse(&actor.age_group).unwrap_or(AgeGroup::Unspecified),
        region: actor.region,
        response: Response::parse(&inv.response).unwrap_or(Response::None),
        present,
    }
}
