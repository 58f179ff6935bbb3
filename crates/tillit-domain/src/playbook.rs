//! Incident checklists (playbooks): for the common incidents of health and social care —
//! ransomware, personal data sent to the wrong recipient, a lost device, a supplier's outage,
//! unauthorised access to a record — the first steps and whom to contact: the organisation's own
//! contacts (set by its administrator, one per role) and the national functions. Written by the
//! Tillit team, versioned as a data file under `catalogs/tillit-incidentchecklistor/`.
//!
//! A checklist is started from an incident and its steps are ticked off there; each start and
//! each tick is a change of the incident and so appears in its timeline. A step that concerns a
//! duty the organisation does not have (the Cybersecurity Act's reports for an organisation it
//! does not cover, lex Maria for one that gives no health care) is not shown to it.

use crate::incident::OrgContext;
use crate::incident_case::CAUSES;
use crate::starter_kit::Text;
use crate::{text, Rule, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The checklists in force: version 1 as written in the repository.
pub const PLAYBOOKS_V1: &str =
    include_str!("../../../catalogs/tillit-incidentchecklistor/v1/playbooks.json");

/// The whole set of checklists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbooks {
    pub id: String,
    pub version: String,
    pub published: String,
    pub title: Text,
    pub intro: Text,
    /// The roles an organisation names its own contacts for.
    pub contact_roles: Vec<ContactRole>,
    /// The national functions, the same for everyone.
    pub national: Vec<National>,
    pub playbooks: Vec<Playbook>,
}

/// A role the organisation names a contact for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRole {
    pub key: String,
    pub label: Text,
    pub hint: Text,
}

/// A national function (an authority to notify, the police).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct National {
    pub key: String,
    pub name: Text,
    pub what: Text,
    /// Its website, where it is stable enough to print.
    pub web: Option<String>,
    pub phone: Option<String>,
    /// Whom it concerns (empty: everyone); see [`Duty`].
    #[serde(rename = "for")]
    pub for_duties: Vec<Duty>,
}

/// A duty a step or national function concerns: shown only to an organisation that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// Covered by the Cybersecurity Act.
    CybersecurityAct,
    /// Gives health care (lex Maria, the Patient Data Act).
    HealthCare,
    /// Gives social care (lex Sarah).
    SocialCare,
}

impl Duty {
    fn held_by(self, org: &OrgContext) -> bool {
        match self {
            Duty::CybersecurityAct => org.cybersecurity_act,
            Duty::HealthCare => org.health_care,
            Duty::SocialCare => org.social_care,
        }
    }
}

/// Whether something meant for these duties (any of them; none: everyone) concerns the
/// organisation.
pub fn concerns(duties: &[Duty], org: &OrgContext) -> bool {
    duties.is_empty() || duties.iter().any(|d| d.held_by(org))
}

/// Where a step sends the user on the incident's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepLink {
    /// The incident's form (the assessments, the supplier, the lessons).
    Edit,
    /// The incident's reports and their deadlines.
    Reports,
}

/// One checklist.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub key: String,
    pub title: Text,
    /// When it is the checklist to take.
    pub when: Text,
    /// The incident causes it is suggested for.
    pub causes: Vec<String>,
    pub steps: Vec<Step>,
}

impl Playbook {
    /// The steps that concern the organisation, in order.
    pub fn steps_for(&self, org: &OrgContext) -> impl Iterator<Item = &Step> + '_ {
        let org = *org;
        self.steps
            .iter()
            .filter(move |s| concerns(&s.for_duties, &org))
    }

    pub fn step(&self, key: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.key == key)
    }
}

/// One step of a checklist.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub key: String,
    pub text: Text,
    /// The organisation's contact roles to call for it.
    pub contacts: Vec<String>,
    /// The national functions it concerns.
    pub national: Vec<String>,
    #[serde(rename = "for")]
    pub for_duties: Vec<Duty>,
    pub link: Option<StepLink>,
}

impl Playbooks {
    /// The checklists written in the repository.
    pub fn v1() -> Result<Playbooks, String> {
        Playbooks::parse(PLAYBOOKS_V1)
    }

    /// Reads a set of checklists and checks that every key is unique, every reference resolves
    /// and every text is written in both languages.
    pub fn parse(text: &str) -> Result<Playbooks, String> {
        let p: Playbooks = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let problems = p.problems();
        if problems.is_empty() {
            Ok(p)
        } else {
            Err(problems.join("; "))
        }
    }

    pub fn playbook(&self, key: &str) -> Option<&Playbook> {
        self.playbooks.iter().find(|p| p.key == key)
    }

