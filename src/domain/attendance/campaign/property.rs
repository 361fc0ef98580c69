//! The proof that no small count of a campaign can be worked out: random campaigns of one to three
//! events, each event published on its own page, with the summary and the table of events across
//! them. An independent checker, which knows only what the marks mean, enumerates every set of
//! counts consistent with all that is shown together and requires at least two values for every
//! hidden figure (the events' and the summary's), and the true counts among them.

use std::collections::HashMap;

use super::published;
use crate::domain::attendance::stats::{Across, Breakdown, EventRow, Figure, Summary};
use crate::domain::vocab::EventStatus;
use Figure::{Exact, Small, Withheld};

/// Values 0..128 as bits: the sums across three events stay below 128 (see `cap`).
type Bits = u128;

/// The dimensions of the people present: origin, gender, age group, category, region.
const DIMS: usize = 5;
/// A region nobody lists: people of a page whose regions are not listed may come from it.
const ELSEWHERE: &str = "?";

fn bit(n: u64) -> Bits {
    1u128 << n
}

fn values(bits: Bits) -> Vec<u64> {
    let mut out = Vec::new();
    let mut rest = bits;
    while rest != 0 {
        let n = rest.trailing_zeros();
        out.push(u64::from(n));
        rest &= rest - 1;
    }
    out
}

fn minkowski(a: Bits, b: Bits) -> Bits {
    values(a).into_iter().fold(0, |acc, n| acc | (b << n))
}

/// Options with the same projection are one: their figures' values together.
fn merge(options: Vec<(Vec<u64>, Vec<Bits>)>) -> Vec<(Vec<u64>, Vec<Bits>)> {
    let mut merged: HashMap<Vec<u64>, Vec<Bits>> = HashMap::new();
    for (proj, bits) in options {
        match merged.get_mut(&proj) {
            Some(slot) => slot.iter_mut().zip(&bits).for_each(|(s, b)| *s |= b),
            None => {
                merged.insert(proj, bits);
            }
        }
    }
    merged.into_iter().collect()
}

/// Sums that vary with one event at most are checked on that event's options alone, and dropped
/// from the projections: the same possibilities, far fewer combinations to try.
fn reduce(options: &mut [Vec<(Vec<u64>, Vec<Bits>)>], limits: &mut Vec<(u64, u64)>) {
    loop {
        if options.iter().any(Vec::is_empty) {
            return;
        }
        let Some(k) = (0..limits.len()).find(|&k| {
            options
                .iter()
                .filter(|o| o.iter().any(|(p, _)| p[k] != o[0].0[k]))
                .count()
                <= 1
        }) else {
            return;
        };
        let varying = options.iter().position(|o| o.iter().any(|(p, _)| p[k] != o[0].0[k]));
        let fixed: u64 = options
            .iter()
            .enumerate()
            .filter(|(e, _)| Some(*e) != varying)
            .map(|(_, o)| o[0].0[k])
            .sum();
        let (lo, hi) = limits[k];
        match varying {
            Some(e) => options[e].retain(|(p, _)| (lo..=hi).contains(&(fixed + p[k]))),
            None if !(lo..=hi).contains(&fixed) => options.iter_mut().for_each(Vec::clear),
            None => {}
        }
        limits.remove(k);
        for o in options.iter_mut() {
            let taken: Vec<(Vec<u64>, Vec<Bits>)> = std::mem::take(o)
                .into_iter()
                .map(|(mut p, bits)| {
                    p.remove(k);
                    (p, bits)
                })
                .collect();
            *o = merge(taken);
        }
    }
}

/// A dimension's marks as a page lists them.
fn marks(s: &Summary, d: usize) -> Vec<(String, Figure)> {
    match d {
        0 => vec![("invited".into(), s.invited_present), ("walk_in".into(), s.walk_ins)],
        1 => s.by_gender.0.clone(),
        2 => s.by_age_group.0.clone(),
        3 => s.by_category.0.clone(),
        _ => s.by_region.0.clone(),
    }
}

