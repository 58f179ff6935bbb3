//! Supervision cases: the authority opens a case about a provider in its registry, sends
//! requests, receives answers (text, files and signed extracts of the provider's registers),
//! issues decisions, follows up an order's required actions, shares the case with a
//! co-supervising authority and closes it; handling times and their statistics; published
//! guidance. The rules are `tillit_domain::supervision` and `tillit_domain::handling_time`; who
//! sees a case is decided by the store from the acting organisation.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::tabular::Table;
use crate::App;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use tillit_domain::handling_time::{self, CaseTimes, Span, TypeStatistics};
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::supervision::{
    self as rules, AnswerDraft, AnswerInput, CaseDraft, CaseInput, CaseState, CaseType, CloseDraft,
    DecisionDraft, DecisionInput, Finding, GuidanceDraft, GuidanceInput, NoteDraft, Outcome,
    ReportDraft, RequestDraft, RequestInput, RequiredAction, ShareDraft, Step, TargetsDraft,
    Verdict, VerifyDraft,
};
use tillit_domain::{Rule, ValidationError, ValidationErrors};
pub use tillit_store::{
    AnswerFile, CaseAccess, CaseAction, CaseAnswer, CaseEvent, CaseRequest, CaseRow, CaseShare,
    Guidance,
};
use tillit_store::{
    CaseActor, CaseFilter, CaseScope, NewAnswer, NewCase, NewEvidence, NewGuidance,
};

/// A stored instant. The store writes `YYYY-MM-DDTHH:MM:SS.mmmZ`, read here by position (the
/// statistics read tens of thousands); anything else goes through RFC 3339.
fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() == 24 && b[4] == b'-' && b[10] == b'T' && b[19] == b'.' && b[23] == b'Z' {
        let n = |r: std::ops::Range<usize>| -> Option<u32> { s.get(r)?.parse().ok() };
        let day = NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)?;
        let at = day.and_hms_milli_opt(n(11..13)?, n(14..16)?, n(17..19)?, n(20..23)?)?;
        return Some(at.and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn state_of(c: &CaseRow) -> CaseState {
    CaseState::from_key(&c.state).unwrap_or(CaseState::Open)
}

fn type_of(c: &CaseRow) -> CaseType {
    CaseType::from_key(&c.case_type).unwrap_or(CaseType::Planned)
}

fn by<'a>(who: &'a Acting, actor: &'a tillit_store::Actor) -> CaseActor<'a> {
    CaseActor {
        actor,
        name: who.display_name(),
    }
}

fn times_of(c: &CaseRow) -> CaseTimes {
    CaseTimes {
        case_type: type_of(c),
        opened: parse_instant(&c.opened_at).unwrap_or_else(Utc::now),
        decided: c.decided_at.as_deref().and_then(parse_instant),
        closed: c.closed_at.as_deref().and_then(parse_instant),
        waited_seconds: c.waited_seconds,
        waiting_since: c.waiting_since.as_deref().and_then(parse_instant),
        waited_before_decision: c.waited_before_decision,
    }
}

/// Opens a case about a provider in the authority's registry; returns its id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_case(app: &App, who: &Acting, d: &CaseDraft) -> Result<String> {
    who.require(Permission::HandleCases)?;
    let x = CaseInput::try_from(d)?;
    let entry = app
        .store
        .registry_entry_by_number(who.tenant(), &x.org_number)
        .await?
        .ok_or_else(|| ValidationErrors::single("org_number", Rule::NotFound))?;
    let members = crate::members::all_members(app, who).await?;
    let officer = match &x.officer_id {
        None => (who.user_id().to_string(), who.display_name().to_string()),
        Some(id) => members
            .iter()
            .find(|m| &m.user_id == id && m.role.permits(Permission::HandleCases))
            .map(|m| (m.user_id.clone(), m.display_name.clone()))
            .ok_or_else(|| ValidationErrors::single("officer_id", Rule::NotFound))?,
    };
    let mut team = Vec::new();
    for id in &x.team_ids {
        let m = members
            .iter()
            .find(|m| &m.user_id == id)
            .ok_or_else(|| ValidationErrors::single("team_ids", Rule::NotFound))?;
        if m.user_id != officer.0 {
            team.push((m.user_id.clone(), m.display_name.clone()));
        }
    }
    let number = tillit_domain::org::OrgNumber::parse("org_number", &x.org_number)?;
    let provider = app
        .store
        .organisation_by_number(&number)
        .await?
        .filter(|o| o.kind.side() == tillit_domain::org::Side::Provider)
        .map(|o| o.id);
    let actor = who.actor();
    Ok(app
        .store
        .open_supervision_case(
            who.tenant(),
            &by(who, &actor),
            &NewCase {
                input: &x,
                org_name: &entry.name,
                provider_org_id: provider.as_deref(),
                officer: (&officer.0, &officer.1),
                team: &team,
                generated: false,
                opened_at: None,
            },
        )
        .await?)
}

/// The filters of a case list, as a query string gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CaseListParams {
    /// `own` (default) or `shared`.
    #[serde(default)]
    pub scope: String,
    /// `open` (not closed), `decided`, `closed`, or empty: all.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub case_type: String,
    #[serde(default)]
    pub org_number: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl CaseListParams {
    pub fn parse(&self) -> Result<(CaseFilter, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        let mut errs = ValidationErrors::new();
        let mut f = CaseFilter::default();
        match self.scope.trim() {
            "" | "own" => f.scope = CaseScope::Own,
            "shared" => f.scope = CaseScope::Shared,
            _ => errs.push(ValidationError::new("scope", Rule::UnknownValue)),
        }
        match self.state.trim() {
            "" => {}
            "open" => f.not_closed = true,
            s if CaseState::from_key(s).is_some() => f.state = Some(s.to_string()),
            _ => errs.push(ValidationError::new("state", Rule::UnknownValue)),
        }
        match self.case_type.trim() {
            "" => {}
            k if CaseType::from_key(k).is_some() => f.case_type = Some(k.to_string()),
            _ => errs.push(ValidationError::new("case_type", Rule::UnknownValue)),
        }
        // A number as the registry writes it (NNNNNN-NNNN); any other text simply matches none.
        let n = self.org_number.trim();
        if n.chars().count() > 40 {
            errs.push(ValidationError::new(
                "org_number",
                Rule::TooLong { max: 40 },
            ));
        } else if !n.is_empty() {
            f.org_number = Some(
                tillit_domain::org::OrgNumber::parse("org_number", n)
                    .map(|o| o.to_string())
                    .unwrap_or_else(|_| n.to_string()),
            );
        }
        if self.q.chars().count() > 200 {
            errs.push(ValidationError::new("q", Rule::TooLong { max: 200 }));
        }
        f.q = Some(self.q.trim().to_string()).filter(|s| !s.is_empty());
        errs.into_result()?;
        Ok((f, page))
    }
}

