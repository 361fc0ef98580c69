//! Workshop participation, title, date and venue frozen with a version, so an export of it never
//! changes after late check-ins or edits of the event.

use std::collections::HashMap;

use entity::version_participation;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use super::origins::{self, Origin};
use crate::domain::attendance::stats::{self, Summary};
use crate::domain::attendance::suppress::{Breakdown, Figure, SMALL_MARK, WITHHELD_MARK};
use crate::error::AppResult;

/// The stored form: figures as shown ("12", "<5", "x"), breakdowns as ordered pairs.
#[derive(Serialize, Deserialize)]
struct Stored {
    invited: String,
    present: String,
    invited_present: String,
    walk_ins: String,
    by_gender: Vec<(String, String)>,
    by_age_group: Vec<(String, String)>,
    by_category: Vec<(String, String)>,
    by_region: Vec<(String, String)>,
    invited_by_gender: Vec<(String, String)>,
    invited_by_category: Vec<(String, String)>,
    women_share_percent: Option<f64>,
    women_target_percent: Option<i32>,
}

fn pairs(b: &Breakdown) -> Vec<(String, String)> {
    b.0.iter().map(|(k, f)| (k.clone(), f.to_string())).collect()
}

fn figure(text: &str) -> Figure {
    match text {
        SMALL_MARK => Figure::Small,
        WITHHELD_MARK => Figure::Withheld,
        n => Figure::Exact(n.parse().unwrap_or(0)),
    }
}

fn breakdown(pairs: Vec<(String, String)>) -> Breakdown {
    Breakdown(pairs.into_iter().map(|(k, f)| (k, figure(&f))).collect())
}

impl From<&Summary> for Stored {
    fn from(s: &Summary) -> Stored {
        Stored {
            invited: s.invited.to_string(),
            present: s.present.to_string(),
            invited_present: s.invited_present.to_string(),
            walk_ins: s.walk_ins.to_string(),
            by_gender: pairs(&s.by_gender),
            by_age_group: pairs(&s.by_age_group),
            by_category: pairs(&s.by_category),
            by_region: pairs(&s.by_region),
            invited_by_gender: pairs(&s.invited_by_gender),
            invited_by_category: pairs(&s.invited_by_category),
            women_share_percent: s.women_share_percent,
            women_target_percent: s.women_target_percent,
        }
    }
}

impl From<Stored> for Summary {
    fn from(s: Stored) -> Summary {
        Summary {
            published: true,
            invited: figure(&s.invited),
            present: figure(&s.present),
            invited_present: figure(&s.invited_present),
            walk_ins: figure(&s.walk_ins),
            by_gender: breakdown(s.by_gender),
            by_age_group: breakdown(s.by_age_group),
            by_category: breakdown(s.by_category),
            by_region: breakdown(s.by_region),
            invited_by_gender: breakdown(s.invited_by_gender),
            invited_by_category: breakdown(s.invited_by_category),
            women_share_percent: s.women_share_percent,
            women_target_percent: s.women_target_percent,
        }
    }
}

/// Stores the published figures of these events for the version being published, with each
/// workshop's title, date and venue as they stand now.
pub async fn freeze<C: ConnectionTrait>(db: &C, version_id: i32, event_ids: &[i32]) -> AppResult<()> {
    let origins = origins::of_events(db, event_ids.iter().copied()).await?;
    for event_id in event_ids {
        let published = stats::summary(db, *event_id).await?.published();
        let figures = serde_json::to_string(&Stored::from(&published)).map_err(anyhow::Error::from)?;
        let origin = origins.get(event_id).cloned().unwrap_or_default();
        version_participation::Entity::insert(version_participation::ActiveModel {
            version_id: Set(version_id),
            event_id: Set(*event_id),
            figures: Set(figures),
            event_title: Set(origin.title),
            event_starts_at: Set(Some(origin.starts_at)),
            event_timezone: Set(origin.timezone),
            venue_name: Set(origin.venue),
            venue_region: Set(origin.region),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// One workshop as a version froze it: its figures, and where and when it was, if kept.
pub struct FrozenWorkshop {
    pub participation: Summary,
    /// `None` for rows frozen before the title, date and venue were kept.
    pub origin: Option<Origin>,
}

/// The figures frozen with a version, by event (empty for versions published before they were kept).
pub async fn frozen<C: ConnectionTrait>(db: &C, version_id: i32) -> AppResult<HashMap<i32, FrozenWorkshop>> {
    let rows = version_participation::Entity::find()
        .filter(version_participation::Column::VersionId.eq(version_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let stored: Stored = serde_json::from_str(&row.figures).ok()?;
            let origin = row.event_starts_at.map(|starts_at| Origin {
                title: row.event_title,
                starts_at,
                timezone: row.event_timezone,
                venue: row.venue_name,
                region: row.venue_region,
            });
            Some((
                row.event_id,
                FrozenWorkshop {
                    participation: Summary::from(stored),
                    origin,
                },
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_figures_read_back_the_same_in_the_same_order() {
        let summary = Summary {
            published: true,
            invited: Figure::Exact(71),
            present: Figure::Exact(70),
            invited_present: Figure::Exact(48),
            walk_ins: Figure::Exact(22),
            by_gender: Breakdown(vec![
                ("female".into(), Figure::Exact(30)),
                ("male".into(), Figure::Exact(40)),
                ("unspecified".into(), Figure::Exact(0)),
            ]),
            by_age_group: Breakdown(vec![
                ("youth".into(), Figure::Small),
                ("adult".into(), Figure::Withheld),
            ]),
            by_category: Breakdown(vec![("women_organization".into(), Figure::Exact(10))]),
            by_region: Breakdown(vec![
                ("Ségou".into(), Figure::Exact(9)),
                ("Kayes".into(), Figure::Small),
            ]),
            invited_by_gender: Breakdown::default(),
            invited_by_category: Breakdown::default(),
            women_share_percent: Some(42.9),
            women_target_percent: Some(30),
        };
        let text = serde_json::to_string(&Stored::from(&summary)).unwrap();
        let back = Summary::from(serde_json::from_str::<Stored>(&text).unwrap());
        assert_eq!(back, summary);
    }
}
