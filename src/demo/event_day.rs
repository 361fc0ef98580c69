//! The demo's completed workshop: report sections, attendance (guests, walk-ins, a headcount), notes and outcomes.

use entity::{attendance, event};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Deserialize;

use crate::domain::attendance::record::{self, Headcount, HeadcountCell, Mark, WalkIn};
use crate::domain::attendance::roster;
use crate::domain::audit::Who;
use crate::domain::debates::notes::{self, NoteInput};
use crate::domain::debates::outcomes::{self, OutcomeInput};
use crate::domain::events;
use crate::domain::regions::Regions;
use crate::domain::sections::{self, NewSection, Section};
use crate::domain::vocab::EventStatus;
use crate::error::AppResult;

#[derive(Deserialize)]
pub struct SectionFixture {
    kind: String,
    heading: String,
    body: String,
}

/// The report's sections from the fixture, unless the report already has some.
pub async fn sections(db: &DatabaseConnection, report_id: i32, fixture: &[SectionFixture]) -> AppResult<Vec<Section>> {
    let existing = sections::list(db, report_id).await?;
    if !existing.is_empty() {
        return Ok(existing);
    }
    let mut created = Vec::new();
    for s in fixture {
        let input = NewSection {
            heading: s.heading.clone(),
            body: s.body.clone(),
            kind: s.kind.clone(),
        };
        created.push(sections::create(db, report_id, &input, &Who::system("demo")).await?);
    }
    Ok(created)
}

/// What the workshop day added.
#[derive(Debug, Default)]
pub struct DaySummary {
    pub present: i64,
    pub outcomes: usize,
}

/// Runs the Kayes workshop's day once: who came, what was noted and decided in the room, then completes it.
pub async fn hold_workshop(
    db: &DatabaseConnection,
    ctx: &crate::mail::MailContext,
    event_title: &str,
    sections: &[Section],
) -> AppResult<DaySummary> {
    let Some(workshop) = event::Entity::find()
        .filter(event::Column::Title.eq(event_title))
        .one(db)
        .await?
    else {
        return Ok(DaySummary::default());
    };
    let already = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(workshop.id))
        .count(db)
        .await?;
    if already > 0 || workshop.status != EventStatus::Scheduled.slug() {
        return Ok(DaySummary::default());
    }
    let id = workshop.id;
    let secret = ctx.secret.as_slice();

    // Two guests in three came; some showed the QR code of their letter or email.
    for (n, guest) in roster::roster(db, id).await?.iter().enumerate() {
        if n % 3 == 2 {
            continue;
        }
        let mark = Mark {
            invitation_id: Some(guest.invitation_id),
            method: Some(if n % 4 == 0 { "qr" } else { "list" }.into()),
            client_id: Some(format!("demo-guest-{}", guest.invitation_id)),
            ..Default::default()
        };
        record::apply(db, secret, &Regions::default(), id, None, &mark, &Who::system("demo")).await?;
    }
    for (n, (name, organization, gender, age, category)) in WALK_INS.iter().enumerate() {
        let mark = Mark {
            client_id: Some(format!("demo-walk-in-{n}")),
            walk_in: Some(WalkIn {
                full_name: Some(name.to_string()),
                organization: Some(organization.to_string()),
                gender: gender.to_string(),
                age_group: age.to_string(),
                category: category.to_string(),
                region: Some("Kayes".into()),
            }),
            ..Default::default()
        };
        record::apply(db, secret, &Regions::default(), id, None, &mark, &Who::system("demo")).await?;
    }
    // The students of the lycée came as a group; they were counted, not named.
    let cells = [
        ("youth_organization", "female", "youth", 7),
        ("youth_organization", "male", "youth", 6),
        ("civil_society", "female", "adult", 3),
    ];
    let headcount = Mark {
        client_id: Some("demo-headcount".into()),
        headcount: Some(Headcount {
            region: Some("Kayes".into()),
            cells: cells
                .iter()
                .map(|(category, gender, age_group, count)| HeadcountCell {
                    category: category.to_string(),
                    gender: gender.to_string(),
                    age_group: age_group.to_string(),
                    count: *count,
                })
                .collect(),
        }),
        ..Default::default()
    };
    let present = record::apply(
        db,
        secret,
        &Regions::default(),
        id,
        None,
        &headcount,
        &Who::system("demo"),
    )
    .await?
    .present;

    for (topic, body, speaker) in NOTES {
        let input = NoteInput {
            topic: topic.to_string(),
            body: body.to_string(),
            speaker_category: speaker.to_string(),
            ..Default::default()
        };
        notes::create(db, id, None, &input, &Who::system("demo")).await?;
    }
    let mut count = 0;
    for o in OUTCOMES {
        let input = OutcomeInput {
            section_id: sections.get(o.section).map(|s| s.id),
            kind: o.kind.into(),
            summary: o.summary.into(),
            proposed_text: o.proposed_text.into(),
            voiced_by: o.voiced_by.iter().map(|c| c.to_string()).collect(),
            agreement: o.agreement.into(),
        };
        outcomes::create(db, id, None, &input, &Who::system("demo")).await?;
        count += 1;
    }
    events::change_status(db, ctx, id, EventStatus::Completed, &Who::system("demo")).await?;
    Ok(DaySummary {
        present,
        outcomes: count,
    })
}