/// A page of the authority's cases (its own or those shared with it).
pub async fn cases(app: &App, who: &Acting, p: &CaseListParams) -> Result<Page<CaseRow>> {
    who.require(Permission::ViewSupervision)?;
    let (f, page) = p.parse()?;
    Ok(app.store.supervision_cases(who.tenant(), &f, page).await?)
}

/// The cases concerning the acting provider, newest first.
pub async fn provider_cases(app: &App, who: &Acting) -> Result<Vec<CaseRow>> {
    who.require(Permission::ViewRegisters)?;
    let f = CaseFilter {
        scope: CaseScope::Provider,
        ..CaseFilter::default()
    };
    crate::all_pages(|page| app.store.supervision_cases(who.tenant(), &f, page)).await
}

/// How many requests the provider has yet to answer, over all its open cases, for the overview,
/// the menu and the status report.
pub async fn provider_open_items(app: &App, who: &Acting) -> Result<usize> {
    if !who.may(Permission::ViewRegisters) {
        return Ok(0);
    }
    let f = CaseFilter {
        scope: CaseScope::Provider,
        not_closed: true,
        ..CaseFilter::default()
    };
    let open = crate::all_pages(|page| app.store.supervision_cases(who.tenant(), &f, page)).await?;
    Ok(open.iter().map(|c| c.open_requests as usize).sum())
}

/// A decision as shown: the stored row with its document read.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    pub id: String,
    pub issued_at: String,
    pub decided_on: String,
    pub decided_by_name: String,
    pub outcome: Outcome,
    pub summary: String,
    pub findings: Vec<Finding>,
    pub actions: Vec<RequiredAction>,
    pub fine_sek: Option<i64>,
    pub penalty_sek: Option<i64>,
    pub legal_ground: Option<String>,
    pub referral_to: Option<String>,
    pub corrects_id: Option<String>,
    /// Corrected by a later decision.
    pub corrected: bool,
}

fn decision_view(
    d: &tillit_store::CaseDecision,
    all: &[tillit_store::CaseDecision],
) -> DecisionView {
    let doc: Value = serde_json::from_str(&d.document).unwrap_or(Value::Null);
    let get = |k: &str| doc.get(k).cloned().unwrap_or(Value::Null);
    DecisionView {
        id: d.id.clone(),
        issued_at: d.issued_at.clone(),
        decided_on: d.decided_on.clone(),
        decided_by_name: d.decided_by_name.clone(),
        outcome: Outcome::from_key(&d.outcome).unwrap_or(Outcome::NoRemark),
        summary: d.summary.clone(),
        findings: serde_json::from_value(get("findings")).unwrap_or_default(),
        actions: serde_json::from_value(get("actions")).unwrap_or_default(),
        fine_sek: get("fine_sek").as_i64(),
        penalty_sek: get("penalty_sek").as_i64(),
        legal_ground: get("legal_ground").as_str().map(str::to_string),
        referral_to: get("referral_to").as_str().map(str::to_string),
        corrects_id: d.corrects_id.clone(),
        corrected: all.iter().any(|x| x.corrects_id.as_deref() == Some(&d.id)),
    }
}

/// A request with its answer, if any, and the answer's files.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub request: CaseRequest,
    pub documents: Vec<String>,
    pub answer: Option<CaseAnswer>,
    pub files: Vec<AnswerFile>,
    /// The extract's objects as read from it: (kind, id, name).
    pub extract_objects: Vec<(String, String, String)>,
    /// Whether the extract's signature holds and is the provider's key (none: no extract).
    pub extract_valid: Option<bool>,
    pub overdue: bool,
}

/// One stretch between two milestones and its days (with the waiting in it apart when known).
#[derive(Debug, Clone, Serialize)]
pub struct Stretch {
    pub from_key: &'static str,
    pub to_key: &'static str,
    pub days: Option<f64>,
}

/// Everything shown of one case, as the acting organisation may see it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub access: CaseAccess,
    pub case: CaseRow,
    pub case_type: CaseType,
    pub state: CaseState,
    pub team: Vec<(String, String)>,
    pub events: Vec<CaseEvent>,
    pub requests: Vec<RequestView>,
    pub decisions: Vec<DecisionView>,
    /// The required actions in force (of decisions not corrected).
    pub actions: Vec<CaseAction>,
    pub superseded_actions: Vec<CaseAction>,
    pub shares: Vec<CaseShare>,
    /// Milestones: opened, first request, all answers received, decision, closed.
    pub milestones: Vec<(&'static str, Option<String>)>,
    pub stretches: Vec<Stretch>,
    pub span: Span,
    pub target_days: Option<u32>,
    pub over_target: bool,
    pub over_six_months: bool,
    /// A complaint case open for more than three months (GDPR art. 78(2) gives the complainant a
    /// remedy then).
    pub complaint_over_three_months: bool,
    pub accepted_actions: usize,
    /// What the acting person may do now.
    pub may: CaseMay,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseMay {
    pub request: bool,
    pub decide: bool,
    pub correct: bool,
    pub verify: bool,
    pub close: bool,
    pub close_needs_motivation: bool,
    pub note: bool,
    pub share: bool,
    pub answer: bool,
    pub report: bool,
}

fn days_between(a: Option<&str>, b: Option<&str>) -> Option<f64> {
    let (a, b) = (parse_instant(a?)?, parse_instant(b?)?);
    Some(((b - a).num_seconds() as f64 / 86_400.0).max(0.0))
}

fn extract_objects(envelope: &str) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_str(envelope).unwrap_or(Value::Null);
    let mut out = Vec::new();
    if let Some(objects) = v
        .get("submission")
        .and_then(|s| s.get("objects"))
        .and_then(Value::as_object)
    {
        for (kind, list) in objects {
            for o in list.as_array().into_iter().flatten() {
                let id = o
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let name = ["name", "title"]
                    .iter()
                    .find_map(|k| o.get(k).and_then(Value::as_str))
                    .or_else(|| {
                        o.get("input")
                            .and_then(|i| i.get("name").or_else(|| i.get("title")))
                            .and_then(Value::as_str)
                    })
                    .unwrap_or("")
                    .to_string();
                out.push((kind.clone(), id, name));
            }
        }
    }
    out
}

