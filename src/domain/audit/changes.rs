//! The `{field: [old, new]}` object of an audit entry, built from any serializable value.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// Changed fields with their old and new values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes(pub Map<String, Value>);

/// Fields never written to the log, at any depth: passwords, their hashes, tokens and secrets.
pub fn is_secret(field: &str) -> bool {
    let field = field.to_ascii_lowercase();
    ["password", "token", "secret", "hash", "csrf", "checkin_code"]
        .iter()
        .any(|word| field.contains(word))
}

/// Timestamps that move on every save, and the optimistic-concurrency `version` that every save
/// of a note, outcome or section raises, say nothing a reader needs (the entry's order says it).
fn is_noise(field: &str) -> bool {
    matches!(field, "updated_at" | "created_at" | "version")
}

fn fields(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        Ok(other) => Map::from_iter([("value".to_string(), other)]),
        Err(_) => Map::new(),
    }
}

impl Changes {
    pub fn new() -> Self {
        Changes::default()
    }

    /// Every field of a new record, as `[null, value]`.
    pub fn created(new: &impl Serialize) -> Self {
        Changes(
            fields(new)
                .into_iter()
                .filter(|(k, _)| !is_noise(k))
                .map(|(k, v)| (k, json!([null, v])))
                .collect(),
        )
    }

    /// Every field of a removed record, as `[value, null]`.
    pub fn deleted(old: &impl Serialize) -> Self {
        Changes(
            fields(old)
                .into_iter()
                .filter(|(k, _)| !is_noise(k))
                .map(|(k, v)| (k, json!([v, null])))
                .collect(),
        )
    }

    /// The fields whose values differ between two versions of a record.
    pub fn diff(old: &impl Serialize, new: &impl Serialize) -> Self {
        let old = fields(old);
        let new = fields(new);
        let mut out = Map::new();
        for (k, v) in &new {
            let before = old.get(k).cloned().unwrap_or(Value::Null);
            if &before != v && !is_noise(k) {
                out.insert(k.clone(), json!([before, v]));
            }
        }
        for (k, v) in old {
            if !new.contains_key(&k) && !is_noise(&k) {
                out.insert(k, json!([v, null]));
            }
        }
        Changes(out)
    }

    /// Adds one field's change.
    pub fn set(mut self, field: &str, old: impl Serialize, new: impl Serialize) -> Self {
        let old = serde_json::to_value(old).unwrap_or(Value::Null);
        let new = serde_json::to_value(new).unwrap_or(Value::Null);
        self.0.insert(field.to_string(), json!([old, new]));
        self
    }

    /// Adds a fact that is not a before/after pair (counts of an import, ids merged), as `[null, value]`.
    pub fn note(self, field: &str, value: impl Serialize) -> Self {
        self.set(field, Value::Null, value)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same changes without any secret field, at any depth.
    pub fn scrubbed(self) -> Self {
        fn scrub(value: Value) -> Value {
            match value {
                Value::Object(map) => Value::Object(
                    map.into_iter()
                        .filter(|(k, _)| !is_secret(k))
                        .map(|(k, v)| (k, scrub(v)))
                        .collect(),
                ),
                Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
                other => other,
            }
        }
        match scrub(Value::Object(self.0)) {
            Value::Object(map) => Changes(map),
            _ => Changes::default(),
        }
    }

    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_holds_only_what_moved_and_never_a_secret() {
        let old = json!({"name": "A", "role": "viewer", "password_hash": "x", "updated_at": 1});
        let new = json!({"name": "A", "role": "editor", "password_hash": "y", "updated_at": 2});
        let changes = Changes::diff(&old, &new).scrubbed();
        assert_eq!(changes.to_json(), r#"{"role":["viewer","editor"]}"#);
        let nested = Changes::new()
            .note("token", "abc")
            .note("extra", json!({"rsvp_token": "t", "n": 1}));
        assert_eq!(nested.scrubbed().to_json(), r#"{"extra":[null,{"n":1}]}"#);
    }

    #[test]
    fn a_save_that_only_raised_the_version_is_no_change() {
        let old = json!({"summary": "A", "version": 1, "updated_at": 1});
        let new = json!({"summary": "A", "version": 2, "updated_at": 2});
        assert!(Changes::diff(&old, &new).is_empty());
    }
}