/// The true count of each key of a dimension, keys not in the universe counted under `ELSEWHERE`.
fn truth(s: &Summary, d: usize, universe: &[String]) -> Vec<u64> {
    let mut out = vec![0; universe.len()];
    for (key, f) in marks(s, d) {
        let n = f.exact().unwrap_or(0);
        let at = universe.iter().position(|k| *k == key);
        let at = at.or_else(|| universe.iter().position(|k| k == ELSEWHERE)).unwrap_or(0);
        out[at] += n;
    }
    out
}

/// What a reader knows of each count of one dimension on one page: a range.
fn boxes(page: &Summary, d: usize, universe: &[String], cap: u64) -> Vec<(u64, u64)> {
    let shown = marks(page, d);
    let region = d == DIMS - 1;
    if region && shown.is_empty() && page.present != Exact(0) {
        // Regions not listed: anyone may come from anywhere.
        return vec![(0, cap); universe.len()];
    }
    let all_withheld = shown.iter().all(|(_, f)| *f == Withheld);
    let ceiling = shown
        .iter()
        .filter_map(|(_, f)| f.exact())
        .filter(|&n| n > 0)
        .min()
        .unwrap_or(cap)
        .min(cap);
    // "<5" may be 0 in a group whose total is "<5" (its zeros are hidden too), unless the page
    // shows a zero there after all; a listed region is one person or more.
    let shows_zero = (0..DIMS - 1).any(|d| marks(page, d).iter().any(|(_, f)| *f == Exact(0)));
    let zeros_hidden = page.present == Small && !shows_zero;
    let least_small = if zeros_hidden && !region { 0 } else { 1 };
    universe
        .iter()
        .map(|key| match shown.iter().find(|(k, _)| k == key).map(|(_, f)| *f) {
            None if region => (0, 0),
            None => (0, cap),
            Some(Exact(n)) => (n, n),
            Some(Small) => (least_small, 4),
            Some(Withheld) if all_withheld => (0, cap),
            Some(Withheld) => (5, ceiling.max(5)),
        })
        .collect()
}

fn total_box(f: Figure, cap: u64) -> (u64, u64) {
    match f {
        Exact(n) => (n, n),
        Small => (1, 4),
        Withheld => (5, cap),
    }
}

fn meet(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0.max(b.0), a.1.min(b.1))
}

/// A figure across events that a reader may add up: the total, or a key of a dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Coord {
    Total,
    Cell(usize, usize),
}

/// What a summary's mark says of the sum: exact, fewer than five, or nothing.
fn constraint(f: Figure) -> Option<(u64, u64)> {
    match f {
        Exact(n) => Some((n, n)),
        Small => Some((0, 4)),
        Withheld => None,
    }
}

/// Every vector within `boxes` adding up to `total`.
fn each_split(boxes: &[(u64, u64)], total: u64, visit: &mut impl FnMut(&[u64])) {
    fn go(boxes: &[(u64, u64)], left: u64, acc: &mut Vec<u64>, visit: &mut impl FnMut(&[u64])) {
        let Some((&(lo, hi), rest)) = boxes.split_first() else {
            if left == 0 {
                visit(acc);
            }
            return;
        };
        let rest_lo: u64 = rest.iter().map(|b| b.0).sum();
        let rest_hi: u64 = rest.iter().map(|b| b.1).sum();
        for v in lo..=hi.min(left) {
            if left - v < rest_lo || left - v > rest_hi {
                continue;
            }
            acc.push(v);
            go(rest, left - v, acc, visit);
            acc.pop();
        }
    }
    go(boxes, total, &mut Vec::new(), visit);
}

/// One event's possibilities, grouped by the values of the figures the summary adds up: for each
/// such projection, the values each of its figures can take (figure 0 is the total, then the cells
/// dimension by dimension).
type Options = HashMap<Vec<u64>, Vec<Bits>>;

/// What the page and the table say of an event: the total's range, then each dimension's cells'.
type Boxes = (Vec<(u64, u64)>, Vec<Vec<(u64, u64)>>);

struct Campaign {
    universes: Vec<Vec<String>>,
    coords: Vec<(Coord, Option<(u64, u64)>)>,
    cap: u64,
}

impl Campaign {
    fn offset(&self, d: usize) -> usize {
        1 + self.universes[..d].iter().map(Vec::len).sum::<usize>()
    }

    fn figures(&self) -> usize {
        self.offset(DIMS)
    }

