//! Search over the organisation's registers in use (assets, systems, risk analyses, scenarios,
//! measures): what a coordinator types in the search box.

use crate::{Acting, App, Result};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};
pub use tillit_store::{HitKind, Hits};

/// Hits shown per kind; the lists behind them show the rest.
pub const HITS_PER_KIND: i64 = 10;

/// The words searched for: at least two characters (a single letter matches nearly everything),
/// at most 200.
pub fn parse_query(q: &str) -> std::result::Result<String, ValidationErrors> {
    let q = q.trim();
    let n = q.chars().count();
    if n < 2 {
        return Err(ValidationErrors::single("q", Rule::TooShort { min: 2 }));
    }
    if n > 200 {
        return Err(ValidationErrors::single("q", Rule::TooLong { max: 200 }));
    }
    Ok(q.to_string())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(app: &App, who: &Acting, q: &str) -> Result<Vec<Hits>> {
    who.require(Permission::ViewRegisters)?;
    let q = parse_query(q)?;
    Ok(app.store.search(who.tenant(), &q, HITS_PER_KIND).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_two_to_two_hundred_characters_after_trimming() {
        assert!(parse_query(" j ").is_err());
        assert_eq!(parse_query("  Öv ").unwrap(), "Öv");
        assert!(parse_query(&"x".repeat(201)).is_err());
        assert!(parse_query(&"x".repeat(200)).is_ok());
    }
}
