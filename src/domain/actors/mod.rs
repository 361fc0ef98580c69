//! The actor directory: who can be invited, and how participation is disaggregated.

pub mod csv_io;
mod csv_read;
pub mod duplicates;
pub mod erase;
pub mod export;
pub mod search;
mod tallies;

use chrono::Utc;
use entity::actor;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::regions::Regions;
use crate::domain::text;
use crate::domain::vocab::{ActorCategory, AgeGroup, Gender};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;

/// An actor as shown and as returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub id: i32,
    pub full_name: String,
    pub honorific: String,
    pub organization: String,
    pub category: ActorCategory,
    pub gender: Gender,
    pub age_group: AgeGroup,
    pub region: String,
    pub town: String,
    pub language: Lang,
    /// Shown to admins and organizers only; `null` for other roles (minimum exposure).
    pub email: Option<String>,
    /// Shown to admins and organizers only; `null` for other roles.
    pub phone: Option<String>,
    pub consent_contact: bool,
    pub notes: String,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
    /// When mail to `email` last failed for good (a 5.x.x bounce); `null` while it works.
    pub email_failed_at: Option<chrono::DateTime<Utc>>,
    /// The remote server's words for that failure.
    pub email_failure: String,
}

impl From<actor::Model> for Actor {
    fn from(m: actor::Model) -> Self {
        Actor {
            id: m.id,
            category: ActorCategory::parse(&m.category).unwrap_or(ActorCategory::Other),
            gender: Gender::parse(&m.gender).unwrap_or(Gender::Unspecified),
            age_group: AgeGroup::parse(&m.age_group).unwrap_or(AgeGroup::Unspecified),
            language: Lang::parse(&m.language).unwrap_or_default(),
            full_name: m.full_name,
            honorific: m.honorific,
            organization: m.organization,
            region: m.region,
            town: m.town,
            email: m.email,
            phone: m.phone,
            consent_contact: m.consent_contact,
            notes: m.notes,
            created_at: m.created_at,
            updated_at: m.updated_at,
            email_failed_at: m.email_failed_at,
            email_failure: m.email_failure,
        }
    }
}

impl Actor {
    /// The actor as `role` may see them. Minimum exposure: only the roles that invite and reach
    /// people (admins and organizers) see the email, the phone and the bounce text that quotes the
    /// address; rapporteurs, editors and viewers get the entry without them.
    pub fn seen_by(self, role: crate::domain::users::Role) -> Self {
        if role.can_organize() {
            return self;
        }
        Actor {
            email: None,
            phone: None,
            email_failed_at: None,
            email_failure: String::new(),
            ..self
        }
    }

    /// Email can be used only with an address and the actor's consent.
    pub fn reachable_by_email(&self) -> bool {
        self.email.is_some() && self.consent_contact && email_usable(self)
    }
}

/// The one rule for whether the actor's address still takes mail: a permanent bounce (5.x.x)
/// says it does not, until the address is edited. Every channel choice goes through here.
pub fn email_usable(actor: &Actor) -> bool {
    actor.email.is_some() && actor.email_failed_at.is_none()
}

/// Raw actor fields from a form, a JSON body or a CSV row; `validate` types them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActorInput {
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub full_name: String,
    pub honorific: String,
    pub organization: String,
    /// One of the actor category slugs.
    #[schema(required = true, value_type = crate::domain::vocab::ActorCategory)]
    pub category: String,
    /// `female`, `male` or `unspecified` (default).
    pub gender: String,
    /// `youth`, `adult`, `elder` or `unspecified` (default).
    pub age_group: String,
    pub region: String,
    pub town: String,
    /// `fr` (default) or `en`.
    pub language: String,
    pub email: Option<String>,
    /// Any common notation; stored in E.164, Mali (+223) by default.
    pub phone: Option<String>,
    pub consent_contact: bool,
    pub notes: String,
}

/// Fields checked and normalized, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidActor {
    pub full_name: String,
    pub honorific: String,
    pub organization: String,
    pub category: ActorCategory,
    pub gender: Gender,
    pub age_group: AgeGroup,
    pub region: String,
    pub town: String,
    pub language: Lang,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub consent_contact: bool,
    pub notes: String,
}

