//! The whole directory's facet counts and total, read from the counters the `actors` triggers keep.

use entity::directory_tally;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::actors::search::FacetCounts;
use crate::error::AppResult;

/// The unfiltered directory's size and counts per facet value, in one statement of a few hundred
/// rows at most (one per category, region, gender, age group and email presence), whatever the
/// number of actors. Values no actor holds any more (n = 0) are left out, as a grouped count would.
pub async fn read<C: ConnectionTrait>(db: &C) -> AppResult<(u64, FacetCounts)> {
    let rows = directory_tally::Entity::find()
        .filter(directory_tally::Column::N.gt(0))
        .all(db)
        .await?;
    let mut facets = FacetCounts::default();
    facets.has_email.extend([("yes".to_string(), 0), ("no".to_string(), 0)]);
    let mut total = 0;
    for row in rows {
        let n = row.n as u64;
        let map = match row.dim.as_str() {
            "category" => &mut facets.category,
            "region" => &mut facets.region,
            "gender" => &mut facets.gender,
            "age_group" => &mut facets.age_group,
            "has_email" => &mut facets.has_email,
            "total" => {
                total = n;
                continue;
            }
            _ => continue,
        };
        map.insert(row.value, n);
    }
    Ok((total, facets))
}