/// One case as the acting organisation may see it: all of it for its authority, read-only for a
/// sharing partner (each such read audited in the owner's trail), and the part addressed to it
/// for the provider.
pub async fn case(app: &App, who: &Acting, id: &str) -> Result<CaseView> {
    let (access, c) = app.store.supervision_case(who.tenant(), id).await?;
    match access {
        CaseAccess::Owner | CaseAccess::Partner => who.require(Permission::ViewSupervision)?,
        CaseAccess::Provider => who.require(Permission::ViewRegisters)?,
    }
    if access == CaseAccess::Partner {
        app.store
            .record_case_read(&who.actor(), &c, &who.membership().org_name)
            .await?;
    }
    let provider = access == CaseAccess::Provider;
    let events = app.store.case_events(id, provider).await?;
    let answers = app.store.case_answers(id).await?;
    let files = app.store.case_answer_files(id).await?;
    let today = tillit_domain::time::today();
    let keys = if answers.iter().any(|a| a.extract.is_some()) {
        app.store.public_keys_of_number(&c.org_number).await?
    } else {
        vec![]
    };
    let requests = app
        .store
        .case_requests(id)
        .await?
        .into_iter()
        .map(|r| {
            let answer = answers.iter().find(|a| a.request_id == r.id).cloned();
            let files = answer
                .as_ref()
                .map(|a| {
                    files
                        .iter()
                        .filter(|f| f.answer_id == a.id)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let extract_objects = answer
                .as_ref()
                .and_then(|a| a.extract.as_deref())
                .map(extract_objects)
                .unwrap_or_default();
            let extract_valid = answer.as_ref().and_then(|a| a.extract.as_deref()).map(|e| {
                tillit_domain::submission::verify(e, None)
                    .is_ok_and(|v| keys.iter().any(|(k, _)| *k == v.public_key))
            });
            let overdue = r.answered_at.is_none()
                && NaiveDate::parse_from_str(&r.deadline, "%Y-%m-%d").is_ok_and(|d| d < today);
            RequestView {
                documents: r.document_list(),
                request: r,
                answer,
                files,
                extract_objects,
                extract_valid,
                overdue,
            }
        })
        .collect();
    let stored = app.store.case_decisions(id).await?;
    let decisions: Vec<DecisionView> = stored.iter().map(|d| decision_view(d, &stored)).collect();
    let (actions, superseded_actions): (Vec<CaseAction>, Vec<CaseAction>) = app
        .store
        .case_actions(id)
        .await?
        .into_iter()
        .partition(|a| a.superseded == 0);
    let shares = if provider {
        vec![]
    } else {
        app.store.case_shares(id).await?
    };
    let team = if provider {
        vec![]
    } else {
        app.store.case_team(id).await?
    };
    let state = state_of(&c);
    let case_type = type_of(&c);
    let targets = if access == CaseAccess::Owner {
        app.store.case_targets(who.tenant()).await?
    } else {
        vec![]
    };
    let target_days = targets
        .iter()
        .find(|(k, _)| k == case_type.key())
        .and_then(|(_, d)| u32::try_from(*d).ok());
    let times = times_of(&c);
    let now = Utc::now();
    let span = match times.closed {
        Some(_) => times.to_close().unwrap_or(times.open_span(now)),
        None => times.open_span(now),
    };
    let over_target = c.decided_at.is_none()
        && c.closed_at.is_none()
        && target_days.is_some_and(|t| span.authority_days() > f64::from(t));
    let over_six_months =
        c.closed_at.is_none() && handling_time::age(times.opened, &[], now, None).over_six_months;
    let complaint_over_three_months = case_type == CaseType::Complaint
        && c.closed_at.is_none()
        && times
            .opened
            .checked_add_months(chrono::Months::new(3))
            .is_some_and(|three| now >= three);
    let milestones = vec![
        ("opened", Some(c.opened_at.clone())),
        ("first_request", c.first_request_at.clone()),
        ("answers_complete", c.answers_complete_at.clone()),
        ("decided", c.decided_at.clone()),
        ("closed", c.closed_at.clone()),
    ];
    let stretches = vec![
        Stretch {
            from_key: "opened",
            to_key: "first_request",
            days: days_between(Some(&c.opened_at), c.first_request_at.as_deref()),
        },
        Stretch {
            from_key: "first_request",
            to_key: "answers_complete",
            days: days_between(
                c.first_request_at.as_deref(),
                c.answers_complete_at.as_deref(),
            ),
        },
        Stretch {
            from_key: "answers_complete",
            to_key: "decided",
            days: days_between(c.answers_complete_at.as_deref(), c.decided_at.as_deref()),
        },
        Stretch {
            from_key: "decided",
            to_key: "closed",
            days: days_between(c.decided_at.as_deref(), c.closed_at.as_deref()),
        },
    ];
    let owner = access == CaseAccess::Owner;
    let handles = who.may(Permission::HandleCases);
    let verdicts: Vec<Verdict> = actions.iter().map(CaseAction::verdict).collect();
    let may = CaseMay {
        request: owner && handles && rules::may(state, Step::SendRequest),
        decide: owner && handles && rules::may(state, Step::Decide),
        correct: owner && handles && rules::may(state, Step::Correct),
        verify: owner && handles && rules::may(state, Step::VerifyAction),
        close: owner && handles && rules::may(state, Step::Close),
        close_needs_motivation: rules::close_needs_motivation(!decisions.is_empty(), &verdicts),
        note: !provider && handles,
        share: owner && handles && rules::may(state, Step::Share),
        answer: provider
            && who.may(Permission::AnswerSupervision)
            && rules::may(state, Step::Answer),
        report: provider
            && who.may(Permission::AnswerSupervision)
            && rules::may(state, Step::ReportAction),
    };
    Ok(CaseView {
        access,
        case_type,
        state,
        team,
        events,
        requests,
        decisions,
        accepted_actions: verdicts.iter().filter(|v| **v == Verdict::Accepted).count(),
        actions,
        superseded_actions,
        shares,
        milestones,
        stretches,
        span,
        target_days,
        over_target,
        over_six_months,
        complaint_over_three_months,
        may,
        case: c,
    })
}

async fn owned(app: &App, who: &Acting, id: &str) -> Result<CaseRow> {
    who.require(Permission::HandleCases)?;
    match app.store.supervision_case(who.tenant(), id).await? {
        (CaseAccess::Owner, c) => Ok(c),
        // A partner or the provider may see the case but not act as its authority.
        (CaseAccess::Partner, _) | (CaseAccess::Provider, _) => Err(Error::Forbidden),
    }
}

async fn addressed(app: &App, who: &Acting, id: &str) -> Result<CaseRow> {
    who.require(Permission::AnswerSupervision)?;
    match app.store.supervision_case(who.tenant(), id).await? {
        (CaseAccess::Provider, c) => Ok(c),
        _ => Err(Error::Forbidden),
    }
}

/// Sends a request to the provider.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn send_request(app: &App, who: &Acting, id: &str, d: &RequestDraft) -> Result<String> {
    let c = owned(app, who, id).await?;
    let x = RequestInput::parse(d, tillit_domain::time::today())?;
    rules::check(state_of(&c), Step::SendRequest, "questions").map_err(ValidationErrors::from)?;
    let actor = who.actor();
    Ok(app
        .store
        .send_case_request(who.tenant(), &by(who, &actor), id, &x)
        .await?)
}

/// A file the provider attaches to an answer: its name and bytes.
pub struct AnswerUpload {
    pub file_name: String,
    pub content: Vec<u8>,
}

/// The provider answers a request: text, files, and a signed extract of exactly the objects of
/// its registers it chose.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn answer(
    app: &App,
    who: &Acting,
    case_id: &str,
    request_id: &str,
    d: &AnswerDraft,
    uploads: &[AnswerUpload],
) -> Result<String> {
    let c = addressed(app, who, case_id).await?;
    let x = AnswerInput::try_from(d)?;
    rules::check(state_of(&c), Step::Answer, "text").map_err(ValidationErrors::from)?;
    let mut errs = ValidationErrors::new();
    let mut checked = Vec::new();
    for u in uploads {
        match tillit_domain::assessment::check_evidence_file(&u.file_name, &u.content) {
            Ok(media_type) => {
                checked.push((u.file_name.trim().to_string(), media_type, &u.content))
            }
            Err(e) => errs.push(ValidationError::new("files", e.rule)),
        }
    }
    errs.into_result()?;
    let (extract, sha, objects) = if x.object_count() == 0 {
        (None, None, 0)
    } else {
        let content = extract_content(app, who, &c, request_id, &x).await?;
        let (key_id, key) = crate::signing::active_key(app, who.tenant()).await?;
        let envelope =
            tillit_domain::submission::sign(content, &key, &key_id).map_err(Error::internal)?;
        let text = serde_json::to_string(&envelope).map_err(Error::internal)?;
        (Some(text), Some(envelope.sha256), x.object_count() as i64)
    };
    let files: Vec<NewEvidence> = checked
        .iter()
        .map(|(name, media_type, content)| NewEvidence::File {
            name,
            media_type,
            content,
        })
        .collect();
    let actor = who.actor();
    Ok(app
        .store
        .answer_case_request(
            who.tenant(),
            &by(who, &actor),
            case_id,
            request_id,
            &NewAnswer {
                text: &x.text,
                extract: extract.as_deref(),
                extract_sha256: sha.as_deref(),
                extract_objects: objects,
                files: &files,
            },
        )
        .await?)
}

