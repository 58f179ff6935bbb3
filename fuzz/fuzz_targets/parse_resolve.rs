//! Any bytes, read as a JSON or YAML OSCAL document, and resolved when they are a profile (its
//! imports can reach Tillit's small test catalog as `catalog.json`). Must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use tillit_oscal::{read_document, resolve_profile, Document, Format, ResolveOptions};

fn base() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("tillit-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        let _ = std::fs::write(d.join("catalog.json"), include_str!("../../crates/tillit-oscal/tests/data/small-catalog.json"));
        d
    })
}

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::Yaml] {
        if let Ok(Document::Profile(p)) = read_document(data, format, "fuzz") {
            let _ = resolve_profile(&p, base(), "fuzz", &ResolveOptions::default());
        }
    }
});
