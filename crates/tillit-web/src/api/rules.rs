//! The domain's rules, stated in the OpenAPI document. The derived schemas give each field its
//! type; this adds what the domain checks — lengths, allowed characters, word lists, ranges,
//! which fields are required, and the rules between fields — so that a client (and the API
//! fuzzer of `scripts/check`) can tell from the document alone which bodies the API accepts: a
//! body valid against the document is accepted, or refused only by a rule that depends on the
//! organisation's records (409, see `Rule::depends_on_records`); a body the document calls invalid
//! is refused with 422. Limits and word lists are read from the domain, not copied.

use serde_json::{json, Map, Value};
use tillit_domain::{
    assessment::Status, classification::Aspect, country, incident, incident_case,
    measure::MeasureStatus, paging, risk, role::Role, role::Scope, supplier, words,
};

/// Control characters a text field refuses (all but tab, line feed and carriage return; see
/// `tillit_domain::text`), as a regular-expression class body.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// The white space `str::trim` removes, less the control characters refused anyway.
const SPACE: &str = r"\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// A date, `YYYY-MM-DD`.
const DATE: &str = "date";

/// Optional text: at most `max` characters, no control characters; empty or null is "not given".
fn text(max: usize) -> Value {
    json!({"type": ["string", "null"], "maxLength": max, "pattern": format!("^[^{CONTROL}]*$")})
}

/// Required text: as `text`, with at least one character that is not white space.
fn required_text(max: usize) -> Value {
    json!({"type": "string", "maxLength": max,
           "pattern": format!("^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$")})
}

/// Text that is empty or only white space (a row left empty).
fn blank() -> Value {
    json!({"type": ["string", "null"], "pattern": format!("^[{SPACE}]*$")})
}

/// One of the words; `optional` also allows empty and null ("not given").
fn word(keys: &[&str], optional: bool) -> Value {
    let mut allowed: Vec<Value> = keys.iter().map(|k| json!(k)).collect();
    if optional {
        allowed.push(json!(""));
        allowed.push(Value::Null);
        json!({"type": ["string", "null"], "enum": allowed})
    } else {
        json!({"type": "string", "enum": allowed})
    }
}

/// A list of words (a word given twice counts once).
fn words(keys: &[&str]) -> Value {
    json!({"type": ["array", "null"], "items": {"type": "string", "enum": keys}})
}

/// A whole number in a range; `optional` also allows null.
fn int(min: i64, max: i64, optional: bool) -> Value {
    let ty = if optional {
        json!(["integer", "null"])
    } else {
        json!("integer")
    };
    json!({"type": ty, "minimum": min, "maximum": max})
}

/// A date; `optional` also allows empty and null.
fn date(optional: bool) -> Value {
    if optional {
        json!({"anyOf": [{"type": "string", "format": DATE}, {"type": "string", "maxLength": 0}, {"type": "null"}]})
    } else {
        json!({"type": "string", "format": DATE})
    }
}

/// An instant, RFC 3339 with its offset (a local date and time, `2026-11-10T09:00`, is also
/// read, as Swedish time); `optional` also allows empty and null.
fn instant(optional: bool) -> Value {
    let one = json!({"type": "string", "format": "date-time", "maxLength": 40});
    if optional {
        json!({"anyOf": [one, {"type": "string", "maxLength": 0}, {"type": "null"}]})
    } else {
        one
    }
}

/// The id of an object (a UUID); `optional` also allows empty and null.
fn id(optional: bool) -> Value {
    if optional {
        json!({"anyOf": [{"type": "string", "format": "uuid"}, {"type": "string", "maxLength": 0}, {"type": "null"}]})
    } else {
        json!({"type": "string", "format": "uuid"})
    }
}

/// A list of ids.
fn ids() -> Value {
    json!({"type": ["array", "null"], "items": {"type": "string", "format": "uuid"}})
}

fn keys<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| key(*v)).collect()
}

/// Text of at most `lines` lines of at most `per_line` characters, no control characters.
fn lines(lines: usize, per_line: usize) -> Value {
    json!({"type": ["string", "null"],
           "pattern": format!("^[^{CONTROL}\\n]{{0,{per_line}}}(\\n[^{CONTROL}\\n]{{0,{per_line}}}){{0,{}}}$", lines - 1)})
}

/// The factors of a ranking model: every factor by its key, with the figure its scale needs
/// (`full_at` for a number factor, `levels` for a level factor; the other is ignored).
fn ranking_factors() -> Value {
    use tillit_domain::ranking::FactorKey;
    let mut props = Map::new();
    for k in FactorKey::ALL {
        let mut p = Map::new();
        p.insert(
            "weight".into(),
            json!({"type": "number", "minimum": 0, "maximum": 100}),
        );
        p.insert(
            "missing".into(),
            json!({"type": "number", "minimum": 0, "maximum": 1}),
        );
        p.insert("rationale".into(), required_text(2000));
        let mut required = vec!["weight", "missing", "rationale"];
        if k.scale_kind() == "levels" {
            p.insert(
                "levels".into(),
                json!({"type": "object", "minProperties": 1, "maxProperties": 50,
                       "propertyNames": required_text(100),
                       "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}}),
            );
            p.insert("full_at".into(), json!({"type": ["number", "null"]}));
            required.push("levels");
        } else {
            p.insert(
                "full_at".into(),
                json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1_000_000_000}),
            );
            p.insert(
                "levels".into(),
                json!({"type": ["object", "null"], "additionalProperties": {"type": "number"}}),
            );
            required.push("full_at");
        }
        props.insert(
            k.key().into(),
            json!({"type": "object", "properties": p, "required": required, "additionalProperties": false}),
        );
    }
    let all: Vec<&str> = FactorKey::ALL.iter().map(|k| k.key()).collect();
    json!({"type": "object", "properties": props, "required": all, "additionalProperties": false})
}