/// The content of a register extract: the objects chosen, each as the registers hold it.
async fn extract_content(
    app: &App,
    who: &Acting,
    c: &CaseRow,
    request_id: &str,
    x: &AnswerInput,
) -> Result<Value> {
    let t = who.tenant();
    let missing =
        |field: &'static str| move |_| Error::from(ValidationErrors::single(field, Rule::NotFound));
    let mut assets = Vec::new();
    for id in &x.asset_ids {
        let a = app
            .store
            .asset(t, &id.clone().into())
            .await
            .map_err(missing("asset_ids"))?;
        assets.push(serde_json::to_value(a).map_err(Error::internal)?);
    }
    let mut systems = Vec::new();
    for id in &x.system_ids {
        let s = app
            .store
            .system(t, &id.clone().into())
            .await
            .map_err(missing("system_ids"))?;
        systems.push(serde_json::to_value(s).map_err(Error::internal)?);
    }
    let mut measures = Vec::new();
    for id in &x.measure_ids {
        let m = app
            .store
            .measure(t, &id.clone().into())
            .await
            .map_err(missing("measure_ids"))?;
        measures.push(serde_json::to_value(m).map_err(Error::internal)?);
    }
    let mut analyses = Vec::new();
    for id in &x.analysis_ids {
        let a = app
            .store
            .risk_analysis(t, &id.clone().into())
            .await
            .map_err(missing("analysis_ids"))?;
        analyses.push(serde_json::to_value(a).map_err(Error::internal)?);
    }
    let org = app.store.organisation(t).await?;
    Ok(json!({
        "kind": "register_extract",
        "version": 1,
        "organisation": {"name": org.name, "org_number": org.org_number},
        "case": {"reference": c.reference, "authority": c.authority_name, "request_id": request_id},
        "made_at": tillit_store::now_timestamp(),
        "made_by": who.display_name(),
        "objects": {"assets": assets, "systems": systems, "measures": measures, "risk_analyses": analyses},
    }))
}

