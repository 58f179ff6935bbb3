//! Outsourcing cases: the list, the case with its assessment and decision, its form, the memo
//! for a committee, and the rule set read-only.

use crate::context::Member;
use crate::error::AppResult;
use crate::forms::{answer, FormFields, Params};
use crate::i18n::Tr;
use crate::pages::ui::{choices, form_status, value, Fill, FormPage, Input};
use crate::pages::{notice_from, Choice, FieldError, Notice, PageCommon, Pager};
use crate::render::page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use tillit_app::outsourcing::CaseView;
use tillit_domain::outsourcing::{
    Confidence, Factor, Question, Recommendation, RuleKind, Severity, TransferVerdict, FACTS,
};
use tillit_domain::outsourcing_case::{CaseDraft, DecisionDraft, Outcome, ASKED};
use tillit_domain::role::Permission;
use tillit_domain::ValidationErrors;

/// The label of a fact, and of one of its values.
pub fn fact_label(tr: &Tr, fact: &str) -> String {
    tr.t(&format!("fact-{}", fact.replace('_', "-")))
}

pub fn fact_value(tr: &Tr, v: Option<&Value>) -> String {
    match v {
        None => tr.t("answer-unknown"),
        Some(Value::Bool(true)) => tr.t("answer-yes"),
        Some(Value::Bool(false)) => tr.t("answer-no"),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => tr.t(&format!("fact-value-{}", s.replace('_', "-"))),
        Some(other) => other.to_string(),
    }
}

/// The words of a recommendation under its question: a private provider's test is whether the
/// disclosure is unauthorised, not unsuitable; without confidentiality only protection is judged.
pub fn recommendation_label(tr: &Tr, q: Question, r: Recommendation) -> String {
    let prefix = match q {
        Question::PrivateConfidentiality => "rec-private",
        Question::NoConfidentiality => "rec-open",
        _ => "rec",
    };
    tr.t(&format!("{prefix}-{}", r.key().replace('_', "-")))
}

fn question_label(tr: &Tr, q: Question) -> String {
    tr.t(&format!("question-{}", q.key().replace('_', "-")))
}

fn factor_label(tr: &Tr, f: Factor) -> String {
    let k = serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    tr.t(&format!("factor-{}", k.replace('_', "-")))
}

fn severity_label(tr: &Tr, s: Severity) -> (String, &'static str) {
    let (k, chip) = match s {
        Severity::Decisive => ("decisive", "not-met"),
        Severity::Condition => ("condition", "partly-met"),
        Severity::Weight => ("weight", "unassessed"),
        Severity::Favourable => ("favourable", "met"),
        Severity::Info => ("info", "not-applicable"),
    };
    (tr.t(&format!("severity-{k}")), chip)
}

fn transfer_label(tr: &Tr, t: TransferVerdict) -> String {
    let k = serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    tr.t(&format!("transfer-{}", k.replace('_', "-")))
}

fn rec_chip(r: Recommendation) -> &'static str {
    match r {
        Recommendation::Suitable => "met",
        Recommendation::SuitableWithConditions => "partly-met",
        Recommendation::Unsuitable => "not-met",
        Recommendation::AnotherGroundNeeded => "unassessed",
    }
}

pub struct CaseRow {
    pub id: String,
    pub title: String,
    pub supplier: String,
    pub concerns: String,
    /// Today's assessment.
    pub recommendation: String,
    pub rec_chip: &'static str,
    pub decided: String,
    pub decided_chip: &'static str,
    pub needs_reassessment: bool,
}

#[derive(Template)]
#[template(path = "outsourcing_cases.html")]
struct CasesPage {
    c: PageCommon,
    q: String,
    rows: Vec<CaseRow>,
    summary: String,
    pager: Pager,
    may_edit: bool,
}

