//! Reading request bodies with errors that name the field: forms (all text, checked by the domain)
//! and JSON (wrong types and missing fields reported with their path).

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use tillit_domain::{Rule, ValidationErrors};

/// The largest JSON body read. Large enough that any body whose fields keep within the API
/// document's limits fits even with every character escaped (a guidance document of 200,000
/// characters as `\uXXXX` surrogate pairs is 2.4 MB), so that a field over its limit is refused
/// with 422 naming it, not with 413 for the body.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// A JSON body. Wrong content type: 415; malformed: 422 naming the field and the rule.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        if bytes.len() > MAX_BODY {
            return Err(AppError::PayloadTooLarge);
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Decodes an API body strictly, with the JSON types the OpenAPI document gives each field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // Every body is an object; serde would also read a struct from an array of its fields in
    // order (`[null, null]`), which the document does not allow.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(AppError::Invalid(ValidationErrors::single(
            "body",
            Rule::InvalidFormat,
        )));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    tillit_domain::draft::strictly(|| serde_path_to_error::deserialize(de)).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.inner().to_string();
        let (field, rule) = if let Some(name) = quoted_after(&msg, "missing field `") {
            (join_path(&path, &name), Rule::Required)
        } else if let Some(name) = quoted_after(&msg, "unknown field `") {
            (join_path(&path, &name), Rule::UnknownValue)
        } else if path == "." || path.is_empty() {
            ("body".to_string(), Rule::InvalidFormat)
        } else {
            (path, Rule::InvalidFormat)
        };
        AppError::Invalid(ValidationErrors::single(field, rule))
    })
}

fn quoted_after(msg: &str, prefix: &str) -> Option<String> {
    let rest = &msg[msg.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('`')?].to_string())
}

fn join_path(path: &str, name: &str) -> String {
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_string()
    } else if path == "." || path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A typed query string (`?q=…&page=2`): the same struct for a page and its API. Parameters the
/// struct does not name are ignored; a parameter given twice where one is expected is a 422 that
/// names it.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_html_form::Deserializer::from_bytes(query.as_bytes());
        serde_path_to_error::deserialize(de)
            .map(Params)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path.is_empty() || path == "." {
                    "query".to_string()
                } else {
                    path
                };
                AppError::Invalid(ValidationErrors::single(field, Rule::InvalidFormat))
            })
    }
}

/// A urlencoded form as ordered pairs; handlers pick fields by name, so a missing field is simply
/// empty and the domain reports it as required.
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// Decodes the form into its draft and runs the command with it. A form that does not decode
    /// gives field errors, like a draft the command refuses.
    pub async fn submit<D: DeserializeOwned, T>(
        &self,
        command: impl AsyncFnOnce(D) -> Result<T, tillit_app::Error>,
    ) -> Result<T, AppError> {
        match self.draft::<D>() {
            Ok(d) => command(d).await.map_err(AppError::from),
            Err(e) => Err(AppError::Invalid(e)),
        }
    }

    /// The form as a typed draft (the same struct the API decodes from JSON). Repeated fields
    /// become lists; the CSRF token is the transport's, not the draft's.
    pub fn draft<T: DeserializeOwned>(&self) -> Result<T, ValidationErrors> {
        let pairs: Vec<(&str, &str)> = self
            .0
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let encoded = serde_urlencoded::to_string(&pairs)
            .map_err(|_| ValidationErrors::single("body", Rule::InvalidFormat))?;
        serde_html_form::from_str(&encoded).map_err(|e| {
            let msg = e.to_string();
            match quoted_after(&msg, "unknown field `") {
                Some(name) => ValidationErrors::single(name, Rule::UnknownValue),
                None => ValidationErrors::single("body", Rule::InvalidFormat),
            }
        })
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let pairs =
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).map_err(|_| {
                AppError::Invalid(ValidationErrors::single("body", Rule::InvalidFormat))
            })?;
        Ok(FormFields(pairs))
    }
}