/// The rules of one schema: its fields' constraints, its required fields and rules between fields.
struct SchemaRules {
    fields: Vec<(&'static str, Value)>,
    required: Vec<&'static str>,
    /// JSON Schema keywords on the whole object (`allOf` of rules between fields).
    between: Vec<Value>,
}

fn rules() -> Vec<(&'static str, SchemaRules)> {
    let aspects = keys(&Aspect::ALL, Aspect::key);
    let treatments = keys(&risk::Treatment::ALL, risk::Treatment::key);
    let measure_statuses = keys(&MeasureStatus::ALL, MeasureStatus::key);
    let statuses = keys(&Status::ALL, Status::key);
    let roles = keys(&Role::ALL, Role::key);
    let scopes = keys(&Scope::ALL, Scope::key);
    let level = || int(0, 4, false);
    let step = |optional| int(1, i64::from(risk::MAX_SCALE), optional);
    let yes_no_rule = ["", "rule", "yes", "no", "true", "false"];
    let codes: Vec<&str> = country::all().iter().map(|c| c.code.as_str()).collect();
    let answer = || word(&["yes", "no", "unknown", "true", "false"], true);
    let mut case_fields = vec![
        ("title", required_text(200)),
        ("reference", text(60)),
        ("prepared_by", id(true)),
        ("supplier_id", id(false)),
        ("service", text(4000)),
        ("system_ids", ids()),
        ("asset_ids", ids()),
    ];
    for (fact, words) in tillit_domain::outsourcing_case::ASKED {
        let rule = match words {
            Some(ws) => {
                let mut ws = ws.to_vec();
                ws.push("unknown");
                word(&ws, true)
            }
            None => answer(),
        };
        case_fields.push((fact, rule));
    }
    let mut out = vec![
        (
            "OutsourcingCaseBody",
            SchemaRules {
                fields: case_fields,
                required: vec!["title", "supplier_id"],
                // A case concerns at least one system or information asset.
                between: vec![json!({"anyOf": [
                    {"required": ["system_ids"], "properties": {"system_ids": {"type": "array", "minItems": 1}}},
                    {"required": ["asset_ids"], "properties": {"asset_ids": {"type": "array", "minItems": 1}}}
                ]})],
            },
        ),
        (
            "OutsourcingDecisionBody",
            SchemaRules {
                fields: vec![
                    (
                        "outcome",
                        word(&["approved", "approved_with_conditions", "rejected"], false),
                    ),
                    ("motivation", required_text(4000)),
                    (
                        "conditions",
                        json!({"type": ["array", "null"], "items": required_text(100)}),
                    ),
                    ("conditions_due_on", date(true)),
                    ("delegation", text(300)),
                ],
                required: vec!["outcome", "motivation"],
                // Conditions belong to an approval with conditions, which needs at least one.
                between: vec![json!({"anyOf": [
                    {"properties": {"outcome": {"const": "approved_with_conditions"},
                                    "conditions": {"type": "array", "minItems": 1}},
                     "required": ["conditions"]},
                    {"properties": {"outcome": {"enum": ["approved", "rejected"]},
                                    "conditions": {"type": ["array", "null"], "maxItems": 0}}}
                ]})],
            },
        ),
        (
            "IncidentBody",
            SchemaRules {
                fields: vec![
                    ("title", required_text(200)),
                    ("description", text(4000)),
                    // The order of events (started ≤ discovered ≤ aware) is a rule between
                    // fields that JSON Schema cannot state; the descriptions say it, and it is
                    // refused with 422 `out_of_order`.
                    ("started_at", instant(true)),
                    ("discovered_at", instant(true)),
                    ("aware_at", instant(false)),
                    ("status", word(incident_case::STATUSES, true)),
                    ("system_ids", ids()),
                    ("asset_ids", ids()),
                    ("aspects", words(&aspects)),
                    ("personal_data", answer()),
                    ("data_categories", text(500)),
                    ("individuals_approx", int(0, 100_000_000, true)),
                    ("records_approx", int(0, 1_000_000_000, true)),
                    ("cause", word(incident_case::CAUSES, true)),
                    ("supplier_id", id(true)),
                    ("consequences", text(4000)),
                    ("actions_taken", text(4000)),
                    ("data_role", word(incident_case::ROLES, true)),
                    ("breach_risk", word(incident_case::RISKS, true)),
                    ("risk_motivation", text(2000)),
                    (
                        "art34_exception",
                        word(incident_case::ART34_EXCEPTIONS, true),
                    ),
                    ("significant", answer()),
                    ("significance_motivation", text(2000)),
                    ("serious_care_injury", answer()),
                    ("serious_social_care_wrong", answer()),
                    ("lessons", text(4000)),
                ],
                required: vec!["title", "aware_at"],
                between: vec![
                    // An assessed risk is documented with its motivation (GDPR art. 33.5).
                    json!({"anyOf": [
                        {"properties": {"breach_risk": {"enum": ["", null, "unassessed"]}}},
                        {"required": ["risk_motivation"], "properties": {"risk_motivation": required_text(2000)}}
                    ]}),
                    // An art. 34.3 exception belongs to a high risk.
                    json!({"anyOf": [
                        {"properties": {"art34_exception": {"enum": ["", null]}}},
                        {"required": ["breach_risk"], "properties": {"breach_risk": {"const": "high_risk"}}}
                    ]}),
                ],
            },
        ),
        (
            "RankingModelBody",
            SchemaRules {
                fields: vec![("note", text(2000)), ("factors", ranking_factors())],
                required: vec!["factors"],
                between: vec![],
            },
        ),
        (
            "ScheduleBody",
            SchemaRules {
                fields: vec![
                    (
                        "period",
                        json!({"type": ["string", "null"], "enum": ["", null, "none", "monthly", "quarterly", "half_yearly", "yearly"]}),
                    ),
                    (
                        "authority_ids",
                        json!({"type": ["array", "null"], "items": {"type": "string", "format": "uuid"}}),
                    ),
                ],
                required: vec![],
                between: vec![json!({
                    "if": {"properties": {"period": {"enum": ["monthly", "quarterly", "half_yearly", "yearly"]}}, "required": ["period"]},
                    "then": {"required": ["authority_ids"], "properties": {"authority_ids": {"type": "array", "minItems": 1}}}
                })],
            },
        ),
        (
            "SubmitBody",
            SchemaRules {
                fields: vec![(
                    "authority_ids",
                    json!({"type": "array", "minItems": 1, "items": {"type": "string", "format": "uuid"}}),
                )],
                required: vec!["authority_ids"],
                between: vec![],
            },
        ),
        (
            "IncidentEntryBody",
            SchemaRules {
                fields: vec![("at", instant(true)), ("text", required_text(2000))],
                required: vec!["text"],
                between: vec![],
            },
        ),
        (
            "LessonMeasureBody",
            SchemaRules {
                fields: vec![("title", required_text(200)), ("due_on", date(true))],
                required: vec!["title"],
                between: vec![],
            },
        ),
        (
            "ReportSentBody",
            SchemaRules {
                fields: vec![
                    (
                        "obligation",
                        word(&keys(&incident::Kind::ALL, incident::Kind::key), false),
                    ),
                    ("sent_at", instant(true)),
                    ("reference", text(200)),
                ],
                required: vec!["obligation"],
                between: vec![],
            },
        ),
        (
            "SupplierBody",
            SchemaRules {
                fields: vec![
                    ("name", required_text(200)),
                    ("org_number", text(40)),
                    ("country", word(&codes, true)),
                    ("parent_company", text(200)),
                    ("parent_country", word(&codes, true)),
                    ("jurisdictions", words(&codes)),
                    (
                        "subprocessors",
                        lines(supplier::MAX_LIST, supplier::MAX_LINE),
                    ),
                    ("dpa_signed_on", date(true)),
                    ("confidentiality_undertaking", answer()),
                    ("audit_rights", answer()),
                    ("subprocessor_approval", answer()),
                    ("exit_terms", answer()),
                    (
                        "certifications",
                        lines(supplier::MAX_LIST, supplier::MAX_LINE),
                    ),
                    ("data_locations", words(&codes)),
                    ("support_locations", words(&codes)),
                    ("notes", text(4000)),
                ],
                required: vec!["name"],
                // A parent's country names a parent.
                between: vec![json!({"anyOf": [
                    {"properties": {"parent_country": {"enum": ["", null]}}},
                    {"required": ["parent_company"], "properties": {"parent_company": required_text(200)}}
                ]})],
            },
        ),
        (
            "AssetBody",
            SchemaRules {
                fields: vec![
                    ("name", required_text(200)),
                    ("description", text(4000)),
                    ("owner_membership_id", id(true)),
                    ("personal_data", json!({"type": ["boolean", "null"]})),
                    ("offences", json!({"type": ["boolean", "null"]})),
                    ("special_categories", words(words::SpecialCategory::KEYS)),
                    ("data_subjects", words(words::DataSubject::KEYS)),
                    ("individuals_approx", int(0, 100_000_000, true)),
                    ("confidentiality_provisions", text(1000)),
                    (
                        "confidentiality_strength",
                        word(words::ConfidentialityStrength::KEYS, true),
                    ),
                    ("legal_basis", text(1000)),
                    ("review_interval_months", int(1, 60, true)),
                ],
                required: vec!["name"],
                // Special categories, data subjects or offences are personal data.
                between: vec![json!({"anyOf": [
                    {"required": ["personal_data"], "properties": {"personal_data": {"const": true}}},
                    {"properties": {"special_categories": {"type": ["array", "null"], "maxItems": 0},
                                    "data_subjects": {"type": ["array", "null"], "maxItems": 0},
                                    "offences": {"enum": [false, null]}}}
                ]})],
            },
        ),
        (
            "SystemBody",
            SchemaRules {
                fields: vec![
                    ("name", required_text(200)),
                    ("description", text(4000)),
                    ("owner_membership_id", id(true)),
                    ("supplier_id", id(true)),
                    ("supplier", text(200)),
                    ("country", word(&codes, true)),
                    ("hosting", word(words::Hosting::KEYS, false)),
                    ("review_interval_months", int(1, 60, true)),
                    ("asset_ids", ids()),
                ],
                required: vec!["name", "hosting"],
                between: vec![],
            },
        ),
        (
            "ClassificationBody",
            SchemaRules {
                fields: vec![
                    ("confidentiality", level()),
                    ("integrity", level()),
                    ("availability", level()),
                    ("traceability", level()),
                    ("motivation", required_text(4000)),
                ],
                required: vec![
                    "confidentiality",
                    "integrity",
                    "availability",
                    "traceability",
                    "motivation",
                ],
                between: vec![],
            },
        ),
        (
            "SystemLevelsBody",
            SchemaRules {
                fields: vec![
                    ("confidentiality", level()),
                    ("integrity", level()),
                    ("availability", level()),
                    ("traceability", level()),
                    ("deviation_motivation", text(4000)),
                ],
                required: vec![
                    "confidentiality",
                    "integrity",
                    "availability",
                    "traceability",
                ],
                between: vec![],
            },
        ),
        (
            "RiskAnalysisBody",
            SchemaRules {
                fields: vec![
                    ("title", required_text(200)),
                    ("scope", text(4000)),
                    ("participants", text(2000)),
                    ("analysed_on", date(false)),
                    ("review_interval_months", int(1, 60, true)),
                    ("system_ids", ids()),
                ],
                required: vec!["title", "analysed_on"],
                between: vec![],
            },
        ),
        (
            "ScenarioBody",
            SchemaRules {
                fields: vec![
                    ("title", required_text(200)),
                    ("threat_key", word(words::Threat::KEYS, true)),
                    ("threat_text", text(1000)),
                    ("vulnerability", text(2000)),
                    ("existing_measures", text(4000)),
                    ("aspects", words(&aspects)),
                    ("asset_ids", ids()),
                    ("inherent_likelihood", step(false)),
                    ("inherent_consequence", step(false)),
                    ("treatment", word(&treatments, true)),
                    ("residual_likelihood", step(true)),
                    ("residual_consequence", step(true)),
                    ("accepted_by", id(true)),
                    ("accepted_on", date(true)),
                    ("acceptance_note", text(4000)),
                ],
                required: vec!["title", "inherent_likelihood", "inherent_consequence"],
                between: vec![
                    // A threat from the catalog, or one in free text.
                    json!({"anyOf": [
                        {"required": ["threat_key"], "properties": {"threat_key": {"type": "string", "minLength": 1}}},
                        {"required": ["threat_text"], "properties": {"threat_text": required_text(1000)}}
                    ]}),
                    // Whoever accepts a risk says when and why.
                    json!({"anyOf": [
                        {"properties": {"accepted_by": {"enum": ["", null]}}},
                        {"required": ["accepted_on", "acceptance_note"],
                         "properties": {"accepted_on": date(false), "acceptance_note": required_text(4000)}}
                    ]}),
                ],
            },
        ),
        (
            "MeasureBody",
            SchemaRules {
                fields: vec![
                    ("title", required_text(200)),
                    ("description", text(4000)),
                    ("owner_membership_id", id(true)),
                    ("due_on", date(true)),
                    ("status", word(&measure_statuses, true)),
                    ("cost_sek", int(0, 10_000_000_000, true)),
                    ("verification", text(4000)),
                    ("scenario_ids", ids()),
                    (
                        "requirements",
                        json!({"type": ["array", "null"], "items": {"type": "string", "maxLength": 200,
                            "pattern": format!("^[^/{CONTROL}{SPACE}]+/[^/{CONTROL}{SPACE}]+$")}}),
                    ),
                ],
                required: vec!["title"],
                between: vec![
                    // A measure traces to a risk scenario or a requirement.
                    json!({"anyOf": [
                        {"required": ["scenario_ids"], "properties": {"scenario_ids": {"type": "array", "minItems": 1}}},
                        {"required": ["requirements"], "properties": {"requirements": {"type": "array", "minItems": 1}}}
                    ]}),
                    // A verified measure says how it was verified.
                    json!({"anyOf": [
                        {"properties": {"status": {"not": {"const": "verified"}}}},
                        {"required": ["verification"], "properties": {"verification": required_text(4000)}}
                    ]}),
                ],
            },
        ),
        (
            "UserGroupDto",
            SchemaRules {
                // A row is filled in (name, information and reason) or left wholly empty.
                fields: vec![
                    ("name", text(200)),
                    ("information_needed", text(2000)),
                    ("reason", text(2000)),
                    ("access_rule", text(2000)),
                ],
                required: vec![],
                between: vec![json!({"anyOf": [
                    {"properties": {"name": blank(), "information_needed": blank(), "reason": blank(), "access_rule": blank()}},
                    {"required": ["name", "information_needed", "reason"],
                     "properties": {"name": required_text(200), "information_needed": required_text(2000), "reason": required_text(2000)}}
                ]})],
            },
        ),
        (
            "AccessAnalysisBody",
            SchemaRules {
                fields: vec![
                    ("risks_wider", required_text(4000)),
                    ("risks_narrower", text(4000)),
                    ("access_rules", required_text(4000)),
                    ("approved_by", id(true)),
                    ("approved_on", date(true)),
                    ("next_review_on", date(true)),
                ],
                required: vec!["groups", "risks_wider", "access_rules"],
                between: vec![
                    // At least one group filled in.
                    json!({"properties": {"groups": {"type": "array", "contains": {
                        "type": "object", "required": ["name", "information_needed", "reason"],
                        "properties": {"name": required_text(200), "information_needed": required_text(2000), "reason": required_text(2000)}}}}}),
                    // Approval names who and when; the next review is given or follows from it.
                    json!({"anyOf": [
                        {"properties": {"approved_by": {"enum": ["", null]}, "approved_on": {"enum": ["", null]}},
                         "required": ["next_review_on"], "not": {"properties": {"next_review_on": {"enum": ["", null]}}}},
                        {"required": ["approved_by", "approved_on"],
                         "properties": {"approved_by": id(false), "approved_on": date(false)}}
                    ]}),
                ],
            },
        ),
        (
            "AssessmentBody",
            SchemaRules {
                fields: vec![
                    ("status", word(&statuses, false)),
                    ("motivation", text(4000)),
                    ("comment", text(4000)),
                ],
                required: vec!["status"],
                // "Not applicable" says why.
                between: vec![json!({"anyOf": [
                    {"properties": {"status": {"not": {"const": "not_applicable"}}}},
                    {"required": ["motivation"], "properties": {"motivation": required_text(4000)}}
                ]})],
            },
        ),
        (
            "EvidenceLinkBody",
            SchemaRules {
                fields: vec![(
                    "url",
                    json!({"type": "string", "maxLength": 2000,
                           "pattern": format!("^[Hh][Tt][Tt][Pp][Ss]?://[^/{CONTROL}{SPACE}][^{CONTROL}{SPACE}]*$")}),
                )],
                required: vec!["url"],
                between: vec![],
            },
        ),
        (
            "IntegrationsBody",
            SchemaRules {
                fields: vec![(
                    "integration_ids",
                    json!({"type": ["array", "null"], "items": {"type": "string", "format": "uuid"}}),
                )],
                required: vec!["integration_ids"],
                between: vec![],
            },
        ),
        (
            "OrganisationFactsBody",
            SchemaRules {
                fields: vec![
                    ("legal_form", word(words::LegalForm::KEYS, false)),
                    ("care", word(words::CareScope::KEYS, false)),
                    ("employees", int(0, 10_000_000, true)),
                    ("turnover_meur", int(0, 1_000_000, true)),
                    ("balance_meur", int(0, 1_000_000, true)),
                    ("cybersecurity_override", word(&yes_no_rule, true)),
                    ("dpo_override", word(&yes_no_rule, true)),
                    ("security_sensitive", word(&yes_no_rule, true)),
                    (
                        "controllers",
                        json!({"type": ["string", "null"], "pattern": "^([^\\n]{0,200}\\n){0,49}[^\\n]{0,200}$"}),
                    ),
                ],
                required: vec!["legal_form", "care"],
                between: vec![],
            },
        ),
        (
            "NewTokenDto",
            SchemaRules {
                fields: vec![
                    ("name", required_text(100)),
                    (
                        "scopes",
                        json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": scopes}}),
                    ),
                    ("expires_in_days", int(1, 730, true)),
                ],
                required: vec!["name", "scopes"],
                between: vec![],
            },
        ),
        (
            "NewMemberDto",
            SchemaRules {
                fields: vec![
                    (
                        "email",
                        json!({"type": "string", "format": "email", "maxLength": 254}),
                    ),
                    ("display_name", text(200)),
                    ("role", word(&roles, false)),
                ],
                required: vec!["email", "role"],
                between: vec![],
            },
        ),
        (
            "RoleChangeDto",
            SchemaRules {
                fields: vec![("role", word(&roles, false))],
                required: vec!["role"],
                between: vec![],
            },
        ),
        (
            "DelegationBody",
            SchemaRules {
                fields: vec![("outsourcing_delegation", text(300))],
                required: vec![],
                between: vec![],
            },
        ),
        (
            "RiskMatrixDto",
            SchemaRules {
                fields: vec![
                    ("likelihoods", int(2, 6, false)),
                    ("consequences", int(2, 6, false)),
                    ("tolerance", int(1, 35, false)),
                ],
                required: vec!["likelihoods", "consequences", "tolerance"],
                // The tolerance lies below the highest score (likelihoods × consequences).
                between: vec![json!({"oneOf": matrix_shapes()})],
            },
        ),
    ];
    out.extend(supervision_rules());
    out.extend(start_and_national_rules());
    out.extend(playbook_rules());
    // The owner's answer to a request to accept a risk: a refusal says why.
    out.push((
        "AcceptanceAnswerBody",
        SchemaRules {
            fields: vec![
                ("decision", word(&["accept", "decline"], false)),
                (
                    "note",
                    json!({"type": "string", "maxLength": 4000, "pattern": format!("^[^{CONTROL}]*$")}),
                ),
            ],
            required: vec!["decision"],
            between: vec![json!({"if": {"properties": {"decision": {"enum": ["decline"]}}, "required": ["decision"]},
                "then": {"required": ["note"], "properties": {"note": required_text(4000)}}})],
        },
    ));
    out
}

/// The starter kit's adoption, the guide's marks and an authority's support marks.
fn start_and_national_rules() -> Vec<(&'static str, SchemaRules)> {
    // Every item of the kit; one offered to another kind of organisation is refused with 409.
    // (The kit is checked by its own tests; an unreadable kit would list no items here.)
    let items: Vec<String> = tillit_domain::starter_kit::Kit::v1()
        .map(|k| k.item_ids().into_iter().map(String::from).collect())
        .unwrap_or_default();
    let steps = keys(
        &tillit_domain::guide::Step::ALL,
        tillit_domain::guide::Step::key,
    );
    vec![
        (
            "KitAdoptionBody",
            SchemaRules {
                fields: vec![
                    (
                        "items",
                        json!({"type": "array", "minItems": 1, "maxItems": tillit_domain::starter_kit::MAX_ITEMS, "items": {"type": "string", "enum": items}}),
                    ),
                    ("owner_membership_id", id(true)),
                ],
                required: vec!["items"],
                between: vec![],
            },
        ),
        (
            "GuideStepBody",
            SchemaRules {
                fields: vec![
                    ("step", word(&steps, false)),
                    ("state", word(&["done", "skipped", "todo"], false)),
                ],
                required: vec!["step", "state"],
                between: vec![],
            },
        ),
        (
            "SupportMarkBody",
            SchemaRules {
                fields: vec![
                    ("title", required_text(200)),
                    ("published_on", date(false)),
                    (
                        "guidance_doc_key",
                        json!({"type": ["string", "null"], "maxLength": 100, "pattern": format!("^[^{CONTROL}]*$")}),
                    ),
                    (
                        "areas",
                        json!({"type": ["array", "null"], "items": {"type": "string", "maxLength": 20, "pattern": "^[a-z0-9-]+$"}}),
                    ),
                    ("org_kinds", words(tillit_domain::national::MARK_KINDS)),
                    (
                        "window_months",
                        json!({"type": ["integer", "null"], "enum": [3, 6, 12, null]}),
                    ),
                ],
                required: vec!["title", "published_on"],
                between: vec![],
            },
        ),
    ]
}

/// The incident checklists' bodies: a contact (every field blank removes it; a name is needed
/// once anything else is given) and a checklist started or a step ticked.
fn playbook_rules() -> Vec<(&'static str, SchemaRules)> {
    // (The checklists are checked by their own tests; unreadable ones would list no keys.)
    let book = tillit_domain::playbook::Playbooks::v1().ok();
    let roles: Vec<&str> = book
        .iter()
        .flat_map(|b| b.contact_roles.iter().map(|r| r.key.as_str()))
        .collect();
    let playbooks: Vec<&str> = book
        .iter()
        .flat_map(|b| b.playbooks.iter().map(|p| p.key.as_str()))
        .collect();
    // Every step of every checklist; one of another checklist than the path's, or one about a
    // duty the organisation does not have, is refused with 409.
    let mut steps: Vec<&str> = book
        .iter()
        .flat_map(|b| b.playbooks.iter())
        .flat_map(|p| p.steps.iter().map(|s| s.key.as_str()))
        .collect();
    steps.sort_unstable();
    steps.dedup();
    // Blank (not given) or the value; the length counts as sent, blanks too.
    let phone = json!({"type": ["string", "null"], "maxLength": 40, "anyOf": [blank(), {"type": "string",
        "pattern": format!("^[{SPACE}]*([0-9 +()-]*[0-9]){{3}}[0-9 +()-]*[{SPACE}]*$")}]});
    let email = json!({"type": ["string", "null"], "maxLength": 254,
        "anyOf": [blank(), {"type": "string", "format": "email"}]});
    vec![
        (
            "IncidentContactBody",
            SchemaRules {
                fields: vec![
                    ("role", word(&roles, false)),
                    ("name", text(200)),
                    ("phone", phone),
                    ("email", email),
                    ("note", text(500)),
                ],
                required: vec!["role"],
                between: vec![json!({"anyOf": [
                    {"properties": {"phone": blank(), "email": blank(), "note": blank()}},
                    {"required": ["name"], "properties": {"name": required_text(200)}}
                ]})],
            },
        ),
        (
            "IncidentPlaybookBody",
            SchemaRules {
                fields: vec![("playbook", word(&playbooks, false))],
                required: vec!["playbook"],
                between: vec![],
            },
        ),
        (
            "IncidentPlaybookStepBody",
            SchemaRules {
                fields: vec![
                    ("step", word(&steps, false)),
                    ("done", word(&["yes", "no"], false)),
                ],
                required: vec!["step", "done"],
                between: vec![],
            },
        ),
    ]
}

/// A supervision case's bodies (tillit_domain::supervision).
fn supervision_rules() -> Vec<(&'static str, SchemaRules)> {
    use tillit_domain::supervision::{CaseType, Outcome, MAX_EXTRACT_OBJECTS};
    let case_types = keys(&CaseType::ALL, CaseType::key);
    let outcomes = keys(&Outcome::ALL, Outcome::key);
    let is = |field: &str, values: &[&str]| json!({"properties": {field: {"enum": values}}, "required": [field]});
    let object_ids = json!({"type": ["array", "null"], "maxItems": MAX_EXTRACT_OBJECTS,
                            "items": {"type": "string", "format": "uuid"}});
    let absent = |field: &str| json!({"anyOf": [{"not": {"required": [field]}}, {"properties": {field: {"type": "null"}}}]});
    let blank_or_absent = |field: &str| json!({"anyOf": [{"not": {"required": [field]}}, {"properties": {field: blank()}}]});
    let provider_kinds: Vec<&str> = tillit_domain::org::OrgKind::ALL
        .into_iter()
        .filter(|k| k.side() == tillit_domain::org::Side::Provider)
        .map(|k| k.key())
        .collect();
    vec![
        (
            "SupervisionCaseBody",
            SchemaRules {
                fields: vec![
                    (
                        "org_number",
                        json!({"type": "string",
                               "pattern": format!("^[{SPACE}]*(16)?[0-9]{{2}}[2-9][0-9]{{3}}-?[0-9]{{4}}[{SPACE}]*$")}),
                    ),
                    ("case_type", word(&case_types, false)),
                    ("title", required_text(200)),
                    ("background", text(10_000)),
                    ("origin_ref", text(200)),
                    ("officer_id", id(true)),
                    ("team_ids", ids()),
                    (
                        "ranking_score",
                        json!({"anyOf": [{"type": "string", "maxLength": 40, "pattern": format!("^[{SPACE}]*0*([0-9]{{1,3}}|1000)[{SPACE}]*$")},
                            {"type": ["string", "null"], "maxLength": 40, "pattern": format!("^[{SPACE}]*$")}]}),
                    ),
                ],
                required: vec!["org_number", "case_type", "title"],
                // A complaint or an incident notification keeps its reference.
                between: vec![json!({"if": is("case_type", &["complaint", "incident"]),
                    "then": {"required": ["origin_ref"], "properties": {"origin_ref": required_text(200)}}})],
            },
        ),
        (
            "CaseRequestBody",
            SchemaRules {
                fields: vec![
                    ("questions", required_text(20_000)),
                    ("documents", text(5_000)),
                    ("deadline", date(false)),
                ],
                required: vec!["questions", "deadline"],
                between: vec![],
            },
        ),
        (
            "CaseAnswerBody",
            SchemaRules {
                fields: vec![
                    ("text", required_text(50_000)),
                    ("asset_ids", object_ids.clone()),
                    ("system_ids", object_ids.clone()),
                    ("measure_ids", object_ids.clone()),
                    ("analysis_ids", object_ids),
                ],
                required: vec!["text"],
                between: vec![],
            },
        ),
        (
            "CaseDecisionBody",
            SchemaRules {
                fields: vec![
                    ("outcome", word(&outcomes, false)),
                    ("summary", required_text(50_000)),
                    ("decided_on", date(true)),
                    (
                        "findings",
                        json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
                            "required": ["requirement_id", "text"],
                            "properties": {"requirement_id": required_text(100), "provision": text(300), "text": required_text(10_000)}}}),
                    ),
                    (
                        "actions",
                        json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
                            "required": ["text", "due_on"],
                            "properties": {"text": required_text(5_000), "due_on": date(false)}}}),
                    ),
                    ("fine_sek", int(1, 10_000_000_000, true)),
                    ("penalty_sek", int(1, 10_000_000_000, true)),
                    ("legal_ground", text(300)),
                    ("referral_to", text(300)),
                    ("corrects", id(true)),
                ],
                required: vec!["outcome", "summary"],
                between: vec![
                    // Findings for every outcome but closing without remark.
                    json!({"if": {"not": is("outcome", &["no_remark"])},
                           "then": {"required": ["findings"], "properties": {"findings": {"minItems": 1}}}}),
                    // Required actions, and a conditional fine, for an order only.
                    json!({"if": is("outcome", &["order"]),
                           "then": {"required": ["actions"], "properties": {"actions": {"minItems": 1}}},
                           "else": {"allOf": [
                               {"anyOf": [{"not": {"required": ["actions"]}}, {"properties": {"actions": {"maxItems": 0}}}]},
                               absent("fine_sek")]}}),
                    // An administrative fine's amount and legal ground.
                    json!({"if": is("outcome", &["administrative_fine"]),
                           "then": {"required": ["penalty_sek", "legal_ground"],
                                    "properties": {"penalty_sek": {"type": "integer"}, "legal_ground": required_text(300)}},
                           "else": absent("penalty_sek")}),
                    // A referral's recipient.
                    json!({"if": is("outcome", &["referral"]),
                           "then": {"required": ["referral_to"], "properties": {"referral_to": required_text(300)}},
                           "else": blank_or_absent("referral_to")}),
                ],
            },
        ),
        (
            "ActionReportBody",
            SchemaRules {
                fields: vec![("report", required_text(20_000))],
                required: vec!["report"],
                between: vec![],
            },
        ),
        (
            "ActionVerificationBody",
            SchemaRules {
                fields: vec![
                    ("verdict", word(&["accepted", "not_accepted"], false)),
                    ("reason", text(10_000)),
                ],
                required: vec!["verdict"],
                between: vec![json!({"if": is("verdict", &["not_accepted"]),
                    "then": {"required": ["reason"], "properties": {"reason": required_text(10_000)}}})],
            },
        ),
        (
            "CaseCloseBody",
            SchemaRules {
                fields: vec![("motivation", text(10_000))],
                required: vec![],
                between: vec![],
            },
        ),
        (
            "CaseNoteBody",
            SchemaRules {
                fields: vec![("text", required_text(10_000))],
                required: vec!["text"],
                between: vec![],
            },
        ),
        (
            "CaseShareBody",
            SchemaRules {
                fields: vec![("authority_id", id(false))],
                required: vec!["authority_id"],
                between: vec![],
            },
        ),
        (
            "CaseTargetsBody",
            SchemaRules {
                fields: vec![
                    ("planned", int(1, 3650, true)),
                    ("complaint", int(1, 3650, true)),
                    ("incident", int(1, 3650, true)),
                    ("follow_up", int(1, 3650, true)),
                ],
                required: vec![],
                between: vec![],
            },
        ),
        (
            "GuidanceBody",
            SchemaRules {
                fields: vec![
                    (
                        "doc_key",
                        json!({"anyOf": [{"type": "string", "maxLength": 200, "pattern": format!("^[{SPACE}]*[a-z0-9-]{{1,80}}[{SPACE}]*$")},
                            {"type": ["string", "null"], "maxLength": 200, "pattern": format!("^[{SPACE}]*$")}]}),
                    ),
                    ("title", required_text(200)),
                    ("summary", required_text(1_000)),
                    ("body", required_text(200_000)),
                    (
                        "topics",
                        json!({"type": ["array", "null"], "items": {"type": "string", "minLength": 1, "maxLength": 60, "pattern": format!("^[^{CONTROL}]*$")}}),
                    ),
                    (
                        "org_kinds",
                        json!({"type": ["array", "null"], "items": {"type": "string", "enum": provider_kinds}}),
                    ),
                ],
                required: vec!["title", "summary", "body"],
                between: vec![],
            },
        ),
    ]
}

