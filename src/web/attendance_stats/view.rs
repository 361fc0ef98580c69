//! A summary's figures as labelled tables and charts, shared by the pages and the exports.

use super::charts::{Chart, Series, ShareChart};
use crate::domain::attendance::stats::{Breakdown, Figure, Summary};
use crate::i18n::Lang;

#[derive(Clone, Debug)]
pub struct TableRow {
    pub key: String,
    pub label: String,
    pub figures: Vec<Figure>,
}

impl TableRow {
    pub fn first(&self) -> Figure {
        self.figures.first().copied().unwrap_or_default()
    }
}

/// One breakdown (or comparison) with its headings; `section` and `measures` name it in exports.
#[derive(Clone, Debug)]
pub struct Table {
    pub id: &'static str,
    pub section: &'static str,
    pub title: &'static str,
    pub key_heading: &'static str,
    pub measures: Vec<&'static str>,
    pub headings: Vec<&'static str>,
    pub rows: Vec<TableRow>,
    pub total: Option<Vec<Figure>>,
    pub chart: Option<Chart>,
}

#[derive(Clone, Debug)]
pub struct SummaryView {
    pub summary: Summary,
    pub key_figures: Table,
    pub breakdowns: Vec<Table>,
    pub comparisons: Vec<Table>,
    pub share: ShareChart,
    pub share_text: String,
    pub target_text: String,
}

/// A percentage the way each language writes it: "38.5 %" or "38,5 %".
pub fn percent(lang: Lang, value: f64) -> String {
    let text = format!("{value} %");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

fn series_heading(lang: Lang, series: Series) -> &'static str {
    match series {
        Series::Present => lang.t("stats.present"),
        Series::Invited => lang.t("stats.invited"),
    }
}

/// How a breakdown key reads: a vocabulary label, or a region as typed.
fn label(lang: Lang, prefix: &str, key: &str) -> String {
    match (prefix, key) {
        ("region", "") => lang.t("stats.region_unknown").to_string(),
        ("region", name) => name.to_string(),
        (prefix, slug) => lang.t(&format!("{prefix}.{slug}")).to_string(),
    }
}

/// A table (with its chart) of one or more breakdowns over the same keys, one column per series.
fn table(
    lang: Lang,
    id: &'static str,
    title_key: &str,
    prefix: &str,
    columns: &[(Series, &Breakdown, Figure)],
) -> Table {
    let title = lang.t(title_key);
    let keys = columns.first().map(|(_, b, _)| b.0.clone()).unwrap_or_default();
    let rows: Vec<TableRow> = keys
        .iter()
        .map(|(key, _)| TableRow {
            key: key.clone(),
            label: label(lang, prefix, key),
            figures: columns.iter().map(|(_, b, _)| b.get(key)).collect(),
        })
        .collect();
    let series: Vec<Series> = columns.iter().map(|(s, _, _)| *s).collect();
    let chart = Chart::new(
        &format!("chart-{id}"),
        title,
        &series,
        rows.iter().map(|r| (r.label.clone(), r.figures.clone())).collect(),
    );
    Table {
        id,
        section: id,
        title,
        key_heading: lang.t(&format!("field.{prefix}")),
        measures: series.iter().map(|s| s.class()).collect(),
        headings: series.iter().map(|s| series_heading(lang, *s)).collect(),
        rows,
        total: Some(columns.iter().map(|(_, _, total)| *total).collect()),
        chart: Some(chart),
    }
}

impl SummaryView {
    pub fn new(summary: Summary, lang: Lang) -> SummaryView {
        let s = &summary;
        let single =
            |id, title, prefix, b: &Breakdown| table(lang, id, title, prefix, &[(Series::Present, b, s.present)]);
        let breakdowns = vec![
            single("gender", "stats.by_gender", "gender", &s.by_gender),
            single("age_group", "stats.by_age_group", "age_group", &s.by_age_group),
            single("category", "stats.by_category", "category", &s.by_category),
            single("region", "stats.by_region", "region", &s.by_region),
        ];
        let compare = |id, title, prefix, invited: &Breakdown, present: &Breakdown| {
            table(
                lang,
                id,
                title,
                prefix,
                &[
                    (Series::Invited, invited, s.invited),
                    (Series::Present, present, s.present),
                ],
            )
        };
        let comparisons = vec![
            compare(
                "invited_gender",
                "stats.invited_by_gender",
                "gender",
                &s.invited_by_gender,
                &s.by_gender,
            ),
            compare(
                "invited_category",
                "stats.invited_by_category",
                "category",
                &s.invited_by_category,
                &s.by_category,
            ),
        ];
        let key_rows = [
            ("invited", s.invited),
            ("present", s.present),
            ("invited_present", s.invited_present),
            ("walk_ins", s.walk_ins),
        ];
        let key_figures = Table {
            id: "totals",
            section: "totals",
            title: lang.t("stats.key_figures"),
            key_heading: lang.t("stats.key_figures"),
            measures: vec!["people"],
            headings: vec![lang.t("stats.people")],
            rows: key_rows
                .iter()
                .map(|(key, figure)| TableRow {
                    key: key.to_string(),
                    label: lang.t(&format!("stats.{key}")).to_string(),
                    figures: vec![*figure],
                })
                .collect(),
            total: None,
            chart: None,
        };
        let share_text = match (s.women_share_percent, s.women().is_hidden()) {
            (_, true) => lang.t("stats.share_hidden").to_string(),
            (Some(p), false) => percent(lang, p),
            (None, false) => "—".to_string(),
        };
        let target_text = s
            .women_target_percent
            .map(|t| lang.tf("stats.target_is", &[("target", &percent(lang, f64::from(t)))]))
            .unwrap_or_default();
        // The drawing has room for a number or a mark only.
        let short = match s.women_share_percent {
            Some(p) => percent(lang, p),
            None if s.women().is_hidden() => s.women().to_string(),
            None => "—".to_string(),
        };
        let share = ShareChart::new(
            s.women_share_percent,
            s.women_target_percent,
            short,
            target_text.clone(),
        );
        SummaryView {
            key_figures,
            breakdowns,
            comparisons,
            share,
            share_text,
            target_text,
            summary,
        }
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        std::iter::once(&self.key_figures)
            .chain(&self.breakdowns)
            .chain(&self.comparisons)
    }
}
