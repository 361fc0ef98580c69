//! Attendance figures: invited vs present, disaggregated, with small cells hidden where published.
//! Every count reads the copies frozen on invitations and attendance rows, never the directory.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{attendance, event, invitation, report, venue};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, RelationTrait,
};
use serde::{Deserialize, Serialize};

pub use super::suppress::{Breakdown, DisclosureQuery, Figure};
use crate::domain::vocab::{ActorCategory, AgeGroup, EventStatus, Gender};
use crate::domain::{tallies, text};
use crate::error::{AppError, AppResult, FieldErrors};

/// Who was invited and who came, for one event or several.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Small cells are hidden ("<5", "x"): the figures anyone but an organizer sees.
    pub published: bool,
    pub invited: Figure,
    /// People present: invited guests, walk-ins and headcounts.
    pub present: Figure,
    /// Invited guests who came.
    pub invited_present: Figure,
    /// People present without an invitation (walk-ins and headcounts).
    pub walk_ins: Figure,
    pub by_gender: Breakdown,
    pub by_age_group: Breakdown,
    pub by_category: Breakdown,
    /// The regions people said they came from, as typed ("" when not given).
    pub by_region: Breakdown,
    pub invited_by_gender: Breakdown,
    pub invited_by_category: Breakdown,
    /// Share of women among those present, in percent (one decimal); `null` when nobody came
    /// or when the number of women is hidden.
    pub women_share_percent: Option<f64>,
    pub women_target_percent: Option<i32>,
}

/// One event's line in the figures across events.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventRow {
    pub event_id: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub status: EventStatus,
    pub venue: String,
    pub region: String,
    pub invited: Figure,
    pub present: Figure,
    pub walk_ins: Figure,
    pub women: Figure,
    pub women_share_percent: Option<f64>,
    pub women_target_percent: Option<i32>,
}

/// The figures of every event a filter selects, together and event by event.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Across {
    pub summary: Summary,
    pub events: Vec<EventRow>,
}

/// A database sum or count; never negative, since `people` is at least 1.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn share(women: u64, present: u64) -> Option<f64> {
    (present > 0).then(|| (women as f64 * 1000.0 / present as f64).round() / 10.0)
}

impl Summary {
    pub fn women(&self) -> Figure {
        self.by_gender.get(Gender::Female.slug())
    }

    pub fn below_target(&self) -> bool {
        matches!((self.women_share_percent, self.women_target_percent), (Some(s), Some(t)) if s < f64::from(t))
    }
}

/// `?report_id=&region=&from=&to=` as typed; `parse` checks it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Events that disseminate or launch this report (its id).
    pub report_id: String,
    /// The region of the events' venue.
    pub region: String,
    /// First day of the period, `YYYY-MM-DD` (events starting that day or later).
    pub from: String,
    /// Last day of the period, `YYYY-MM-DD`, included.
    pub to: String,
}

/// Which events count in the figures across events (scheduled and completed ones only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub report_id: Option<i32>,
    pub region: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl StatsQuery {
    /// The filter, or a 422 naming each field that cannot be read.
    pub async fn parse<C: ConnectionTrait>(&self, db: &C) -> AppResult<StatsFilter> {
        let mut errors = FieldErrors::new();
        let date = |raw: &str, field: &str, errors: &mut FieldErrors| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(date) if crate::domain::events::plausible_year(date) => Some(date),
                Ok(_) => {
                    errors.add(field, "validation.date_range");
                    None
                }
                Err(_) => {
                    errors.add(field, "stats.bad_date");
                    None
                }
            }
        };
        let from = date(&self.from, "from", &mut errors);
        let to = date(&self.to, "to", &mut errors);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.add("to", "stats.period_reversed");
        }
        let report_id = match self.report_id.trim() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(id) if report::Entity::find_by_id(id).one(db).await?.is_some() => Some(id),
                Ok(_) => {
                    errors.add("report_id", "validation.unknown_report");
                    None
                }
                Err(_) => {
                    errors.add("report_id", "validation.whole_number");
                    None
                }
            },
        };
        errors.into_result(StatsFilter {
            report_id,
            region: self.region.trim().to_string(),
            from,
            to,
        })
    }

    pub fn query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("report_id", &self.report_id),
            ("region", &self.region),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(key, value.trim());
            }
        }
        out.finish()
    }
}