pub async fn list(
    m: Member,
    Params(p): Params<tillit_app::outsourcing::CaseListParams>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let (q, page_req) = p.parse()?;
    let list =
        tillit_app::outsourcing::list_case_summaries(m.app(), &m.who, q.as_deref(), page_req)
            .await?;
    let pager = Pager::new(
        tr,
        "/outsourcing",
        &[
            ("q", p.q.clone()),
            ("per_page", p.per_page.clone().unwrap_or_default()),
        ],
        &list,
    );
    let summary = tr.f("outsourcing-summary", &[("count", list.total.to_string())]);
    let rows = list
        .items
        .into_iter()
        .map(|x| {
            let a = &x.assessment;
            let (recommendation, rec) = if a.determined {
                (
                    recommendation_label(tr, a.question, a.recommendation),
                    rec_chip(a.recommendation),
                )
            } else {
                (tr.t("outsourcing-undetermined"), "unassessed")
            };
            let c = x.case;
            let concerns = c
                .systems
                .iter()
                .chain(c.assets.iter())
                .map(|(_, n)| n.clone())
                .collect::<Vec<_>>()
                .join(", ");
            let (decided, decided_chip) = match &c.decided {
                Some((o, at)) => (
                    format!(
                        "{} {}",
                        tr.t(&format!("outcome-{}", o.replace('_', "-"))),
                        crate::pages::show_time(at)
                    ),
                    match Outcome::from_key(o) {
                        Some(Outcome::Approved) => "met",
                        Some(Outcome::ApprovedWithConditions) => "partly-met",
                        _ => "not-met",
                    },
                ),
                None => (tr.t("outsourcing-undecided"), "unassessed"),
            };
            CaseRow {
                id: c.id,
                title: c.input.title,
                supplier: c.supplier_name,
                concerns,
                recommendation,
                rec_chip: rec,
                decided,
                decided_chip,
                needs_reassessment: x.needs_reassessment,
            }
        })
        .collect();
    let tpl = CasesPage {
        c: PageCommon::member(&m, tr.t("outsourcing-title"), "/outsourcing")
            .with_notice(notice_from(tr, notice.done.as_deref())),
        q: p.q.clone(),
        rows,
        summary,
        pager,
        may_edit: m.may(Permission::EditRegisters),
    };
    Ok(page(StatusCode::OK, &tpl))
}

pub struct FindingView {
    pub factor: String,
    pub severity: String,
    pub chip: &'static str,
    pub explanation: String,
    pub provision: String,
}

pub struct ConditionView {
    pub id: String,
    /// Its short name (the title of the measure it becomes).
    pub title: String,
    pub text: String,
    pub change: String,
}

pub struct DecisionView {
    pub outcome: String,
    pub chip: &'static str,
    pub by: String,
    pub at: String,
    pub motivation: String,
    pub recommendation: String,
    pub rule_set: String,
    pub facts_sha256: String,
    pub conditions: Vec<String>,
    pub due: String,
    /// "Under delegation: …", or empty.
    pub delegation: String,
}

/// Everything the case page and the memo show, in words.
pub struct CaseWords {
    pub id: String,
    pub title: String,
    pub supplier_id: String,
    pub supplier: String,
    pub service: String,
    /// The diary reference (diarienummer), or empty.
    pub reference: String,
    /// The member who prepares the case, or empty.
    pub prepared_by: String,
    pub concerns: Vec<(String, String, String)>,
    pub question: String,
    pub question_explanation: String,
    pub question_provision: String,
    pub recommendation: String,
    pub rec_chip: &'static str,
    /// No answer still to come can change the recommendation.
    pub determined: bool,
    /// The recommendation (or its worst case) is unsuitable.
    pub unsuitable: bool,
    /// "The assessment says …", for the decision form.
    pub against: String,
    /// The weights against the threshold, in words (empty where no weighing is done).
    pub weighing: String,
    pub confidence: String,
    pub best: String,
    pub transfer: String,
    pub findings: Vec<FindingView>,
    pub transfers: Vec<FindingView>,
    pub open: Vec<(String, String)>,
    pub conditions: Vec<ConditionView>,
    /// (rule id, text) of each residual risk.
    pub risks: Vec<(String, String)>,
    pub facts: Vec<(String, String, String)>,
    pub decisions: Vec<DecisionView>,
    /// (href, title, status, due) of the measures the conditions became.
    pub measures: Vec<(String, String, String, String)>,
    pub stale: Vec<String>,
    pub rule_set: String,
}

