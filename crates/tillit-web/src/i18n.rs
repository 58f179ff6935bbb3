//! The one i18n layer: Fluent messages in Swedish (default) and English, embedded in the binary.
//! Messages without variables are formatted once at start and served from a map.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;
use std::sync::Arc;
use tillit_domain::{Rule, ValidationError};

const SV: &str = include_str!("../i18n/sv.ftl");
const EN: &str = include_str!("../i18n/en.ftl");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Sv,
    En,
}

impl Locale {
    pub fn key(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sv" | "sv-se" => Some(Locale::Sv),
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            _ => None,
        }
    }
    /// The first supported language in an Accept-Language header, in the order given.
    pub fn from_accept_language(h: &str) -> Option<Locale> {
        h.split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| Locale::parse(tag.trim().split('-').next().unwrap_or("")))
            .next()
    }
}

struct Catalog {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
}

pub struct I18n {
    sv: Catalog,
    en: Catalog,
}

/// A message identifier in a Fluent file.
fn message_ids(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

fn catalog(src: &'static str, lang: unic_langid::LanguageIdentifier) -> Result<Catalog, String> {
    let res = FluentResource::try_new(src.to_string())
        .map_err(|(_, errs)| format!("{lang}: {errs:?}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
    bundle.set_use_isolating(false);
    bundle
        .add_resource(res)
        .map_err(|errs| format!("{lang}: {errs:?}"))?;
    let mut plain = HashMap::new();
    for id in message_ids(src) {
        if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
            let mut errors = vec![];
            let text = bundle
                .format_pattern(pattern, None, &mut errors)
                .to_string();
            if errors.is_empty() {
                plain.insert(id, text);
            }
        }
    }
    Ok(Catalog { bundle, plain })
}

impl I18n {
    pub fn new() -> Result<I18n, String> {
        Ok(I18n {
            sv: catalog(SV, unic_langid::langid!("sv-SE"))?,
            en: catalog(EN, unic_langid::langid!("en-GB"))?,
        })
    }

    fn catalog(&self, l: Locale) -> &Catalog {
        match l {
            Locale::Sv => &self.sv,
            Locale::En => &self.en,
        }
    }

    pub fn message(&self, l: Locale, key: &str) -> String {
        let c = self.catalog(l);
        if let Some(s) = c.plain.get(key) {
            return s.clone();
        }
        self.format(l, key, &[])
    }

    pub fn format(&self, l: Locale, key: &str, args: &[(&str, String)]) -> String {
        let c = self.catalog(l);
        let Some(pattern) = c.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = l.key(), "missing message");
            return key.to_string();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, arg_value(v));
        }
        let mut errors = vec![];
        c.bundle
            .format_pattern(pattern, Some(&fa), &mut errors)
            .to_string()
    }

    pub fn has(&self, l: Locale, key: &str) -> bool {
        self.catalog(l).bundle.has_message(key)
    }
}

/// An argument as Fluent sees it: a whole number is a number (so that plural rules choose the
/// form), anything else text.
fn arg_value(v: &str) -> FluentValue<'static> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let plain = !digits.is_empty()
        && digits.len() <= 15
        && digits.chars().all(|c| c.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match v.parse::<i64>() {
        Ok(n) if plain => FluentValue::from(n),
        _ => FluentValue::from(v.to_string()),
    }
}

/// The translator of one request: the catalog and the request's language.
#[derive(Clone)]
pub struct Tr {
    i18n: Arc<I18n>,
    pub locale: Locale,
}

