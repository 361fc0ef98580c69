//! Published figures across events, worked out from the events' own published pages only.
//!
//! **Why from the pages.** A campaign summary adds up the events' cells: shown exactly next to an
//! event's hidden "<5", it would give that cell away (the summary minus the other events' figures).
//! So every published figure across events is computed from what the events' pages publish, never
//! from the exact counts: a figure is exact only when each event shows its part exactly, "<5" when
//! one event's part is "<5" and every other part is 0, and "x" otherwise ("x" here is a sum that
//! includes hidden parts, of any size). The table of events repeats each page's figures.
//!
//! **The argument.** Each event's page depends on that event's counts alone and leaves every hidden
//! figure at least two possible values (`suppress::protect`). Whatever is computed from the pages
//! tells a reader nothing the pages did not, and the events' counts are independent of each other,
//! so the combinations a reader cannot rule out are all the pages' possibilities taken together:
//! every hidden event figure keeps its values, and every hidden sum keeps at least two (one of its
//! parts varies on its own). This holds for any number of filters read side by side, since each
//! summary is again computed from the same pages. `property` checks it by brute force.

use std::collections::{BTreeMap, HashMap};

use sea_orm::ConnectionTrait;

use super::stats::{self, Across, Breakdown, EventRow, Figure, StatsFilter, Summary};
use crate::domain::text;
use crate::error::AppResult;

#[cfg(test)]
mod property;

/// The figures across the events the filter selects: exact, or published.
pub async fn across_disclosed<C: ConnectionTrait>(db: &C, filter: &StatsFilter, publish: bool) -> AppResult<Across> {
    let exact = stats::across(db, filter).await?;
    if !publish {
        return Ok(exact);
    }
    let pages = stats::event_summaries(db, &exact.events).await?;
    Ok(published(&exact, &pages))
}

/// Published figures across events from the exact ones and each event's exact summary (by id);
/// every figure is computed from the events' published pages.
pub fn published(exact: &Across, summaries: &HashMap<i32, Summary>) -> Across {
    let pages: Vec<Summary> = exact
        .events
        .iter()
        .map(|row| match summaries.get(&row.event_id) {
            Some(exact) => exact.published(),
            None => stats::empty_summary(row.women_target_percent).published(),
        })
        .collect();
    let events = exact
        .events
        .iter()
        .zip(&pages)
        .map(|(row, page)| EventRow {
            invited: page.invited,
            present: page.present,
            walk_ins: page.walk_ins,
            women: page.women(),
            women_share_percent: page.women_share_percent,
            ..row.clone()
        })
        .collect();
    Across {
        summary: summary_of(&exact.summary, &pages),
        events,
    }
}

/// The summary of these pages, with the vocabularies and target of the exact summary.
pub fn summary_of(exact: &Summary, pages: &[Summary]) -> Summary {
    let figure = |pick: fn(&Summary) -> Figure| sum_of(pages.iter().map(|p| Some(pick(p))));
    let vocab = |pick: fn(&Summary) -> &Breakdown| {
        Breakdown(
            pick(exact)
                .0
                .iter()
                .map(|(key, _)| (key.clone(), sum_of(pages.iter().map(|p| Some(pick(p).get(key))))))
                .collect(),
        )
    };
    let present = figure(|p| p.present);
    let by_gender = vocab(|p| &p.by_gender);
    let women = by_gender.get(crate::domain::vocab::Gender::Female.slug());
    Summary {
        published: true,
        invited: figure(|p| p.invited),
        present,
        invited_present: figure(|p| p.invited_present),
        walk_ins: figure(|p| p.walk_ins),
        by_gender,
        by_age_group: vocab(|p| &p.by_age_group),
        by_category: vocab(|p| &p.by_category),
        by_region: regions(pages),
        invited_by_gender: vocab(|p| &p.invited_by_gender),
        invited_by_category: vocab(|p| &p.invited_by_category),
        // Both exact: the share is then the pages' figures divided.
        women_share_percent: (women.exact().is_some() && present.exact().is_some())
            .then_some(exact.women_share_percent)
            .flatten(),
        women_target_percent: exact.women_target_percent,
    }
}

/// A sum of published parts: exact when every part is, "<5" when the only hidden part is "<5" and
/// the others are 0, "x" otherwise. `None` is a part not published at all.
pub fn sum_of(parts: impl IntoIterator<Item = Option<Figure>>) -> Figure {
    let mut shown = 0;
    let mut hidden = Vec::new();
    for part in parts {
        match part {
            Some(Figure::Exact(n)) => shown += n,
            other => hidden.push(other),
        }
    }
    match hidden.as_slice() {
        [] => Figure::Exact(shown),
        [Some(Figure::Small)] if shown == 0 => Figure::Small,
        _ => Figure::Withheld,
    }
}

/// Regions listed on some page, by name (the unnamed one last). A page that lists none while people
/// came has a part in every region, unknown.
fn regions(pages: &[Summary]) -> Breakdown {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for page in pages {
        for (name, _) in &page.by_region.0 {
            names.entry(text::fold(name)).or_insert_with(|| name.clone());
        }
    }
    let listed: Vec<HashMap<String, Figure>> = pages
        .iter()
        .map(|p| p.by_region.0.iter().map(|(name, f)| (text::fold(name), *f)).collect())
        .collect();
    let mut keys: Vec<(String, String)> = names.into_iter().collect();
    keys.sort_by_key(|(folded, _)| (folded.is_empty(), folded.clone()));
    Breakdown(
        keys.into_iter()
            .map(|(folded, name)| {
                let parts = pages.iter().zip(&listed).map(|(page, cells)| {
                    let lists = !cells.is_empty() || page.present == Figure::Exact(0);
                    lists.then(|| cells.get(&folded).copied().unwrap_or_default())
                });
                (name, sum_of(parts))
            })
            .collect(),
    )
}
