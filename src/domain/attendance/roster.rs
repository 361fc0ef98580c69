//! The guest list as the door sees it: everyone invited, in name order, with who is already in.

use entity::{actor, attendance, invitation};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::text::fold;
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
    /// Name and organization without accents or case, for searching at the door.
    pub search_key: String,
}

impl RosterEntry {
    pub fn matches(&self, folded_query: &str) -> bool {
        folded_query.split(' ').all(|word| self.search_key.contains(word))
    }
}

/// The guests whose name or organization contains every word of `query`, accents and case aside.
pub fn search(entries: Vec<RosterEntry>, query: &str) -> Vec<RosterEntry> {
    let folded_query = fold(query);
    if folded_query.is_empty() {
        return entries;
    }
    entries.into_iter().filter(|e| e.matches(&folded_query)).collect()
}

/// Every guest of the event, by name.
pub async fn roster(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<RosterEntry>> {
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .order_by_asc(actor::Column::FullName)
        .order_by_asc(invitation::Column::Id)
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
        search_key: fold(&format!(
            "{} {} {}",
            actor.full_name, actor.organization, actor.honorific
        )),
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
