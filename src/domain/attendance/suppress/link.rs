//! The links between an event's invited and present groups, and when the split between invited
//! guests who came and walk-ins may be published beside them.
//!
//! Why: the invited who came (`I`) are at most the invited (`N`), and, in each breakdown both
//! groups share (gender, category), at most `Σ min(present in the cell, invited in the cell)`
//! (walk-ins then make up the rest). Those inequalities are the only links: given the one-way
//! breakdowns of each group, any values meeting them can be realized by people. A hidden figure
//! of either group could be worked out through them (5 invited shown and "x" invited who came
//! makes them 5), so the split is published only when the links cannot bind: when the largest
//! `I` the present group allows is at most the least `N` and the least such sum the two groups
//! allow, every pair of values consistent with each group alone meets the links, and the reader
//! learns nothing more than each group's own figures tell. Otherwise the split is not published
//! (both "x", standing for any count): `I = 0` then meets the links whatever the other figures,
//! so again each group tells only what it tells alone.

use super::{Breakdown, Figure, Part, Published, Reader, THRESHOLD};

/// One breakdown both groups share: the present one and its index among the present parts, the
/// invited one and its index among the invited parts.
pub type Shared<'a> = (&'a Breakdown, usize, &'a Breakdown, usize);

/// Whether the split (present part 0: invited who came, walk-ins) may stay as published: true when
/// it is not published or when no value allowed by each group alone can break a link.
pub fn is_slack(
    present: &Published,
    present_sets: &[Vec<u64>],
    invited: &Published,
    invited_sets: &[Vec<u64>],
    shared: &[Shared<'_>],
) -> bool {
    if present.dropped.first().copied().unwrap_or(true) {
        return true;
    }
    let (_, p) = known(present, present_sets);
    let (n_total, n) = known(invited, invited_sets);
    let most_came = p[0][0].1;
    most_came <= n_total.0
        && shared.iter().all(|&(pb, pi, nb, ni)| {
            let room: u64 =
                pb.0.iter()
                    .enumerate()
                    .map(|(k, (key, _))| {
                        let least_invited =
                            nb.0.iter()
                                .position(|(other, _)| other == key)
                                .map_or(0, |j| n[ni][j].0);
                        p[pi][k].0.min(least_invited)
                    })
                    .sum();
            most_came <= room
        })
}

/// A total's (least, most), and every cell's per breakdown.
type Known = ((u64, u64), Vec<Vec<(u64, u64)>>);

/// Outer bounds of what a reader deduces from one group's published figures alone: the total's
/// (least, most) and every cell's, shown ones exact.
fn known(published: &Published, sets: &[Vec<u64>]) -> Known {
    if published.total == Figure::Small {
        // Every cell "<5", zeros included.
        let cells = sets.iter().map(|s| vec![(0, THRESHOLD - 1); s.len()]).collect();
        return ((1, THRESHOLD - 1), cells);
    }
    let parts: Vec<Part<'_>> = sets.iter().map(|c| Part::open(c)).collect();
    let reader = Reader::new(published.total, &parts, &published.cells, &published.dropped);
    let anything = (0, reader.total.1);
    let mut hidden = reader.intervals().into_iter();
    let cells = published
        .cells
        .iter()
        .zip(&published.dropped)
        .map(|(figures, &gone)| {
            if gone {
                return vec![anything; figures.len()];
            }
            let mut inner = hidden.next().unwrap_or_default().into_iter();
            figures
                .iter()
                .map(|f| match f.exact() {
                    Some(n) => (n, n),
                    None => inner.next().unwrap_or(anything),
                })
                .collect()
        })
        .collect();
    (reader.total, cells)
}