/// The open questions by fact: each unanswered fact once, where it is answered, and how much it
/// can weigh (how many rules wait for it, and whether one of them is decisive).
fn open_by_fact(tr: &Tr, v: &CaseView) -> Vec<(String, String)> {
    let mut by_fact: Vec<(String, usize, bool)> = Vec::new();
    for o in &v.assessment.open_questions {
        for f in &o.facts {
            let decisive = o.severity == Severity::Decisive;
            match by_fact.iter_mut().find(|(name, _, _)| name == f) {
                Some(e) => {
                    e.1 += 1;
                    e.2 |= decisive;
                }
                None => by_fact.push((f.clone(), 1, decisive)),
            }
        }
    }
    let asked: Vec<&str> = ASKED.iter().map(|(f, _)| *f).collect();
    by_fact
        .into_iter()
        .map(|(fact, rules, decisive)| {
            let where_ = if asked.contains(&fact.as_str()) {
                tr.t("outsourcing-open-in-case")
            } else {
                tr.t("outsourcing-open-in-registers")
            };
            let weight = tr.f(
                if decisive {
                    "outsourcing-open-decisive"
                } else {
                    "outsourcing-open-rules"
                },
                &[("count", rules.to_string())],
            );
            (fact_label(tr, &fact), format!("{where_} {weight}"))
        })
        .collect()
}