const WALK_INS: [(&str, &str, &str, &str, &str); 6] = [
    ("Kadiatou Sissoko", "Radio rurale de Kayes", "female", "adult", "media"),
    (
        "",
        "Association des jeunes de Khasso",
        "male",
        "youth",
        "youth_organization",
    ),
    (
        "Mariam Dembélé",
        "Coordination des associations féminines",
        "female",
        "youth",
        "women_organization",
    ),
    ("", "", "female", "elder", "traditional_authority"),
    (
        "Sékou Camara",
        "Chefferie de Légal Ségou",
        "male",
        "elder",
        "traditional_authority",
    ),
    (
        "Ousmane Diakité",
        "Commissariat du 1er arrondissement",
        "male",
        "adult",
        "defense_security_forces",
    ),
];

const NOTES: [(&str, &str, &str); 4] = [
    (
        "Constat 1 — confiance",
        "La salle confirme la méfiance, **surtout en zone rurale**.\n\n- Des femmes disent éviter les postes de contrôle la nuit.\n- Un représentant des FDS rappelle les patrouilles mixtes de 2024.",
        "women_organization",
    ),
    (
        "Constat 3 — recrutement",
        "Les jeunes présents citent le coût des dossiers et l'éloignement des centres de concours.\n\n> « On ne savait même pas que les femmes pouvaient postuler. »",
        "youth_organization",
    ),
    (
        "Recommandation 2 — conditions de service",
        "Débat vif sur les affectations loin des familles. Les autorités religieuses demandent des garanties pour les femmes mariées.",
        "religious_authority",
    ),
    (
        "Questions de la salle",
        "1. Le rapport distinguera-t-il les régions du Nord ?\n2. Quand la version finale sera-t-elle restituée à Kayes ?",
        "",
    ),
];

struct DemoOutcome {
    section: usize,
    kind: &'static str,
    summary: &'static str,
    proposed_text: &'static str,
    voiced_by: &'static [&'static str],
    agreement: &'static str,
}

