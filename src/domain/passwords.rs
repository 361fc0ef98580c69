//! Password hashing with argon2id, off the async threads because it is slow on purpose.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{AppError, FieldErrors};

pub const MIN_LENGTH: usize = 10;

/// Checks the length rule; the field is named so the form can point at it.
pub fn check_strength(password: &str, field: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if password.chars().count() < MIN_LENGTH {
        errors.add(field, "validation.password_too_short");
    }
    errors.into_result(())
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
}