fn words_of(tr: &Tr, v: &CaseView, rules: &tillit_domain::outsourcing::RuleSet) -> CaseWords {
    let a = &v.assessment;
    let lang = tr.lang();
    let q = a.question;
    let finding = |f: &tillit_domain::outsourcing::Finding| {
        let (severity, chip) = severity_label(tr, f.severity);
        FindingView {
            factor: factor_label(tr, f.factor),
            severity,
            chip,
            explanation: f.explanation.get(lang).to_string(),
            provision: f.provision.clone(),
        }
    };
    let mut findings: Vec<&tillit_domain::outsourcing::Finding> = a
        .findings
        .iter()
        .filter(|f| f.kind == RuleKind::Finding)
        .collect();
    // What decides first: decisive, then conditions, stakes, what speaks for it, notes.
    findings.sort_by_key(|f| (f.severity, f.factor));
    let concerns = v
        .case
        .systems
        .iter()
        .map(|(id, n)| (format!("/systems/{id}"), n.clone(), tr.t("nav-systems")))
        .chain(
            v.case
                .assets
                .iter()
                .map(|(id, n)| (format!("/assets/{id}"), n.clone(), tr.t("nav-assets"))),
        )
        .collect();
    let facts = FACTS
        .iter()
        .map(|(name, _)| {
            let from = if v.registers.get(name).is_some() {
                tr.t("outsourcing-from-registers")
            } else if v.facts.get(name).is_some() {
                tr.t("outsourcing-from-answers")
            } else {
                tr.t("outsourcing-not-answered")
            };
            (
                fact_label(tr, name),
                fact_value(tr, v.facts.get(name)),
                from,
            )
        })
        .collect();
    let mut stale = vec![];
    if v.facts_changed {
        stale.push(tr.t("outsourcing-facts-changed"));
    }
    if v.rules_changed {
        stale.push(tr.t("outsourcing-rules-changed"));
    }
    CaseWords {
        id: v.case.id.clone(),
        title: v.case.input.title.clone(),
        supplier_id: v.supplier.id.to_string(),
        supplier: v.supplier.input.name.clone(),
        service: v.case.input.service.clone().unwrap_or_default(),
        reference: v.case.input.reference.clone().unwrap_or_default(),
        prepared_by: v.case.prepared_by_name.clone().unwrap_or_default(),
        concerns,
        question: question_label(tr, q),
        weighing: match q {
            Question::Osl10_2a | Question::PrivateConfidentiality => tr.f(
                "outsourcing-weighing",
                &[
                    ("score", a.score.to_string()),
                    ("threshold", rules.unsuitable_from.to_string()),
                ],
            ),
            _ => String::new(),
        },
        against: tr.f(
            "outsourcing-decide-against",
            &[(
                "rec",
                recommendation_label(tr, q, a.recommendation).to_lowercase(),
            )],
        ),
        question_explanation: a.question_explanation.get(lang).to_string(),
        question_provision: a.question_provision.clone(),
        recommendation: if a.determined {
            recommendation_label(tr, q, a.recommendation)
        } else {
            tr.t("outsourcing-undetermined")
        },
        rec_chip: if a.determined {
            rec_chip(a.recommendation)
        } else {
            "unassessed"
        },
        determined: a.determined,
        unsuitable: a.recommendation == Recommendation::Unsuitable,
        confidence: tr.t(match a.confidence {
            Confidence::High => "confidence-high",
            Confidence::Medium => "confidence-medium",
            Confidence::Low => "confidence-low",
        }),
        best: if a.best != a.worst {
            tr.f(
                "outsourcing-best",
                &[
                    ("best", recommendation_label(tr, q, a.best).to_lowercase()),
                    ("worst", recommendation_label(tr, q, a.worst).to_lowercase()),
                ],
            )
        } else {
            String::new()
        },
        transfer: transfer_label(tr, a.transfer),
        findings: findings.into_iter().map(finding).collect(),
        transfers: a
            .findings
            .iter()
            .filter(|f| f.kind == RuleKind::Transfer)
            .map(finding)
            .collect(),
        open: open_by_fact(tr, v),
        conditions: a
            .conditions
            .iter()
            .map(|c| ConditionView {
                id: c.id.clone(),
                title: c.title.get(lang).to_string(),
                text: c.text.get(lang).to_string(),
                change: if c.recommendation_to != c.recommendation_from {
                    tr.f(
                        "outsourcing-changes",
                        &[
                            ("from", recommendation_label(tr, q, c.recommendation_from)),
                            ("to", recommendation_label(tr, q, c.recommendation_to)),
                        ],
                    )
                } else if c.transfer_to != c.transfer_from {
                    tr.f(
                        "outsourcing-changes",
                        &[
                            ("from", transfer_label(tr, c.transfer_from)),
                            ("to", transfer_label(tr, c.transfer_to)),
                        ],
                    )
                } else {
                    tr.t("outsourcing-lowers-risk")
                },
            })
            .collect(),
        risks: a
            .residual_risks
            .iter()
            .map(|(id, t)| (id.clone(), t.get(lang).to_string()))
            .collect(),
        facts,
        decisions: v
            .decisions
            .iter()
            .map(|d| {
                let outcome = Outcome::from_key(&d.outcome);
                let conditions: Vec<String> =
                    serde_json::from_str(&d.conditions).unwrap_or_default();
                let assessment: Value = serde_json::from_str(&d.assessment).unwrap_or_default();
                let texts: Vec<String> = conditions
                    .iter()
                    .map(|id| {
                        assessment["conditions"]
                            .as_array()
                            .and_then(|cs| cs.iter().find(|c| c["id"] == id.as_str()))
                            .and_then(|c| c["text"][lang].as_str())
                            .unwrap_or(id)
                            .to_string()
                    })
                    .collect();
                let rec = serde_json::from_value::<Recommendation>(Value::from(
                    d.recommendation.as_str(),
                ))
                .map(|r| recommendation_label(tr, q, r))
                .unwrap_or_else(|_| d.recommendation.clone());
                DecisionView {
                    outcome: tr.t(&format!("outcome-{}", d.outcome.replace('_', "-"))),
                    chip: match outcome {
                        Some(Outcome::Approved) => "met",
                        Some(Outcome::ApprovedWithConditions) => "partly-met",
                        _ => "not-met",
                    },
                    by: d.decided_by_name.clone(),
                    at: crate::pages::show_time(&d.decided_at),
                    motivation: d.motivation.clone(),
                    recommendation: rec,
                    rule_set: format!("{} {}", d.rule_set_id, d.rule_set_version),
                    facts_sha256: d.facts_sha256.clone(),
                    conditions: texts,
                    due: d
                        .conditions_due_on
                        .as_ref()
                        .map(|date| tr.f("outsourcing-decision-due", &[("date", date.clone())]))
                        .unwrap_or_default(),
                    delegation: d
                        .delegation
                        .as_ref()
                        .map(|x| {
                            tr.f(
                                "outsourcing-decision-delegation",
                                &[("delegation", x.clone())],
                            )
                        })
                        .unwrap_or_default(),
                }
            })
            .collect(),
        stale,
        measures: v
            .measures
            .iter()
            .map(|x| {
                (
                    format!("/measures/{}", x.id),
                    x.title.clone(),
                    tillit_domain::measure::MeasureStatus::from_key(&x.status)
                        .map(|s| crate::measures::pages::status_label(tr, s))
                        .unwrap_or_else(|| x.status.clone()),
                    x.due_on.clone().unwrap_or_else(|| "–".into()),
                )
            })
            .collect(),
        rule_set: format!("{} {}", rules.id, rules.version),
    }
}

#[derive(Template)]
#[template(path = "outsourcing_case.html")]
struct CasePage {
    c: PageCommon,
    w: CaseWords,
    /// The risk analyses a residual risk can be carried into.
    analyses: Vec<Choice>,
    may_edit: bool,
    may_decide: bool,
    outcomes: Vec<Choice>,
    offered: Vec<Choice>,
    motivation: String,
    due_on: String,
    delegation: String,
    errors: Vec<FieldError>,
}

