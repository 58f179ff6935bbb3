//! Validation against the official OSCAL JSON schema (given by the caller: Tillit does not ship
//! NIST's schema). Each problem names the JSON path of the instance and the rule that failed.

use serde_json::Value;

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON path of the offending value, e.g. `$.catalog.groups[0].controls[2].id`.
    pub path: String,
    /// What the schema requires there.
    pub rule: String,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.rule)
    }
}

/// A compiled schema, to validate many documents. The complete OSCAL schema is a `oneOf` over the
/// models, which reports any problem as "not valid under any schema" at `$`; so each document is
/// checked against the branch of its own model, which reports the exact path.
pub struct Schema {
    raw: Value,
    full: jsonschema::Validator,
    by_model:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

fn build(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .should_validate_formats(false)
        .build(schema)
        .map_err(|e| e.to_string())
}

impl Schema {
    pub fn compile(schema: &Value) -> Result<Schema, String> {
        Ok(Schema {
            full: build(schema)?,
            raw: schema.clone(),
            by_model: Default::default(),
        })
    }

    /// The schema narrowed to one model's branch, when the schema has one for it.
    fn for_model(&self, model: &str) -> Option<std::sync::Arc<jsonschema::Validator>> {
        if let Some(v) = self.by_model.lock().ok()?.get(model) {
            return Some(v.clone());
        }
        let branch = self.raw.get("oneOf")?.as_array()?.iter().find(|b| {
            b.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|x| x == model))
        })?;
        let mut narrowed = self.raw.clone();
        let obj = narrowed.as_object_mut()?;
        obj.remove("oneOf");
        for (k, v) in branch.as_object()? {
            obj.insert(k.clone(), v.clone());
        }
        let v = std::sync::Arc::new(build(&narrowed).ok()?);
        self.by_model
            .lock()
            .ok()?
            .insert(model.to_string(), v.clone());
        Some(v)
    }

    /// Every violation, up to `limit`, in document order.
    pub fn violations(&self, doc: &Value, limit: usize) -> Vec<SchemaViolation> {
        let model = doc
            .as_object()
            .filter(|o| o.len() <= 2)
            .and_then(|o| o.keys().find(|k| *k != "$schema"))
            .cloned();
        let narrowed = model.and_then(|m| self.for_model(&m));
        let validator = narrowed.as_deref().unwrap_or(&self.full);
        validator
            .iter_errors(doc)
            .take(limit)
            .map(|e| SchemaViolation {
                path: pointer_to_path(&e.instance_path.to_string()),
                rule: short(&e.to_string()),
            })
            .collect()
    }
}

/// Error texts quote the whole offending value; long ones are cut so the rule stays readable.
fn short(s: &str) -> String {
    if s.chars().count() <= 300 {
        return s.to_string();
    }
    let head: String = s.chars().take(120).collect();
    let tail: String = s
        .chars()
        .rev()
        .take(160)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{head} … {tail}")
}
/// `/catalog/groups/0/id` → `$.catalog.groups[0].id`.
fn pointer_to_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            out.push('.');
            out.push_str(&seg);
        }
    }
    out
}
