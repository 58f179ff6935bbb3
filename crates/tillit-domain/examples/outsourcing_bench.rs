//! Times the outsourcing engine alone: `assess` over the shipped rule set for a fully answered
//! case, a case with open questions and an empty one, many times each; prints JSON with the median
//! and 95th percentile in microseconds (used by `scripts/bench outsourcing`).

use std::time::Instant;
use tillit_domain::outsourcing::{assess, Facts, RuleSet};

fn main() -> Result<(), String> {
    let rules = RuleSet::parse(include_str!("../../../rules/outsourcing/v1.json"))
        .map_err(|e| e.to_string())?;
    let answered = serde_json::json!({
        "public_body": true, "scope": "technical", "confidentiality_provision": true,
        "confidentiality_strength": "presumption_of_secrecy", "confidentiality_level": 3,
        "personal_data": true, "special_categories": true, "staff_data": false, "large_scale": true,
        "encryption_in_transit": true, "encryption_at_rest": true, "key_holder": "supplier",
        "supplier_plaintext_access": true, "supplier_access_logged": true, "data_in_eea": true,
        "support_in_eea": false, "subprocessors_in_eea": false, "certified_iso27001": true,
        "confidentiality_undertaking": true, "processing_agreement": true, "audit_rights": true,
        "subprocessor_control": false, "exit_terms": true, "foreign_law_exposure": true,
        "third_country_transfer": true, "transfer_basis": "dpf", "dpf_certified": true
    });
    let mut open = answered.clone();
    if let Some(o) = open.as_object_mut() {
        for k in [
            "confidentiality_level",
            "supplier_plaintext_access",
            "transfer_basis",
            "audit_rights",
        ] {
            o.remove(k);
        }
    }
    let cases = [
        (
            "fully answered",
            Facts::from_json(&answered).unwrap_or_default(),
        ),
        (
            "four open questions",
            Facts::from_json(&open).unwrap_or_default(),
        ),
        ("nothing answered", Facts::default()),
    ];
    let n = 2000;
    let mut out = Vec::new();
    for (name, facts) in &cases {
        let mut us: Vec<f64> = (0..n)
            .map(|_| {
                let t = Instant::now();
                let a = assess(&rules, facts);
                std::hint::black_box(&a);
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        us.sort_by(|a, b| a.total_cmp(b));
        out.push(serde_json::json!({
            "case": name, "rules": rules.rules.len(), "n": n,
            "median_us": us[n / 2], "p95_us": us[n * 95 / 100],
        }));
    }
    println!("{}", serde_json::Value::Array(out));
    Ok(())
}