/// An answer's extract (the signed envelope), verified against the provider's key in this
/// Tillit.
pub async fn answer_extract(
    app: &App,
    who: &Acting,
    case_id: &str,
    answer_id: &str,
) -> Result<(CaseAnswer, String, std::result::Result<(), String>)> {
    let v = case(app, who, case_id).await?;
    let a = v
        .requests
        .into_iter()
        .filter_map(|r| r.answer)
        .find(|a| a.id == answer_id)
        .ok_or(Error::NotFound)?;
    let envelope = a.extract.clone().ok_or(Error::NotFound)?;
    let keys = match &v.case.provider_org_id {
        Some(_) => app.store.public_keys_of_number(&v.case.org_number).await?,
        None => vec![],
    };
    let check = tillit_domain::submission::verify(&envelope, None)
        .map_err(|e| e.to_string())
        .and_then(|verified| {
            if keys.iter().any(|(k, _)| *k == verified.public_key) {
                Ok(())
            } else {
                Err("the signing key is not the provider's".to_string())
            }
        });
    Ok((a, envelope, check))
}

/// A file of an answer.
pub async fn answer_file(
    app: &App,
    who: &Acting,
    case_id: &str,
    file_id: &str,
) -> Result<(AnswerFile, Vec<u8>)> {
    // Seeing the case is the permission to read its files.
    case(app, who, case_id).await?;
    Ok(app.store.case_answer_file(case_id, file_id).await?)
}

/// Issues a decision, or a correction of the one in force (`corrects`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn decide(app: &App, who: &Acting, id: &str, d: &DecisionDraft) -> Result<String> {
    let c = owned(app, who, id).await?;
    let library = app.library(who);
    // A finding whose provision is left empty takes its requirement's provisions from the catalog.
    let mut d = d.clone();
    for f in d.findings.iter_mut() {
        if let (true, Some(req)) = (
            f.provision.trim().is_empty(),
            library.requirement(f.requirement_id.trim()),
        ) {
            f.provision = req.provisions.join(", ");
        }
    }
    let d = &d;
    let x = DecisionInput::parse(d, tillit_domain::time::today(), |r| {
        library.requirement(r).is_some()
    })?;
    let state = state_of(&c);
    match &x.corrects {
        None => rules::check(state, Step::Decide, "outcome").map_err(ValidationErrors::from)?,
        Some(old) => {
            rules::check(state, Step::Correct, "corrects").map_err(ValidationErrors::from)?;
            let stored = app.store.case_decisions(id).await?;
            let in_force = stored
                .iter()
                .find(|d| {
                    !stored
                        .iter()
                        .any(|x| x.corrects_id.as_deref() == Some(&d.id))
                })
                .map(|d| d.id.as_str());
            if in_force != Some(old.as_str()) {
                return Err(ValidationErrors::single("corrects", Rule::NotFound).into());
            }
        }
    }
    let actor = who.actor();
    Ok(app
        .store
        .issue_case_decision(who.tenant(), &by(who, &actor), who.user_id(), id, &x)
        .await?)
}

/// The provider reports what it did about a required action.
pub async fn report_action(
    app: &App,
    who: &Acting,
    case_id: &str,
    action_id: &str,
    d: &ReportDraft,
) -> Result<()> {
    let c = addressed(app, who, case_id).await?;
    let report = d.parse()?;
    rules::check(state_of(&c), Step::ReportAction, "report").map_err(ValidationErrors::from)?;
    let actor = who.actor();
    Ok(app
        .store
        .report_case_action(who.tenant(), &by(who, &actor), case_id, action_id, &report)
        .await?)
}

/// The case officer verifies a reported action.
pub async fn verify_action(
    app: &App,
    who: &Acting,
    case_id: &str,
    action_id: &str,
    d: &VerifyDraft,
) -> Result<()> {
    let c = owned(app, who, case_id).await?;
    let action = app
        .store
        .case_actions(case_id)
        .await?
        .into_iter()
        .find(|a| a.id == action_id && a.superseded == 0)
        .ok_or(Error::NotFound)?;
    let (verdict, reason) = d.parse(action.reported_at.is_some())?;
    rules::check(state_of(&c), Step::VerifyAction, "verdict").map_err(ValidationErrors::from)?;
    let actor = who.actor();
    Ok(app
        .store
        .verify_case_action(
            who.tenant(),
            &by(who, &actor),
            case_id,
            action_id,
            verdict,
            reason.as_deref(),
        )
        .await?)
}

/// Closes the case: without a motivation only when a decision is in force and every required
/// action of it is accepted.
pub async fn close(app: &App, who: &Acting, id: &str, d: &CloseDraft) -> Result<()> {
    let c = owned(app, who, id).await?;
    rules::check(state_of(&c), Step::Close, "motivation").map_err(ValidationErrors::from)?;
    let verdicts: Vec<Verdict> = app
        .store
        .case_actions(id)
        .await?
        .iter()
        .filter(|a| a.superseded == 0)
        .map(CaseAction::verdict)
        .collect();
    let motivation = d.parse(rules::close_needs_motivation(
        c.decided_at.is_some(),
        &verdicts,
    ))?;
    let actor = who.actor();
    Ok(app
        .store
        .close_supervision_case(who.tenant(), &by(who, &actor), id, motivation.as_deref())
        .await?)
}

