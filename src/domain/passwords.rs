//! Password hashing with argon2id, off the async threads because it is slow on purpose.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{AppError, FieldErrors};

pub const MIN_LENGTH: usize = 10;
/// zxcvbn's "safely unguessable" (about 10^8 guesses or more): the most common passwords,
/// keyboard walks, dates and names with digits score lower.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Refuses passwords that are too short, blank, one repeated character or easy to guess.
///
/// `related` are the account's own words (address, name), which a guesser tries first.
/// The field is named so the form can point at it.
pub fn check_strength(password: &str, field: &str, related: &[&str]) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let mut chars = password.chars();
    let first = chars.next();
    if password.trim().is_empty() && first.is_some() {
        errors.add(field, "validation.password_blank");
    } else if first.is_some_and(|first| chars.all(|c| c == first)) {
        errors.add(field, "validation.password_repeated");
    } else if password.chars().count() < MIN_LENGTH {
        errors.add(field, "validation.password_too_short");
    } else if zxcvbn::zxcvbn(password, &own_words(related)).score() < MIN_SCORE {
        errors.add(field, "validation.password_common");
    }
    errors.into_result(())
}

/// zxcvbn matches whole inputs, so "Awa Coulibaly" and "awa.coulibaly@…" are given word by word too.
fn own_words<'a>(related: &[&'a str]) -> Vec<&'a str> {
    let words = related
        .iter()
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.chars().count() >= 3);
    related.iter().copied().chain(words).collect()
}

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

pub async fn verify(password: &str, stored_hash: &str) -> bool {
    let password = password.to_owned();
    let stored_hash = stored_hash.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored_hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so timing reveals nothing.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$mJ8n0tDqoD8pUAKx1ZaByXGZ0qdTuk1mWd3u0yaHqVQ";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hashed = hash("correct horse battery").await.unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &hashed).await);
        assert!(!verify("wrong horse battery", &hashed).await);
        assert!(!verify("anything", DUMMY_HASH).await);
    }

    fn refusal(password: &str) -> Option<String> {
        match check_strength(password, "password", &["awa.coulibaly@example.org", "Awa Coulibaly"]) {
            Ok(()) => None,
            Err(AppError::Validation(errors)) => errors.get("password").map(str::to_string),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn blank_repeated_and_common_passwords_are_refused_with_the_reason() {
        assert_eq!(refusal("            ").as_deref(), Some("validation.password_blank"));
        assert_eq!(refusal("aaaaaaaaaaaa").as_deref(), Some("validation.password_repeated"));
        assert_eq!(refusal("court").as_deref(), Some("validation.password_too_short"));
        for common in [
            "password123",
            "1234567890",
            "azertyuiop",
            "qwertyuiop",
            "motdepasse1",
            "awa.coulibaly@example.org",
        ] {
            assert_eq!(
                refusal(common).as_deref(),
                Some("validation.password_common"),
                "{common}"
            );
        }
        for fine in [
            "un mot de passe sûr",
            "un mot de passe long",
            "correct horse battery",
            "Kayes, la restitution de 2026",
            "a long passphrase",
        ] {
            assert_eq!(refusal(fine), None, "{fine}");
        }
    }
}
