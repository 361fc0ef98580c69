//! The demo's report history: version 1 published from the fixture, then about half the completed
//! workshop's outcomes decided, so the review, diff, traceability and uptake pages have content.
//! Version 2 is left for the editor to publish in the demo story.

use entity::{event, outcome, outcome_decision};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::domain::review::decisions::{self, Decided, DecisionInput};
use crate::domain::sections;
use crate::domain::versions;
use crate::error::AppResult;

/// What the demo decided about an outcome (by its order of record), and why.
struct DemoDecision {
    outcome: usize,
    decision: &'static str,
    rationale: &'static str,
    /// Accepting with the proposed text added to the section.
    edit: bool,
}

const DECISIONS: [DemoDecision; 8] = [
    DemoDecision {
        outcome: 0,
        decision: "accepted",
        rationale: "Confirme le constat ; cité dans la synthèse.",
        edit: false,
    },
    DemoDecision {
        outcome: 1,
        decision: "accepted",
        rationale: "Nuance fondée sur les consultations de Gao et Tombouctou ; ajoutée au texte.",
        edit: true,
    },
    DemoDecision {
        outcome: 2,
        decision: "rejected",
        rationale: "Le rapport ne parle pas de rupture générale ; les données des consultations maintiennent le constat.",
        edit: false,
    },
    DemoDecision {
        outcome: 4,
        decision: "accepted",
        rationale: "Témoignages concordants des associations de jeunes.",
        edit: false,
    },
    DemoDecision {
        outcome: 5,
        decision: "accepted",
        rationale: "Obstacle cité aussi à Ségou ; ajouté à la liste.",
        edit: true,
    },
    DemoDecision {
        outcome: 6,
        decision: "deferred",
        rationale: "À vérifier auprès du ministère avant la version finale.",
        edit: false,
    },
    DemoDecision {
        outcome: 12,
        decision: "rejected",
        rationale: "Les recommandations visent l'égalité réelle ; mesures maintenues.",
        edit: false,
    },
    DemoDecision {
        outcome: 14,
        decision: "rejected",
        rationale: "Avis partagé dans la salle ; hors du champ de la recherche.",
        edit: false,
    },
];

/// Publishes version 1 if the report has none, then decides the workshop's outcomes once
/// (nothing happens when any of them already has a decision). Returns how many were decided.
pub async fn review_workshop(db: &DatabaseConnection, report_id: i32, event_title: &str) -> AppResult<usize> {
    let Some(workshop) = event::Entity::find()
        .filter(event::Column::Title.eq(event_title))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let recorded = outcome::Entity::find()
        .filter(outcome::Column::EventId.eq(workshop.id))
        .order_by_asc(outcome::Column::Id)
        .all(db)
        .await?;
    if recorded.is_empty() {
        return Ok(0);
    }
    let decided = outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.is_in(recorded.iter().map(|o| o.id)))
        .count(db)
        .await?;
    if decided > 0 {
        return Ok(0);
    }
    if versions::last_number(db, report_id).await? == 0 {
        versions::publish(
            db,
            report_id,
            "Résultats préliminaires",
            None,
            &crate::domain::audit::Who::system("demo"),
        )
        .await?;
    }
    let mut count = 0;
    for d in &DECISIONS {
        let Some(target) = recorded.get(d.outcome) else {
            continue;
        };
        let mut input = DecisionInput {
            decision: d.decision.into(),
            rationale: d.rationale.into(),
            ..Default::default()
        };
        if let (true, Some(section_id)) = (d.edit, target.section_id) {
            let section = sections::get(db, section_id).await?;
            input.section_body = Some(format!("{}\n\n{}", section.body.trim_end(), target.proposed_text));
            input.section_version = Some(section.version);
        }
        if let Decided::Done(_) = decisions::decide(
            db,
            Some(report_id),
            &[target.id],
            None,
            &input,
            &crate::domain::audit::Who::system("demo"),
        )
        .await?
        {
            count += 1;
        }
    }
    Ok(count)
}