/// The answer to a form post, the same for every form: success redirects (303) to `to(result)`;
/// field errors show the form again with them (`again`, which answers 422); any other error is
/// rendered as an error page.
pub async fn answer<T>(
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(ValidationErrors) -> crate::error::AppResult<axum::response::Response>,
) -> crate::error::AppResult<axum::response::Response> {
    match result {
        Ok(x) => Ok(crate::render::see_other(&to(x))),
        Err(AppError::Invalid(v)) => again(v).await,
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        role: String,
        n: Option<u32>,
    }

    fn field_of(json: &str) -> (String, Rule) {
        match parse_json::<Body>(json.as_bytes()).unwrap_err() {
            AppError::Invalid(v) => (v.0[0].field.clone(), v.0[0].rule.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            field_of(r#"{"email": 5, "role": "x"}"#),
            ("email".into(), Rule::InvalidFormat)
        );
        assert_eq!(
            field_of(r#"{"email": "a"}"#),
            ("role".into(), Rule::Required)
        );
        assert_eq!(
            field_of(r#"{"email": "a", "role": "r", "n": "x"}"#),
            ("n".into(), Rule::InvalidFormat)
        );
        assert_eq!(
            field_of(r#"{"email": "a", "role": "r", "boss": 1}"#),
            ("boss".into(), Rule::UnknownValue)
        );
        assert_eq!(field_of("not json"), ("body".into(), Rule::InvalidFormat));
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// Decodes into every draft; a field error is fine, a panic is not.
    fn decode_all(f: &FormFields, json: &[u8]) {
        use tillit_domain::*;
        let _ = f.draft::<asset::AssetDraft>();
        let _ = f.draft::<system::SystemDraft>();
        let _ = f.draft::<risk::ScenarioDraft>();
        let _ = f.draft::<risk::RiskAnalysisDraft>();
        let _ = f.draft::<risk::RiskMatrixDraft>();
        let _ = f.draft::<measure::MeasureDraft>();
        let _ = f.draft::<access::AccessAnalysisDraft>();
        let _ = f.draft::<assessment::AssessmentDraft>();
        let _ = f.draft::<classification::ClassificationDraft>();
        let _ = parse_json::<asset::AssetDraft>(json);
        let _ = parse_json::<system::SystemDraft>(json);
        let _ = parse_json::<risk::ScenarioDraft>(json);
        let _ = parse_json::<measure::MeasureDraft>(json);
        let _ = parse_json::<access::AccessAnalysisDraft>(json);
        let _ = parse_json::<assessment::AssessmentDraft>(json);
    }

    /// Property: any form fields and any JSON body decode into a draft or field errors, never a
    /// panic.
    #[test]
    fn any_form_or_json_decodes_or_names_a_field() {
        let mut rng = Rng(0x0dec_0de5_f00d_cafe);
        let keys = [
            "name",
            "description",
            "personal_data",
            "special_categories",
            "data_subjects",
            "individuals_approx",
            "review_interval_months",
            "hosting",
            "asset_ids",
            "title",
            "likelihoods",
            "inherent_likelihood",
            "treatment",
            "groups",
            "status",
            "due_on",
            "requirements",
            "scenario_ids",
            "confidentiality",
            "motivation",
            "x",
            "",
            "name[0]",
            "groups.name",
            "csrf",
        ];
        let values = [
            "",
            "ja",
            "yes",
            "true",
            "1",
            "-1",
            "99999999999999999999",
            "2026-02-30",
            "a,b",
            "\u{0}",
            "Ä",
            "<script>",
            "{\"a\":1}",
            "[1,2]",
            " ",
            "%ZZ",
            "null",
        ];
        let json_parts = [
            "{",
            "}",
            "[",
            "]",
            "\"name\"",
            ":",
            ",",
            "1",
            "1e999",
            "-0",
            "true",
            "null",
            "\"ja\"",
            "\"\\u0000\"",
            "{\"groups\":[{\"name\":1}]}",
            "\"asset_ids\"",
            "[[[[[[[[",
            "\"",
            " ",
        ];
        for _ in 0..3000 {
            let n = (rng.next() % 8) as usize;
            let pairs = (0..n)
                .map(|_| (rng.pick(&keys).to_string(), rng.pick(&values).to_string()))
                .collect();
            let json: String = (0..(rng.next() % 12))
                .map(|_| rng.pick(&json_parts))
                .collect();
            decode_all(&FormFields(pairs), json.as_bytes());
        }
    }
}