    pub fn role(&self, key: &str) -> Option<&ContactRole> {
        self.contact_roles.iter().find(|r| r.key == key)
    }

    pub fn national(&self, key: &str) -> Option<&National> {
        self.national.iter().find(|n| n.key == key)
    }

    /// The checklists suggested for an incident of this cause.
    pub fn suggested_for(&self, cause: Option<&str>) -> Vec<&str> {
        self.playbooks
            .iter()
            .filter(|p| cause.is_some_and(|c| p.causes.iter().any(|x| x == c)))
            .map(|p| p.key.as_str())
            .collect()
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut texts: Vec<(String, &Text)> =
            vec![("title".into(), &self.title), ("intro".into(), &self.intro)];
        let mut keys = HashSet::new();
        for r in &self.contact_roles {
            if !keys.insert(("role", r.key.as_str())) {
                out.push(format!("contact role {} appears twice", r.key));
            }
            texts.push((format!("role {} label", r.key), &r.label));
            texts.push((format!("role {} hint", r.key), &r.hint));
        }
        for n in &self.national {
            if !keys.insert(("national", n.key.as_str())) {
                out.push(format!("national function {} appears twice", n.key));
            }
            if n.web.as_deref().is_some_and(|w| !w.starts_with("https://")) {
                out.push(format!("national function {}: web is not https", n.key));
            }
            texts.push((format!("national {} name", n.key), &n.name));
            texts.push((format!("national {} what", n.key), &n.what));
        }
        for p in &self.playbooks {
            if !keys.insert(("playbook", p.key.as_str())) {
                out.push(format!("playbook {} appears twice", p.key));
            }
            if p.steps.is_empty() {
                out.push(format!("playbook {} has no steps", p.key));
            }
            for c in &p.causes {
                if !CAUSES.contains(&c.as_str()) {
                    out.push(format!("playbook {}: unknown cause {c}", p.key));
                }
            }
            texts.push((format!("playbook {} title", p.key), &p.title));
            texts.push((format!("playbook {} when", p.key), &p.when));
            let mut steps = HashSet::new();
            for s in &p.steps {
                if !steps.insert(s.key.as_str()) {
                    out.push(format!("playbook {}: step {} appears twice", p.key, s.key));
                }
                if s.key.is_empty() || s.key.len() > 40 {
                    out.push(format!("playbook {}: step key {:?}", p.key, s.key));
                }
                for r in &s.contacts {
                    if self.role(r).is_none() {
                        out.push(format!(
                            "playbook {} step {}: unknown role {r}",
                            p.key, s.key
                        ));
                    }
                }
                for n in &s.national {
                    if self.national(n).is_none() {
                        out.push(format!(
                            "playbook {} step {}: unknown national function {n}",
                            p.key, s.key
                        ));
                    }
                }
                texts.push((format!("playbook {} step {}", p.key, s.key), &s.text));
            }
        }
        for (what, t) in texts {
            if t.sv.trim().is_empty() || t.en.trim().is_empty() {
                out.push(format!("{what} is not written in both languages"));
            }
        }
        out
    }
}

/// One of the organisation's contacts, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
}

/// A contact as entered by the administrator. Leaving name, phone, e-mail and note all empty
/// removes the role's contact.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentContactBody))]
#[serde(deny_unknown_fields)]
pub struct ContactDraft {
    /// The role (a key of the checklists' contact roles, e.g. incident_lead or dpo).
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub role: String,
    /// A person or a function, e.g. "Tjänsteperson i beredskap"; up to 200 characters.
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub name: String,
    /// Digits, spaces and + ( ) -; up to 40 characters.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: String,
    /// E.g. a deputy or when the number answers; up to 500 characters.
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: String,
}

/// What an entered contact amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    Set(Contact),
    /// Every field empty: the role has no contact.
    Remove {
        role: String,
    },
}