    /// What the page and the table say of each of an event's figures: figure 0 the total, then
    /// each dimension's cells.
    fn boxes(&self, page: &Summary, row: &EventRow) -> Boxes {
        let mut t_box = meet(total_box(page.present, self.cap), total_box(row.present, self.cap));
        t_box.1 = t_box.1.min(self.cap);
        let mut dim_boxes: Vec<Vec<(u64, u64)>> = (0..DIMS)
            .map(|d| boxes(page, d, &self.universes[d], self.cap))
            .collect();
        // The table of events repeats women and walk-ins: what it says counts too.
        let row_cell = |f: Figure| match f {
            Exact(n) => (n, n),
            Small => (0, 4),
            Withheld => (0, self.cap),
        };
        if let Some(i) = self.universes[1].iter().position(|k| k == "female") {
            dim_boxes[1][i] = meet(dim_boxes[1][i], row_cell(row.women));
        }
        dim_boxes[0][1] = meet(dim_boxes[0][1], row_cell(row.walk_ins));
        (vec![t_box], dim_boxes)
    }

    /// Every possibility of one event within its boxes, by its values of the `constrained` sums.
    fn options(&self, t_box: (u64, u64), dim_boxes: &[Vec<(u64, u64)>], constrained: &[Coord]) -> Options {
        let mut out: Options = HashMap::new();
        for t in t_box.0..=t_box.1 {
            // Per dimension: projection onto its constrained keys → values of each of its keys.
            let mut groups: Vec<Vec<(Vec<u64>, Vec<Bits>)>> = Vec::new();
            for (d, b) in dim_boxes.iter().enumerate() {
                let keys: Vec<usize> = constrained
                    .iter()
                    .filter_map(|c| match c {
                        Coord::Cell(cd, i) if *cd == d => Some(*i),
                        _ => None,
                    })
                    .collect();
                let mut by_proj: HashMap<Vec<u64>, Vec<Bits>> = HashMap::new();
                let mut only = vec![0; b.len()];
                let mut any = false;
                each_split(b, t, &mut |v| {
                    let bits = if keys.is_empty() {
                        any = true;
                        &mut only
                    } else {
                        let proj: Vec<u64> = keys.iter().map(|&i| v[i]).collect();
                        by_proj.entry(proj).or_insert_with(|| vec![0; v.len()])
                    };
                    for (slot, &n) in bits.iter_mut().zip(v) {
                        *slot |= bit(n);
                    }
                });
                if any {
                    by_proj.insert(Vec::new(), only);
                }
                groups.push(by_proj.into_iter().collect());
            }
            if groups.iter().any(Vec::is_empty) {
                continue;
            }
            // Every combination of the dimensions' groups is a possibility of the event.
            let mut pick = [0usize; DIMS];
            loop {
                let mut bits = vec![0; self.figures()];
                bits[0] = bit(t);
                for d in 0..DIMS {
                    let (_, cells) = &groups[d][pick[d]];
                    bits[self.offset(d)..self.offset(d) + cells.len()].copy_from_slice(cells);
                }
                let proj: Vec<u64> = constrained
                    .iter()
                    .map(|c| match c {
                        Coord::Total => t,
                        Coord::Cell(d, _) => {
                            let keys_before = constrained
                                .iter()
                                .take_while(|x| *x != c)
                                .filter(|x| matches!(x, Coord::Cell(xd, _) if xd == d))
                                .count();
                            groups[*d][pick[*d]].0[keys_before]
                        }
                    })
                    .collect();
                let slot = out.entry(proj).or_insert_with(|| vec![0; bits.len()]);
                for (s, b) in slot.iter_mut().zip(&bits) {
                    *s |= b;
                }
                let mut d = 0;
                loop {
                    if d == DIMS {
                        break;
                    }
                    pick[d] += 1;
                    if pick[d] < groups[d].len() {
                        break;
                    }
                    pick[d] = 0;
                    d += 1;
                }
                if d == DIMS {
                    break;
                }
            }
        }
        out
    }
}

