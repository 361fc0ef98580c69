//! The check-in desk's copy of the guest list: a validator read from indexes, and the list in pages.

use entity::{actor, attendance, invitation};
use futures_util::stream::{self, Stream};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Select};

use crate::domain::tallies;
use crate::domain::vocab::ActorCategory;
use crate::error::{AppError, AppResult};

/// Rows read per statement: a page is written to the response before the next one is read,
/// so a download holds one page in memory whatever the list's length.
pub const PAGE_ROWS: u64 = 1000;

/// One guest in the fewest bytes: `[invitation id, name, honorific, organization, category index, present]`.
#[derive(Debug, serde::Serialize)]
pub struct CompactGuest(pub i32, pub String, pub String, pub String, pub usize, pub u8);

/// What the desk's copy depends on, read from counters and index probes in four statements
/// whatever the list's length: the guest list (count and newest invitation id; ids only grow),
/// the guests marked in (count and newest attendance id: a mark adds a row with a new id, an undo
/// removes one), and the newest change in the directory (a guest's name or organization; any
/// actor's edit counts, which costs a needless download now and then but never a stale list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    guests: i64,
    newest_guest: i32,
    marked: i64,
    newest_mark: i32,
    directory_micros: i64,
}

impl Version {
    /// A short opaque tag, e.g. for an HTTP `ETag`.
    pub fn tag(&self) -> String {
        format!(
            "{}.{}.{}.{}.{}",
            self.guests, self.newest_guest, self.marked, self.newest_mark, self.directory_micros
        )
    }
}

pub async fn version(db: &DatabaseConnection, event_id: i32) -> AppResult<Version> {
    // The guests from the event's counters (kept by the same transactions as the rows): counting
    // the invitations' index cost a read per guest, the one cost here that grew with the list.
    let guests = tallies::guest_count(db, event_id).await?;
    // Alone in its statement, the newest id is one probe at the end of the event's index entries.
    let newest_guest: Option<i32> = invitation::Entity::find()
        .select_only()
        .column_as(invitation::Column::Id.max(), "newest")
        .filter(invitation::Column::EventId.eq(event_id))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let (marked, newest_mark): (i64, Option<i32>) = attendance::Entity::find()
        .select_only()
        .column_as(attendance::Column::Id.count(), "n")
        .column_as(attendance::Column::Id.max(), "newest")
        .filter(attendance::Column::EventId.eq(event_id))
        .filter(attendance::Column::InvitationId.is_not_null())
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let directory: Option<chrono::DateTime<chrono::Utc>> = actor::Entity::find()
        .select_only()
        .column_as(actor::Column::UpdatedAt.max(), "newest")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(Version {
        guests: i64::try_from(guests).unwrap_or(i64::MAX),
        newest_guest: newest_guest.unwrap_or(0),
        marked,
        newest_mark: newest_mark.unwrap_or(0),
        directory_micros: directory.map_or(0, |t| t.timestamp_micros()),
    })
}

/// Where the next page starts: after this (actor's full name, actor id).
type Cursor = Option<(String, i32)>;

/// The whole list by name (the check-in page's order), one page of [`PAGE_ROWS`] per statement,
/// each one walking `idx_actors_full_name_id` from where the last one stopped (no offset, no sort).
pub fn pages(db: DatabaseConnection, event_id: i32) -> impl Stream<Item = AppResult<Vec<CompactGuest>>> {
    stream::try_unfold(Some(None::<(String, i32)>), move |cursor| {
        let db = db.clone();
        async move {
            let Some(after) = cursor else {
                return Ok::<_, AppError>(None);
            };
            let (page, next) = page(&db, event_id, after).await?;
            if page.is_empty() {
                return Ok(None);
            }
            // A short page is the last: the stream then ends without another statement.
            let next = (page.len() as u64 == PAGE_ROWS).then_some(next);
            Ok(Some((page, next)))
        }
    })
}

type PageRow = (i32, String, String, String, String, Option<i32>, i32);

async fn page(db: &DatabaseConnection, event_id: i32, after: Cursor) -> AppResult<(Vec<CompactGuest>, Cursor)> {
    let rows: Vec<PageRow> = page_query(db.get_database_backend(), event_id, after)
        .into_tuple()
        .all(db)
        .await?;
    let next = rows.last().map(|r| (r.1.clone(), r.6));
    let guests = rows
        .into_iter()
        .map(|(id, name, honorific, organization, category, present, _)| {
            let category = ActorCategory::parse(&category).unwrap_or(ActorCategory::Other);
            let index = ActorCategory::ALL.iter().position(|c| *c == category).unwrap_or(0);
            CompactGuest(id, name, honorific, organization, index, u8::from(present.is_some()))
        })
        .collect();
    Ok((guests, next))
}

fn page_query(backend: DatabaseBackend, event_id: i32, after: Cursor) -> Select<actor::Entity> {
    let query = super::roster::by_name(backend, event_id)
        .column(actor::Column::Honorific)
        .column(actor::Column::Organization)
        .column(actor::Column::Category)
        .column_as(attendance::Column::Id, "present")
        .column_as(actor::Column::Id, "actor_id")
        .limit(PAGE_ROWS);
    match after {
        // A row comparison: both databases read the name index onwards from this point.
        Some((name, actor_id)) => query.filter(
            Expr::tuple([
                Expr::col((actor::Entity, actor::Column::FullName)),
                Expr::col((actor::Entity, actor::Column::Id)),
            ])
            .gt(Expr::tuple([Expr::val(name), Expr::val(actor_id)])),
        ),
        None => query,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::QueryTrait;

    use super::*;

    #[test]
    fn a_later_page_starts_after_the_cursor_on_both_databases() {
        for backend in [DatabaseBackend::Sqlite, DatabaseBackend::Postgres] {
            let sql = page_query(backend, 7, Some(("Awa".into(), 3)))
                .build(backend)
                .to_string();
            assert!(
                sql.contains(r#"("actors"."full_name", "actors"."id") > ('Awa', 3)"#),
                "{sql}"
            );
        }
    }
}