impl ContactDraft {
    pub fn parse(&self, book: &Playbooks) -> Result<ContactChange, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let role = self.role.trim();
        if role.is_empty() {
            errs.push(ValidationError::new("role", Rule::Required));
        } else if book.role(role).is_none() {
            errs.push(ValidationError::new("role", Rule::UnknownValue));
        }
        // Lengths and characters as sent first, so that a field of blanks too long is refused
        // as the OpenAPI document says.
        let name = errs.check(text::optional("name", &self.name, 200));
        let phone = match errs.check(text::optional("phone", &self.phone, 40)) {
            Some(Some(p)) => errs.check(parse_phone("phone", &p).map(Some)),
            other => other,
        };
        let email = match errs.check(text::optional("email", &self.email, 254)) {
            Some(Some(e)) => errs.check(
                crate::user::Email::parse("email", &e).map(|e| Some(e.as_str().to_string())),
            ),
            other => other,
        };
        let note = errs.check(text::optional("note", &self.note, 500));
        errs.clone().into_result()?;
        let (Some(name), Some(phone), Some(email), Some(note)) = (name, phone, email, note) else {
            return Err(errs);
        };
        if name.is_none() && phone.is_none() && email.is_none() && note.is_none() {
            return Ok(ContactChange::Remove {
                role: role.to_string(),
            });
        }
        let Some(name) = name else {
            return Err(ValidationErrors::single("name", Rule::Required));
        };
        Ok(ContactChange::Set(Contact {
            role: role.to_string(),
            name,
            phone,
            email,
            note,
        }))
    }
}

/// A telephone number as people write it (trimmed): digits with spaces, +, parentheses and
/// hyphens, at least three digits.
fn parse_phone(field: &str, v: &str) -> Result<String, ValidationError> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-');
    if !v.chars().all(allowed) || v.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(ValidationError::new(field, Rule::InvalidFormat));
    }
    Ok(v.to_string())
}

/// Starting a checklist on an incident, as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentPlaybookBody))]
#[serde(deny_unknown_fields)]
pub struct StartDraft {
    /// ransomware, misdirected, lost_device, supplier_outage or unauthorised_access
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub playbook: String,
}

impl StartDraft {
    pub fn parse<'a>(&self, book: &'a Playbooks) -> Result<&'a Playbook, ValidationErrors> {
        let key = self.playbook.trim();
        if key.is_empty() {
            return Err(ValidationErrors::single("playbook", Rule::Required));
        }
        book.playbook(key)
            .ok_or_else(|| ValidationErrors::single("playbook", Rule::UnknownValue))
    }
}

/// Ticking a step off, or taking the tick back, as entered.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentPlaybookStepBody))]
#[serde(deny_unknown_fields)]
pub struct TickDraft {
    /// The step's key.
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub step: String,
    /// yes (done) or no (not done)
    #[serde(default, deserialize_with = "crate::draft::text")]
    pub done: String,
}