async fn show_case(
    m: &Member,
    id: &str,
    form: Option<&FormFields>,
    errors: Option<&ValidationErrors>,
    notice: Option<&str>,
) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::outsourcing::case(m.app(), &m.who, id).await?;
    let w = words_of(tr, &v, &m.app().rules);
    let outcomes = choices(
        form,
        "outcome",
        &[],
        Outcome::ALL.into_iter().map(|o| {
            (
                o.key().to_string(),
                tr.t(&format!("outcome-{}", o.key().replace('_', "-"))),
            )
        }),
    );
    let offered = choices(
        form,
        "conditions",
        &[],
        w.conditions
            .iter()
            .map(|c| (c.id.clone(), format!("{}: {}", c.title, c.text))),
    );
    let analyses = if m.may(Permission::EditRegisters) {
        tillit_app::risk::all_risk_analyses(m.app(), &m.who)
            .await?
            .into_iter()
            .map(|a| Choice {
                key: a.id.to_string(),
                label: a.input.title,
                selected: false,
            })
            .collect()
    } else {
        vec![]
    };
    let tpl = CasePage {
        c: PageCommon::member(m, w.title.clone(), "/outsourcing")
            .with_notice(notice_from(tr, notice)),
        analyses,
        may_edit: m.may(Permission::EditRegisters),
        may_decide: m.may(Permission::DecideOutsourcing),
        outcomes,
        offered,
        motivation: value(form, "motivation", String::new),
        due_on: value(form, "conditions_due_on", String::new),
        // A member with a delegated right decides under it unless they say otherwise.
        delegation: value(form, "delegation", || {
            m.who
                .membership()
                .outsourcing_delegation
                .clone()
                .unwrap_or_default()
        }),
        errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        w,
    };
    Ok(page(form_status(errors), &tpl))
}

pub async fn show(
    m: Member,
    Path(id): Path<String>,
    Params(notice): Params<Notice>,
) -> AppResult<Response> {
    show_case(&m, &id, None, None, notice.done.as_deref()).await
}

pub async fn decide(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let lang = m.ctx.tr.lang();
    let result = form
        .submit(async |d: DecisionDraft| {
            tillit_app::outsourcing::decide(m.app(), &m.who, &id, &d, lang).await
        })
        .await;
    answer(
        result,
        |_| format!("/outsourcing/{id}?done=outsourcing-decided"),
        async |v| show_case(&m, &id, Some(&form), Some(&v), None).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "outsourcing_memo.html")]
struct MemoPage {
    c: PageCommon,
    w: CaseWords,
    analyses: Vec<Choice>,
    org_name: String,
    printed: String,
}