/// Checks what `pages`, the table and the summary show together against the true counts: `Err`
/// names a hidden figure with fewer than two possible values, or a figure shown wrongly.
fn check(truths: &[Summary], pages: &[Summary], across: &Across) -> Result<(), String> {
    let cap = truths.iter().map(|t| t.present.exact().unwrap_or(0)).max().unwrap_or(0) + 6;
    let mut universes: Vec<Vec<String>> = (0..DIMS - 1)
        .map(|d| marks(&truths[0], d).into_iter().map(|(k, _)| k).collect())
        .collect();
    let mut regions: Vec<String> = Vec::new();
    for s in pages.iter().chain([&across.summary]) {
        for (name, _) in &s.by_region.0 {
            if !regions.contains(name) {
                regions.push(name.clone());
            }
        }
    }
    regions.push(ELSEWHERE.into());
    universes.push(regions);
    let summary = &across.summary;
    let mut coords = vec![(Coord::Total, constraint(summary.present))];
    for (d, universe) in universes.iter().enumerate() {
        for (key, f) in marks(summary, d) {
            let i = universe.iter().position(|k| *k == key).ok_or("summary key unknown")?;
            coords.push((Coord::Cell(d, i), constraint(f)));
        }
    }
    let campaign = Campaign { universes, coords, cap };
    let mut boxes: Vec<Boxes> = pages
        .iter()
        .zip(&across.events)
        .map(|(p, r)| campaign.boxes(p, r))
        .collect();
    // A sum whose parts are all fixed but one is a range for that one part; the others are
    // worked out jointly.
    let mut joint: Vec<Coord> = Vec::new();
    let mut limits: Vec<(u64, u64)> = Vec::new();
    for (c, limit) in &campaign.coords {
        let Some((lo, hi)) = *limit else { continue };
        let part = |b: &Boxes| match c {
            Coord::Total => b.0[0],
            Coord::Cell(d, i) => b.1[*d][*i],
        };
        let varying: Vec<usize> = (0..boxes.len())
            .filter(|&e| part(&boxes[e]).0 != part(&boxes[e]).1)
            .collect();
        if varying.len() > 1 {
            joint.push(*c);
            limits.push((lo, hi));
            continue;
        }
        let fixed: u64 = (0..boxes.len())
            .filter(|e| !varying.contains(e))
            .map(|e| part(&boxes[e]).0)
            .sum();
        if fixed > hi {
            return Err(format!("summary {c:?} contradicts the pages"));
        }
        match varying.first() {
            Some(&e) => {
                let slot = match c {
                    Coord::Total => &mut boxes[e].0[0],
                    Coord::Cell(d, i) => &mut boxes[e].1[*d][*i],
                };
                *slot = meet(*slot, (lo.saturating_sub(fixed), hi - fixed));
            }
            None if fixed < lo => return Err(format!("summary {c:?} contradicts the pages")),
            None => {}
        }
    }
    let mut options: Vec<Vec<(Vec<u64>, Vec<Bits>)>> = boxes
        .iter()
        .map(|(t, dims)| campaign.options(t[0], dims, &joint).into_iter().collect())
        .collect();
    reduce(&mut options, &mut limits);
    // Only the hidden figures of the summary need their possible values.
    let hidden: Vec<bool> = campaign
        .coords
        .iter()
        .map(|(c, _)| summary_mark(summary, &campaign, *c).is_hidden())
        .collect();
    let term = |bits: &[Bits], c: Coord| match c {
        Coord::Total => bits[0],
        Coord::Cell(d, i) => bits[campaign.offset(d) + i],
    };
    // Every combination of the events' projections that the summary allows.
    let mut feasible: Vec<Vec<bool>> = options.iter().map(|o| vec![false; o.len()]).collect();
    let mut sums: Vec<Bits> = vec![0; campaign.coords.len()];
    let mut pick = vec![0usize; options.len()];
    let mut combos = 0u64;
    if options.iter().all(|o| !o.is_empty()) {
        loop {
            combos += 1;
            if combos > 2_000_000 {
                return Err("too many combinations to check".into());
            }
            let ok = limits.iter().enumerate().all(|(k, &(lo, hi))| {
                let s: u64 = pick.iter().enumerate().map(|(e, &p)| options[e][p].0[k]).sum();
                (lo..=hi).contains(&s)
            });
            if ok {
                for (e, &p) in pick.iter().enumerate() {
                    feasible[e][p] = true;
                }
                for (k, (c, _)) in campaign.coords.iter().enumerate().filter(|(k, _)| hidden[*k]) {
                    sums[k] |= pick
                        .iter()
                        .enumerate()
                        .fold(1, |acc, (e, &p)| minkowski(acc, term(&options[e][p].1, *c)));
                }
            }
            let mut e = 0;
            while e < pick.len() {
                pick[e] += 1;
                if pick[e] < options[e].len() {
                    break;
                }
                pick[e] = 0;
                e += 1;
            }
            if e == pick.len() {
                break;
            }
        }
    }
    // Each event's hidden figures.
    for (e, (page, exact)) in pages.iter().zip(truths).enumerate() {
        let mut seen = vec![0; campaign.figures()];
        for ((_, bits), ok) in options[e].iter().zip(&feasible[e]) {
            if *ok {
                for (s, b) in seen.iter_mut().zip(bits) {
                    *s |= b;
                }
            }
        }
        let row = &across.events[e];
        let true_total = exact.present.exact().unwrap_or(0);
        for (shown, what) in [(page.present, "total"), (row.present, "row total")] {
            examine(shown, true_total, seen[0], &format!("event {e} {what}"))?;
        }
        for d in 0..DIMS {
            let universe = &campaign.universes[d];
            let real = truth(exact, d, universe);
            let shown = marks(page, d);
            for (i, key) in universe.iter().enumerate() {
                let at = seen[campaign.offset(d) + i];
                let mark = shown.iter().find(|(k, _)| k == key).map(|(_, f)| *f);
                let name = format!("event {e} dim {d} {key}");
                match mark {
                    Some(f) => examine(f, real[i], at, &name)?,
                    // Not listed: 0 when the page lists its regions, otherwise hidden.
                    None if at == bit(0) && real[i] == 0 => {}
                    None => examine(Withheld, real[i], at, &name)?,
                }
            }
        }
        let women = exact.by_gender.get("female").exact().unwrap_or(0);
        let at = seen[campaign.offset(1) + campaign.universes[1].iter().position(|k| k == "female").unwrap_or(0)];
        examine(row.women, women, at, &format!("event {e} row women"))?;
        let walk_ins = exact.walk_ins.exact().unwrap_or(0);
        examine(
            row.walk_ins,
            walk_ins,
            seen[campaign.offset(0) + 1],
            &format!("event {e} row walk-ins"),
        )?;
    }
    // The summary's figures.
    for (k, (c, _)) in campaign.coords.iter().enumerate() {
        let real: u64 = truths
            .iter()
            .map(|t| match c {
                Coord::Total => t.present.exact().unwrap_or(0),
                Coord::Cell(d, i) => truth(t, *d, &campaign.universes[*d])[*i],
            })
            .sum();
        let shown = summary_mark(summary, &campaign, *c);
        examine(shown, real, sums[k], &format!("summary {c:?}"))?;
    }
    Ok(())
}

