//! The review inbox: a report's outcomes awaiting a decision, filtered, paged and grouped by section.

use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::{ReviewItem, load};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::sections::Section;
use crate::domain::text::fold;
use crate::domain::vocab::{ActorCategory, OutcomeKind, OutcomeStatus};
use crate::error::{AppResult, FieldErrors};

/// The inbox's filters as sent in a query string; empty means "any".
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct InboxFilter {
    /// `pending` (open and deferred, the default), `open`, `deferred`, `accepted`, `rejected`, `decided` or `all`.
    pub status: Option<String>,
    /// A section of the report, or `none` for outcomes on no section.
    pub section_id: Option<String>,
    pub event_id: Option<String>,
    /// The venue's region, accents and case ignored.
    pub region: Option<String>,
    /// An outcome kind slug.
    pub kind: Option<String>,
    /// An actor category slug: outcomes this category voiced.
    pub category: Option<String>,
}

/// Which decisions the inbox shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    Pending,
    Only(OutcomeStatus),
    Decided,
    All,
}

impl StatusFilter {
    pub const SLUGS: [&'static str; 7] = ["pending", "open", "deferred", "accepted", "rejected", "decided", "all"];

    fn parse(raw: &str) -> Option<StatusFilter> {
        match raw {
            "" | "pending" => Some(StatusFilter::Pending),
            "decided" => Some(StatusFilter::Decided),
            "all" => Some(StatusFilter::All),
            other => OutcomeStatus::parse(other).map(StatusFilter::Only),
        }
    }

    fn admits(self, status: OutcomeStatus) -> bool {
        match self {
            StatusFilter::Pending => matches!(status, OutcomeStatus::Open | OutcomeStatus::Deferred),
            StatusFilter::Only(s) => s == status,
            StatusFilter::Decided => matches!(status, OutcomeStatus::Accepted | OutcomeStatus::Rejected),
            StatusFilter::All => true,
        }
    }
}

/// Which section an outcome must be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SectionFilter {
    Any,
    None,
    Is(i32),
}

/// The filters once checked.
struct ValidFilter {
    status: StatusFilter,
    section: SectionFilter,
    event_id: Option<i32>,
    region: String,
    kind: Option<OutcomeKind>,
    category: Option<ActorCategory>,
}

fn trimmed(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or_default()
}

impl InboxFilter {
    /// A filter value that names nothing known is refused on its field, so a typo never reads as "no outcomes".
    fn validate(&self) -> AppResult<ValidFilter> {
        let mut errors = FieldErrors::new();
        let status = StatusFilter::parse(trimmed(&self.status)).unwrap_or_else(|| {
            errors.add("status", "validation.choice");
            StatusFilter::Pending
        });
        let section = match trimmed(&self.section_id) {
            "" => SectionFilter::Any,
            "none" => SectionFilter::None,
            raw => raw.parse().map(SectionFilter::Is).unwrap_or_else(|_| {
                errors.add("section_id", "validation.number");
                SectionFilter::Any
            }),
        };
        let event_id = match trimmed(&self.event_id) {
            "" => None,
            raw => raw.parse().map(Some).unwrap_or_else(|_| {
                errors.add("event_id", "validation.number");
                None
            }),
        };
        let kind = optional_choice(trimmed(&self.kind), OutcomeKind::parse, "kind", &mut errors);
        let category = optional_choice(trimmed(&self.category), ActorCategory::parse, "category", &mut errors);
        errors.into_result(ValidFilter {
            status,
            section,
            event_id,
            region: fold(trimmed(&self.region)),
            kind,
            category,
        })
    }

    /// The filter a query string carries (unknown names ignored), e.g. the one a form brings back.
    pub fn from_query(query: &str) -> InboxFilter {
        let mut filter = InboxFilter::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "status" => &mut filter.status,
                "section_id" => &mut filter.section_id,
                "event_id" => &mut filter.event_id,
                "region" => &mut filter.region,
                "kind" => &mut filter.kind,
                "category" => &mut filter.category,
                _ => continue,
            };
            *slot = Some(value.into_owned());
        }
        filter
    }

    /// The filter as a query string, for pager links.
    pub fn query(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("section_id", &self.section_id),
            ("event_id", &self.event_id),
            ("region", &self.region),
            ("kind", &self.kind),
            ("category", &self.category),
        ];
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            if !trimmed(value).is_empty() {
                query.append_pair(name, trimmed(value));
            }
        }
        query.finish()
    }
}

fn optional_choice<T>(raw: &str, parse: fn(&str) -> Option<T>, field: &str, errors: &mut FieldErrors) -> Option<T> {
    if raw.is_empty() {
        return None;
    }
    let value = parse(raw);
    if value.is_none() {
        errors.add(field, "validation.choice");
    }
    value
}

