//! The fixed vocabularies of DESIGN §3: stable slugs in storage and the API, labels in the catalogs.

/// Declares an enum whose variants map one-to-one to slugs; its labels live under `<prefix>.<slug>`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($variant:ident => $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        // utoipa cannot read a `rename` whose value comes from a macro argument, so the OpenAPI
        // document showed the variant names; every slug is its variant in snake_case (tests/app/openapi.rs reads the document).
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[serde(rename = $slug)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug),+
                }
            }

            pub fn parse(slug: &str) -> Option<$name> {
                match slug.trim() {
                    $($slug => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The catalog key of the translated label.
            pub fn label_key(self) -> String {
                format!("{}.{}", $prefix, self.slug())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }
    };
}

vocabulary!(
    /// What kind of dialogue event.
    EventKind, "event_kind", {
    Consultation => "consultation",
    DisseminationWorkshop => "dissemination_workshop",
    ValidationWorkshop => "validation_workshop",
    ReportLaunch => "report_launch",
    Other => "other",
});

vocabulary!(
    /// Which part of society an actor speaks for.
    ActorCategory, "category", {
    ReligiousAuthority => "religious_authority",
    TraditionalAuthority => "traditional_authority",
    AdministrativeAuthority => "administrative_authority",
    PoliticalAuthority => "political_authority",
    DefenseSecurityForces => "defense_security_forces",
    WomenOrganization => "women_organization",
    YouthOrganization => "youth_organization",
    CivilSociety => "civil_society",
    Researcher => "researcher",
    Media => "media",
    TechnicalPartner => "technical_partner",
    Other => "other",
});

vocabulary!(Gender, "gender", {
    Female => "female",
    Male => "male",
    Unspecified => "unspecified",
});

vocabulary!(AgeGroup, "age_group", {
    Youth => "youth",
    Adult => "adult",
    Elder => "elder",
    Unspecified => "unspecified",
});

vocabulary!(
    /// draft → scheduled → completed, or cancelled.
    EventStatus, "event_status", {
    Draft => "draft",
    Scheduled => "scheduled",
    Completed => "completed",
    Cancelled => "cancelled",
});

vocabulary!(
    /// How an invitation reaches its invitee.
    Channel, "channel", {
    Email => "email",
    Letter => "letter",
    Phone => "phone",
    Sms => "sms",
});

vocabulary!(Response, "response", {
    None => "none",
    Accepted => "accepted",
    Tentative => "tentative",
    Declined => "declined",
});

vocabulary!(Delivery, "delivery", {
    Pending => "pending",
    Queued => "queued",
    Sent => "sent",
    Failed => "failed",
    NotApplicable => "not_applicable",
    // SMS only: the gateway took it, the operator's report said delivered, or it waited past the start.
    Accepted => "accepted",
    Delivered => "delivered",
    Expired => "expired",
});

vocabulary!(
    /// What a debate produced (DESIGN §3).
    OutcomeKind, "outcome_kind", {
    Endorsement => "endorsement",
    Objection => "objection",
    Amendment => "amendment",
    NewRecommendation => "new_recommendation",
    Question => "question",
    Testimony => "testimony",
});

vocabulary!(
    /// How much of the room agreed with an outcome.
    Agreement, "agreement", {
    Consensus => "consensus",
    Majority => "majority",
    Divided => "divided",
    Minority => "minority",
});

vocabulary!(
    /// Where an outcome stands with the editors.
    OutcomeStatus, "outcome_status", {
    Open => "open",
    Accepted => "accepted",
    Rejected => "rejected",
    Deferred => "deferred",
});

vocabulary!(
    /// What a report section holds.
    SectionKind, "section_kind", {
    Context => "context",
    Finding => "finding",
    Recommendation => "recommendation",
});

vocabulary!(
    /// How a presence was recorded.
    CheckinMethod, "checkin_method", {
    List => "list",
    Qr => "qr",
    WalkIn => "walk_in",
    Headcount => "headcount",
    Paper => "paper",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, catalog};

    #[test]
    fn every_slug_round_trips_and_has_a_label_in_both_languages() {
        fn check<T: Copy + std::fmt::Debug + PartialEq>(
            all: &[T],
            slug: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
            key: fn(T) -> String,
        ) {
            for &value in all {
                assert_eq!(parse(slug(value)), Some(value));
                for lang in Lang::ALL {
                    assert!(
                        catalog(lang).contains_key(&key(value)),
                        "{} has no {lang:?} label",
                        key(value)
                    );
                }
            }
        }
        check(EventKind::ALL, EventKind::slug, EventKind::parse, EventKind::label_key);
        check(
            ActorCategory::ALL,
            ActorCategory::slug,
            ActorCategory::parse,
            ActorCategory::label_key,
        );
        check(Gender::ALL, Gender::slug, Gender::parse, Gender::label_key);
        check(AgeGroup::ALL, AgeGroup::slug, AgeGroup::parse, AgeGroup::label_key);
        check(
            EventStatus::ALL,
            EventStatus::slug,
            EventStatus::parse,
            EventStatus::label_key,
        );
        check(Channel::ALL, Channel::slug, Channel::parse, Channel::label_key);
        check(Response::ALL, Response::slug, Response::parse, Response::label_key);
        check(Delivery::ALL, Delivery::slug, Delivery::parse, Delivery::label_key);
        check(
            OutcomeKind::ALL,
            OutcomeKind::slug,
            OutcomeKind::parse,
            OutcomeKind::label_key,
        );
        check(Agreement::ALL, Agreement::slug, Agreement::parse, Agreement::label_key);
        check(
            OutcomeStatus::ALL,
            OutcomeStatus::slug,
            OutcomeStatus::parse,
            OutcomeStatus::label_key,
        );
        check(
            SectionKind::ALL,
            SectionKind::slug,
            SectionKind::parse,
            SectionKind::label_key,
        );
        check(
            CheckinMethod::ALL,
            CheckinMethod::slug,
            CheckinMethod::parse,
            CheckinMethod::label_key,
        );
    }

    #[test]
    fn slugs_serialize_as_in_the_api_contract() {
        assert_eq!(
            serde_json::to_string(&ActorCategory::WomenOrganization).unwrap(),
            "\"women_organization\""
        );
        assert_eq!(
            serde_json::from_str::<EventKind>("\"report_launch\"").unwrap(),
            EventKind::ReportLaunch
        );
    }
}
