//! Signed submissions: what a care provider sends an authority, as a file anyone can check
//! offline.
//!
//! A submission's content is a JSON object. Its bytes are the object's canonical form (RFC 8785,
//! JSON Canonicalization Scheme, for the JSON Tillit writes: objects with their keys in UTF-16
//! order, no white space, strings escaped as JSON requires and nothing more, whole numbers only);
//! their SHA-256 names it, and the organisation's Ed25519 key signs them, behind a prefix that
//! says what is signed so that the signature means nothing elsewhere. The envelope carries the
//! content, the digest, and the signature with the public key and its id. Verification recomputes
//! the canonical bytes from the content as read, so a changed byte anywhere — in the content, the
//! digest or the signature — fails, and a pinned public key (the one the organisation publishes)
//! rejects a submission signed with any other key.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The envelope's format, also the prefix of the signed message.
pub const FORMAT: &str = "tillit-submission/1";

/// A submission as the provider makes it: the authorities (their organisation ids) to send it to.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SubmitBody))]
#[serde(deny_unknown_fields)]
pub struct SubmitDraft {
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub authority_ids: Vec<String>,
}

/// How often a provider means to submit: `none`, `monthly`, `quarterly`, `half_yearly` or
/// `yearly`, and to which authorities.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ScheduleBody))]
#[serde(deny_unknown_fields)]
pub struct ScheduleDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub period: String,
    #[serde(default, deserialize_with = "crate::draft::texts")]
    pub authority_ids: Vec<String>,
}

/// The schedule's periods and their months.
pub const PERIODS: [(&str, u32); 4] = [
    ("monthly", 1),
    ("quarterly", 3),
    ("half_yearly", 6),
    ("yearly", 12),
];

impl ScheduleDraft {
    /// The period in months (none: no schedule) and the authorities, sorted and without repeats;
    /// a schedule needs at least one authority.
    pub fn parse(&self) -> Result<Option<(u32, Vec<String>)>, crate::ValidationErrors> {
        use crate::{Rule, ValidationErrors};
        let months = match self.period.trim() {
            "" | "none" => return Ok(None),
            p => PERIODS
                .iter()
                .find(|(k, _)| *k == p)
                .map(|(_, m)| *m)
                .ok_or_else(|| ValidationErrors::single("period", Rule::UnknownValue))?,
        };
        let mut ids: Vec<String> = self
            .authority_ids
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Err(ValidationErrors::single("authority_ids", Rule::Required));
        }
        Ok(Some((months, ids)))
    }
}

/// The day the next scheduled submission is due: a period after the latest one, or the day the
/// schedule was set when there is none yet since then.
pub fn next_due(
    months: u32,
    latest: Option<chrono::NaiveDate>,
    set_on: chrono::NaiveDate,
) -> chrono::NaiveDate {
    match latest {
        Some(d) if d >= set_on => d
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(d),
        _ => set_on,
    }
}

/// A signed submission as a file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    /// The content: a JSON object.
    pub submission: Value,
    /// SHA-256 of the content's canonical bytes, hex.
    pub sha256: String,
    pub signature: SignatureBlock,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureBlock {
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The signing key's id (the organisation may have had several).
    pub key_id: String,
    /// The public key, hex (32 bytes).
    pub public_key: String,
    /// The signature, hex (64 bytes).
    pub value: String,
}

/// Why a submission does not verify, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("not a Tillit submission: {0}")]
    Malformed(String),
    #[error("the content holds a number that is not a whole number ({0}); submissions hold whole numbers only")]
    NotWholeNumber(String),
    #[error("the content is not a JSON object")]
    NotAnObject,
    #[error("the content's SHA-256 is {actual}, but the submission says {stated}: the content has been changed")]
    DigestMismatch { stated: String, actual: String },
    #[error("the signature does not match the content and the key: the submission has been changed or was signed with another key")]
    BadSignature,
    #[error("signed with the key {actual}, not with the organisation's published key {expected}")]
    OtherKey { expected: String, actual: String },
}

/// The canonical bytes of a JSON value (RFC 8785 for whole numbers).
pub fn canonical(v: &Value) -> Result<String, SubmissionError> {
    let mut out = String::new();
    write_canonical(v, &mut out)?;
    Ok(out)
}