/// One branch per matrix size: its steps and the tolerances it allows.
fn matrix_shapes() -> Vec<Value> {
    let (min, max) = (2, i64::from(risk::MAX_SCALE));
    let mut out = Vec::new();
    for l in min..=max {
        for c in min..=max {
            out.push(json!({"properties": {
                "likelihoods": {"const": l}, "consequences": {"const": c},
                "tolerance": {"maximum": l * c - 1}}}));
        }
    }
    out
}

/// The query parameters' rules, by name (the same name has the same rule on every list).
fn query_rule(path: &str, name: &str) -> Option<Value> {
    let measure_statuses = keys(&MeasureStatus::ALL, MeasureStatus::key);
    let roles = keys(&Role::ALL, Role::key);
    Some(match (path, name) {
        // Empty is the default, as a form's empty field sends it.
        (_, "page") => json!({"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": paging::MAX_PAGE},
            {"type": "string", "maxLength": 0}]}),
        (_, "per_page") => json!({"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": paging::MAX_PER_PAGE},
            {"type": "string", "maxLength": 0}]}),
        ("/api/v1/search", "q") => search_words(),
        // The lists' "archived instead of in use" (crate::archive::archived_param).
        (_, "archived") => word(&["yes", "no"], true),
        (_, "q") => json!({"type": "string", "maxLength": 200}),
        ("/api/v1/authority/ranking" | "/api/v1/authority/registry", "kind") => {
            word(&tillit_domain::ranking::REGISTRY_KINDS, true)
        }
        ("/api/v1/authority/ranking" | "/api/v1/authority/registry", "nis2_class") => {
            word(&tillit_domain::ranking::NIS2_CLASSES, true)
        }
        ("/api/v1/authority/ranking" | "/api/v1/authority/registry", "county") => {
            json!({"type": "string", "maxLength": 100})
        }
        ("/api/v1/assets", "classified") | ("/api/v1/systems", "patient_data") => {
            json!({"type": "string", "enum": ["", "yes", "no"]})
        }
        ("/api/v1/assets", "sort") => {
            json!({"type": "string", "enum": ["", "name", "level", "updated"]})
        }
        ("/api/v1/systems", "sort") => {
            json!({"type": "string", "enum": ["", "name", "updated", "review"]})
        }
        ("/api/v1/systems", "hosting") => word(words::Hosting::KEYS, true),
        ("/api/v1/measures", "status") => word(&measure_statuses, true),
        ("/api/v1/incidents", "status") => word(tillit_domain::incident_case::STATUSES, true),
        ("/api/v1/measures", "overdue") => {
            json!({"type": "string", "enum": ["", "true", "false", "1", "0"]})
        }
        ("/api/v1/measures", "order") => {
            json!({"type": "string", "enum": ["", "due", "status", "owner"]})
        }
        ("/api/v1/members", "role") => word(&roles, true),
        ("/api/v1/audit-events", "from" | "to") => date(true),
        ("/api/v1/authority/cases", "scope") => word(&["own", "shared"], true),
        ("/api/v1/authority/cases", "state") => word(&["open", "decided", "closed"], true),
        ("/api/v1/authority/cases", "case_type") => word(
            &keys(
                &tillit_domain::supervision::CaseType::ALL,
                tillit_domain::supervision::CaseType::key,
            ),
            true,
        ),
        ("/api/v1/authority/cases", "org_number") => json!({"type": "string", "maxLength": 40}),
        ("/api/v1/authority/case-statistics", "year") => json!({"anyOf": [
            {"type": "integer", "minimum": 2000, "maximum": 2100}, {"type": "string", "maxLength": 0}]}),
        ("/api/v1/authority/case-statistics", "quarter") => json!({"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": 4}, {"type": "string", "maxLength": 0}]}),
        ("/api/v1/audit-events", "actor") => text(254),
        ("/api/v1/audit-events", "action" | "object_type" | "object_id") => text(100),
        _ => return None,
    })
}

