//! The incident register and its reporting obligations: what must be reported to whom and by
//! when, computed by the domain's deadline engine from the incident's facts and the
//! organisation's, each with the report marked sent if it has been.

use crate::acting::Acting;
use crate::error::Result;
use crate::App;
use serde::Deserialize;
use tillit_domain::incident::{obligations, Kind, Obligation, OrgContext};
pub use tillit_domain::incident_case::ReportSentDraft;
use tillit_domain::incident_case::{parse_incident, parse_instant, IncidentDraft, STATUSES};
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::role::Permission;
use tillit_domain::{text, Rule, ValidationError, ValidationErrors};
use tillit_store::{Incident, SentReport, Tenant};

/// An obligation with its report, if marked sent.
#[derive(Debug, Clone)]
pub struct ObligationView {
    pub obligation: Obligation,
    pub sent: Option<SentReport>,
}

/// An incident with every obligation, as its page and the API show it.
#[derive(Debug, Clone)]
pub struct IncidentView {
    pub incident: Incident,
    pub obligations: Vec<ObligationView>,
}

impl IncidentView {
    /// The next report still to send: the earliest deadline of an obligation that applies (or
    /// may) and is not marked sent.
    pub fn next_due(&self) -> Option<&ObligationView> {
        self.obligations
            .iter()
            .filter(|o| {
                o.sent.is_none() && o.obligation.applies != tillit_domain::incident::Applies::No
            })
            .min_by_key(|o| {
                o.obligation
                    .due
                    .at()
                    .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
            })
    }
}

/// The filter of the incident list: a text, a status and a page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentListParams {
    #[serde(default)]
    pub q: String,
    /// open, contained or closed
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl IncidentListParams {
    pub fn parse(&self) -> Result<(Option<String>, Option<String>, PageRequest)> {
        let page = PageRequest::parse(self.page.as_deref(), self.per_page.as_deref())?;
        tillit_domain::paging::search_text(&self.q)?;
        let status = match self.status.as_str() {
            "" => None,
            s if STATUSES.contains(&s) => Some(s.to_string()),
            _ => return Err(ValidationErrors::single("status", Rule::UnknownValue).into()),
        };
        Ok((
            Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            status,
            page,
        ))
    }
}

/// What the organisation's facts say about an incident's obligations.
pub(crate) async fn org_context(app: &App, t: &Tenant) -> Result<OrgContext> {
    let facts = app.store.organisation(t).await?.facts;
    Ok(OrgContext {
        cybersecurity_act: facts.cybersecurity_act().0,
        health_care: facts.gives_health_care(),
        social_care: facts.gives_social_care(),
    })
}

/// The obligations of an incident as it is now, with the reports marked sent.
async fn view_of(app: &App, t: &Tenant, incident: Incident) -> Result<IncidentView> {
    let org = org_context(app, t).await?;
    view_with(app, t, &org, incident).await
}

async fn view_with(
    app: &App,
    t: &Tenant,
    org: &OrgContext,
    incident: Incident,
) -> Result<IncidentView> {
    let sent = app.store.sent_reports(t, &incident.id).await?;
    Ok(with_obligations(org, incident, sent))
}

/// Incidents with their obligations, the reports marked sent read for all of them at once.
async fn views_of(
    app: &App,
    t: &Tenant,
    org: &OrgContext,
    incidents: Vec<Incident>,
) -> Result<Vec<IncidentView>> {
    let ids: Vec<&str> = incidents.iter().map(|x| x.id.as_str()).collect();
    let mut sent = app.store.sent_reports_of(t, &ids).await?;
    Ok(incidents
        .into_iter()
        .map(|x| {
            let s = sent.remove(&x.id).unwrap_or_default();
            with_obligations(org, x, s)
        })
        .collect())
}

/// An incident with its obligations, given the reports marked sent.
fn with_obligations(org: &OrgContext, incident: Incident, sent: Vec<SentReport>) -> IncidentView {
    let notification_sent = sent
        .iter()
        .find(|s| s.kind == Kind::Nis2Notification.key())
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s.sent_at).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    let progress_sent = sent
        .iter()
        .any(|s| s.kind == Kind::Nis2ProgressReport.key());
    let facts = incident.input.facts(notification_sent, progress_sent);
    let obligations = obligations(&facts, org)
        .into_iter()
        .map(|o| ObligationView {
            sent: sent.iter().find(|s| s.kind == o.kind.key()).cloned(),
            obligation: o,
        })
        .collect();
    IncidentView {
        incident,
        obligations,
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_incidents(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<Incident>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .list_incidents(who.tenant(), q, status, page)
        .await?)
}