fn write_canonical(v: &Value, out: &mut String) -> Result<(), SubmissionError> {
    match v {
        Value::Null | Value::Bool(_) | Value::String(_) => {
            // serde_json escapes exactly what RFC 8785 escapes: the quote, the backslash and the
            // control characters (\b \t \n \f \r short, the rest as lowercase \u00xx).
            out.push_str(
                &serde_json::to_string(v).map_err(|e| SubmissionError::Malformed(e.to_string()))?,
            );
        }
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                return Err(SubmissionError::NotWholeNumber(n.to_string()));
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // RFC 8785 orders keys by their UTF-16 code units.
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(&Value::String(k.clone()), out)?;
                out.push(':');
                write_canonical(&map[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// The message a signature covers: the format, a line break, the canonical content.
fn message(canonical: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(FORMAT.len() + 1 + canonical.len());
    m.extend_from_slice(FORMAT.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(canonical.as_bytes());
    m
}

/// Signs a submission's content with the organisation's key.
pub fn sign(content: Value, key: &SigningKey, key_id: &str) -> Result<Envelope, SubmissionError> {
    if !content.is_object() {
        return Err(SubmissionError::NotAnObject);
    }
    let c = canonical(&content)?;
    let signature = key.sign(&message(&c));
    Ok(Envelope {
        format: FORMAT.to_string(),
        sha256: hex::encode(Sha256::digest(c.as_bytes())),
        signature: SignatureBlock {
            algorithm: "Ed25519".into(),
            key_id: key_id.to_string(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
            value: hex::encode(signature.to_bytes()),
        },
        submission: content,
    })
}

/// What a verified submission is: its digest and the key that signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub sha256: String,
    pub key_id: String,
    pub public_key: String,
}

/// Verifies a submission read from a file; with `pinned` (the public key the organisation
/// publishes, hex), a signature by any other key is refused.
pub fn verify(text: &str, pinned: Option<&str>) -> Result<Verified, SubmissionError> {
    let e: Envelope =
        serde_json::from_str(text).map_err(|x| SubmissionError::Malformed(x.to_string()))?;
    if e.format != FORMAT {
        return Err(SubmissionError::Malformed(format!("format {:?}", e.format)));
    }
    if e.signature.algorithm != "Ed25519" {
        return Err(SubmissionError::Malformed(format!(
            "algorithm {:?}",
            e.signature.algorithm
        )));
    }
    if !e.submission.is_object() {
        return Err(SubmissionError::NotAnObject);
    }
    let c = canonical(&e.submission)?;
    let actual = hex::encode(Sha256::digest(c.as_bytes()));
    if actual != e.sha256.to_ascii_lowercase() {
        return Err(SubmissionError::DigestMismatch {
            stated: e.sha256,
            actual,
        });
    }
    let key_bytes: [u8; 32] = hex::decode(&e.signature.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SubmissionError::Malformed("public key: not 32 bytes of hex".into()))?;
    if let Some(p) = pinned {
        let p = p.trim().to_ascii_lowercase();
        if p != hex::encode(key_bytes) {
            return Err(SubmissionError::OtherKey {
                expected: p,
                actual: hex::encode(key_bytes),
            });
        }
    }
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|_| SubmissionError::Malformed("public key: not an Ed25519 key".into()))?;
    let sig_bytes: [u8; 64] = hex::decode(&e.signature.value)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SubmissionError::Malformed("signature: not 64 bytes of hex".into()))?;
    // Strict: weak keys and malleable signatures are refused too.
    key.verify_strict(&message(&c), &Signature::from_bytes(&sig_bytes))
        .map_err(|_| SubmissionError::BadSignature)?;
    Ok(Verified {
        sha256: actual,
        key_id: e.signature.key_id,
        public_key: hex::encode(key_bytes),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_schedule_is_due_a_period_after_the_latest_submission() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            next_due(3, Some(d("2026-11-30")), d("2026-01-01")),
            d("2027-02-28")
        );
        assert_eq!(next_due(12, None, d("2026-12-02")), d("2026-12-02"));
        // A submission made before the schedule was set does not count.
        assert_eq!(
            next_due(1, Some(d("2026-10-01")), d("2026-12-02")),
            d("2026-12-02")
        );
        let draft = |p: &str, ids: &[&str]| ScheduleDraft {
            period: p.into(),
            authority_ids: ids.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(draft("none", &[]).parse().unwrap(), None);
        assert_eq!(
            draft("quarterly", &["b", "a", "b"]).parse().unwrap(),
            Some((3, vec!["a".to_string(), "b".to_string()]))
        );
        assert_eq!(
            draft("quarterly", &[]).parse().unwrap_err().0[0].field,
            "authority_ids"
        );
        assert_eq!(
            draft("weekly", &["a"]).parse().unwrap_err().0[0].field,
            "period"
        );
    }

    use super::*;
    use serde_json::json;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn content() -> Value {
        json!({
            "organisation": {"name": "Region Norrfjäll", "org_number": "232100-9991"},
            "compliance": [{"area": "sty", "met": 12, "of": 14}],
            "incidents": {"total": 3, "late_reports": 0},
            "catalog_version": "2",
            "note": "Rad 1\nRad \"2\" \u{1}",
        })
    }

    fn signed(seed: u8) -> String {
        let e = sign(content(), &key(seed), "k1").unwrap_or_else(|e| unreachable!("{e}"));
        serde_json::to_string_pretty(&e).unwrap_or_default()
    }

    #[test]
    fn the_canonical_form_orders_keys_and_drops_white_space() {
        let a = json!({"b": 1, "a": [true, null, "x"], "é": {"z": 0, "y": -2}});
        let b: Value =
            serde_json::from_str(r#"{ "é": {"y": -2, "z": 0}, "a": [true,null,"x"], "b": 1 }"#)
                .unwrap_or_default();
        let c = canonical(&a).unwrap_or_default();
        assert_eq!(c, r#"{"a":[true,null,"x"],"b":1,"é":{"y":-2,"z":0}}"#);
        assert_eq!(canonical(&b).unwrap_or_default(), c);
        // Control characters as RFC 8785 writes them; non-ASCII and '/' as themselves.
        assert_eq!(
            canonical(&json!("a\u{1}\n/ö")).unwrap_or_default(),
            "\"a\\u0001\\n/ö\""
        );
        // UTF-16 order: U+FB01 (one unit) sorts after U+1F600 (a surrogate pair, 0xD83D…).
        let k = canonical(&json!({"\u{fb01}": 1, "\u{1f600}": 2})).unwrap_or_default();
        assert!(k.find('\u{1f600}') < k.find('\u{fb01}'), "{k}");
        assert!(matches!(
            canonical(&json!({"x": 1.5})),
            Err(SubmissionError::NotWholeNumber(_))
        ));
    }

    #[test]
    fn a_signed_submission_verifies_offline_and_with_the_published_key() {
        let text = signed(7);
        let v = verify(&text, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(v.public_key, hex::encode(key(7).verifying_key().to_bytes()));
        assert_eq!(v.key_id, "k1");
        assert!(verify(&text, Some(&v.public_key)).is_ok());
        // Pretty-printing or reordering the file does not matter; the content does.
        let e: Envelope = serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(verify(&serde_json::to_string(&e).unwrap_or_default(), None).is_ok());
    }

    #[test]
    fn a_changed_byte_fails() {
        let text = signed(7);
        // In the content: the digest no longer matches.
        let changed = text.replace("\"met\": 12", "\"met\": 13");
        assert_ne!(changed, text);
        assert!(matches!(
            verify(&changed, None),
            Err(SubmissionError::DigestMismatch { .. })
        ));
        // The content and its digest changed together: the signature no longer matches.
        let mut e: Envelope =
            serde_json::from_str(&changed).unwrap_or_else(|e| unreachable!("{e}"));
        e.sha256 = hex::encode(Sha256::digest(
            canonical(&e.submission).unwrap_or_default().as_bytes(),
        ));
        assert_eq!(
            verify(&serde_json::to_string(&e).unwrap_or_default(), None),
            Err(SubmissionError::BadSignature)
        );
        // One hex digit of the signature changed.
        let mut e: Envelope = serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{e}"));
        let mut sig = e.signature.value.clone().into_bytes();
        sig[10] = if sig[10] == b'0' { b'1' } else { b'0' };
        e.signature.value = String::from_utf8(sig).unwrap_or_default();
        assert_eq!(
            verify(&serde_json::to_string(&e).unwrap_or_default(), None),
            Err(SubmissionError::BadSignature)
        );
    }

    #[test]
    fn another_organisations_key_fails() {
        let published = hex::encode(key(7).verifying_key().to_bytes());
        // Signed by organisation 8 and presented as organisation 7's: refused by the pinned key.
        let forged = signed(8);
        assert!(matches!(
            verify(&forged, Some(&published)),
            Err(SubmissionError::OtherKey { .. })
        ));
        // Organisation 8's signature with organisation 7's public key written in: no match.
        let mut e: Envelope = serde_json::from_str(&forged).unwrap_or_else(|e| unreachable!("{e}"));
        e.signature.public_key = published.clone();
        assert_eq!(
            verify(
                &serde_json::to_string(&e).unwrap_or_default(),
                Some(&published)
            ),
            Err(SubmissionError::BadSignature)
        );
    }

    #[test]
    fn bad_files_are_named() {
        assert!(matches!(
            verify("{}", None),
            Err(SubmissionError::Malformed(_))
        ));
        assert!(matches!(
            verify("not json", None),
            Err(SubmissionError::Malformed(_))
        ));
        assert!(matches!(
            sign(json!([1, 2]), &key(1), "k"),
            Err(SubmissionError::NotAnObject)
        ));
    }
}
