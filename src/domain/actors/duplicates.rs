//! Possible duplicates (same email, same phone, or same name in the same town) and merging them.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use entity::{actor, invitation};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::domain::actors::Actor;
use crate::domain::audit::{self, Changes, Who};
use crate::error::{AppError, AppResult, FieldErrors};

/// What identifies a person: id, email, phone, folded name, town.
type IdentityRow = (i32, Option<String>, Option<String>, String, String);

/// The actors on a page that have at least one possible duplicate, in one query.
pub async fn flag(db: &DatabaseConnection, shown: &[Actor]) -> AppResult<BTreeSet<i32>> {
    if shown.is_empty() {
        return Ok(BTreeSet::new());
    }
    let emails: Vec<&str> = shown.iter().filter_map(|a| a.email.as_deref()).collect();
    let phones: Vec<&str> = shown.iter().filter_map(|a| a.phone.as_deref()).collect();
    let names: Vec<String> = shown.iter().map(|a| crate::domain::text::fold(&a.full_name)).collect();
    let candidates: Vec<IdentityRow> = actor::Entity::find()
        .select_only()
        .columns([
            actor::Column::Id,
            actor::Column::Email,
            actor::Column::Phone,
            actor::Column::NameKey,
            actor::Column::Town,
        ])
        .filter(
            Condition::any()
                .add(actor::Column::Email.is_in(emails))
                .add(actor::Column::Phone.is_in(phones))
                .add(actor::Column::NameKey.is_in(names)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut by_key: HashMap<String, Vec<i32>> = HashMap::new();
    for (id, email, phone, name_key, town) in candidates {
        for key in keys(email.as_deref(), phone.as_deref(), &name_key, &town) {
            by_key.entry(key).or_default().push(id);
        }
    }
    Ok(shown
        .iter()
        .filter(|a| {
            keys(
                a.email.as_deref(),
                a.phone.as_deref(),
                &crate::domain::text::fold(&a.full_name),
                &a.town,
            )
            .iter()
            .any(|k| by_key.get(k).is_some_and(|ids| ids.iter().any(|id| *id != a.id)))
        })
        .map(|a| a.id)
        .collect())
}

fn keys(email: Option<&str>, phone: Option<&str>, name_key: &str, town: &str) -> Vec<String> {
    let mut keys = vec![format!("n:{name_key}|{}", crate::domain::text::fold(town))];
    if let Some(e) = email {
        keys.push(format!("e:{e}"));
    }
    if let Some(p) = phone {
        keys.push(format!("p:{p}"));
    }
    keys
}

/// Groups of actors that look like the same person, for the review page.
pub async fn groups(db: &DatabaseConnection) -> AppResult<Vec<Vec<Actor>>> {
    let n = Expr::col(actor::Column::Id).count();
    let emails: Vec<String> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Email)
        .filter(actor::Column::Email.is_not_null())
        .group_by(actor::Column::Email)
        .having(n.clone().gt(1))
        .into_tuple()
        .all(db)
        .await?;
    let phones: Vec<String> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Phone)
        .filter(actor::Column::Phone.is_not_null())
        .group_by(actor::Column::Phone)
        .having(n.clone().gt(1))
        .into_tuple()
        .all(db)
        .await?;
    let names: Vec<(String, String)> = actor::Entity::find()
        .select_only()
        .columns([actor::Column::NameKey, actor::Column::Town])
        .group_by(actor::Column::NameKey)
        .group_by(actor::Column::Town)
        .having(n.gt(1))
        .into_tuple()
        .all(db)
        .await?;
    let name_keys: Vec<&String> = names.iter().map(|(k, _)| k).collect();
    let involved: Vec<Actor> = actor::Entity::find()
        .filter(
            Condition::any()
                .add(actor::Column::Email.is_in(&emails))
                .add(actor::Column::Phone.is_in(&phones))
                .add(actor::Column::NameKey.is_in(name_keys)),
        )
        .order_by_asc(actor::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Actor::from)
        .collect();
    let mut result: Vec<Vec<Actor>> = Vec::new();
    let mut seen = BTreeSet::new();
    let grouped = |pred: &dyn Fn(&Actor) -> bool| involved.iter().filter(|a| pred(a)).cloned().collect::<Vec<_>>();
    let mut candidates: Vec<Vec<Actor>> = Vec::new();
    for e in &emails {
        candidates.push(grouped(&|a| a.email.as_ref() == Some(e)));
    }
    for p in &phones {
        candidates.push(grouped(&|a| a.phone.as_ref() == Some(p)));
    }
    for (k, t) in &names {
        candidates.push(grouped(&|a| {
            &crate::domain::text::fold(&a.full_name) == k && &a.town == t
        }));
    }
    for group in candidates {
        let ids: Vec<i32> = group.iter().map(|a| a.id).collect();
        if group.len() > 1 && seen.insert(ids) {
            result.push(group);
        }
    }
    Ok(result)
}