/// The assessment and decision as a document for a lawyer and a committee: an A4 print view.
pub async fn memo(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    let tr = &m.ctx.tr;
    let v = tillit_app::outsourcing::case(m.app(), &m.who, &id).await?;
    let w = words_of(tr, &v, &m.app().rules);
    let tpl = MemoPage {
        c: PageCommon::member(
            &m,
            tr.f("memo-title", &[("name", w.title.clone())]),
            "/outsourcing",
        ),
        analyses: vec![],
        org_name: m.who.membership().org_name.clone(),
        printed: crate::pages::show_time(&chrono::Utc::now().to_rfc3339()),
        w,
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// The register's form handlers (`crate::register`).
pub struct Cases;

impl crate::register::Register for Cases {
    type Id = String;
    type Draft = CaseDraft;
    type Item = tillit_app::views::OutsourcingCase;

    async fn save(
        m: &Member,
        id: Option<&String>,
        d: &CaseDraft,
    ) -> tillit_app::Result<tillit_app::views::OutsourcingCase> {
        match id {
            Some(id) => tillit_app::outsourcing::update_case(m.app(), &m.who, id, d).await,
            None => tillit_app::outsourcing::create_case(m.app(), &m.who, d).await,
        }
    }

    async fn load(
        m: &Member,
        id: &String,
    ) -> tillit_app::Result<tillit_app::views::OutsourcingCase> {
        Ok(tillit_app::outsourcing::case(m.app(), &m.who, id)
            .await?
            .case)
    }

    fn saved(c: &tillit_app::views::OutsourcingCase) -> String {
        format!("/outsourcing/{}?done=outsourcing-saved", c.id)
    }

    async fn form(
        m: &Member,
        existing: Option<&tillit_app::views::OutsourcingCase>,
        form: Option<&FormFields>,
        errors: Option<&ValidationErrors>,
    ) -> AppResult<Response> {
        m.require(Permission::EditRegisters)?;
        let tr = &m.ctx.tr;
        let fill = Fill::new(tr, form);
        let x = existing.map(|c| &c.input);
        let suppliers = tillit_app::suppliers::supplier_names(m.app(), &m.who).await?;
        let systems = tillit_app::systems::system_choices(m.app(), &m.who).await?;
        let assets = tillit_app::assets::asset_choices(m.app(), &m.who).await?;
        let mut supplier_choices = vec![Choice {
            key: String::new(),
            label: tr.t("outsourcing-choose-supplier"),
            selected: false,
        }];
        supplier_choices.extend(choices(
            form,
            "supplier_id",
            &x.map(|x| vec![x.supplier_id.clone()]).unwrap_or_default(),
            suppliers,
        ));
        // Whoever opens a case prepares it, until someone else is named.
        let preparer_now = match x {
            Some(x) => x.prepared_by.clone().unwrap_or_default(),
            None => m.who.membership().membership_id.clone(),
        };
        let mut preparers = vec![Choice {
            key: String::new(),
            label: tr.t("outsourcing-no-preparer"),
            selected: false,
        }];
        preparers.extend(choices(
            form,
            "prepared_by",
            &[preparer_now],
            tillit_app::members::all_members(m.app(), &m.who)
                .await?
                .into_iter()
                .map(|x| (x.id.into_string(), x.display_name)),
        ));
        let mut fields = vec![
            fill.text("title", x.map(|x| x.title.clone())),
            fill.text("reference", x.and_then(|x| x.reference.clone()))
                .hint(tr.t("field-reference-hint")),
            Input::select("prepared_by", tr.t("field-prepared-by"), preparers),
            Input::select("supplier_id", tr.t("field-supplier-id"), supplier_choices)
                .hint(tr.t("field-supplier-id-hint")),
            fill.area("service", x.and_then(|x| x.service.clone()))
                .hint(tr.t("field-service-hint")),
            fill.links(
                "system_ids",
                x.map(|x| x.system_ids.as_slice()).unwrap_or_default(),
                systems,
            ),
            fill.links(
                "asset_ids",
                x.map(|x| x.asset_ids.as_slice()).unwrap_or_default(),
                assets,
            )
            .hint(tr.t("field-case-assets-hint")),
        ];
        // The guided questions, in the order of the assessment.
        for (fact, words) in ASKED {
            let stored = x
                .and_then(|x| x.answers.get(fact))
                .map(|v| match v {
                    Value::Bool(true) => "yes".to_string(),
                    Value::Bool(false) => "no".to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            let options: Vec<(String, String)> =
                std::iter::once((String::new(), tr.t("answer-unknown")))
                    .chain(match words {
                        Some(ws) => ws
                            .iter()
                            .map(|w| {
                                (
                                    w.to_string(),
                                    tr.t(&format!("fact-value-{}", w.replace('_', "-"))),
                                )
                            })
                            .collect::<Vec<_>>(),
                        None => vec![
                            ("yes".into(), tr.t("answer-yes")),
                            ("no".into(), tr.t("answer-no")),
                        ],
                    })
                    .collect();
            fields.push(
                Input::radios(
                    fact,
                    fact_label(tr, fact),
                    choices(form, fact, &[stored], options),
                )
                .hint(tr.t(&format!("fact-{}-hint", fact.replace('_', "-")))),
            );
        }
        let (heading, action, back) = match existing {
            Some(c) => (
                tr.f(
                    "outsourcing-edit-heading",
                    &[("name", c.input.title.clone())],
                ),
                format!("/outsourcing/{}", c.id),
                format!("/outsourcing/{}", c.id),
            ),
            None => (
                tr.t("outsourcing-new-heading"),
                "/outsourcing".to_string(),
                "/outsourcing".to_string(),
            ),
        };
        Ok(FormPage {
            c: PageCommon::member(m, heading.clone(), "/outsourcing"),
            back_href: back,
            back_label: tr.t("back"),
            heading,
            intro: tr.t("outsourcing-form-intro"),
            action,
            submit: tr.t("save"),
            fields,
            errors: errors.map(|e| FieldError::list(tr, e)).unwrap_or_default(),
        }
        .render(form_status(errors)))
    }
}

pub struct RuleRow {
    pub id: String,
    pub kind: String,
    pub factor: String,
    pub severity: String,
    pub chip: &'static str,
    pub weight: i32,
    pub provision: String,
    pub explanation: String,
    pub conditions: Vec<String>,
}

#[derive(Template)]
#[template(path = "outsourcing_rules.html")]
struct RulesPage {
    c: PageCommon,
    title: String,
    intro: String,
    rows: Vec<RuleRow>,
}

/// The rule set, read-only: what each rule looks at, what it weighs and what it rests on.
pub async fn rules(m: Member) -> AppResult<Response> {
    m.require(Permission::ViewRegisters)?;
    let tr = &m.ctx.tr;
    let rs = &m.app().rules;
    let lang = tr.lang();
    let rows = rs
        .rules
        .iter()
        .map(|r| {
            let (severity, chip) = severity_label(tr, r.severity);
            RuleRow {
                id: r.id.clone(),
                kind: tr.t(match r.kind {
                    RuleKind::Question => "rulekind-question",
                    RuleKind::Finding => "rulekind-finding",
                    RuleKind::Transfer => "rulekind-transfer",
                }),
                factor: factor_label(tr, r.factor),
                severity: match r.kind {
                    RuleKind::Question => r
                        .question
                        .map(|q| question_label(tr, q))
                        .unwrap_or_default(),
                    _ => severity,
                },
                chip,
                weight: r.weight,
                provision: r.provision.clone(),
                explanation: r.explanation.get(lang).to_string(),
                conditions: r
                    .conditions
                    .iter()
                    .map(|c| c.text.get(lang).to_string())
                    .collect(),
            }
        })
        .collect();
    let tpl = RulesPage {
        c: PageCommon::member(&m, tr.t("outsourcing-rules-title"), "/outsourcing"),
        title: rs.title.get(lang).to_string(),
        intro: tr.f(
            "outsourcing-rules-intro",
            &[
                ("version", rs.version.clone()),
                ("from", rs.valid_from.clone()),
                ("threshold", rs.unsuitable_from.to_string()),
            ],
        ),
        rows,
    };
    Ok(page(StatusCode::OK, &tpl))
}

/// Carries a residual risk into a risk analysis as a scenario.
pub async fn add_risk(m: Member, Path(id): Path<String>, form: FormFields) -> AppResult<Response> {
    let analysis = tillit_domain::ids::AnalysisId::from(form.get("analysis_id"));
    let (_, created) = tillit_app::outsourcing::residual_risk_to_scenario(
        m.app(),
        &m.who,
        &id,
        form.get("rule_id"),
        &analysis,
        m.ctx.tr.lang(),
    )
    .await?;
    Ok(crate::risk::pages::after_carrying_in(&analysis, created))
}

/// The memo as a PDF: the matter, the assessment (question, recommendation, findings with their
/// provisions, transfer to third countries, open questions, conditions, residual risks), the
/// decision and the facts it rests on — for the lawyer, the committee and the diary.
pub async fn memo_pdf(m: Member, Path(id): Path<String>) -> AppResult<Response> {
    use tillit_app::reports::{Block, Section};
    let tr = &m.ctx.tr;
    let v = tillit_app::outsourcing::case(m.app(), &m.who, &id).await?;
    let w = words_of(tr, &v, &m.app().rules);
    let dash = || "–".to_string();
    let or_dash = |s: &str| if s.is_empty() { dash() } else { s.to_string() };
    let mut facts = vec![];
    if !w.reference.is_empty() {
        facts.push((tr.t("field-reference"), w.reference.clone()));
    }
    facts.extend([
        (tr.t("field-prepared-by"), or_dash(&w.prepared_by)),
        (tr.t("field-supplier-id"), w.supplier.clone()),
        (tr.t("field-service"), or_dash(&w.service)),
        (
            tr.t("outsourcing-concerns"),
            or_dash(
                &w.concerns
                    .iter()
                    .map(|x| x.1.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        (tr.t("outsourcing-rule-set"), w.rule_set.clone()),
    ]);
    let mut assessment = vec![
        Block::Note {
            text: tr.t("outsourcing-support-not-decision"),
        },
        Block::Paragraph {
            text: format!(
                "{} ({})\n\n{}",
                w.question, w.question_provision, w.question_explanation
            ),
        },
        Block::Facts {
            rows: vec![
                (tr.t("report-recommendation"), w.recommendation.clone()),
                (tr.t("outsourcing-confidence"), w.confidence.clone()),
            ],
        },
    ];
    for x in [&w.weighing, &w.best] {
        if !x.is_empty() {
            assessment.push(Block::Paragraph { text: x.clone() });
        }
    }
    for x in &w.stale {
        assessment.insert(0, Block::Paragraph { text: x.clone() });
    }
    let finding_rows = |list: &[FindingView]| -> Vec<Vec<String>> {
        list.iter()
            .map(|f| {
                vec![
                    f.factor.clone(),
                    f.severity.clone(),
                    f.explanation.clone(),
                    f.provision.clone(),
                ]
            })
            .collect()
    };
    let finding_headers = || {
        vec![
            tr.t("outsourcing-factor"),
            tr.t("outsourcing-weighs"),
            tr.t("outsourcing-reasoning"),
            tr.t("outsourcing-provision"),
        ]
    };
    let mut sub = vec![
        Section::new(
            tr.t("outsourcing-findings"),
            vec![crate::reports::table_or(
                tr,
                "outsourcing-no-findings",
                finding_headers(),
                finding_rows(&w.findings),
                vec![2, 2, 5, 2],
            )],
        ),
        Section::new(
            tr.t("outsourcing-transfer-heading"),
            std::iter::once(Block::Paragraph {
                text: w.transfer.clone(),
            })
            .chain((!w.transfers.is_empty()).then(|| Block::Table {
                headers: finding_headers(),
                rows: finding_rows(&w.transfers),
                widths: vec![2, 2, 5, 2],
                tones: vec![],
            }))
            .collect(),
        ),
    ];
    // The lists that are there, each as a subsection.
    let lists: [(&str, Vec<String>); 3] = [
        (
            "outsourcing-open",
            w.open
                .iter()
                .map(|o| format!("{} — {}", o.0, o.1))
                .collect(),
        ),
        (
            "outsourcing-conditions",
            w.conditions
                .iter()
                .map(|k| format!("{}. {} — {}", k.title, k.text, k.change))
                .collect(),
        ),
        (
            "outsourcing-residual-risks",
            w.risks.iter().map(|r| r.1.clone()).collect(),
        ),
    ];
    for (key, items) in lists {
        if !items.is_empty() {
            sub.push(Section::new(tr.t(key), vec![Block::List { items }]));
        }
    }
    let mut assessment_section = Section::new(tr.t("outsourcing-assessment"), assessment);
    assessment_section.sections = sub;
    let mut decision = Vec::new();
    if w.decisions.is_empty() {
        decision.push(crate::reports::none(tr, "outsourcing-undecided"));
    }
    for d in &w.decisions {
        let mut rows = vec![
            (tr.t("field-outcome"), d.outcome.clone()),
            (tr.t("report-decided-by"), format!("{}, {}", d.by, d.at)),
            (tr.t("report-motivation"), d.motivation.clone()),
        ];
        if !d.conditions.is_empty() {
            rows.push((tr.t("outsourcing-conditions"), d.conditions.join("; ")));
        }
        for x in [&d.due, &d.delegation] {
            if !x.is_empty() {
                rows.push((String::new(), x.clone()));
            }
        }
        rows.push((
            tr.t("outsourcing-decision-record"),
            format!(
                "{} · {} · SHA-256 {}",
                d.recommendation, d.rule_set, d.facts_sha256
            ),
        ));
        decision.push(Block::Facts { rows });
    }
    if !w.measures.is_empty() {
        decision.push(Block::Table {
            headers: vec![
                tr.t("field-title"),
                tr.t("field-measure-status"),
                tr.t("field-due-on"),
            ],
            rows: w
                .measures
                .iter()
                .map(|x| vec![x.1.clone(), x.2.clone(), x.3.clone()])
                .collect(),
            widths: vec![5, 2, 2],
            tones: vec![],
        });
    }
    let sections = vec![
        assessment_section,
        Section::new(tr.t("outsourcing-decision"), decision),
        Section::new(
            tr.t("outsourcing-facts"),
            vec![Block::Table {
                headers: vec![
                    tr.t("outsourcing-fact"),
                    tr.t("outsourcing-value"),
                    tr.t("outsourcing-source"),
                ],
                rows: w
                    .facts
                    .iter()
                    .map(|f| vec![f.0.clone(), f.1.clone(), f.2.clone()])
                    .collect(),
                widths: vec![4, 3, 3],
                tones: vec![],
            }],
        ),
    ];
    let doc = crate::reports::document(
        &m,
        tr.t("memo-heading"),
        Some(w.title.clone()),
        facts,
        sections,
    );
    crate::reports::pdf(
        &m.state,
        &format!("beslutsunderlag-{}", crate::reports::slug(&w.title)),
        doc,
    )
    .await
}