/// Every character `str::trim` removes (Unicode `White_Space`), as a class body.
const WHITE_SPACE: &str =
    r"\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The search words: 2–200 characters once the white space around them is trimmed (as
/// `str::trim` does: Unicode `White_Space`, control characters included).
fn search_words() -> Value {
    let ws = WHITE_SPACE;
    json!({"type": "string", "pattern": format!("^[{ws}]*[^{ws}][\\s\\S]{{0,198}}[^{ws}][{ws}]*$")})
}

/// Adds the rules to a serialised OpenAPI document.
pub fn apply(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    for (name, r) in rules() {
        let Some(schema) = schemas.get_mut(name).and_then(Value::as_object_mut) else {
            continue;
        };
        let props = schema
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        for (field, rule) in r.fields {
            let slot = &mut props[field];
            // Keep the field's description; the rule replaces its type.
            let description = slot.get("description").cloned();
            *slot = rule;
            if let Some(d) = description {
                slot["description"] = d;
            }
        }
        if r.required.is_empty() {
            schema.remove("required");
        } else {
            schema.insert("required".into(), json!(r.required));
        }
        if !r.between.is_empty() {
            schema.insert("allOf".into(), Value::Array(r.between));
        }
    }
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in params.iter_mut().filter(|p| p["in"] == "query") {
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if let Some(rule) = query_rule(path, &name) {
                    p["schema"] = rule;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns must read the characters as the domain does.
    #[test]
    fn the_text_patterns_match_the_domains_text_rules() {
        let required = regex_lite(&required_text(20));
        let optional = regex_lite(&text(20));
        for (value, req_ok, opt_ok) in [
            ("Anna", true, true),
            ("  Anna ", true, true),
            ("   ", false, true),
            ("", false, true),
            ("a\u{0}b", false, false),
            ("\u{b}Anna", false, false),
            ("\u{a0}\u{3000}", false, true),
            ("rad ett\nrad två", true, true),
        ] {
            assert_eq!(
                tillit_domain::text::required("f", value, 20).is_ok(),
                req_ok,
                "{value:?}"
            );
            assert_eq!(
                tillit_domain::text::optional("f", value, 20).is_ok(),
                opt_ok,
                "{value:?}"
            );
            assert_eq!(required(value), req_ok, "required pattern on {value:?}");
            assert_eq!(optional(value), opt_ok, "optional pattern on {value:?}");
        }
    }

    /// A small reader of the two pattern shapes used above (character classes with `\uXXXX` and
    /// ranges), enough to check them against the domain without a regex engine.
    fn regex_lite(schema: &Value) -> impl Fn(&str) -> bool {
        let pattern = schema["pattern"].as_str().unwrap().to_string();
        let control = parse_class(CONTROL);
        let space = parse_class(SPACE);
        move |v: &str| {
            let no_control = v.chars().all(|c| !control(c));
            if pattern.contains(SPACE) {
                no_control && v.chars().any(|c| !space(c))
            } else {
                no_control
            }
        }
    }

    fn parse_class(class: &str) -> impl Fn(char) -> bool {
        let mut chars: Vec<char> = Vec::new();
        let mut it = class.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| it.next()).collect();
                        chars.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    Some('t') => chars.push('\t'),
                    Some('n') => chars.push('\n'),
                    Some('r') => chars.push('\r'),
                    Some(o) => chars.push(o),
                    None => {}
                }
            } else {
                chars.push(c);
            }
        }
        // Pairs joined by '-' are ranges.
        let mut ranges = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if i + 2 < chars.len() && chars[i + 1] == '-' {
                ranges.push((chars[i], chars[i + 2]));
                i += 3;
            } else {
                ranges.push((chars[i], chars[i]));
                i += 1;
            }
        }
        move |c| ranges.iter().any(|(a, b)| (*a..=*b).contains(&c))
    }

    /// The search pattern trims what the app layer's `parse_query` trims, no more, no less.
    #[test]
    fn the_search_patterns_white_space_is_what_trim_removes() {
        let ws = parse_class(WHITE_SPACE);
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(ws(c), c.is_whitespace(), "U+{:04X}", c as u32);
        }
        let p = search_words()["pattern"].as_str().unwrap().to_string();
        assert!(p.contains("{0,198}"), "{p}");
    }

    #[test]
    fn every_rule_names_a_schema_and_fields_of_the_document() {
        let doc = crate::api::document();
        for (name, r) in rules() {
            let schema = &doc["components"]["schemas"][name];
            assert!(schema.is_object(), "{name} is not in the document");
            for (field, _) in r.fields {
                assert!(
                    schema["properties"][field].is_object(),
                    "{name}.{field} is not in the document"
                );
            }
        }
    }
}