/// Folds `absorbed` into `kept`: invitations move over (one per event), empty fields are filled,
/// then `absorbed` is deleted, all in one transaction.
pub async fn merge(db: &DatabaseConnection, kept: i32, absorbed: i32, who: &Who) -> AppResult<Actor> {
    if kept == absorbed {
        let mut errors = FieldErrors::new();
        errors.add("other_id", "actors.merge_same");
        return Err(AppError::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let keeper = actor::Entity::find_by_id(kept)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let other = actor::Entity::find_by_id(absorbed)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;

    let kept_events: Vec<i32> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::EventId)
        .filter(invitation::Column::ActorId.eq(kept))
        .into_tuple()
        .all(&txn)
        .await?;
    // Where both were invited to the same event, the kept actor's invitation stays; a presence marked
    // on the other one moves onto it first, so the event's head count does not drop.
    keep_presences(&txn, kept, absorbed, &kept_events).await?;
    invitation::Entity::delete_many()
        .filter(invitation::Column::ActorId.eq(absorbed))
        .filter(invitation::Column::EventId.is_in(kept_events))
        .exec(&txn)
        .await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::ActorId, Expr::value(kept))
        .filter(invitation::Column::ActorId.eq(absorbed))
        .exec(&txn)
        .await?;

    let mut model: actor::ActiveModel = keeper.clone().into();
    let fill = |mine: &str, theirs: &str| {
        if mine.is_empty() {
            theirs.to_string()
        } else {
            mine.to_string()
        }
    };
    model.honorific = Set(fill(&keeper.honorific, &other.honorific));
    model.organization = Set(fill(&keeper.organization, &other.organization));
    model.region = Set(fill(&keeper.region, &other.region));
    model.town = Set(fill(&keeper.town, &other.town));
    model.email = Set(keeper.email.clone().or(other.email.clone()));
    model.phone = Set(keeper.phone.clone().or(other.phone.clone()));
    let notes = match (keeper.notes.is_empty(), other.notes.is_empty()) {
        (_, true) => keeper.notes.clone(),
        (true, false) => other.notes.clone(),
        (false, false) => format!("{}\n\n{}", keeper.notes, other.notes),
    };
    model.notes = Set(notes);
    let organization = fill(&keeper.organization, &other.organization);
    let town = fill(&keeper.town, &other.town);
    let email = keeper.email.clone().or(other.email.clone());
    let honorific = fill(&keeper.honorific, &other.honorific);
    model.search_text = Set(super::search_text(
        &keeper.full_name,
        &organization,
        &town,
        email.as_deref(),
        &honorific,
    ));
    model.updated_at = Set(Utc::now());
    let merged = Actor::from(model.update(&txn).await?);
    actor::Entity::delete_by_id(absorbed).exec(&txn).await?;
    // The absorbed actor's invitations now sort under the kept actor's name.
    crate::domain::guest_list::follow_names(&txn, &[kept]).await?;
    // One entry per actor touched, so each one's history tells where the other went.
    let changes = Changes::diff(&Actor::from(keeper), &merged).note("absorbed_id", absorbed);
    audit::record(&txn, who, "actor", kept, "merge", changes).await?;
    let changes = Changes::deleted(&Actor::from(other)).note("merged_into", kept);
    audit::record(&txn, who, "actor", absorbed, "merged", changes).await?;
    txn.commit().await?;
    Ok(merged)
}

/// Moves the absorbed actor's presence marks onto the kept actor's invitation to the same event,
/// where the kept one has none (the unique index allows one mark per invitation).
async fn keep_presences(
    txn: &sea_orm::DatabaseTransaction,
    kept: i32,
    absorbed: i32,
    shared_events: &[i32],
) -> AppResult<()> {
    if shared_events.is_empty() {
        return Ok(());
    }
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::ActorId.is_in([kept, absorbed]))
        .filter(invitation::Column::EventId.is_in(shared_events.to_vec()))
        .all(txn)
        .await?;
    for theirs in invitations.iter().filter(|i| i.actor_id == absorbed) {
        let Some(mine) = invitations
            .iter()
            .find(|i| i.actor_id == kept && i.event_id == theirs.event_id)
        else {
            continue;
        };
        let marked = entity::attendance::Entity::find()
            .filter(entity::attendance::Column::InvitationId.eq(mine.id))
            .one(txn)
            .await?;
        if marked.is_none() {
            entity::attendance::Entity::update_many()
                .col_expr(entity::attendance::Column::InvitationId, Expr::value(mine.id))
                .filter(entity::attendance::Column::InvitationId.eq(theirs.id))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}