impl ActorInput {
    /// Checks every field, adding problems to `errors`; the result is meaningful only without errors.
    pub fn normalize(&self, regions: &Regions, errors: &mut FieldErrors) -> ValidActor {
        let full_name = text::required_line(&self.full_name, "full_name", 200, errors);
        let organization = text::optional_line(&self.organization, "organization", 200, errors);
        let town = text::optional_line(&self.town, "town", 100, errors);
        let category = ActorCategory::parse(&self.category);
        if category.is_none() {
            errors.add(
                "category",
                if self.category.trim().is_empty() {
                    "validation.required"
                } else {
                    "validation.choice"
                },
            );
        }
        let gender = choice(&self.gender, "gender", Gender::parse, Gender::Unspecified, errors);
        let age_group = choice(
            &self.age_group,
            "age_group",
            AgeGroup::parse,
            AgeGroup::Unspecified,
            errors,
        );
        let language = choice(&self.language, "language", Lang::parse, Lang::Fr, errors);
        let email = self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| text::email(e, "email", errors));
        let phone = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .and_then(|p| {
                normalize_phone(p).or_else(|| {
                    errors.add("phone", "validation.phone");
                    None
                })
            });
        // Someone who can be neither reached nor found again is of no use to an organizer.
        if !full_name.is_empty() && email.is_none() && phone.is_none() && organization.is_empty() && town.is_empty() {
            errors.add("full_name", "validation.actor_unreachable");
        }
        ValidActor {
            full_name,
            honorific: text::optional_line(&self.honorific, "honorific", 100, errors),
            organization,
            category: category.unwrap_or(ActorCategory::Other),
            gender,
            age_group,
            region: regions.check(&self.region, "region", errors),
            town,
            language,
            email,
            phone,
            consent_contact: self.consent_contact,
            notes: text::optional(&self.notes, "notes", 5000, errors),
        }
    }

    pub fn validate(&self, regions: &Regions) -> AppResult<ValidActor> {
        let mut errors = FieldErrors::new();
        let valid = self.normalize(regions, &mut errors);
        errors.into_result(valid)
    }
}

fn choice<T>(raw: &str, field: &str, parse: fn(&str) -> Option<T>, default: T, errors: &mut FieldErrors) -> T {
    if raw.trim().is_empty() {
        return default;
    }
    parse(&raw.trim().to_lowercase()).unwrap_or_else(|| {
        errors.add(field, "validation.choice");
        default
    })
}

