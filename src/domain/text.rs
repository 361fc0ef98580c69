//! Small parsing helpers shared by the domain's input types.

use crate::error::FieldErrors;

/// Trims; records `validation.required` when empty and `validation.too_long` past `max` chars.
pub fn required(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "validation.required");
    } else if value.chars().count() > max {
        errors.add(field, "validation.too_long");
    }
    value.to_string()
}

/// Trims; empty is fine, too long is not.
pub fn optional(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, "validation.too_long");
    }
    value.to_string()
}

/// Lower-cased and checked address, or an error on `field`.
pub fn email(value: &str, field: &str, errors: &mut FieldErrors) -> String {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        errors.add(field, "validation.required");
    } else if !email_address::EmailAddress::is_valid(&value) || value.len() > 254 {
        errors.add(field, "validation.email");
    }
    value
}
