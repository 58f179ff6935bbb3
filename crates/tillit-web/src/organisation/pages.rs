//! The organisation page: who OSL binds, what care it gives, its size, whether the Cybersecurity
//! Act covers it and a data protection officer is mandatory (and why), its controllers and the
//! catalog version it works against; the administrator's form for the facts.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{answer, FormFields, Params};
use crate::i18n::Tr;
use crate::pages::ui::{form_status, value, FormPage, Input};
use crate::pages::{notice_from, Choice, FieldError, Notice, PageCommon};
use crate::render::page;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tillit_domain::org::{CyberReason, DpoReason, OrgFacts};
use tillit_domain::role::Permission;
use tillit_domain::words::{CareScope, LegalForm};
use tillit_domain::ValidationErrors;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    c: PageCommon,
    name: String,
    number: String,
    kind: String,
    facts: Vec<(String, String)>,
    cyber: (String, String),
    dpo: (String, String),
    ssk: String,
    osl: String,
    controllers: Vec<String>,
    catalog: String,
    may_edit: bool,
    /// Whether the person may change how members sign in (administrators).
    may_sign_in: bool,
    /// (key id, public key, since, retired) newest first.
    keys: Vec<(String, String, String, String)>,
}

/// Why the Cybersecurity Act covers the organisation or not, as a sentence.
pub fn cyber_reason(tr: &Tr, r: CyberReason) -> String {
    tr.t(match r {
        CyberReason::RegionOrMunicipality => "org-cyber-region-or-municipality",
        CyberReason::MediumHealthCare => "org-cyber-medium-health-care",
        CyberReason::SmallHealthCare => "org-cyber-small-health-care",
        CyberReason::SizeUnknown => "org-cyber-size-unknown",
        CyberReason::SocialCareOnly => "org-cyber-social-care-only",
        CyberReason::Override => "org-cyber-override",
    })
}

pub fn dpo_reason(tr: &Tr, r: DpoReason) -> String {
    tr.t(match r {
        DpoReason::PublicAuthority => "org-dpo-public-authority",
        DpoReason::LargeScaleCare => "org-dpo-large-scale-care",
        DpoReason::SmallPrivate => "org-dpo-small-private",
        DpoReason::Override => "org-dpo-override",
    })
}

fn number(n: Option<i64>, unit: &str) -> String {
    n.map(|v| format!("{v}{unit}"))
        .unwrap_or_else(|| "–".into())
}