fn summary_mark(summary: &Summary, campaign: &Campaign, c: Coord) -> Figure {
    match c {
        Coord::Total => summary.present,
        Coord::Cell(d, i) => {
            let key = &campaign.universes[d][i];
            marks(summary, d)
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, f)| *f)
                .unwrap_or_default()
        }
    }
}

/// A figure shown must be true and never 1 to 4; a hidden one must keep two values, the true one
/// among them.
fn examine(shown: Figure, real: u64, possible: Bits, what: &str) -> Result<(), String> {
    match shown {
        Exact(n) if n != real || (1..5).contains(&n) => Err(format!("{what}: shows {n}, is {real}")),
        Exact(_) => Ok(()),
        _ if possible & bit(real) == 0 => Err(format!("{what}: {real} ruled out, left {:?}", values(possible))),
        _ if possible.count_ones() < 2 => Err(format!("{what} ({shown}) worked out: {:?}", values(possible))),
        _ => Ok(()),
    }
}

/// Splits `total` over `n` cells from a seed, small cells often.
fn split(total: u64, n: usize, mut seed: u64) -> Vec<u64> {
    let mut cells = vec![0u64; n];
    let mut left = total;
    for cell in cells.iter_mut().take(n - 1) {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let take = if left == 0 { 0 } else { (seed >> 33) % (left.min(7) + 1) };
        *cell = take;
        left -= take;
    }
    cells[n - 1] = left;
    cells.rotate_left(((seed >> 13) % n as u64) as usize);
    cells
}

