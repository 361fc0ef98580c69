//! Finding actors: accent-insensitive search, filters, stable pages and counts per filter.

use std::collections::BTreeMap;

use entity::actor;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};

use crate::domain::actors::{Actor, tallies};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::text;
use crate::error::AppResult;

/// The directory's filters, from a query string or a guest-list "add by filter" body.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ActorFilter {
    /// Words to find in name, organization, town or email; accents and case are ignored.
    pub q: String,
    pub category: String,
    pub region: String,
    pub gender: String,
    pub age_group: String,
    /// `yes` or `no`.
    pub has_email: String,
}

/// Which filter a facet count leaves out, so its counts show the alternatives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Category,
    Region,
    Gender,
    AgeGroup,
    HasEmail,
}

impl ActorFilter {
    pub fn is_empty(&self) -> bool {
        self == &ActorFilter::default()
    }

    pub fn condition(&self) -> Condition {
        self.condition_without(None)
    }

    fn condition_without(&self, skip: Option<Facet>) -> Condition {
        let mut cond = Condition::all();
        for word in text::fold(&self.q).split(' ').filter(|w| !w.is_empty()) {
            cond = cond
                .add(Expr::col(actor::Column::SearchText).like(LikeExpr::new(text::like_contains(word)).escape('\\')));
        }
        let exact = [
            (Facet::Category, actor::Column::Category, &self.category),
            (Facet::Region, actor::Column::Region, &self.region),
            (Facet::Gender, actor::Column::Gender, &self.gender),
            (Facet::AgeGroup, actor::Column::AgeGroup, &self.age_group),
        ];
        for (facet, column, value) in exact {
            if skip != Some(facet) && !value.trim().is_empty() {
                cond = cond.add(column.eq(value.trim()));
            }
        }
        if skip != Some(Facet::HasEmail) {
            match self.has_email.as_str() {
                "yes" => cond = cond.add(actor::Column::Email.is_not_null()),
                "no" => cond = cond.add(actor::Column::Email.is_null()),
                _ => {}
            }
        }
        cond
    }

    /// The matching actors in a stable order: by name, then id.
    pub fn select(&self) -> Select<actor::Entity> {
        actor::Entity::find()
            .filter(self.condition())
            .order_by_asc(actor::Column::NameKey)
            .order_by_asc(actor::Column::Id)
    }

    /// The filter as a query string, for pager and export links.
    pub fn query_string(&self) -> String {
        serde_urlencoded_pairs(self)
    }
}

fn serde_urlencoded_pairs(filter: &ActorFilter) -> String {
    let pairs = [
        ("q", &filter.q),
        ("category", &filter.category),
        ("region", &filter.region),
        ("gender", &filter.gender),
        ("age_group", &filter.age_group),
        ("has_email", &filter.has_email),
    ];
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.is_empty() {
            out.append_pair(key, value);
        }
    }
    out.finish()
}

/// How many actors each filter value would give, next to the current filters.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FacetCounts {
    pub category: BTreeMap<String, u64>,
    pub region: BTreeMap<String, u64>,
    pub gender: BTreeMap<String, u64>,
    pub age_group: BTreeMap<String, u64>,
    pub has_email: BTreeMap<String, u64>,
}

/// A page of the matching actors with their total and the counts per filter value.
///
/// The unfiltered directory (the list's first view) reads its total and every facet from the
/// counters kept with the rows (`tallies`): two statements whatever the directory's size. With a
/// filter, each facet is a grouped count of the matches without its own filter (inherent: the
/// counts depend on the other filters), and the total is the sum of a facet left unfiltered.
pub async fn page_with_facets<C: ConnectionTrait>(
    db: &C,
    filter: &ActorFilter,
    paging: PageQuery,
) -> AppResult<(Paged<Actor>, FacetCounts)> {
    let (total, facets) = if filter.is_empty() {
        tallies::read(db).await?
    } else {
        let facets = facet_counts(db, filter).await?;
        let total = match facets.total_of_matches(filter) {
            Some(total) => total,
            None => filter.select().count(db).await?,
        };
        (total, facets)
    };
    let items = filter
        .select()
        .limit(paging.per_page())
        .offset((paging.page() - 1) * paging.per_page())
        .all(db)
        .await?;
    let page = Paged {
        items: items.into_iter().map(Actor::from).collect(),
        total,
        page: paging.page(),
        per_page: paging.per_page(),
    };
    Ok((page, facets))
}

impl FacetCounts {
    /// The number of matches, when a facet's own filter is unset: its counts then split exactly
    /// the matching actors (every actor has one value in each facet).
    fn total_of_matches(&self, filter: &ActorFilter) -> Option<u64> {
        let unset = [
            (&filter.category, &self.category),
            (&filter.region, &self.region),
            (&filter.gender, &self.gender),
            (&filter.age_group, &self.age_group),
        ];
        let sum = |map: &BTreeMap<String, u64>| map.values().sum();
        if !matches!(filter.has_email.as_str(), "yes" | "no") {
            return Some(sum(&self.has_email));
        }
        unset
            .into_iter()
            .find(|(value, _)| value.trim().is_empty())
            .map(|(_, map)| sum(map))
    }
}

/// One grouped query per facet: the cost does not depend on the number of actors shown.
async fn facet_counts<C: ConnectionTrait>(db: &C, filter: &ActorFilter) -> AppResult<FacetCounts> {
    let email = Expr::case(Expr::col(actor::Column::Email).is_null(), "no").finally("yes");
    let mut has_email = group_count(db, filter, Facet::HasEmail, email).await?;
    for key in ["yes", "no"] {
        has_email.entry(key.to_string()).or_insert(0);
    }
    Ok(FacetCounts {
        category: group_count(db, filter, Facet::Category, Expr::col(actor::Column::Category)).await?,
        region: group_count(db, filter, Facet::Region, Expr::col(actor::Column::Region)).await?,
        gender: group_count(db, filter, Facet::Gender, Expr::col(actor::Column::Gender)).await?,
        age_group: group_count(db, filter, Facet::AgeGroup, Expr::col(actor::Column::AgeGroup)).await?,
        has_email,
    })
}

/// The matches without `facet`'s own filter, counted per value of `value`.
async fn group_count<C: ConnectionTrait>(
    db: &C,
    filter: &ActorFilter,
    facet: Facet,
    value: impl Into<Expr>,
) -> AppResult<BTreeMap<String, u64>> {
    // Grouped by the output's name: PostgreSQL would see the email CASE's bound literals in the
    // select list and in GROUP BY as two different expressions.
    let rows: Vec<(String, i64)> = actor::Entity::find()
        .select_only()
        .column_as(value.into(), "value")
        .column_as(actor::Column::Id.count(), "n")
        .filter(filter.condition_without(Some(facet)))
        .group_by(Expr::col("value"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(k, n)| (k, n as u64)).collect())
}

/// The ids of every actor the filter matches (for guest lists).
pub async fn matching_ids<C: ConnectionTrait>(db: &C, filter: &ActorFilter) -> AppResult<Vec<i32>> {
    Ok(filter
        .select()
        .select_only()
        .column(actor::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