pub async fn show(m: Member, Params(n): Params<Notice>) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let org = tillit_app::members::organisation(m.app(), &m.who).await?;
    let f = &org.facts;
    let (covered, why) = f.cybersecurity_act();
    let (dpo, dpo_why) = f.data_protection_officer();
    let lib = m.app().catalogs.for_org(&org.catalog_version);
    let mut c = PageCommon::member(&m, tr.t("org-heading"), "/organisation");
    c.notice = notice_from(tr, n.done.as_deref());
    let keys = tillit_app::signing::public_keys(m.app(), &m.who)
        .await?
        .into_iter()
        .map(|k| {
            (
                k.id,
                k.public_key,
                crate::pages::show_time(&k.created_at),
                k.retired_at
                    .map(|r| crate::pages::show_time(&r))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let tpl = OrganisationPage {
        keys,
        c,
        name: org.name.clone(),
        number: org.org_number.clone(),
        kind: tr.kind(org.kind),
        facts: vec![
            (tr.t("field-legal-form"), tr.t(&f.legal_form.label_key())),
            (tr.t("field-care"), tr.t(&f.care.label_key())),
            (tr.t("field-employees"), number(f.employees, "")),
            (
                tr.t("field-turnover-meur"),
                number(f.turnover_meur, " MEUR"),
            ),
            (tr.t("field-balance-meur"), number(f.balance_meur, " MEUR")),
        ],
        cyber: (
            tr.t(if covered {
                "org-covered"
            } else {
                "org-not-covered"
            }),
            cyber_reason(tr, why),
        ),
        dpo: (
            tr.t(if dpo {
                "org-dpo-required"
            } else {
                "org-dpo-not-required"
            }),
            dpo_reason(tr, dpo_why),
        ),
        ssk: tr.t(match f.security_sensitive {
            None => "org-ssk-not-assessed",
            Some(true) => "org-ssk-yes",
            Some(false) => "org-ssk-no",
        }),
        osl: tr.t(if f.public_authority() {
            "org-osl-binds"
        } else {
            "org-osl-not-binding"
        }),
        controllers: f.controllers.clone(),
        catalog: tr.f(
            "org-catalog",
            &[("version", lib.key.clone()), ("title", lib.title.clone())],
        ),
        may_edit: m.may(Permission::ManageOrganisation),
        may_sign_in: m.may(Permission::ManageMembers),
    };
    Ok(page(StatusCode::OK, &tpl))
}

fn override_choice(v: Option<bool>) -> String {
    match v {
        None => String::new(),
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
    }
}

async fn facts_form(
    m: &Member,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
) -> AppResult<Response> {
    m.require(Permission::ManageOrganisation)?;
    let tr = &m.ctx.tr;
    let org = tillit_app::members::organisation(m.app(), &m.who).await?;
    let f: &OrgFacts = &org.facts;
    let pick = |name: &str, stored: String, options: Vec<(String, String)>| {
        let now = value(form, name, || stored);
        options
            .into_iter()
            .map(|(key, label)| Choice {
                selected: key == now,
                key,
                label,
            })
            .collect::<Vec<_>>()
    };
    let opt = |n: Option<i64>| n.map(|v| v.to_string()).unwrap_or_default();
    let rule_yes_no = |rule_key: &str, yes: &str, no: &str| {
        vec![
            (String::new(), tr.t(rule_key)),
            ("yes".to_string(), tr.t(yes)),
            ("no".to_string(), tr.t(no)),
        ]
    };
    let fields = vec![
        Input::select(
            "legal_form",
            tr.t("field-legal-form"),
            pick(
                "legal_form",
                f.legal_form.key().to_string(),
                LegalForm::ALL
                    .iter()
                    .map(|l| (l.key().to_string(), tr.t(&l.label_key())))
                    .collect(),
            ),
        )
        .hint(tr.t("org-legal-form-hint")),
        Input::select(
            "care",
            tr.t("field-care"),
            pick(
                "care",
                f.care.key().to_string(),
                CareScope::ALL
                    .iter()
                    .map(|l| (l.key().to_string(), tr.t(&l.label_key())))
                    .collect(),
            ),
        ),
        Input::number(
            "employees",
            tr.t("field-employees"),
            value(form, "employees", || opt(f.employees)),
        ),
        Input::number(
            "turnover_meur",
            tr.t("field-turnover-meur"),
            value(form, "turnover_meur", || opt(f.turnover_meur)),
        ),
        Input::number(
            "balance_meur",
            tr.t("field-balance-meur"),
            value(form, "balance_meur", || opt(f.balance_meur)),
        )
        .hint(tr.t("org-size-hint")),
        Input::select(
            "cybersecurity_override",
            tr.t("field-cybersecurity-override"),
            pick(
                "cybersecurity_override",
                override_choice(f.cybersecurity_override),
                rule_yes_no("org-follow-rule-cyber", "org-answer-yes", "org-answer-no"),
            ),
        )
        .hint(tr.t("org-cyber-override-hint")),
        Input::select(
            "dpo_override",
            tr.t("field-dpo-override"),
            pick(
                "dpo_override",
                override_choice(f.dpo_override),
                rule_yes_no(
                    "org-follow-rule-dpo",
                    "org-dpo-answer-yes",
                    "org-dpo-answer-no",
                ),
            ),
        ),
        Input::select(
            "security_sensitive",
            tr.t("field-security-sensitive"),
            pick(
                "security_sensitive",
                override_choice(f.security_sensitive),
                vec![
                    (String::new(), tr.t("org-ssk-not-assessed")),
                    ("yes".to_string(), tr.t("org-ssk-answer-yes")),
                    ("no".to_string(), tr.t("org-ssk-answer-no")),
                ],
            ),
        )
        .hint(tr.t("org-ssk-hint")),
        Input::area(
            "controllers",
            tr.t("field-controllers"),
            value(form, "controllers", || f.controllers.join("\n")),
        )
        .hint(tr.t("org-controllers-hint")),
    ];
    Ok(FormPage {
        c: PageCommon::member(m, tr.t("org-facts-heading"), "/organisation"),
        back_href: "/organisation".into(),
        back_label: tr.t("org-heading"),
        heading: tr.t("org-facts-heading"),
        intro: tr.t("org-facts-intro"),
        action: "/organisation/edit".into(),
        submit: tr.t("save"),
        fields,
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
    }
    .render(form_status(errors)))
}

pub async fn edit_form(m: Member) -> AppResult<Response> {
    facts_form(&m, None, None).await
}

pub async fn save(m: Member, form: FormFields) -> AppResult<Response> {
    m.require(Permission::ManageOrganisation)?;
    let result = form
        .submit(async |d: tillit_domain::org::OrgFactsDraft| {
            tillit_app::members::set_organisation_facts(m.app(), &m.who, &d).await
        })
        .await;
    answer(
        result,
        |_| "/organisation?done=facts-saved".to_string(),
        async |v| facts_form(&m, Some(&form), Some(&v)).await,
    )
    .await
}