fn named(keys: &[&str], counts: &[u64]) -> Breakdown {
    Breakdown(
        keys.iter()
            .zip(counts)
            .map(|(k, &n)| (k.to_string(), Exact(n)))
            .collect(),
    )
}

const GENDERS: [&str; 3] = ["female", "male", "unspecified"];
const AGES: [&str; 2] = ["youth", "adult"];
const CATEGORIES: [&str; 4] = ["civil_society", "media", "religious_authority", "security_forces"];
const REGIONS: [&str; 3] = ["Kayes", "Mopti", "Ségou"];

/// One event's exact figures; the invited group is left empty (its breakdowns follow the same rule).
fn event(total: u64, categories: usize, seed: u64) -> Summary {
    let origin = split(total, 2, seed);
    let regions = split(total, REGIONS.len(), seed ^ 0x9e37);
    let gender = split(total, 3, seed ^ 0x51ed);
    Summary {
        published: false,
        invited: Exact(0),
        present: Exact(total),
        invited_present: Exact(origin[0]),
        walk_ins: Exact(origin[1]),
        by_gender: named(&GENDERS, &gender),
        by_age_group: named(&AGES, &split(total, 2, seed ^ 0x2545)),
        by_category: named(&CATEGORIES[..categories], &split(total, categories, seed ^ 0x7f4a)),
        // Only regions someone came from are listed, as the database gives them.
        by_region: Breakdown(
            REGIONS
                .iter()
                .zip(&regions)
                .filter(|(_, n)| **n > 0)
                .map(|(k, &n)| (k.to_string(), Exact(n)))
                .collect(),
        ),
        invited_by_gender: named(&GENDERS, &[0, 0, 0]),
        invited_by_category: named(&CATEGORIES[..categories], &vec![0; categories]),
        women_share_percent: None,
        women_target_percent: None,
    }
}

fn row(id: i32, s: &Summary) -> EventRow {
    EventRow {
        event_id: id,
        title: format!("Atelier {id}"),
        starts_at: chrono::DateTime::UNIX_EPOCH,
        status: EventStatus::Completed,
        venue: String::new(),
        region: String::new(),
        invited: s.invited,
        present: s.present,
        walk_ins: s.walk_ins,
        women: s.women(),
        women_share_percent: None,
        women_target_percent: None,
    }
}

/// The exact campaign: summed cell by cell (regions by name, as the database groups them).
fn campaign_of(events: &[Summary]) -> Across {
    let sum = |pick: fn(&Summary) -> &Breakdown, keys: &[&str]| {
        let counts: Vec<u64> = keys
            .iter()
            .map(|k| events.iter().map(|e| pick(e).get(k).exact().unwrap_or(0)).sum())
            .collect();
        named(keys, &counts)
    };
    let total = |pick: fn(&Summary) -> Figure| Exact(events.iter().map(|e| pick(e).exact().unwrap_or(0)).sum());
    let categories: Vec<&str> = events[0].by_category.0.iter().map(|(k, _)| k.as_str()).collect();
    let mut regions = sum(|e| &e.by_region, &REGIONS);
    regions.0.retain(|(_, f)| *f != Exact(0));
    let summary = Summary {
        published: false,
        invited: total(|e| e.invited),
        present: total(|e| e.present),
        invited_present: total(|e| e.invited_present),
        walk_ins: total(|e| e.walk_ins),
        by_gender: sum(|e| &e.by_gender, &GENDERS),
        by_age_group: sum(|e| &e.by_age_group, &AGES),
        by_category: sum(|e| &e.by_category, &categories),
        by_region: regions,
        invited_by_gender: sum(|e| &e.invited_by_gender, &GENDERS),
        invited_by_category: sum(|e| &e.invited_by_category, &categories),
        women_share_percent: None,
        women_target_percent: None,
    };
    let events = events.iter().enumerate().map(|(i, e)| row(i as i32 + 1, e)).collect();
    Across { summary, events }
}

