//! User accounts: roles, creation (including the one-time first admin), changes.

use chrono::Utc;
use entity::{app_setting, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::{passwords, sessions, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;

/// What a person may do (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Organizer,
    Rapporteur,
    Editor,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Organizer,
        Role::Rapporteur,
        Role::Editor,
        Role::Viewer,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organizer => "organizer",
            Role::Rapporteur => "rapporteur",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(slug: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.slug() == slug.trim())
    }

    /// Venues, events, the actor directory, invitations and check-in.
    pub fn can_organize(self) -> bool {
        matches!(self, Role::Admin | Role::Organizer)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Debate notes and outcomes: rapporteurs, and organizers who take notes in small teams.
    pub fn can_record_debates(self) -> bool {
        matches!(self, Role::Admin | Role::Organizer | Role::Rapporteur)
    }

    /// Deciding outcomes, editing report sections, publishing versions.
    pub fn can_edit_reports(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }
}

/// A signed-in person as the rest of the app sees them (no password hash).
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub language: Option<Lang>,
    pub active: bool,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User {
            id: m.id,
            role: Role::parse(&m.role).unwrap_or(Role::Viewer),
            language: m.language.as_deref().and_then(Lang::parse),
            email: m.email,
            name: m.name,
            active: m.active,
        }
    }
}

/// Raw input for a new account, from a form, the API or the command line.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
}

struct ValidNewUser {
    email: String,
    name: String,
    role: Role,
    password: String,
}

impl NewUser {
    fn validate(&self) -> AppResult<ValidNewUser> {
        let mut errors = FieldErrors::new();
        let email = text::email(&self.email, "email", &mut errors);
        let name = text::required(&self.name, "name", 120, &mut errors);
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add("role", "validation.role");
        }
        if let Err(AppError::Validation(more)) =
            passwords::check_strength(&self.password, "password", &[&self.email, &self.name])
        {
            for (field, key) in more.0 {
                errors.add(&field, &key);
            }
        }
        errors.into_result(())?;
        Ok(ValidNewUser {
            email,
            name,
            role: role.unwrap_or(Role::Viewer),
            password: self.password.clone(),
        })
    }
}

/// Every problem with a new account at once (empty when it would be accepted), for forms that
/// add checks of their own, such as the setup page's password confirmation.
pub fn problems(input: &NewUser) -> FieldErrors {
    match input.validate() {
        Err(AppError::Validation(errors)) => errors,
        _ => FieldErrors::new(),
    }
}

const SETUP_DONE: &str = "setup_done";

pub async fn count(db: &DatabaseConnection) -> AppResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

/// True until the first admin exists; the setup page is offered only then.
pub async fn needs_setup(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(app_setting::Entity::find_by_id(SETUP_DONE).one(db).await?.is_none() && count(db).await? == 0)
}

/// Creates the first admin once: the setup marker's primary key makes a second try fail.
pub async fn create_first_admin(db: &DatabaseConnection, input: NewUser, who: &Who) -> AppResult<User> {
    let input = NewUser {
        role: Role::Admin.slug().into(),
        ..input
    };
    let valid = input.validate()?;
    let password_hash = passwords::hash(&valid.password).await?;
    let txn = crate::db::begin_write(db).await?;
    if count_in(&txn).await? > 0 {
        return Err(AppError::Conflict("setup.already_done".into()));
    }
    app_setting::ActiveModel {
        key: Set(SETUP_DONE.into()),
        value: Set("true".into()),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|_| AppError::Conflict("setup.already_done".into()))?;
    let created = insert(&txn, &valid, password_hash).await?;
    // Nobody is signed in yet: the new admin is the author of their own account.
    let who = who.as_user(created.id);
    audit::record(&txn, &who, "user", created.id, "create", Changes::created(&created)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Creates an account with any role (admin page, `toguna user add`).
pub async fn create(db: &DatabaseConnection, input: NewUser, who: &Who) -> AppResult<User> {
    let valid = input.validate()?;
    let password_hash = passwords::hash(&valid.password).await?;
    let txn = crate::db::begin_write(db).await?;
    let created = insert(&txn, &valid, password_hash).await?;
    // A shell-made first account ends the web setup too.
    if app_setting::Entity::find_by_id(SETUP_DONE).one(&txn).await?.is_none() {
        app_setting::ActiveModel {
            key: Set(SETUP_DONE.into()),
            value: Set("true".into()),
            updated_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, who, "user", created.id, "create", Changes::created(&created)).await?;
    txn.commit().await?;
    Ok(created)
}

async fn count_in<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

async fn insert<C: ConnectionTrait>(db: &C, valid: &ValidNewUser, password_hash: String) -> AppResult<User> {
    let now = Utc::now();
    let model = user::ActiveModel {
        email: Set(valid.email.clone()),
        name: Set(valid.name.clone()),
        role: Set(valid.role.slug().into()),
        password_hash: Set(password_hash),
        language: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::unique_violation_on(e, "email", "validation.email_taken"))?;
    Ok(model.into())
}

pub async fn find(db: &DatabaseConnection, id: i32) -> AppResult<User> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(User::from)
        .ok_or(AppError::NotFound)
}

pub async fn find_by_email(db: &DatabaseConnection, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<User>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(User::from)
        .collect())
}

/// Changes role and active flag; an admin cannot lock themselves out.
pub async fn update_access(
    db: &DatabaseConnection,
    acting: &User,
    id: i32,
    role: &str,
    active: bool,
    who: &Who,
) -> AppResult<User> {
    let mut errors = FieldErrors::new();
    let role = Role::parse(role);
    if role.is_none() {
        errors.add("role", "validation.role");
    }
    if acting.id == id && (role != Some(Role::Admin) || !active) {
        errors.add("role", "admin.cannot_demote_self");
    }
    errors.into_result(())?;
    let txn = crate::db::begin_write(db).await?;
    let existing = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = User::from(existing.clone());
    let mut model: user::ActiveModel = existing.into();
    model.role = Set(role.unwrap_or(Role::Viewer).slug().into());
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    let updated = User::from(model.update(&txn).await?);
    if !active {
        sessions::delete_all_for_user(&txn, id).await?;
    }
    audit::record(&txn, who, "user", id, "update", Changes::diff(&before, &updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Checks the current password, stores the new one and signs out the user's other sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i32,
    current: &str,
    new: &str,
    keep_session: &str,
    who: &Who,
) -> AppResult<()> {
    let existing = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if !passwords::verify(current, &existing.password_hash).await {
        errors.add("current_password", "profile.wrong_password");
    }
    if let Err(AppError::Validation(more)) =
        passwords::check_strength(new, "new_password", &[&existing.email, &existing.name])
    {
        for (field, key) in more.0 {
            errors.add(&field, &key);
        }
    }
    errors.into_result(())?;
    let hash = passwords::hash(new).await?;
    let mut model: user::ActiveModel = existing.into();
    model.password_hash = Set(hash);
    model.updated_at = Set(Utc::now());
    let txn = crate::db::begin_write(db).await?;
    model.update(&txn).await?;
    sessions::delete_others(&txn, user_id, keep_session).await?;
    // That it changed, never what it was or became.
    let changes = Changes::new().note("credentials", "changed");
    audit::record(&txn, who, "user", user_id, "password", changes).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_language(db: &DatabaseConnection, user_id: i32, lang: Lang, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let existing = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let changes = Changes::new().set("language", &existing.language, lang.code());
    let mut model: user::ActiveModel = existing.into();
    model.language = Set(Some(lang.code().into()));
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    audit::record(&txn, who, "user", user_id, "language", changes).await?;
    txn.commit().await?;
    Ok(())
}