/// A page of incidents, each with its obligations (the organisation's facts read once).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_incident_views(
    app: &App,
    who: &Acting,
    q: Option<&str>,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<IncidentView>> {
    let list = list_incidents(app, who, q, status, page).await?;
    let org = org_context(app, who.tenant()).await?;
    let items = views_of(app, who.tenant(), &org, list.items).await?;
    Ok(Page {
        items,
        page: list.page,
        per_page: list.per_page,
        total: list.total,
    })
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn incident(app: &App, who: &Acting, id: &str) -> Result<IncidentView> {
    who.require(Permission::ViewRegisters)?;
    let x = app.store.incident(who.tenant(), id).await?;
    view_of(app, who.tenant(), x).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_incident(app: &App, who: &Acting, d: &IncidentDraft) -> Result<IncidentView> {
    who.require(Permission::EditRegisters)?;
    let input = parse_incident(d, chrono::Utc::now())?;
    let x = app
        .store
        .create_incident(who.tenant(), &who.actor(), &input)
        .await?;
    view_of(app, who.tenant(), x).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_incident(
    app: &App,
    who: &Acting,
    id: &str,
    d: &IncidentDraft,
) -> Result<IncidentView> {
    who.require(Permission::EditRegisters)?;
    let input = crate::valid_or_missing(
        parse_incident(d, chrono::Utc::now()),
        app.store.incident(who.tenant(), id),
    )
    .await?;
    let x = app
        .store
        .update_incident(who.tenant(), &who.actor(), id, &input)
        .await?;
    view_of(app, who.tenant(), x).await
}

/// Marks an obligation's report sent. Only an obligation that applies, or may apply, can be
/// marked; it cannot have been sent before the organisation became aware, nor in the future.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_report_sent(
    app: &App,
    who: &Acting,
    id: &str,
    d: &ReportSentDraft,
) -> Result<IncidentView> {
    who.require(Permission::EditRegisters)?;
    let view = incident(app, who, id).await?;
    let mut errs = ValidationErrors::new();
    let kind = match Kind::from_key(d.obligation.trim()) {
        None => {
            errs.push(ValidationError::new("obligation", Rule::UnknownValue));
            None
        }
        Some(k) => {
            let applies = view.obligations.iter().any(|o| {
                o.obligation.kind == k
                    && o.obligation.applies != tillit_domain::incident::Applies::No
            });
            if !applies {
                errs.push(ValidationError::new("obligation", Rule::RequiredByRecords));
            }
            Some(k)
        }
    };
    let now = chrono::Utc::now();
    let sent_at = match parse_instant("sent_at", &d.sent_at) {
        Ok(Some(t)) => Some(t),
        Ok(None) => Some(now),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    if let Some(t) = sent_at {
        if t > now + chrono::Duration::minutes(5) {
            errs.push(ValidationError::new("sent_at", Rule::InTheFuture));
        } else if t < view.incident.input.aware_at {
            errs.push(ValidationError::new("sent_at", Rule::EarlierThanRecorded));
        }
    }
    let reference = errs
        .check(text::optional("reference", &d.reference, 200))
        .flatten();
    errs.clone().into_result()?;
    let (Some(kind), Some(sent_at)) = (kind, sent_at) else {
        return Err(errs.into());
    };
    app.store
        .mark_report_sent(
            who.tenant(),
            &who.actor(),
            id,
            &tillit_store::NewSentReport {
                kind: kind.key(),
                sent_at: &sent_at,
                by_name: who.display_name(),
                reference: reference.as_deref(),
            },
        )
        .await?;
    incident(app, who, id).await
}

/// A report still to send: an obligation that applies (or may) and is not marked sent.
#[derive(Debug, Clone)]
pub struct DueReport {
    pub incident_id: String,
    pub incident_title: String,
    pub obligation: Obligation,
}

impl DueReport {
    /// Whether its deadline has passed at `now`.
    pub fn overdue(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.obligation.due.at().is_some_and(|t| t < now)
    }
}

/// The reports still to send, for the overview and the navigation: of the incidents not closed
/// and those closed in the last 60 days, each report that applies (or may) and is not marked
/// sent — those with an hour first, soonest (most overdue) first, then those due "snarast" or
/// without undue delay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reports_due(app: &App, who: &Acting) -> Result<Vec<DueReport>> {
    who.require(Permission::ViewRegisters)?;
    let t = who.tenant();
    let since = chrono::Utc::now() - chrono::Duration::days(60);
    let active = app.store.active_incidents(t, &since).await?;
    if active.is_empty() {
        return Ok(vec![]);
    }
    let org = org_context(app, t).await?;
    let mut out = Vec::new();
    for v in views_of(app, t, &org, active).await? {
        for o in v.obligations {
            if o.sent.is_none() && o.obligation.applies != tillit_domain::incident::Applies::No {
                out.push(DueReport {
                    incident_id: v.incident.id.clone(),
                    incident_title: v.incident.input.title.clone(),
                    obligation: o.obligation,
                });
            }
        }
    }
    out.sort_by_key(|d| {
        (
            d.obligation.due.at().is_none(),
            d.obligation.due.at(),
            d.obligation.kind,
        )
    });
    Ok(out)
}

/// Every incident of an organisation with its obligations (for the reminders and the gaps).
pub(crate) async fn all_views(app: &App, t: &Tenant) -> Result<Vec<IncidentView>> {
    let org = org_context(app, t).await?;
    let all = crate::all_pages(|page| app.store.list_incidents(t, None, None, page)).await?;
    views_of(app, t, &org, all).await
}

/// The incidents with a report whose deadline has passed without it being marked sent: the most
/// urgent gap of the follow-up, first. Each incident once, with its earliest missed deadline.
pub(crate) async fn overdue_gap(app: &App, t: &Tenant) -> Result<tillit_store::GapList> {
    let now = chrono::Utc::now();
    let mut items = Vec::new();
    for v in all_views(app, t).await? {
        let missed = v
            .obligations
            .iter()
            .filter(|o| {
                o.sent.is_none() && o.obligation.applies != tillit_domain::incident::Applies::No
            })
            .filter_map(|o| o.obligation.due.at())
            .filter(|at| *at < now)
            .min();
        if let Some(at) = missed {
            items.push(tillit_store::GapItem {
                label: v.incident.input.title.clone(),
                detail: tillit_domain::time::swedish_minute(at),
                href: format!("/incidents/{}", v.incident.id),
                new_measure: None,
            });
        }
    }
    Ok(tillit_store::GapList {
        kind: tillit_store::GapKind::OverdueIncidentReport,
        count: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items: items
            .into_iter()
            .take(usize::try_from(tillit_store::GAP_ITEMS_SHOWN).unwrap_or(5))
            .collect(),
    })
}

/// The closed incidents with no lesson recorded.
pub(crate) async fn without_lessons_gap(app: &App, t: &Tenant) -> Result<tillit_store::GapList> {
    let closed =
        crate::all_pages(|page| app.store.list_incidents(t, None, Some("closed"), page)).await?;
    let items: Vec<tillit_store::GapItem> = closed
        .into_iter()
        .filter(|x| x.input.lessons.is_none())
        .map(|x| tillit_store::GapItem {
            detail: tillit_domain::time::swedish_minute(x.input.aware_at),
            href: format!("/incidents/{}/edit", x.id),
            label: x.input.title,
            new_measure: None,
        })
        .collect();
    Ok(tillit_store::GapList {
        kind: tillit_store::GapKind::IncidentWithoutLessons,
        count: i64::try_from(items.len()).unwrap_or(i64::MAX),
        items: items
            .into_iter()
            .take(usize::try_from(tillit_store::GAP_ITEMS_SHOWN).unwrap_or(5))
            .collect(),
    })
}

/// Carries an incident's lesson into a risk analysis as a scenario: the lesson as the threat, the
/// incident's information assets (its own and its systems'), the aspects it touched, and a
/// likelihood and consequence to be judged there. A lesson already carried into the analysis is
/// not added twice: the scenario there is returned with `false`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lesson_to_scenario(
    app: &App,
    who: &Acting,
    id: &str,
    analysis_id: &tillit_domain::ids::AnalysisId,
) -> Result<(tillit_store::Scenario, bool)> {
    who.require(Permission::EditRegisters)?;
    let x = app.store.incident(who.tenant(), id).await?;
    let Some(lesson) = x.input.lessons.clone() else {
        return Err(ValidationErrors::single("lessons", Rule::RequiredByRecords).into());
    };
    let asset_ids =
        crate::risk::assets_with_systems(app, who, &x.input.asset_ids, &x.input.system_ids).await?;
    let d = tillit_domain::risk::ScenarioDraft {
        title: x.input.title.chars().take(200).collect(),
        threat_text: lesson.chars().take(1000).collect(),
        vulnerability: format!("Incident: {}", x.input.title)
            .chars()
            .take(1000)
            .collect(),
        aspects: x.input.aspects.clone(),
        asset_ids,
        inherent_likelihood: "2".into(),
        inherent_consequence: "2".into(),
        ..Default::default()
    };
    crate::risk::save_scenario_once(app, who, analysis_id, &d).await
}

/// A report's draft: the incident, the obligation, the draft saved (if any), and the
/// organisation's data protection officers (the contact point a notification names).
#[derive(Debug, Clone)]
pub struct ReportDraftView {
    pub incident: IncidentView,
    pub kind: Kind,
    pub saved: Option<tillit_store::SavedReportDraft>,
    pub dpos: Vec<tillit_store::Contact>,
}

/// The obligation a report draft is for: one the incident calls for (or may), else not found.
fn draft_kind(v: &IncidentView, key: &str) -> Result<Kind> {
    let kind = Kind::from_key(key).ok_or(crate::Error::NotFound)?;
    let applies = v.obligations.iter().any(|o| {
        o.obligation.kind == kind && o.obligation.applies != tillit_domain::incident::Applies::No
    });
    if applies {
        Ok(kind)
    } else {
        Err(crate::Error::NotFound)
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn report_draft(
    app: &App,
    who: &Acting,
    id: &str,
    kind: &str,
) -> Result<ReportDraftView> {
    let incident = incident(app, who, id).await?;
    let kind = draft_kind(&incident, kind)?;
    let saved = app.store.report_draft(who.tenant(), id, kind.key()).await?;
    let dpos = app
        .store
        .contacts_with_roles(who.tenant(), &["dpo"])
        .await?;
    Ok(ReportDraftView {
        incident,
        kind,
        saved,
        dpos,
    })
}

/// Saves a report's draft as edited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save_report_draft(
    app: &App,
    who: &Acting,
    id: &str,
    kind: &str,
    d: &tillit_domain::incident_report::ReportTextDraft,
) -> Result<ReportDraftView> {
    who.require(Permission::EditRegisters)?;
    let view = incident(app, who, id).await?;
    let k = draft_kind(&view, kind)?;
    let fields = tillit_domain::incident_report::parse_report_text(k, d)?;
    app.store
        .save_report_draft(
            who.tenant(),
            &who.actor(),
            id,
            k.key(),
            &fields,
            who.display_name(),
        )
        .await?;
    report_draft(app, who, id, kind).await
}

/// Makes the incident's lesson a measure in the action plan: the title given, the lesson and the
/// incident as its description, owned by the one who makes it, traced to the requirement of an
/// incident-handling routine (inc-1) and linked to the incident. A measure of the same title
/// already made from the incident is not made twice: it is returned with `false`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lesson_to_measure(
    app: &App,
    who: &Acting,
    id: &str,
    d: &tillit_domain::incident_case::LessonMeasureDraft,
) -> Result<(String, bool)> {
    who.require(Permission::EditRegisters)?;
    let x = app.store.incident(who.tenant(), id).await?;
    let english = who.auth.locale == "en";
    let description = x.input.lessons.as_ref().map(|lesson| {
        let from = if english {
            "Lesson of the incident"
        } else {
            "Lärdom av incidenten"
        };
        format!("{lesson}\n\n{from}: {}", x.input.title)
            .chars()
            .take(4000)
            .collect::<String>()
    });
    let draft = tillit_domain::measure::MeasureDraft {
        title: d.title.clone(),
        description: description.clone().unwrap_or_default(),
        owner_membership_id: who.membership().membership_id.clone(),
        due_on: d.due_on.clone(),
        status: "planned".into(),
        requirements: vec![format!("organisation/{INCIDENT_ROUTINE}")],
        ..Default::default()
    };
    let mut errs = ValidationErrors::new();
    if description.is_none() {
        errs.push(ValidationError::new("lessons", Rule::RequiredByRecords));
    }
    let input = match tillit_domain::measure::parse_measure(&draft) {
        Ok(m) => Some(m),
        Err(e) => {
            for x in e.0 {
                errs.push(x);
            }
            None
        }
    };
    if let Some(due) = input.as_ref().and_then(|m| m.due_on.as_deref()) {
        if due < crate::today().as_str() {
            errs.push(ValidationError::new("due_on", Rule::InThePast));
        }
    }
    errs.clone().into_result()?;
    let Some(input) = input else {
        return Err(errs.into());
    };
    if app.library(who).requirement(INCIDENT_ROUTINE).is_none() {
        return Err(ValidationErrors::single("requirements", Rule::NotFound).into());
    }
    Ok(app
        .store
        .lesson_to_measure(who.tenant(), &who.actor(), who.display_name(), id, &input)
        .await?)
}

/// The requirement a lesson's measure answers: a routine for handling incidents.
const INCIDENT_ROUTINE: &str = "inc-1";

/// The incidents whose lessons became the measure: (id, title).
pub async fn incidents_of_measure(
    app: &App,
    who: &Acting,
    measure_id: &str,
) -> Result<Vec<(String, String)>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .incidents_of_measure(who.tenant(), measure_id)
        .await?)
}