/// A note by the authority or a sharing partner.
pub async fn note(app: &App, who: &Acting, id: &str, d: &NoteDraft) -> Result<()> {
    who.require(Permission::HandleCases)?;
    let text = d.parse()?;
    let actor = who.actor();
    Ok(app
        .store
        .add_case_note(who.tenant(), &by(who, &actor), id, &text)
        .await?)
}

/// The other authorities a case can be shared with: (id, name).
pub async fn share_partners(app: &App, who: &Acting) -> Result<Vec<(String, String)>> {
    who.require(Permission::ViewSupervision)?;
    Ok(app
        .store
        .authorities()
        .await?
        .into_iter()
        .filter(|(id, _)| id != who.org_id())
        .collect())
}

pub async fn share(app: &App, who: &Acting, id: &str, d: &ShareDraft) -> Result<()> {
    let c = owned(app, who, id).await?;
    rules::check(state_of(&c), Step::Share, "authority_id").map_err(ValidationErrors::from)?;
    let partner = tillit_domain::text::required("authority_id", &d.authority_id, 100)
        .map_err(ValidationErrors::from)?;
    let actor = who.actor();
    Ok(app
        .store
        .share_case(who.tenant(), &by(who, &actor), id, &partner)
        .await?)
}

pub async fn revoke_share(app: &App, who: &Acting, id: &str, partner_id: &str) -> Result<()> {
    owned(app, who, id).await?;
    let actor = who.actor();
    Ok(app
        .store
        .revoke_case_share(who.tenant(), &by(who, &actor), id, partner_id)
        .await?)
}

/// The authority's targets: days to a decision per case type.
pub async fn targets(app: &App, who: &Acting) -> Result<Vec<(CaseType, Option<u32>)>> {
    who.require(Permission::ViewSupervision)?;
    let stored = app.store.case_targets(who.tenant()).await?;
    Ok(CaseType::ALL
        .into_iter()
        .map(|t| {
            (
                t,
                stored
                    .iter()
                    .find(|(k, _)| k == t.key())
                    .and_then(|(_, d)| u32::try_from(*d).ok()),
            )
        })
        .collect())
}

pub async fn set_targets(app: &App, who: &Acting, d: &TargetsDraft) -> Result<()> {
    who.require(Permission::LeadSupervision)?;
    let list: Vec<(String, Option<i64>)> = d
        .parse()?
        .into_iter()
        .map(|(t, d)| (t.key().to_string(), d.map(i64::from)))
        .collect();
    Ok(app
        .store
        .set_case_targets(who.tenant(), &who.actor(), &list)
        .await?)
}

/// The period statistics cover, as a query string gives it: a year, and optionally a quarter.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StatsParams {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub quarter: String,
}

impl StatsParams {
    /// `[from, to)` and the year and quarter read.
    pub fn parse(&self, today: NaiveDate) -> Result<Period> {
        let mut errs = ValidationErrors::new();
        let year = match self.year.trim() {
            "" => Some(today.year()),
            y => errs.check(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
                    .ok_or_else(|| {
                        ValidationError::new(
                            "year",
                            Rule::OutOfRange {
                                min: 2000,
                                max: 2100,
                            },
                        )
                    }),
            ),
        };
        let quarter = match self.quarter.trim() {
            "" => Some(None),
            q => errs.check(
                q.parse::<u32>()
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .map(Some)
                    .ok_or_else(|| {
                        ValidationError::new("quarter", Rule::OutOfRange { min: 1, max: 4 })
                    }),
            ),
        };
        errs.into_result()?;
        let (year, quarter) = (year.unwrap_or(2026), quarter.flatten());
        let (m0, m1) = match quarter {
            None => (1, 13),
            Some(q) => (3 * q - 2, 3 * q + 1),
        };
        let at = |y: i32, m: u32| {
            let (y, m) = if m > 12 { (y + 1, m - 12) } else { (y, m) };
            let d = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(today);
            tillit_domain::time::stockholm_midnight(d)
        };
        Ok((at(year, m0), at(year, m1), year, quarter))
    }
}

/// A period of statistics: `[from, to)`, its year and quarter.
pub type Period = (DateTime<Utc>, DateTime<Utc>, i32, Option<u32>);

/// A case as the statistics list it: its times and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct CaseTimeRow {
    pub id: String,
    pub reference: String,
    pub org_name: String,
    pub org_number: String,
    pub title: String,
    pub officer_name: String,
    pub case_type: CaseType,
    pub state: CaseState,
    pub opened_at: String,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
    pub total_days: f64,
    pub waiting_days: f64,
    pub authority_days: f64,
    pub over_target: bool,
    pub over_six_months: bool,
}

/// The handling-time statistics of a period.
#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub year: i32,
    pub quarter: Option<u32>,
    pub from: String,
    pub to: String,
    /// Per case type, then all together.
    pub rows: Vec<TypeStatistics>,
    /// Open cases over the target or older than six months, oldest first: the first
    /// [`ATTENTION_SHOWN`] of them.
    pub attention: Vec<CaseTimeRow>,
    /// How many open cases are over the target or older than six months in all.
    pub attention_total: usize,
}

/// How many of the cases to look at the statistics list (the export lists every case).
pub const ATTENTION_SHOWN: usize = 100;

/// One case's handling-time row: its span and where it stands against the target and the six
/// months.
fn time_row(
    r: tillit_store::CaseTimesRow,
    targets: &[(CaseType, u32)],
    now: DateTime<Utc>,
) -> CaseTimeRow {
    let t = CaseTimes {
        case_type: CaseType::from_key(&r.case_type).unwrap_or(CaseType::Planned),
        opened: parse_instant(&r.opened_at).unwrap_or(now),
        decided: r.decided_at.as_deref().and_then(parse_instant),
        closed: r.closed_at.as_deref().and_then(parse_instant),
        waited_seconds: r.waited_seconds,
        waiting_since: r.waiting_since.as_deref().and_then(parse_instant),
        waited_before_decision: r.waited_before_decision,
    };
    let span = t.to_close().unwrap_or_else(|| t.open_span(now));
    let open = t.closed.is_none();
    CaseTimeRow {
        id: r.id,
        reference: r.reference,
        org_name: r.org_name,
        org_number: r.org_number,
        title: r.title,
        officer_name: r.officer_name,
        case_type: t.case_type,
        state: CaseState::from_key(&r.state).unwrap_or(CaseState::Open),
        opened_at: r.opened_at,
        decided_at: r.decided_at,
        closed_at: r.closed_at,
        total_days: span.total_days,
        waiting_days: span.waiting_days,
        authority_days: span.authority_days(),
        over_target: open && t.decided.is_none() && over(&t, &span, targets),
        over_six_months: open && handling_time::age(t.opened, &[], now, None).over_six_months,
    }
}