impl Tr {
    pub fn new(i18n: Arc<I18n>, locale: Locale) -> Self {
        Self { i18n, locale }
    }
    pub fn t(&self, key: &str) -> String {
        self.i18n.message(self.locale, key)
    }
    pub fn f(&self, key: &str, args: &[(&str, String)]) -> String {
        self.i18n.format(self.locale, key, args)
    }
    pub fn lang(&self) -> &'static str {
        self.locale.key()
    }
    /// The label of a form field, falling back to its name.
    pub fn field(&self, field: &str) -> String {
        // A field of a list's item, `findings[2].text`: the label of the list's field and the
        // item's number.
        if let Some((list, rest)) = field.split_once('[') {
            if let Some((i, sub)) = rest.split_once("].") {
                if let Ok(i) = i.parse::<usize>() {
                    let key = format!("field-{}-{}", list.replace('_', "-"), sub.replace('_', "-"));
                    let label = if self.i18n.has(self.locale, &key) {
                        self.t(&key)
                    } else {
                        self.field(sub)
                    };
                    return format!("{label} {}", i + 1);
                }
            }
        }
        // A row of a repeated field, `finding_text[2]`: the field's label and the row's number.
        if let Some((base, row)) = field
            .strip_suffix(']')
            .and_then(|f| f.split_once('['))
            .and_then(|(b, i)| i.parse::<usize>().ok().map(|i| (b, i)))
        {
            return format!("{} {}", self.field(base), row + 1);
        }
        let key = format!("field-{}", field.replace('_', "-"));
        if self.i18n.has(self.locale, &key) {
            self.t(&key)
        } else {
            field.to_string()
        }
    }
    /// "Field: what is wrong", in the request's language.
    pub fn rule(&self, e: &ValidationError) -> String {
        let args: Vec<(&str, String)> = match &e.rule {
            Rule::TooShort { min } => vec![("min", min.to_string())],
            Rule::TooLong { max } => vec![("max", max.to_string())],
            Rule::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Rule::OutsideRiskMatrix { max } => vec![("max", max.to_string())],
            Rule::NotAllowedInState { state } => {
                vec![("state", self.t(&format!("case-state-{state}")))]
            }
            Rule::InvalidDocument { detail } => vec![("detail", detail.clone())],
            Rule::StillInUse { by } => vec![("by", by.clone())],
            Rule::SubmissionRefused { reason } => vec![(
                "reason",
                self.t(&format!("refusal-{}", reason.replace('_', "-"))),
            )],
            _ => vec![],
        };
        self.f(e.rule.message_key(), &args)
    }
    pub fn role(&self, r: tillit_domain::role::Role) -> String {
        self.t(&format!("role-{}", r.key().replace('_', "-")))
    }
    pub fn kind(&self, k: tillit_domain::org::OrgKind) -> String {
        self.t(&format!("kind-{}", k.key().replace('_', "-")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message's entries: its key and its whole text (with selectors).
    fn entries(src: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in src.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') && !line.starts_with('}') {
                if let Some((k, v)) = line.split_once(" = ") {
                    out.push((k.to_string(), v.to_string()));
                    continue;
                }
            }
            if let Some(last) = out.last_mut() {
                last.1.push('\n');
                last.1.push_str(line);
            }
        }
        out
    }

    /// Plural nouns that must never follow the number 1.
    const PLURALS: &[&str] = &[
        "scenarier",
        "åtgärder",
        "rader",
        "bedömningar",
        "medlemmar",
        "händelser",
        "informationsmängder",
        "scenarios",
        "measures",
        "rows",
        "assessments",
        "members",
        "events",
        "assets",
        "requirements",
        "systems",
    ];

    #[test]
    fn every_message_with_a_number_has_its_plural_forms_in_both_languages() {
        let i = I18n::new().unwrap();
        for (locale, src) in [(Locale::Sv, SV), (Locale::En, EN)] {
            for (key, text) in entries(src) {
                let vars: Vec<String> = text
                    .split('$')
                    .skip(1)
                    .map(|r| {
                        r.chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                            .collect()
                    })
                    .collect();
                if vars.is_empty() {
                    continue;
                }
                for n in ["1", "2", "0"] {
                    let args: Vec<(&str, String)> =
                        vars.iter().map(|v| (v.as_str(), n.to_string())).collect();
                    let out = i.format(locale, &key, &args);
                    if n == "1" {
                        for p in PLURALS {
                            assert!(
                                !out.contains(&format!("1 {p}")),
                                "{key} ({}) with 1: {out}",
                                locale.key()
                            );
                        }
                    }
                }
            }
        }
        // And the plural form where there are more.
        let tr = |l, key: &str, n: &str| i.format(l, key, &[("count", n.to_string())]);
        assert_eq!(tr(Locale::Sv, "measures-summary", "1"), "1 åtgärd");
        assert_eq!(tr(Locale::Sv, "measures-summary", "3"), "3 åtgärder");
        assert_eq!(tr(Locale::En, "members-summary", "1"), "1 member");
        assert_eq!(tr(Locale::En, "members-summary", "12"), "12 members");
    }

    #[test]
    fn swedish_and_english_have_the_same_messages() {
        let sv: std::collections::BTreeSet<_> = message_ids(SV).into_iter().collect();
        let en: std::collections::BTreeSet<_> = message_ids(EN).into_iter().collect();
        let only_sv: Vec<_> = sv.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&sv).collect();
        assert!(
            only_sv.is_empty() && only_en.is_empty(),
            "only sv: {only_sv:?}; only en: {only_en:?}"
        );
        assert!(sv.len() > 100, "{}", sv.len());
        let i = I18n::new().unwrap();
        assert_eq!(i.message(Locale::Sv, "nav-overview"), "Översikt");
        assert_eq!(i.message(Locale::En, "nav-overview"), "Overview");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let i = I18n::new().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = vec![];
        let mut used = 0;
        let mut dirs = vec![root.join("templates"), root.join("src")];
        for entry in std::fs::read_dir(root.join("src")).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            }
        }
        for dir in dirs {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for pat in [".t(\"", ".f(\""] {
                    for (pos, _) in text.match_indices(pat) {
                        let rest = &text[pos + pat.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        if key.contains('{') || key.is_empty() {
                            continue;
                        }
                        used += 1;
                        for l in [Locale::Sv, Locale::En] {
                            if !i.has(l, key) {
                                missing.push(format!("{}: {key} ({})", path.display(), l.key()));
                            }
                        }
                    }
                }
            }
        }
        assert!(used > 50, "only {used} uses found");
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_word_of_every_word_list_has_a_label_in_both_languages() {
        let i = I18n::new().unwrap();
        let mut words = tillit_domain::words::all_label_keys();
        // The named steps of the risk matrix's scales, and what each means.
        for axis in [
            tillit_domain::risk::Axis::Likelihood,
            tillit_domain::risk::Axis::Consequence,
        ] {
            for key in axis.all_step_keys() {
                words.push((format!("{key}-desc"), axis.key()));
                words.push((key, axis.key()));
            }
        }
        assert!(words.len() > 30, "{}", words.len());
        let missing: Vec<_> = words
            .iter()
            .flat_map(|(label, key)| {
                [Locale::Sv, Locale::En]
                    .into_iter()
                    .filter(|l| !i.has(*l, label))
                    .map(move |l| format!("{key}: {label} ({})", l.key()))
            })
            .collect();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_audit_action_and_object_type_is_described_in_both_languages() {
        let i = I18n::new().unwrap();
        let keys = tillit_domain::audit::ACTIONS
            .iter()
            .map(|a| format!("action-{}", a.replace(['.', '_'], "-")))
            .chain(
                tillit_domain::audit::OBJECT_TYPES
                    .iter()
                    .map(|o| format!("object-{}", o.replace('_', "-"))),
            );
        let mut missing = vec![];
        for k in keys {
            for l in [Locale::Sv, Locale::En] {
                if !i.has(l, &k) {
                    missing.push(format!("{k} ({})", l.key()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        assert!(tillit_domain::audit::ACTIONS.len() > 70);
    }

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(
            Locale::from_accept_language("de-DE, en-US;q=0.8, sv;q=0.5"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("sv-SE,sv;q=0.9"),
            Some(Locale::Sv)
        );
        assert_eq!(Locale::from_accept_language("fr"), None);
    }

    #[test]
    fn rule_messages_carry_their_numbers() {
        let tr = Tr::new(Arc::new(I18n::new().unwrap()), Locale::En);
        let e = ValidationError::new("display_name", Rule::TooLong { max: 200 });
        assert!(tr.rule(&e).contains("200"), "{}", tr.rule(&e));
        assert_eq!(tr.field("display_name"), "Name");
    }
}