/// The measures the incident's lessons became.
pub async fn incident_measures(
    app: &App,
    who: &Acting,
    id: &str,
) -> Result<Vec<tillit_store::LinkedMeasure>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.incident_measures(who.tenant(), id).await?)
}

/// The incident statistics of the last `months` months (per month, cause and type).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn incident_statistics(
    app: &App,
    who: &Acting,
    months: u32,
) -> Result<tillit_domain::incident_stats::IncidentStats> {
    who.require(Permission::ViewRegisters)?;
    let t = who.tenant();
    let all = crate::all_pages(|page| app.store.list_incidents(t, None, None, page)).await?;
    let inputs: Vec<_> = all.into_iter().map(|x| x.input).collect();
    Ok(tillit_domain::incident_stats::statistics(
        &inputs,
        crate::today_date(),
        months,
    ))
}

/// Writes an entry in the incident's log.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_entry(
    app: &App,
    who: &Acting,
    id: &str,
    d: &tillit_domain::incident_case::IncidentEntryDraft,
) -> Result<()> {
    who.require(Permission::EditRegisters)?;
    app.store.incident(who.tenant(), id).await?;
    let mut errs = ValidationErrors::new();
    let now = chrono::Utc::now();
    let at = match parse_instant("at", &d.at) {
        Ok(Some(t)) => Some(t),
        Ok(None) => Some(now),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    if at.is_some_and(|t| t > now + chrono::Duration::minutes(5)) {
        errs.push(ValidationError::new("at", Rule::InTheFuture));
    }
    let text = errs.check(text::required("text", &d.text, 2000));
    errs.clone().into_result()?;
    let (Some(at), Some(text)) = (at, text) else {
        return Err(errs.into());
    };
    Ok(app
        .store
        .add_incident_entry(
            who.tenant(),
            &who.actor(),
            id,
            &at,
            who.display_name(),
            &text,
        )
        .await?)
}

/// One line of an incident's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineItem {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub what: Timeline,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Timeline {
    /// The times of the incident itself: started, discovered, aware (a key).
    Fact(&'static str),
    /// An entry written in the log.
    Entry(String),
    /// A change recorded in the audit trail (its action key), with the obligation of a report.
    Change {
        action: String,
        obligation: Option<String>,
    },
    /// A reminder e-mail sent (the obligation key, to whom).
    Reminder { obligation: String, to: String },
    /// A checklist started (no step) or a step of it ticked off or back (keys).
    Checklist {
        playbook: String,
        step: Option<String>,
        done: bool,
    },
}

/// The incident's timeline, oldest first: when it started, was discovered and became known, the
/// entries of its log, every change to it (from the audit trail) and the reminders sent.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn timeline(app: &App, who: &Acting, id: &str) -> Result<Vec<TimelineItem>> {
    who.require(Permission::ViewRegisters)?;
    let t = who.tenant();
    let x = app.store.incident(t, id).await?;
    let mut out = Vec::new();
    for (key, at) in [
        ("started", x.input.started_at),
        ("discovered", x.input.discovered_at),
        ("aware", Some(x.input.aware_at)),
    ] {
        if let Some(at) = at {
            out.push(TimelineItem {
                at,
                by: String::new(),
                what: Timeline::Fact(key),
            });
        }
    }
    let parse = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    for e in app.store.incident_entries(t, id).await? {
        if let Some(at) = parse(&e.at) {
            out.push(TimelineItem {
                at,
                by: e.by_name,
                what: Timeline::Entry(e.text),
            });
        }
    }
    let filter = tillit_store::AuditFilter {
        object_type: Some("incident".into()),
        object_id: Some(id.to_string()),
        ..Default::default()
    };
    let events = crate::all_pages(|page| app.store.list_audit_events(t, &filter, page)).await?;
    for e in events {
        if e.action == "incident.entry" {
            continue;
        }
        let Some(at) = parse(&e.occurred_at) else {
            continue;
        };
        if e.action == "incident.playbook_start" || e.action == "incident.playbook_step" {
            let field = |k: &str| e.after.as_ref().and_then(|a| a.get(k)).cloned();
            if let Some(playbook) = field("playbook").and_then(|v| v.as_str().map(str::to_string)) {
                out.push(TimelineItem {
                    at,
                    by: e.actor_label,
                    what: Timeline::Checklist {
                        playbook,
                        step: field("step").and_then(|v| v.as_str().map(str::to_string)),
                        done: field("done").and_then(|v| v.as_bool()).unwrap_or(true),
                    },
                });
            }
            continue;
        }
        let obligation = e
            .after
            .as_ref()
            .and_then(|a| a.get("kind"))
            .and_then(|k| k.as_str())
            .map(str::to_string);
        out.push(TimelineItem {
            at,
            by: e.actor_label,
            what: Timeline::Change {
                action: e.action,
                obligation,
            },
        });
    }
    for r in app.store.reminders_of_incident(t, id).await? {
        if let Some(at) = r.sent_at.as_deref().and_then(parse) {
            out.push(TimelineItem {
                at,
                by: "Tillit".into(),
                what: Timeline::Reminder {
                    obligation: r.obligation,
                    to: r.recipient,
                },
            });
        }
    }
    out.sort_by_key(|i| i.at);
    Ok(out)
}