impl StatsFilter {
    /// Days run from midnight UTC, which is Mali's time (as in the event lists).
    fn condition(&self) -> Condition {
        let mut cond = Condition::all()
            .add(event::Column::Status.is_in([EventStatus::Scheduled.slug(), EventStatus::Completed.slug()]));
        if let Some(id) = self.report_id {
            cond = cond.add(event::Column::ReportId.eq(id));
        }
        if !self.region.is_empty() {
            cond = cond.add(venue::Column::Region.eq(self.region.as_str()));
        }
        if let Some(from) = self.from {
            cond = cond.add(event::Column::StartsAt.gte(from.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        if let Some(next) = self.to.and_then(|t| t.succ_opt()) {
            cond = cond.add(event::Column::StartsAt.lt(next.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        cond
    }
}

/// One event's figures, exact.
pub async fn summary<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<Summary> {
    let event = event::Entity::find_by_id(event_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = Condition::all().add(event::Column::Id.eq(event_id));
    // Who came is read from the attendance rows (one per person or group present); who was
    // invited from the counters kept with the invitations, whatever the guest list's length.
    let mut tally = presence(db, scope).await?;
    let invited = tallies::of_event(db, event_id, &[tallies::GENDER, tallies::CATEGORY]).await?;
    tally.add_invited(&invited);
    Ok(tally.summary(event.women_target_percent))
}

/// The figures of every event the filter selects, exact, latest event first.
pub async fn across<C: ConnectionTrait>(db: &C, filter: &StatsFilter) -> AppResult<Across> {
    let scope = filter.condition();
    let lines: Vec<EventLine> = event::Entity::find()
        .select_only()
        .columns([
            event::Column::Id,
            event::Column::Title,
            event::Column::StartsAt,
            event::Column::Status,
            event::Column::WomenTargetPercent,
        ])
        .column_as(venue::Column::Name, "venue_name")
        .column_as(venue::Column::Region, "venue_region")
        .join(JoinType::LeftJoin, event_venue())
        .filter(scope.clone())
        .order_by_desc(event::Column::StartsAt)
        .order_by_desc(event::Column::Id)
        .into_model()
        .all(db)
        .await?;
    let per_event = per_event(db, scope.clone()).await?;
    let targets: Vec<Option<i32>> = lines.iter().map(|l| l.women_target_percent).collect();
    // One target for all, or none: an average of different targets would be no one's target.
    let common_target = targets
        .first()
        .copied()
        .flatten()
        .filter(|t| targets.iter().all(|x| *x == Some(*t)));
    let summary = tally(db, scope).await?.summary(common_target);
    let events = lines
        .into_iter()
        .map(|line| {
            let counts = per_event.get(&line.id).copied().unwrap_or_default();
            EventRow {
                event_id: line.id,
                status: EventStatus::parse(&line.status).unwrap_or(EventStatus::Scheduled),
                title: line.title,
                starts_at: line.starts_at,
                venue: line.venue_name.unwrap_or_default(),
                region: line.venue_region.unwrap_or_default(),
                invited: Figure::Exact(counts.invited),
                present: Figure::Exact(counts.present),
                walk_ins: Figure::Exact(counts.walk_ins),
                women: Figure::Exact(counts.women),
                women_share_percent: share(counts.women, counts.present),
                women_target_percent: line.women_target_percent,
            }
        })
        .collect();
    Ok(Across { summary, events })
}

#[derive(FromQueryResult)]
struct EventLine {
    id: i32,
    title: String,
    starts_at: DateTime<Utc>,
    status: String,
    women_target_percent: Option<i32>,
    venue_name: Option<String>,
    venue_region: Option<String>,
}

fn event_venue() -> RelationDef {
    event::Entity::belongs_to(venue::Entity)
        .from(event::Column::VenueId)
        .to(venue::Column::Id)
        .into()
}

fn attendance_event() -> RelationDef {
    attendance::Entity::belongs_to(event::Entity)
        .from(attendance::Column::EventId)
        .to(event::Column::Id)
        .into()
}

/// 1 for an invited guest's presence, 0 for a walk-in or a headcount cell. Written as one literal
/// expression: with bound parameters PostgreSQL would not see the SELECT and GROUP BY ones as equal.
fn from_invitation() -> Expr {
    Expr::cust(r#"CASE WHEN "attendances"."invitation_id" IS NULL THEN 0 ELSE 1 END"#)
}

/// Exact counts, summed by the database: a few grouped rows whatever the number of people.
#[derive(Default)]
struct Tally {
    invited: u64,
    present: u64,
    invited_present: u64,
    gender: BTreeMap<&'static str, u64>,
    age_group: BTreeMap<&'static str, u64>,
    category: BTreeMap<&'static str, u64>,
    /// Folded name → (spelling first seen, count).
    region: BTreeMap<String, (String, u64)>,
    invited_gender: BTreeMap<&'static str, u64>,
    invited_category: BTreeMap<&'static str, u64>,
}

#[derive(FromQueryResult)]
struct PresenceCell {
    gender: String,
    age_group: String,
    category: String,
    region: String,
    invited: i32,
    people: i64,
}

// Values outside the vocabularies (none are written, but rows predate rules) count as unspecified
// or other, so that every breakdown still adds up to the total.
fn gender_slug(raw: &str) -> &'static str {
    Gender::parse(raw).unwrap_or(Gender::Unspecified).slug()
}

fn category_slug(raw: &str) -> &'static str {
    ActorCategory::parse(raw).unwrap_or(ActorCategory::Other).slug()
}

async fn tally<C: ConnectionTrait>(db: &C, scope: Condition) -> AppResult<Tally> {
    let mut t = presence(db, scope.clone()).await?;
    let invited: Vec<(String, String, i64)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Category)
        .column(invitation::Column::Gender)
        .column_as(invitation::Column::Id.count(), "n")
        .join(JoinType::InnerJoin, invitation::Relation::Event.def())
        .join(JoinType::LeftJoin, event_venue())
        .filter(scope)
        .group_by(invitation::Column::Category)
        .group_by(invitation::Column::Gender)
        .into_tuple()
        .all(db)
        .await?;
    for (category, gender, n) in invited {
        t.add_invited_cell(&category, &gender, n);
    }
    Ok(t)
}

/// Who came to the events in scope, from the attendance rows.
async fn presence<C: ConnectionTrait>(db: &C, scope: Condition) -> AppResult<Tally> {
    let cells: Vec<PresenceCell> = attendance::Entity::find()
        .select_only()
        .columns([
            attendance::Column::Gender,
            attendance::Column::AgeGroup,
            attendance::Column::Category,
            attendance::Column::Region,
        ])
        .column_as(from_invitation(), "invited")
        .column_as(attendance::Column::People.sum(), "people")
        .join(JoinType::InnerJoin, attendance_event())
        .join(JoinType::LeftJoin, event_venue())
        .filter(scope.clone())
        .group_by(attendance::Column::Gender)
        .group_by(attendance::Column::AgeGroup)
        .group_by(attendance::Column::Category)
        .group_by(attendance::Column::Region)
        .group_by(from_invitation())
        .into_model()
        .all(db)
        .await?;
    let mut t = Tally::default();
    for cell in cells {
        t.add(
            &cell.gender,
            &cell.age_group,
            &cell.category,
            &cell.region,
            cell.invited == 1,
            cell.people,
        );
    }
    Ok(t)
}

/// Every slug of a vocabulary in its order, zeros included.
fn vocab_breakdown(slugs: impl Iterator<Item = &'static str>, counts: &BTreeMap<&'static str, u64>) -> Breakdown {
    Breakdown(
        slugs
            .map(|slug| (slug.to_string(), Figure::Exact(counts.get(slug).copied().unwrap_or(0))))
            .collect(),
    )
}

impl Tally {
    fn summary(self, women_target_percent: Option<i32>) -> Summary {
        let genders = || Gender::ALL.iter().map(|g| g.slug());
        let categories = || ActorCategory::ALL.iter().map(|c| c.slug());
        let women = self.gender.get(Gender::Female.slug()).copied().unwrap_or(0);
        // Regions by name, the unnamed one last.
        let mut regions: Vec<(String, (String, u64))> = self.region.into_iter().collect();
        regions.sort_by_key(|(folded, _)| (folded.is_empty(), folded.clone()));
        Summary {
            published: false,
            invited: Figure::Exact(self.invited),
            present: Figure::Exact(self.present),
            invited_present: Figure::Exact(self.invited_present),
            walk_ins: Figure::Exact(self.present - self.invited_present),
            by_gender: vocab_breakdown(genders(), &self.gender),
            by_age_group: vocab_breakdown(AgeGroup::ALL.iter().map(|a| a.slug()), &self.age_group),
            by_category: vocab_breakdown(categories(), &self.category),
            by_region: Breakdown(
                regions
                    .into_iter()
                    .map(|(_, (name, n))| (name, Figure::Exact(n)))
                    .collect(),
            ),
            invited_by_gender: vocab_breakdown(genders(), &self.invited_gender),
            invited_by_category: vocab_breakdown(categories(), &self.invited_category),
            women_share_percent: share(women, self.present),
            women_target_percent,
        }
    }
}

#[derive(Clone, Copy, Default)]
struct EventCounts {
    invited: u64,
    present: u64,
    walk_ins: u64,
    women: u64,
}

/// Each selected event's counts: two grouped queries for all events together.
async fn per_event<C: ConnectionTrait>(db: &C, scope: Condition) -> AppResult<HashMap<i32, EventCounts>> {
    let presence: Vec<(i32, i32, String, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::EventId)
        .column_as(from_invitation(), "invited")
        .column(attendance::Column::Gender)
        .column_as(attendance::Column::People.sum(), "people")
        .join(JoinType::InnerJoin, attendance_event())
        .join(JoinType::LeftJoin, event_venue())
        .filter(scope.clone())
        .group_by(attendance::Column::EventId)
        .group_by(from_invitation())
        .group_by(attendance::Column::Gender)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i32, EventCounts> = HashMap::new();
    for (event_id, invited, gender, people) in presence {
        let n = count(people);
        let c = counts.entry(event_id).or_default();
        c.present += n;
        if invited == 0 {
            c.walk_ins += n;
        }
        if gender_slug(&gender) == Gender::Female.slug() {
            c.women += n;
        }
    }
    let invited: Vec<(i32, i64)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::EventId)
        .column_as(invitation::Column::Id.count(), "n")
        .join(JoinType::InnerJoin, invitation::Relation::Event.def())
        .join(JoinType::LeftJoin, event_venue())
        .filter(scope)
        .group_by(invitation::Column::EventId)
        .into_tuple()
        .all(db)
        .await?;
    for (event_id, n) in invited {
        counts.entry(event_id).or_default().invited = count(n);
    }
    Ok(counts)
}

/// The figures of an event nobody was invited to or came to.
pub fn empty_summary(women_target_percent: Option<i32>) -> Summary {
    Tally::default().summary(women_target_percent)
}

#[derive(FromQueryResult)]
struct EventPresenceCell {
    event_id: i32,
    gender: String,
    age_group: String,
    category: String,
    region: String,
    invited: i32,
    people: i64,
}

impl Tally {
    /// Invited guests of one (category, gender) cell of a grouped count.
    fn add_invited_cell(&mut self, category: &str, gender: &str, n: i64) {
        let n = count(n);
        self.invited += n;
        *self.invited_gender.entry(gender_slug(gender)).or_default() += n;
        *self.invited_category.entry(category_slug(category)).or_default() += n;
    }

    /// Invited guests from an event's counters: each invitation counts once by gender and once
    /// by category.
    fn add_invited(&mut self, counters: &tallies::Tallies) {
        for (gender, n) in counters.dim(tallies::GENDER) {
            self.invited += n;
            *self.invited_gender.entry(gender_slug(&gender)).or_default() += n;
        }
        for (category, n) in counters.dim(tallies::CATEGORY) {
            *self.invited_category.entry(category_slug(&category)).or_default() += n;
        }
    }

    fn add_presence(&mut self, cell: &EventPresenceCell) {
        self.add(
            &cell.gender,
            &cell.age_group,
            &cell.category,
            &cell.region,
            cell.invited == 1,
            cell.people,
        );
    }

    /// `people` present in one (gender, age group, category, region, invited or not) cell.
    fn add(&mut self, gender: &str, age_group: &str, category: &str, region: &str, invited: bool, people: i64) {
        let n = count(people);
        self.present += n;
        if invited {
            self.invited_present += n;
        }
        *self.gender.entry(gender_slug(gender)).or_default() += n;
        let age = AgeGroup::parse(age_group).unwrap_or(AgeGroup::Unspecified).slug();
        *self.age_group.entry(age).or_default() += n;
        *self.category.entry(category_slug(category)).or_default() += n;
        let region = region.trim();
        let entry = self
            .region
            .entry(text::fold(region))
            .or_insert_with(|| (region.to_string(), 0));
        entry.1 += n;
    }
}

/// Each of these events' exact figures, the same as [`summary`] gives one by one (the published
/// figures across events are worked out from them): two grouped queries for all the events.
pub async fn event_summaries<C: ConnectionTrait>(db: &C, events: &[EventRow]) -> AppResult<HashMap<i32, Summary>> {
    let ids: Vec<i32> = events.iter().map(|e| e.event_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let cells: Vec<EventPresenceCell> = attendance::Entity::find()
        .select_only()
        .columns([
            attendance::Column::EventId,
            attendance::Column::Gender,
            attendance::Column::AgeGroup,
            attendance::Column::Category,
            attendance::Column::Region,
        ])
        .column_as(from_invitation(), "invited")
        .column_as(attendance::Column::People.sum(), "people")
        .filter(attendance::Column::EventId.is_in(ids.clone()))
        .group_by(attendance::Column::EventId)
        .group_by(attendance::Column::Gender)
        .group_by(attendance::Column::AgeGroup)
        .group_by(attendance::Column::Category)
        .group_by(attendance::Column::Region)
        .group_by(from_invitation())
        .into_model()
        .all(db)
        .await?;
    let mut tallies: HashMap<i32, Tally> = HashMap::new();
    for cell in &cells {
        tallies.entry(cell.event_id).or_default().add_presence(cell);
    }
    let invited = tallies::of_events(db, &ids, &[tallies::GENDER, tallies::CATEGORY]).await?;
    for (event_id, counters) in &invited {
        tallies.entry(*event_id).or_default().add_invited(counters);
    }
    Ok(events
        .iter()
        .map(|e| {
            let tally = tallies.remove(&e.event_id).unwrap_or_default();
            (e.event_id, tally.summary(e.women_target_percent))
        })
        .collect())
}