impl TickDraft {
    /// The step (one that concerns the organisation) and whether it is done.
    /// A step of another checklist is not found in this one (409, it depends on the path); a
    /// key of no checklist is unknown (422).
    pub fn parse<'a>(
        &self,
        book: &Playbooks,
        playbook: &'a Playbook,
        org: &OrgContext,
    ) -> Result<(&'a Step, bool), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let key = self.step.trim();
        let step = if key.is_empty() {
            errs.push(ValidationError::new("step", Rule::Required));
            None
        } else {
            match playbook.step(key) {
                Some(s) if concerns(&s.for_duties, org) => Some(s),
                Some(_) => {
                    errs.push(ValidationError::new(
                        "step",
                        Rule::NotAllowedForOrganisationKind,
                    ));
                    None
                }
                None => {
                    let elsewhere = book.playbooks.iter().any(|p| p.step(key).is_some());
                    errs.push(ValidationError::new(
                        "step",
                        if elsewhere {
                            Rule::NotFound
                        } else {
                            Rule::UnknownValue
                        },
                    ));
                    None
                }
            }
        };
        let done = match self.done.trim() {
            "yes" => Some(true),
            "no" => Some(false),
            "" => {
                errs.push(ValidationError::new("done", Rule::Required));
                None
            }
            _ => {
                errs.push(ValidationError::new("done", Rule::UnknownValue));
                None
            }
        };
        errs.clone().into_result()?;
        match (step, done) {
            (Some(s), Some(d)) => Ok((s, d)),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(cyber: bool, health: bool, social: bool) -> OrgContext {
        OrgContext {
            cybersecurity_act: cyber,
            health_care: health,
            social_care: social,
        }
    }

    #[test]
    fn the_checklists_in_the_repository_are_sound_and_cover_the_common_incidents() {
        let book = Playbooks::v1().unwrap();
        for key in [
            "ransomware",
            "misdirected",
            "lost_device",
            "supplier_outage",
            "unauthorised_access",
        ] {
            assert!(book.playbook(key).is_some(), "{key}");
        }
        for k in ["imy", "csirt", "ivo", "police"] {
            assert!(book.national(k).is_some(), "{k}");
        }
    }

    #[test]
    fn a_broken_reference_or_a_missing_language_is_refused() {
        let mut v: serde_json::Value = serde_json::from_str(PLAYBOOKS_V1).unwrap();
        v["playbooks"][0]["steps"][0]["contacts"] = serde_json::json!(["janitor"]);
        let e = Playbooks::parse(&v.to_string()).unwrap_err();
        assert!(e.contains("unknown role janitor"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(PLAYBOOKS_V1).unwrap();
        v["playbooks"][1]["title"]["en"] = serde_json::json!(" ");
        let e = Playbooks::parse(&v.to_string()).unwrap_err();
        assert!(e.contains("not written in both languages"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(PLAYBOOKS_V1).unwrap();
        v["playbooks"][2]["causes"] = serde_json::json!(["sunspots"]);
        assert!(Playbooks::parse(&v.to_string()).is_err());
    }

    #[test]
    fn a_step_for_a_duty_the_organisation_lacks_is_not_shown() {
        let book = Playbooks::v1().unwrap();
        let r = book.playbook("ransomware").unwrap();
        let keys = |o: &OrgContext| r.steps_for(o).map(|s| s.key.clone()).collect::<Vec<_>>();
        // A private home-care company: social care, not covered by the Cybersecurity Act.
        let home_care = keys(&org(false, false, true));
        assert!(!home_care.contains(&"significant".to_string()));
        assert!(home_care.contains(&"care_report".to_string()));
        // A region: all of it.
        let region = keys(&org(true, true, false));
        assert!(region.contains(&"significant".to_string()));
        assert!(region.len() > home_care.len());
        // Neither care nor the Act: neither step.
        let neither = keys(&org(false, false, false));
        assert!(!neither.contains(&"care_report".to_string()));
        let step = TickDraft {
            step: "significant".into(),
            done: "yes".into(),
        };
        assert_eq!(
            step.parse(&book, r, &org(false, false, true))
                .unwrap_err()
                .0[0]
                .rule,
            Rule::NotAllowedForOrganisationKind
        );
        assert!(step.parse(&book, r, &org(true, true, false)).unwrap().1);
        let lock = TickDraft {
            step: "lock".into(),
            done: "yes".into(),
        };
        assert_eq!(
            lock.parse(&book, r, &org(true, true, false)).unwrap_err().0[0].rule,
            Rule::NotFound,
            "a step of the lost device's checklist is not in the ransomware one"
        );
    }

    #[test]
    fn a_suggestion_follows_the_cause() {
        let book = Playbooks::v1().unwrap();
        assert_eq!(book.suggested_for(Some("attack")), vec!["ransomware"]);
        assert_eq!(
            book.suggested_for(Some("supplier")),
            vec!["supplier_outage"]
        );
        assert!(book.suggested_for(None).is_empty());
    }

    #[test]
    fn a_contact_names_its_field_and_rule() {
        let book = Playbooks::v1().unwrap();
        let d = |role: &str, name: &str, phone: &str, email: &str| ContactDraft {
            role: role.into(),
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            note: String::new(),
        };
        let rule = |x: ContactDraft, field: &str| {
            x.parse(&book)
                .unwrap_err()
                .0
                .into_iter()
                .find(|e| e.field == field)
                .map(|e| e.rule)
        };
        assert_eq!(
            rule(d("janitor", "A", "", ""), "role"),
            Some(Rule::UnknownValue)
        );
        assert_eq!(rule(d("", "A", "", ""), "role"), Some(Rule::Required));
        assert_eq!(
            rule(d("dpo", "", "08-123 45", ""), "name"),
            Some(Rule::Required)
        );
        assert_eq!(
            rule(d("dpo", "A", "call me", ""), "phone"),
            Some(Rule::InvalidFormat)
        );
        assert_eq!(
            rule(d("dpo", "A", "12", ""), "phone"),
            Some(Rule::InvalidFormat)
        );
        assert!(rule(d("dpo", "A", "", "not-an-address"), "email").is_some());
        assert_eq!(
            rule(d("dpo", &" ".repeat(201), "", ""), "name"),
            Some(Rule::TooLong { max: 200 }),
            "counted as sent"
        );
        let ok = d(
            "dpo",
            " Dataskyddsombudet ",
            "+46 (0)8-123 45 67",
            "DSO@Ostervik.example",
        )
        .parse(&book)
        .unwrap();
        let ContactChange::Set(c) = ok else {
            panic!("{ok:?}")
        };
        assert_eq!(c.name, "Dataskyddsombudet");
        assert_eq!(c.email.as_deref(), Some("dso@ostervik.example"));
        assert_eq!(
            d("dpo", "", "", "").parse(&book).unwrap(),
            ContactChange::Remove { role: "dpo".into() }
        );
    }
}