/// Attaches a link (http or https) to the incident, as evidence is attached to an assessment.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn attach_link(
    app: &App,
    who: &Acting,
    id: &str,
    url: &str,
) -> Result<tillit_store::Attachment> {
    who.require(Permission::EditRegisters)?;
    app.store.incident(who.tenant(), id).await?;
    let url =
        tillit_domain::assessment::parse_evidence_link(url).map_err(ValidationErrors::from)?;
    Ok(app
        .store
        .add_incident_attachment(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            id,
            tillit_store::NewEvidence::Link(&url),
        )
        .await?)
}

/// Attaches a file to the incident (its type checked from its content, its SHA-256 kept).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn attach_file(
    app: &App,
    who: &Acting,
    id: &str,
    file_name: &str,
    content: &[u8],
) -> Result<tillit_store::Attachment> {
    who.require(Permission::EditRegisters)?;
    app.store.incident(who.tenant(), id).await?;
    let media_type = tillit_domain::assessment::check_evidence_file(file_name, content)
        .map_err(ValidationErrors::from)?;
    Ok(app
        .store
        .add_incident_attachment(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            id,
            tillit_store::NewEvidence::File {
                name: file_name.trim(),
                media_type,
                content,
            },
        )
        .await?)
}

/// The incident's attachments.
pub async fn attachments(
    app: &App,
    who: &Acting,
    id: &str,
) -> Result<Vec<tillit_store::Attachment>> {
    who.require(Permission::ViewRegisters)?;
    Ok(app.store.incident_attachments(who.tenant(), id).await?)
}

/// An attachment's file.
pub async fn attachment_file(
    app: &App,
    who: &Acting,
    attachment_id: &str,
) -> Result<(tillit_store::Attachment, Vec<u8>)> {
    who.require(Permission::ViewRegisters)?;
    Ok(app
        .store
        .incident_attachment_file(who.tenant(), attachment_id)
        .await?)
}