fn over(t: &CaseTimes, span: &Span, targets: &[(CaseType, u32)]) -> bool {
    targets
        .iter()
        .find(|(k, _)| *k == t.case_type)
        .is_some_and(|(_, d)| span.authority_days() > f64::from(*d))
}

/// One case's facts as [`tillit_store::Store::case_time_facts`] packs them: its id and times.
fn unpack(line: &str, now: DateTime<Utc>) -> Option<(&str, CaseTimes)> {
    let mut f = line.split('|');
    let id = f.next()?;
    let case_type = CaseType::from_key(f.next()?)?;
    let opened = parse_instant(f.next()?).unwrap_or(now);
    let mut at = || f.next().filter(|s| !s.is_empty()).map(str::to_string);
    let decided = at().as_deref().and_then(parse_instant);
    let closed = at().as_deref().and_then(parse_instant);
    let waited_seconds = at().and_then(|s| s.parse().ok()).unwrap_or(0);
    let waiting_since = at().as_deref().and_then(parse_instant);
    let waited_before_decision = at().and_then(|s| s.parse().ok());
    Some((
        id,
        CaseTimes {
            case_type,
            opened,
            decided,
            closed,
            waited_seconds,
            waiting_since,
            waited_before_decision,
        },
    ))
}

async fn active_targets(app: &App, who: &Acting) -> Result<Vec<(CaseType, u32)>> {
    Ok(targets(app, who)
        .await?
        .into_iter()
        .filter_map(|(t, d)| d.map(|d| (t, d)))
        .collect())
}

/// The handling-time statistics of a period: per case type and in all, and the open cases over
/// the target or older than six months (the oldest hundred). The cases themselves are listed by
/// [`statistics_cases`].
pub async fn statistics(app: &App, who: &Acting, p: &StatsParams) -> Result<StatsView> {
    who.require(Permission::ViewSupervision)?;
    let (from, to, year, quarter) = p.parse(tillit_domain::time::today())?;
    let facts = app
        .store
        .case_time_facts(
            who.tenant(),
            &tillit_store::format_timestamp(from),
            &tillit_store::format_timestamp(to),
        )
        .await?;
    let targets = active_targets(app, who).await?;
    let now = Utc::now();
    let six_months_ago = now.checked_sub_months(chrono::Months::new(6));
    let mut times = Vec::with_capacity(facts.len());
    let mut attention: Vec<(DateTime<Utc>, &str)> = Vec::new();
    for line in &facts {
        let Some((id, t)) = unpack(line, now) else {
            continue;
        };
        if t.closed.is_none() {
            let old = six_months_ago.is_some_and(|six| t.opened <= six);
            if old || (t.decided.is_none() && over(&t, &t.open_span(now), &targets)) {
                attention.push((t.opened, id));
            }
        }
        times.push(t);
    }
    let rows = handling_time::statistics(&times, from, to, now, &targets);
    attention.sort();
    let attention_total = attention.len();
    attention.truncate(ATTENTION_SHOWN);
    let ids: Vec<String> = attention.iter().map(|(_, id)| id.to_string()).collect();
    let mut attention: Vec<CaseTimeRow> = app
        .store
        .case_times_of(who.tenant(), &ids)
        .await?
        .into_iter()
        .map(|r| time_row(r, &targets, now))
        .collect();
    attention.sort_by(|a, b| a.opened_at.cmp(&b.opened_at));
    Ok(StatsView {
        year,
        quarter,
        from: tillit_store::format_timestamp(from),
        to: tillit_store::format_timestamp(to),
        rows,
        attention,
        attention_total,
    })
}

/// Every case that counts in the period (opened, decided or closed in it) and every open case,
/// oldest first, with the period's year: what the export lists.
pub async fn statistics_cases(
    app: &App,
    who: &Acting,
    p: &StatsParams,
) -> Result<(i32, Vec<CaseTimeRow>)> {
    who.require(Permission::ViewSupervision)?;
    let (from, to, year, _) = p.parse(tillit_domain::time::today())?;
    let targets = active_targets(app, who).await?;
    let now = Utc::now();
    let mut cases: Vec<CaseTimeRow> = app
        .store
        .case_times(
            who.tenant(),
            &tillit_store::format_timestamp(from),
            &tillit_store::format_timestamp(to),
        )
        .await?
        .into_iter()
        .map(|r| time_row(r, &targets, now))
        .collect();
    cases.sort_by(|a, b| a.opened_at.cmp(&b.opened_at));
    Ok((year, cases))
}

/// A number of days with one decimal, with the decimal comma in Swedish.
fn one_decimal(x: f64, lang: &str) -> String {
    let s = format!("{x:.1}");
    if lang == "en" {
        s
    } else {
        s.replace('.', ",")
    }
}

