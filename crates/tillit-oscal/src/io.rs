//! Reading and writing OSCAL documents as JSON or YAML, with limits that keep hostile input from
//! using unbounded memory, and errors that give the JSON path of the problem.

use crate::error::OscalError;
use crate::model::Document;
use std::path::Path;

/// The largest document read (NIST's full SP 800-53 catalog is about 10 MB).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// From a file name's extension; JSON when it does not say.
    pub fn of_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("yaml") | Some("yml") => Format::Yaml,
            _ => Format::Json,
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Parses a document; `label` names it in errors.
pub fn read_document(bytes: &[u8], format: Format, label: &str) -> Result<Document, OscalError> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(OscalError::TooLarge {
            path: label.into(),
            size: bytes.len() as u64,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let parse_err = |at: String, message: String| {
        if at == "." && (message.contains("unknown variant") || message.contains("expected enum")) {
            OscalError::UnknownModel { path: label.into() }
        } else {
            OscalError::Parse {
                path: label.into(),
                at: json_path(&at),
                message,
            }
        }
    };
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let doc: Document = serde_path_to_error::deserialize(&mut de)
                .map_err(|e| parse_err(e.path().to_string(), e.inner().to_string()))?;
            de.end().map_err(|e| parse_err(".".into(), e.to_string()))?;
            Ok(doc)
        }
        Format::Yaml => {
            let de = serde_yaml::Deserializer::from_slice(bytes);
            serde_path_to_error::deserialize(de)
                .map_err(|e| parse_err(e.path().to_string(), e.inner().to_string()))
        }
    }
}

/// `$.catalog.groups[0].controls[3]` from serde_path_to_error's `catalog.groups[0].controls[3]`.
fn json_path(p: &str) -> String {
    if p == "." || p.is_empty() {
        "$".into()
    } else {
        format!("$.{p}")
    }
}

pub fn read_document_file(path: &Path) -> Result<Document, OscalError> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| OscalError::Read {
        path: label.clone(),
        source,
    })?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(OscalError::TooLarge {
            path: label,
            size: meta.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| OscalError::Read {
        path: label.clone(),
        source,
    })?;
    read_document(&bytes, Format::of_path(path), &label)
}

pub fn write_json(doc: &Document) -> Result<String, OscalError> {
    serde_json::to_string_pretty(doc).map_err(|e| OscalError::Write(e.to_string()))
}

pub fn write_yaml(doc: &Document) -> Result<String, OscalError> {
    serde_yaml::to_string(doc).map_err(|e| OscalError::Write(e.to_string()))
}