const OUTCOMES: [DemoOutcome; 15] = [
    DemoOutcome {
        section: 1,
        kind: "endorsement",
        summary: "La salle reconnaît la méfiance décrite, surtout la nuit aux postes de contrôle.",
        proposed_text: "",
        voiced_by: &["women_organization", "civil_society"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 1,
        kind: "amendment",
        summary: "Préciser que la méfiance est plus forte en zone rurale qu'en ville.",
        proposed_text: "La méfiance est nettement plus marquée en zone rurale, où les contacts avec les FDS se limitent souvent aux contrôles.",
        voiced_by: &["traditional_authority", "women_organization"],
        agreement: "majority",
    },
    DemoOutcome {
        section: 1,
        kind: "objection",
        summary: "Les FDS présentes contestent l'idée d'une rupture générale de confiance.",
        proposed_text: "",
        voiced_by: &["defense_security_forces"],
        agreement: "minority",
    },
    DemoOutcome {
        section: 2,
        kind: "testimony",
        summary: "Une commerçante raconte avoir porté plainte auprès d'une policière, ce qu'elle n'aurait pas fait devant un homme.",
        proposed_text: "",
        voiced_by: &["women_organization"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 2,
        kind: "endorsement",
        summary: "La présence de femmes en uniforme rassure aussi les jeunes filles.",
        proposed_text: "",
        voiced_by: &["youth_organization", "women_organization"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 3,
        kind: "amendment",
        summary: "Ajouter le coût des dossiers de candidature parmi les obstacles.",
        proposed_text: "Le coût des pièces du dossier (certificats, visites médicales, déplacements jusqu'au centre de concours) écarte de nombreuses candidates.",
        voiced_by: &["youth_organization"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 3,
        kind: "question",
        summary: "Les quotas de recrutement de femmes sont-ils publiés ?",
        proposed_text: "",
        voiced_by: &["civil_society", "media"],
        agreement: "divided",
    },
    DemoOutcome {
        section: 3,
        kind: "amendment",
        summary: "Mentionner les mutations loin des familles comme frein à la carrière des femmes mariées.",
        proposed_text: "Les affectations éloignées, décidées sans tenir compte de la situation familiale, freinent la carrière des femmes mariées.",
        voiced_by: &["religious_authority", "women_organization"],
        agreement: "majority",
    },
    DemoOutcome {
        section: 4,
        kind: "endorsement",
        summary: "Le rôle de médiatrices des femmes dans les quartiers est confirmé.",
        proposed_text: "",
        voiced_by: &["traditional_authority", "women_organization"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 4,
        kind: "testimony",
        summary: "Une animatrice radio décrit les émissions où des femmes relaient les alertes de sécurité.",
        proposed_text: "",
        voiced_by: &["media"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 5,
        kind: "amendment",
        summary: "Informer aussi en langues nationales, à la radio de proximité.",
        proposed_text: "Diffuser l'information sur les métiers des FDS en bambara, soninké et peul, par les radios de proximité et les associations.",
        voiced_by: &["media", "youth_organization"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 6,
        kind: "new_recommendation",
        summary: "Créer des crèches dans les camps et casernes.",
        proposed_text: "Ouvrir des crèches dans les camps et casernes pour permettre aux femmes en uniforme de concilier service et vie familiale.",
        voiced_by: &["women_organization", "defense_security_forces"],
        agreement: "majority",
    },
    DemoOutcome {
        section: 6,
        kind: "objection",
        summary: "Certains refusent des conditions spécifiques aux femmes, par souci d'égalité de traitement.",
        proposed_text: "",
        voiced_by: &["political_authority"],
        agreement: "minority",
    },
    DemoOutcome {
        section: 7,
        kind: "new_recommendation",
        summary: "Organiser des journées portes ouvertes des FDS avec les associations de jeunes.",
        proposed_text: "Organiser chaque année, dans chaque cercle, des journées portes ouvertes des FDS préparées avec les associations de jeunes et de femmes.",
        voiced_by: &["youth_organization", "administrative_authority"],
        agreement: "consensus",
    },
    DemoOutcome {
        section: 7,
        kind: "amendment",
        summary: "Associer les chefs de quartier aux patrouilles mixtes.",
        proposed_text: "Associer les chefs de quartier et de village à la préparation des patrouilles mixtes.",
        voiced_by: &["traditional_authority"],
        agreement: "divided",
    },
];
