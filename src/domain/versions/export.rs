//! A published version as a document: its sections and the workshops annex, worded in the report's
//! language, ready for Markdown or the print page. Built only from frozen and as-of data.

use sea_orm::ConnectionTrait;

use super::annex::{self, Fate, Workshop};
use super::{FrozenSection, Version};
use crate::domain::attendance::stats::{Breakdown, Figure};
use crate::domain::reports::{self, Report};
use crate::error::AppResult;
use crate::i18n::Lang;

/// One workshop of the annex, every line already worded.
#[derive(Clone, Debug)]
pub struct WorkshopLines {
    pub anchor: String,
    pub heading: String,
    /// "Date : …", "Lieu : …", "Personnes présentes : …".
    pub facts: Vec<String>,
    pub by_gender: String,
    pub by_category: String,
    pub outcomes_heading: String,
    /// One line per outcome: what was said and what became of it.
    pub outcomes: Vec<String>,
}

/// A version ready to print or export.
#[derive(Clone, Debug)]
pub struct Document {
    pub report: Report,
    pub version: Version,
    pub lang: Lang,
    /// "Rapport final — version 2, publiée le 04/03/2027".
    pub subtitle: String,
    pub annex_title: String,
    pub annex_intro: String,
    /// Explains "<5" and "x", or empty when no figure is hidden.
    pub suppression_note: String,
    pub workshops: Vec<WorkshopLines>,
}

impl Document {
    pub fn contents_label(&self) -> &'static str {
        self.lang.t("reports.contents")
    }

    pub fn no_workshops(&self) -> &'static str {
        self.lang.t("reports.annex_none")
    }

    pub fn anchor(section: &FrozenSection) -> String {
        format!("s-{}", section.section_id)
    }
}

/// Version `number` of a report as a document (404 when either does not exist).
pub async fn document<C: ConnectionTrait>(db: &C, report_id: i32, number: i32) -> AppResult<Document> {
    let report = reports::get(db, report_id).await?;
    let version = super::get(db, report_id, number).await?;
    let workshops = annex::workshops(db, &version.info, &version.sections).await?;
    let lang = Lang::parse(&report.language).unwrap_or_default();
    let date = version.info.published_at.format("%d/%m/%Y").to_string();
    let hidden = workshops.iter().any(|w| {
        has_hidden(&w.participation.by_gender)
            || has_hidden(&w.participation.by_category)
            || w.participation.present.is_hidden()
    });
    Ok(Document {
        subtitle: lang.tf(
            "reports.version_line",
            &[("label", &version.info.label), ("number", &number), ("date", &date)],
        ),
        annex_title: lang.t("reports.annex_title").to_string(),
        annex_intro: lang.t("reports.annex_intro").to_string(),
        suppression_note: if hidden {
            lang.t("reports.suppression_note").to_string()
        } else {
            String::new()
        },
        workshops: workshops.iter().map(|w| worded(w, lang)).collect(),
        report,
        version,
        lang,
    })
}

fn has_hidden(b: &Breakdown) -> bool {
    b.0.iter().any(|(_, f)| f.is_hidden())
}

fn worded(w: &Workshop, lang: Lang) -> WorkshopLines {
    let place = [w.origin.venue.as_str(), w.origin.region.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let mut facts = vec![
        lang.tf("reports.annex_kind", &[("kind", &lang.t(&w.kind.label_key()))]),
        lang.tf("reports.annex_date", &[("date", &w.origin.local_date())]),
    ];
    if !place.is_empty() {
        facts.push(lang.tf("reports.annex_place", &[("place", &place)]));
    }
    facts.push(lang.tf("reports.annex_present", &[("count", &w.participation.present)]));
    WorkshopLines {
        anchor: format!("w-{}", w.event_id),
        heading: w.origin.title.clone(),
        facts,
        by_gender: lang.tf(
            "reports.annex_by_gender",
            &[("cells", &cells(&w.participation.by_gender, "gender", lang, true))],
        ),
        by_category: lang.tf(
            "reports.annex_by_category",
            &[("cells", &cells(&w.participation.by_category, "category", lang, false))],
        ),
        outcomes_heading: lang.tf("reports.annex_outcomes", &[("count", &w.outcomes.len())]),
        outcomes: w
            .outcomes
            .iter()
            .map(|o| {
                let fate = match &o.fate {
                    Fate::Accepted(n) => lang.tf("reports.fate_accepted", &[("number", n)]),
                    Fate::Rejected(why) => lang.tf("reports.fate_rejected", &[("rationale", why)]),
                    Fate::Deferred => lang.t("reports.fate_deferred").to_string(),
                    Fate::Open => lang.t("reports.fate_open").to_string(),
                };
                let about = o
                    .section
                    .as_ref()
                    .map(|h| format!(" ({})", lang.tf("reports.annex_about", &[("heading", h)])))
                    .unwrap_or_default();
                format!("{} : {}{about} — {fate}", lang.t(&o.kind.label_key()), o.summary)
            })
            .collect(),
    }
}

/// "Femme 12, Homme <5, …"; zero cells are left out unless `all` (gender has three cells only).
fn cells(b: &Breakdown, area: &str, lang: Lang, all: bool) -> String {
    let shown: Vec<String> =
        b.0.iter()
            .filter(|(_, f)| all || *f != Figure::Exact(0))
            .map(|(slug, f)| format!("{} {f}", lang.t(&format!("{area}.{slug}"))))
            .collect();
    if shown.is_empty() {
        "—".into()
    } else {
        shown.join(", ")
    }
}

/// The version as Markdown: title, version line, sections in order, then the annex.
pub fn markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n\n*{}*\n", doc.report.title, doc.subtitle);
    for section in &doc.version.sections {
        out.push_str(&format!("\n## {}\n\n", section.heading));
        let body = section.body.trim_end();
        if !body.is_empty() {
            out.push_str(body);
            out.push('\n');
        }
    }
    out.push_str(&format!("\n## {}\n\n{}\n", doc.annex_title, doc.annex_intro));
    if doc.workshops.is_empty() {
        out.push_str(&format!("\n{}\n", doc.no_workshops()));
    }
    for w in &doc.workshops {
        out.push_str(&format!("\n### {}\n\n", w.heading));
        for line in w.facts.iter().chain([&w.by_gender, &w.by_category]) {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str(&format!("\n{}\n\n", w.outcomes_heading));
        for line in &w.outcomes {
            out.push_str(&format!("- {line}\n"));
        }
    }
    if !doc.suppression_note.is_empty() {
        out.push_str(&format!("\n*{}*\n", doc.suppression_note));
    }
    out
}