/// The cases of the statistics as a table (CSV/XLSX), with Swedish or English headers.
pub fn statistics_table(cases: &[CaseTimeRow], lang: &str) -> Table {
    let headers: &[&str] = if lang == "en" {
        &[
            "reference",
            "organisation",
            "org_number",
            "title",
            "case_officer",
            "case_type",
            "state",
            "opened",
            "decided",
            "closed",
            "days",
            "days_waiting",
            "days_with_authority",
            "over_target",
            "over_six_months",
        ]
    } else {
        &[
            "diarienummer",
            "organisation",
            "organisationsnummer",
            "rubrik",
            "handläggare",
            "ärendetyp",
            "status",
            "öppnat",
            "beslut",
            "avslutat",
            "dagar",
            "dagar_väntan",
            "dagar_hos_myndigheten",
            "över_mål",
            "äldre_än_sex_månader",
        ]
    };
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(tillit_domain::time::day_of)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let yes = |b: bool| {
        match (b, lang == "en") {
            (true, true) => "yes",
            (false, true) => "no",
            (true, false) => "ja",
            (false, false) => "nej",
        }
        .to_string()
    };
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: cases
            .iter()
            .map(|c| {
                vec![
                    c.reference.clone(),
                    c.org_name.clone(),
                    c.org_number.clone(),
                    c.title.clone(),
                    c.officer_name.clone(),
                    c.case_type.key().to_string(),
                    c.state.key().to_string(),
                    day(&Some(c.opened_at.clone())),
                    day(&c.decided_at),
                    day(&c.closed_at),
                    one_decimal(c.total_days, lang),
                    one_decimal(c.waiting_days, lang),
                    one_decimal(c.authority_days, lang),
                    yes(c.over_target),
                    yes(c.over_six_months),
                ]
            })
            .collect(),
    }
}

/// For the registry: per organisation number, the other authorities with an open case on it.
pub async fn open_cases_elsewhere(
    app: &App,
    who: &Acting,
    org_numbers: &[String],
) -> Result<Vec<(String, String, i64)>> {
    who.require(Permission::ViewSupervision)?;
    Ok(app
        .store
        .open_cases_elsewhere(who.tenant(), org_numbers)
        .await?)
}

/// The authority's own and shared cases on one provider, side by side.
pub async fn cases_on(
    app: &App,
    who: &Acting,
    org_number: &str,
) -> Result<(Vec<CaseRow>, Vec<CaseRow>)> {
    who.require(Permission::ViewSupervision)?;
    let mut own = CaseFilter {
        org_number: Some(org_number.to_string()),
        ..CaseFilter::default()
    };
    let a = crate::all_pages(|page| app.store.supervision_cases(who.tenant(), &own, page)).await?;
    own.scope = CaseScope::Shared;
    let b = crate::all_pages(|page| app.store.supervision_cases(who.tenant(), &own, page)).await?;
    Ok((a, b))
}

/// The measure's origin in a supervision decision, for the measure page: (case id, reference,
/// authority, action).
pub async fn action_of_measure(
    app: &App,
    who: &Acting,
    measure_id: &str,
) -> Result<Option<(String, String, String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .case_action_of_measure(who.tenant(), measure_id)
        .await?)
}

/// Publishes a guidance document (a new version when its key is taken).
/// Publishes a guidance document's next version; with a catalog (and a profile that selects
/// from it) the version also publishes a requirement catalog providers can adopt.
pub async fn publish_guidance(
    app: &App,
    who: &Acting,
    d: &GuidanceDraft,
    catalog: Option<(crate::oscal::Upload, Option<crate::oscal::Upload>)>,
) -> Result<Guidance> {
    who.require(Permission::LeadSupervision)?;
    let x = GuidanceInput::try_from(d)?;
    let prepared = match catalog {
        Some((c, p)) => Some(crate::oscal::prepared(app, c, p).await?),
        None => None,
    };
    let library = prepared.as_ref().map(|p| p.as_new());
    Ok(app
        .store
        .publish_guidance(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            &NewGuidance {
                doc_key: &x.doc_key,
                title: &x.title,
                summary: &x.summary,
                body: &x.body,
                topics: &x.topics.join(";"),
                org_kinds: &x.org_kinds.join(";"),
                library: library.as_ref(),
            },
        )
        .await?)
}

/// Whether a document concerns an organisation of this kind (no kinds named: every kind).
pub fn concerns(g: &Guidance, kind: tillit_domain::org::OrgKind) -> bool {
    g.org_kinds.is_empty() || g.org_kinds.split(';').any(|k| k == kind.key())
}

/// The guidance an organisation sees: an authority its own documents; a provider every
/// authority's documents that concern its kind. Latest versions, newest first.
pub async fn guidance(app: &App, who: &Acting) -> Result<Vec<Guidance>> {
    who.require(Permission::ViewOverview)?;
    if who.org_kind().side() == tillit_domain::org::Side::Authority {
        return Ok(app.store.guidance_latest(Some(who.org_id())).await?);
    }
    Ok(app
        .store
        .guidance_latest(None)
        .await?
        .into_iter()
        .filter(|g| concerns(g, who.org_kind()))
        .collect())
}

/// One guidance document's version, every version of it, and what changed from the one before.
#[derive(Debug, Clone, Serialize)]
pub struct GuidanceView {
    pub doc: Guidance,
    pub versions: Vec<Guidance>,
    pub changes: Option<Vec<tillit_domain::diff::Piece>>,
    /// The requirement catalog this version publishes, if any, with what changed and what it
    /// touches for the reader.
    pub catalog: Option<crate::oscal::PublishedCatalogView>,
}

pub async fn guidance_doc(app: &App, who: &Acting, id: &str) -> Result<GuidanceView> {
    who.require(Permission::ViewOverview)?;
    let doc = app.store.guidance_by_id(id).await?;
    // Guidance is published for everyone; a provider's own list shows what concerns it, but a
    // link to any published document opens.
    let versions = app
        .store
        .guidance_versions(&doc.authority_org_id, &doc.doc_key)
        .await?;
    let changes = versions
        .iter()
        .find(|v| v.version == doc.version - 1)
        .map(|prev| tillit_domain::diff::words(&prev.body, &doc.body));
    let catalog = crate::oscal::published_catalog(app, who, &doc, &versions).await?;
    Ok(GuidanceView {
        doc,
        versions,
        changes,
        catalog,
    })
}

/// The start of a day in Swedish time, as UTC (for periods).
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    tillit_domain::time::stockholm_midnight(d)
}