/// E.164 form of a phone number, reading numbers without a country code as Malian.
///
/// The number must have a length the country's numbering plan allows. Full validation against
/// the plan's assigned ranges is not required: the library's Malian ranges lag behind real
/// numbers (a quarter of the fixture directory's landlines would be refused).
pub fn normalize_phone(raw: &str) -> Option<String> {
    let number = phonenumber::parse(Some(phonenumber::country::Id::ML), raw).ok()?;
    let possible = phonenumber::is_valid(&number) || {
        let national_length = number.national().to_string().len() as u16;
        phonenumber::metadata::DATABASE
            .by_code(&number.country().value())
            .is_some_and(|plans| {
                plans.iter().any(|m| {
                    let d = m.descriptors();
                    // The general descriptor often leaves its lengths to the specific ones.
                    [Some(d.general()), d.fixed_line(), d.mobile()]
                        .into_iter()
                        .flatten()
                        .any(|desc| desc.possible_length().contains(&national_length))
                })
            })
    };
    possible.then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

impl ValidActor {
    fn search_text(&self) -> String {
        search_text(
            &self.full_name,
            &self.organization,
            &self.town,
            self.email.as_deref(),
            &self.honorific,
        )
    }

    /// The row to insert, or to overwrite an existing row's fields with.
    pub fn into_active_model(self, mut model: actor::ActiveModel) -> actor::ActiveModel {
        let now = Utc::now();
        model.search_text = Set(self.search_text());
        model.name_key = Set(text::fold(&self.full_name));
        model.full_name = Set(self.full_name);
        model.honorific = Set(self.honorific);
        model.organization = Set(self.organization);
        model.category = Set(self.category.slug().into());
        model.gender = Set(self.gender.slug().into());
        model.age_group = Set(self.age_group.slug().into());
        model.region = Set(self.region);
        model.town = Set(self.town);
        model.language = Set(self.language.code().into());
        // A new address has not bounced yet: the failure flag belonged to the old one.
        let same_address = match &model.email {
            sea_orm::ActiveValue::Set(old) | sea_orm::ActiveValue::Unchanged(old) => *old == self.email,
            sea_orm::ActiveValue::NotSet => false,
        };
        if !same_address {
            model.email_failed_at = Set(None);
            model.email_failure = Set(String::new());
        }
        model.email = Set(self.email);
        model.phone = Set(self.phone);
        model.consent_contact = Set(self.consent_contact);
        model.notes = Set(self.notes);
        model.updated_at = Set(now);
        if model.created_at.is_not_set() {
            model.created_at = Set(now);
        }
        model
    }
}

/// What the accent-insensitive search looks through.
pub(crate) fn search_text(
    full_name: &str,
    organization: &str,
    town: &str,
    email: Option<&str>,
    honorific: &str,
) -> String {
    text::fold(&format!(
        "{full_name} {organization} {town} {} {honorific}",
        email.unwrap_or_default()
    ))
}

pub async fn get(db: &DatabaseConnection, id: i32) -> AppResult<Actor> {
    find_model(db, id).await.map(Actor::from)
}

async fn find_model<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<actor::Model> {
    actor::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn create(db: &DatabaseConnection, regions: &Regions, input: &ActorInput, who: &Who) -> AppResult<Actor> {
    let valid = input.validate(regions)?;
    let txn = crate::db::begin_write(db).await?;
    let model = valid
        .into_active_model(<actor::ActiveModel as Default>::default())
        .insert(&txn)
        .await?;
    let actor = Actor::from(model);
    audit::record(&txn, who, "actor", actor.id, "create", Changes::created(&actor)).await?;
    txn.commit().await?;
    Ok(actor)
}

pub async fn update(
    db: &DatabaseConnection,
    regions: &Regions,
    id: i32,
    input: &ActorInput,
    who: &Who,
) -> AppResult<Actor> {
    let txn = crate::db::begin_write(db).await?;
    let existing = find_model(&txn, id).await?;
    let valid = input.validate(regions)?;
    let before = Actor::from(existing.clone());
    let actor = Actor::from(valid.into_active_model(existing.into()).update(&txn).await?);
    crate::domain::guest_list::follow_names(&txn, &[id]).await?;
    audit::record(&txn, who, "actor", id, "update", Changes::diff(&before, &actor)).await?;
    txn.commit().await?;
    Ok(actor)
}

/// Deletes an actor who is on no guest list; history is never dropped silently.
pub async fn delete(db: &DatabaseConnection, id: i32, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let before = Actor::from(find_model(&txn, id).await?);
    if crate::domain::guests::count_for_actor(&txn, id).await? > 0 {
        return Err(AppError::Conflict("actors.delete_has_history".into()));
    }
    actor::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, who, "actor", id, "delete", Changes::deleted(&before)).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_stored_in_e164_with_mali_as_default() {
        assert_eq!(normalize_phone("+223 26 40 21 22").as_deref(), Some("+22326402122"));
        assert_eq!(normalize_phone("76 12 34 56").as_deref(), Some("+22376123456"));
        assert_eq!(normalize_phone("+33 6 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(normalize_phone("12"), None);
        assert_eq!(normalize_phone("pas de téléphone"), None);
    }

    #[test]
    fn an_actor_needs_a_name_a_known_category_and_a_way_to_be_found() {
        let mut errors = FieldErrors::new();
        ActorInput {
            full_name: "Awa".into(),
            category: "chef".into(),
            gender: "f".into(),
            ..Default::default()
        }
        .normalize(&Regions::default(), &mut errors);
        assert_eq!(errors.get("category"), Some("validation.choice"));
        assert_eq!(errors.get("gender"), Some("validation.choice"));
        assert_eq!(errors.get("full_name"), Some("validation.actor_unreachable"));

        let ok = ActorInput {
            full_name: " Aïssata  Guindo ".into(),
            category: "women_organization".into(),
            gender: "Female".into(),
            town: "Dioïla".into(),
            email: Some(" Aissata.Guindo@Example.ORG ".into()),
            ..Default::default()
        }
        .validate(&Regions::default())
        .unwrap();
        assert_eq!(ok.email.as_deref(), Some("aissata.guindo@example.org"));
        assert_eq!(ok.gender, Gender::Female);
        assert_eq!(ok.age_group, AgeGroup::Unspecified);
    }
}
