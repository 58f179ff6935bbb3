//! `tillit oscal …`: resolve profiles, validate and convert OSCAL documents, on local files.

use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tillit_oscal::{
    read_document_file, resolve_profile_file, write_json, write_yaml, Document, Format,
    ResolveOptions,
};

#[derive(Subcommand, Debug)]
pub enum OscalCommand {
    /// Resolve a profile into a catalog (imports are read from local files only).
    Resolve {
        profile: PathBuf,
        /// Where to write the catalog (JSON, or YAML for .yaml/.yml); standard output without it.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check a document: its structure always, and the official OSCAL JSON schema when given.
    Validate {
        file: PathBuf,
        /// The OSCAL JSON schema (e.g. oscal_complete_schema-1.2.2.json from NIST).
        #[arg(long, env = "TILLIT_OSCAL_SCHEMA")]
        schema: Option<PathBuf>,
    },
    /// Compare two versions of a requirement library (directories with `catalog.json` and
    /// `profiles/`, Tillit's or anyone's): requirements added, removed and changed, field by field.
    Diff {
        /// The older version's directory.
        from: PathBuf,
        /// The newer version's directory.
        to: PathBuf,
        /// Write the whole comparison as JSON (the API's words marked as runs).
        #[arg(long)]
        json: bool,
    },
    /// Import a catalog (with a profile that selects from it) into an organisation as an
    /// additional library its systems can be assessed against. Uses the database; acts as the
    /// member given, who must be allowed to manage the organisation's catalogs.
    Import {
        /// The OSCAL catalog (JSON or YAML).
        #[arg(long)]
        catalog: PathBuf,
        /// An OSCAL profile that imports exactly one catalog: the one given.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// The organisation's number (NNNNNN-NNNN).
        #[arg(long)]
        org: String,
        /// The e-mail address of the member who imports (recorded in the audit trail).
        #[arg(long = "as")]
        member: String,
    },
    /// Convert between JSON and YAML.
    Convert {
        file: PathBuf,
        #[arg(long)]
        to: String,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

fn emit(doc: &Document, format: Format, output: Option<&Path>) -> Result<(), String> {
    let text = match format {
        Format::Json => write_json(doc),
        Format::Yaml => write_yaml(doc),
    }
    .map_err(|e| e.to_string())?;
    match output {
        Some(p) => std::fs::write(p, text + "\n").map_err(|e| format!("{}: {e}", p.display())),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

pub fn run(cmd: OscalCommand) -> Result<ExitCode, String> {
    match cmd {
        OscalCommand::Import { .. } => Err("tillit oscal import needs the database".into()),
        OscalCommand::Resolve { profile, output } => {
            let catalog = resolve_profile_file(&profile, &ResolveOptions::default())
                .map_err(|e| e.to_string())?;
            let format = output
                .as_deref()
                .map(Format::of_path)
                .unwrap_or(Format::Json);
            emit(&Document::Catalog(catalog), format, output.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        OscalCommand::Diff { from, to, json } => {
            use std::fmt::Write as _;
            use tillit_app::catalog::ChangeKind;
            let a = tillit_app::library::Library::load(&from)?;
            let b = tillit_app::library::Library::load(&to)?;
            let d = tillit_app::catalog::diff(&a, &b);
            let mut out = String::new();
            if json {
                out = serde_json::to_string_pretty(&d).map_err(|e| e.to_string())?;
                out.push('\n');
            } else {
                let _ = writeln!(
                    out,
                    "{} → {}: {} added, {} removed, {} changed ({} editorially), {} unchanged",
                    a.version,
                    b.version,
                    d.count(ChangeKind::Added),
                    d.count(ChangeKind::Removed),
                    d.count(ChangeKind::Changed),
                    d.changes
                        .iter()
                        .filter(|c| c.kind == ChangeKind::Changed && !c.material)
                        .count(),
                    d.unchanged
                );
                for c in &d.changes {
                    let fields: Vec<String> = c
                        .fields
                        .iter()
                        .map(|f| match f.lang {
                            Some(l) => format!("{} ({l})", f.field),
                            None => f.field.to_string(),
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "{:<8} {:<8} {}{}",
                        format!("{:?}", c.kind).to_lowercase(),
                        c.id,
                        c.title[0],
                        if fields.is_empty() {
                            String::new()
                        } else {
                            format!(" [{}]", fields.join(", "))
                        }
                    );
                }
            }
            // A closed pipe (`| head`) is not an error of the comparison.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        OscalCommand::Convert { file, to, output } => {
            let format = Format::parse(&to)
                .ok_or_else(|| format!("--to: must be json or yaml, not {to:?}"))?;
            let doc = read_document_file(&file).map_err(|e| e.to_string())?;
            emit(&doc, format, output.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        OscalCommand::Validate { file, schema } => {
            let doc = match read_document_file(&file) {
                Ok(d) => d,
                Err(e) => {
                    println!("INVALID {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let Some(schema_path) = schema else {
                println!("valid {} ({}): structure checked; no --schema given, so the OSCAL JSON schema was not checked", file.display(), doc.model_name());
                return Ok(ExitCode::SUCCESS);
            };
            let schema_text = std::fs::read(&schema_path)
                .map_err(|e| format!("--schema {}: {e}", schema_path.display()))?;
            let schema_json: serde_json::Value = serde_json::from_slice(&schema_text)
                .map_err(|e| format!("--schema {}: {e}", schema_path.display()))?;
            let compiled = tillit_oscal::schema::Schema::compile(&schema_json)
                .map_err(|e| format!("--schema: {e}"))?;
            // Validate the document as read, so the schema sees exactly what is in the file.
            let raw: serde_json::Value = match Format::of_path(&file) {
                Format::Json => {
                    serde_json::from_slice(&std::fs::read(&file).map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())?
                }
                Format::Yaml => serde_json::to_value(&doc).map_err(|e| e.to_string())?,
            };
            let problems = compiled.violations(&raw, 50);
            if problems.is_empty() {
                println!(
                    "valid {} ({}) against {}",
                    file.display(),
                    doc.model_name(),
                    schema_path.display()
                );
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    println!("INVALID {p}");
                }
                Ok(ExitCode::from(2))
            }
        }
    }
}