impl ValidFilter {
    fn admits(&self, item: &ReviewItem) -> bool {
        let o = &item.outcome.outcome;
        self.status.admits(o.status)
            && match self.section {
                SectionFilter::Any => true,
                SectionFilter::None => o.section_id.is_none(),
                SectionFilter::Is(id) => o.section_id == Some(id),
            }
            && self.event_id.is_none_or(|id| item.event.id == id)
            && (self.region.is_empty() || fold(&item.event.region) == self.region)
            && self.kind.is_none_or(|k| o.kind == k)
            && self.category.is_none_or(|c| o.voiced_by.contains(&c))
    }
}

/// One page of the report's outcomes that pass the filter, in reading order (404 without the report).
/// Filtering happens in Rust: a report has hundreds of outcomes, not millions, and the region
/// filter must ignore accents the same way on SQLite and PostgreSQL.
pub async fn list(
    db: &DatabaseConnection,
    report_id: i32,
    filter: &InboxFilter,
    paging: PageQuery,
) -> AppResult<Paged<ReviewItem>> {
    Ok(view(db, report_id, filter, paging).await?.items)
}

fn page_of(items: Vec<ReviewItem>, paging: PageQuery) -> Paged<ReviewItem> {
    let per_page = paging.per_page();
    let total = items.len() as u64;
    let skip = ((paging.page() - 1) * per_page) as usize;
    Paged {
        items: items.into_iter().skip(skip).take(per_page as usize).collect(),
        total,
        page: paging.page(),
        per_page,
    }
}

/// Outcomes of one kind on one section; raised at several workshops, they are shown side by side.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub kind: OutcomeKind,
    pub items: Vec<ReviewItem>,
    /// How many distinct events raised it.
    pub events: usize,
}

/// The outcomes of a page about one section (or none), with the section's text for an edit.
#[derive(Clone, Debug)]
pub struct InboxGroup {
    pub section: Option<Section>,
    pub clusters: Vec<Cluster>,
}

impl InboxGroup {
    /// The key of the group's decision form: its section id, or 0 for outcomes on no section.
    pub fn key(&self) -> i32 {
        self.section.as_ref().map_or(0, |s| s.id)
    }

    pub fn len(&self) -> usize {
        self.clusters.iter().map(|c| c.items.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Whether any outcome of the group may still be decided.
    pub fn has_decidable(&self) -> bool {
        self.clusters.iter().flat_map(|c| &c.items).any(|i| !i.is_final())
    }
}

/// Groups a page's items (already in reading order) by section, then by kind within a section.
pub fn group(items: &[ReviewItem], sections: &[Section]) -> Vec<InboxGroup> {
    let mut groups: Vec<InboxGroup> = Vec::new();
    for item in items {
        let section_id = item.section_id();
        let same = groups
            .last()
            .is_some_and(|g| g.section.as_ref().map(|s| s.id) == section_id);
        if !same {
            groups.push(InboxGroup {
                section: section_id.and_then(|id| sections.iter().find(|s| s.id == id).cloned()),
                clusters: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else { continue };
        let kind = item.outcome.outcome.kind;
        match group.clusters.iter_mut().find(|c| c.kind == kind) {
            Some(cluster) => {
                if !cluster.items.iter().any(|i| i.event.id == item.event.id) {
                    cluster.events += 1;
                }
                cluster.items.push(item.clone());
            }
            None => group.clusters.push(Cluster {
                kind,
                items: vec![item.clone()],
                events: 1,
            }),
        }
    }
    groups
}

/// What the inbox page shows: the filtered page grouped by section, and the filters' choices.
pub struct InboxView {
    pub sections: Vec<Section>,
    pub events: Vec<super::EventRef>,
    /// The regions of the report's events, once each, alphabetically.
    pub regions: Vec<String>,
    pub items: Paged<ReviewItem>,
    pub groups: Vec<InboxGroup>,
}

pub async fn view(
    db: &DatabaseConnection,
    report_id: i32,
    filter: &InboxFilter,
    paging: PageQuery,
) -> AppResult<InboxView> {
    let valid = filter.validate()?;
    let all = load(db, report_id).await?;
    let mut regions: Vec<String> = Vec::new();
    for e in &all.events {
        if !e.region.is_empty() && !regions.iter().any(|r| fold(r) == fold(&e.region)) {
            regions.push(e.region.clone());
        }
    }
    regions.sort_by_key(|r| fold(r));
    let items = page_of(all.items.into_iter().filter(|i| valid.admits(i)).collect(), paging);
    let groups = group(&items.items, &all.sections);
    Ok(InboxView {
        sections: all.sections,
        events: all.events,
        regions,
        items,
        groups,
    })
}
