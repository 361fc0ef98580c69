//! What every HTML page needs: language, signed-in user, CSRF token, flash message.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::AppState;
use crate::domain::users::User;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::auth_extract::{MaybeUser, request_path};
use crate::web::csrf::CsrfToken;

pub const LANG_COOKIE: &str = "toguna_lang";
pub const FLASH_COOKIE: &str = "toguna_flash";

/// A one-time message shown after a redirect; it holds a catalog key, never free text.
#[derive(Clone, Debug)]
pub struct Flash {
    pub kind: &'static str,
    pub key: String,
}

/// The context every template receives as `page`.
#[derive(Clone, Debug)]
pub struct Page {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub path: String,
    /// The deployment's regions, offered by every form that asks for one.
    pub regions: crate::domain::regions::Regions,
}

impl Page {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        self.lang.tf(key, args)
    }

    /// A counted message in its singular or plural form, `{count}` filled.
    /// Takes the count by value or by reference, as templates hand out either.
    pub fn tn(&self, key: &str, count: impl std::borrow::Borrow<usize>) -> String {
        self.lang.tn(key, *count.borrow(), &[])
    }

    pub fn can_organize(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_organize())
    }

    pub fn can_record_debates(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_record_debates())
    }

    pub fn can_edit_reports(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_edit_reports())
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.is_admin())
    }

    /// The region names for a form's `<datalist>` or `<select>`.
    pub fn region_names(&self) -> Vec<String> {
        self.regions.names().into_iter().map(str::to_string).collect()
    }

    /// Marks the navigation entry of the current section.
    pub fn section_is(&self, prefix: &str) -> bool {
        self.path == prefix || self.path.starts_with(&format!("{prefix}/"))
    }
}

/// Language from headers alone: the cookie, then `Accept-Language`, then French.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

impl<S> FromRequestParts<S> for Page
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let MaybeUser(current) = MaybeUser::from_request_parts(parts, state).await?;
        let user = current.map(|c| c.user);
        let lang = user
            .as_ref()
            .and_then(|u| u.language)
            .unwrap_or_else(|| lang_from_headers(&parts.headers));
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let flash = CookieJar::from_headers(&parts.headers)
            .get(FLASH_COOKIE)
            .and_then(|c| parse_flash(c.value()));
        Ok(Page {
            lang,
            user,
            csrf,
            flash,
            path: request_path(parts),
            regions: AppState::from_ref(state).settings.regions.clone(),
        })
    }
}

fn parse_flash(value: &str) -> Option<Flash> {
    let (kind, key) = value.split_once(':')?;
    let kind = match kind {
        "success" => "success",
        "error" => "error",
        _ => "info",
    };
    // Only keys that exist in the catalog are shown: the cookie is not trusted text.
    crate::i18n::catalog(Lang::Fr).contains_key(key).then(|| Flash {
        kind,
        key: key.to_string(),
    })
}

/// A cookie that shows `key` once on the next page.
pub fn flash_cookie(kind: &str, key: &str) -> Cookie<'static> {
    Cookie::build((FLASH_COOKIE, format!("{kind}:{key}")))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
}

/// Adds a flash to a jar, for handlers that redirect.
pub fn with_flash(jar: CookieJar, kind: &str, key: &str) -> CookieJar {
    jar.add(flash_cookie(kind, key))
}

/// Redirects after a form, with a one-time message for the next page.
pub fn flash_redirect(jar: CookieJar, kind: &str, key: &str, to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (with_flash(jar, kind, key), axum::response::Redirect::to(to)).into_response()
}