/// Publishes a campaign the way the application does and checks it.
fn publish_and_check(truths: &[Summary]) -> Result<Across, String> {
    let exact = campaign_of(truths);
    let by_id: HashMap<i32, Summary> = truths
        .iter()
        .enumerate()
        .map(|(i, t)| (i as i32 + 1, t.clone()))
        .collect();
    let across = published(&exact, &by_id);
    let pages: Vec<Summary> = truths.iter().map(Summary::published).collect();
    check(truths, &pages, &across)?;
    Ok(across)
}

#[test]
fn the_checker_catches_the_summary_that_gave_a_hidden_cell_away() {
    // Atelier 1: 3 women of 23 ("<5", men "x"); Atelier 2: 10 women, 12 men, all shown.
    let a = Summary {
        by_gender: named(&GENDERS, &[3, 20, 0]),
        ..event(23, 2, 1)
    };
    let b = Summary {
        by_gender: named(&GENDERS, &[10, 12, 0]),
        ..event(22, 2, 2)
    };
    let truths = [a, b];
    let pages: Vec<Summary> = truths.iter().map(Summary::published).collect();
    assert_eq!(pages[0].by_gender.get("female"), Small);
    // What the summary showed before: the exact total of women, 13, gives 13 - 10 = 3 away.
    let mut leaky = campaign_of(&truths);
    for (r, p) in leaky.events.iter_mut().zip(&pages) {
        *r = row(r.event_id, p);
    }
    let err = check(&truths, &pages, &leaky).unwrap_err();
    assert!(err.contains("female"), "{err}");
    // Published from the pages, the women across events are "x" and nothing is given away.
    let across = publish_and_check(&truths).unwrap();
    assert_eq!(across.summary.by_gender.get("female"), Withheld);
    assert_eq!(across.summary.by_gender.get("unspecified"), Exact(0));
    assert_eq!(across.summary.present, Exact(45));
}

#[test]
fn four_people_one_per_category_are_not_told_apart() {
    let four = Summary {
        by_category: named(&CATEGORIES, &[1, 1, 1, 1]),
        ..event(4, 4, 3)
    };
    let page = four.published();
    assert_eq!(
        page.by_category.0.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
        [Small; 4]
    );
    assert_eq!(
        page.by_gender.get("unspecified"),
        Small,
        "zeros hidden too: 0 to 4 each"
    );
    assert!(
        page.by_region.0.is_empty(),
        "four regions listed would be one person each"
    );
    publish_and_check(&[four]).unwrap();
}

#[test]
fn the_summary_shows_exactly_what_every_page_shows_exactly() {
    let big = |seed| Summary {
        by_gender: named(&GENDERS, &[20, 25, 0]),
        ..event(45, 2, seed)
    };
    let across = publish_and_check(&[big(4), big(5)]).unwrap();
    assert_eq!(across.summary.by_gender.get("female"), Exact(40));
    assert_eq!(across.summary.present, Exact(90));
    let small = Summary {
        by_gender: named(&GENDERS, &[3, 0, 0]),
        ..event(3, 2, 6)
    };
    let across = publish_and_check(&[big(4), small]).unwrap();
    assert_eq!(across.summary.present, Withheld, "45 and <5");
    assert_eq!(across.events[1].present, Small);
    assert_eq!(
        across.summary.by_gender.get("unspecified"),
        Small,
        "0 and a hidden zero"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]

    /// No hidden figure of any event, nor of the summary across them, has a single value given
    /// everything shown on the events' pages, the table of events and the summary together.
    #[test]
    fn no_hidden_figure_of_a_campaign_is_determined(
        events in proptest::collection::vec(
            (proptest::prop_oneof![3 => 0u64..5, 3 => 5u64..13, 1 => 13u64..31], proptest::prelude::any::<u64>()),
            1..4,
        ),
        categories in 2usize..5,
    ) {
        let truths: Vec<Summary> = events.iter().map(|&(total, seed)| event(total, categories, seed)).collect();
        if let Err(why) = publish_and_check(&truths) {
            let shown: Vec<String> = truths.iter().map(|t| format!("{t:?}")).collect();
            proptest::prop_assert!(false, "{why}\n{}", shown.join("\n"));
        }
    }
}
