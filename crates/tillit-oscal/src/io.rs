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
            // OSCAL YAML is the JSON structure written as YAML (the model is a map key, not a YAML
            // tag), so it is read through a JSON value. Deep nesting is refused first: the YAML
            // parser's time grows with the square of the depth.
            yaml_nesting_guard(bytes).map_err(|m| parse_err(".".into(), m))?;
            let value: serde_json::Value = serde_norway::from_slice(bytes)
                .map_err(|e| parse_err(".".into(), e.to_string()))?;
            serde_path_to_error::deserialize(value)
                .map_err(|e| parse_err(e.path().to_string(), e.inner().to_string()))
        }
    }
}

/// Deepest flow nesting (`[`, `{`) and indentation accepted in YAML. OSCAL documents nest a few
/// dozen levels.
const YAML_MAX_FLOW_DEPTH: usize = 256;
const YAML_MAX_INDENT: usize = 2048;

fn yaml_nesting_guard(bytes: &[u8]) -> Result<(), String> {
    let (mut depth, mut max_depth) = (0usize, 0usize);
    let mut quote: Option<u8> = None;
    for line in bytes.split(|b| *b == b'\n') {
        let indent = line.iter().take_while(|b| **b == b' ').count();
        if indent > YAML_MAX_INDENT {
            return Err(format!(
                "indentation of {indent} columns is deeper than the {YAML_MAX_INDENT} accepted"
            ));
        }
        for &b in line {
            match (quote, b) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"') | (None, b'\'') => quote = Some(b),
                (None, b'#') => break,
                (None, b'[') | (None, b'{') => {
                    depth += 1;
                    max_depth = max_depth.max(depth);
                }
                (None, b']') | (None, b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if quote == Some(b'\'') {
            quote = None;
        }
        if max_depth > YAML_MAX_FLOW_DEPTH {
            return Err(format!(
                "nesting deeper than the {YAML_MAX_FLOW_DEPTH} levels accepted"
            ));
        }
    }
    Ok(())
}

/// `$.catalog.groups[0].controls[3]` from serde_path_to_error's `catalog.groups[0].controls[3]`.
fn json_path(p: &str) -> String {
    if p == "." || p.is_empty() {
        "$".into()
    } else {
        format!("$.{p}")
    }
}

/// Reads a document from a regular file (not a device or pipe, which could stream forever), and
/// never more than `MAX_DOCUMENT_BYTES`, whatever the file system says its size is.
pub fn read_document_file(path: &Path) -> Result<Document, OscalError> {
    use std::io::Read;
    let label = path.display().to_string();
    let read_err = |source| OscalError::Read {
        path: label.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(OscalError::TooLarge {
            path: label,
            size: meta.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(read_err)?;
    read_document(&bytes, Format::of_path(path), &label)
}

pub fn write_json(doc: &Document) -> Result<String, OscalError> {
    serde_json::to_string_pretty(doc).map_err(|e| OscalError::Write(e.to_string()))
}

/// YAML in OSCAL's form: the same structure as the JSON, the model name as the top-level key.
pub fn write_yaml(doc: &Document) -> Result<String, OscalError> {
    let value = serde_json::to_value(doc).map_err(|e| OscalError::Write(e.to_string()))?;
    serde_norway::to_string(&value).map_err(|e| OscalError::Write(e.to_string()))
}
