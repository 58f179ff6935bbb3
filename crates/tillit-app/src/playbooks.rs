//! Incident checklists: the checklists with the organisation's contacts (set by its
//! administrator), a checklist started from an incident and its steps ticked off there — each
//! start and tick a change of the incident that its timeline shows.

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::incidents::org_context;
use crate::App;
use std::sync::OnceLock;
use tillit_domain::incident::OrgContext;
use tillit_domain::org::Side;
use tillit_domain::playbook::{
    ContactDraft, Playbook, Playbooks, StartDraft, Step, TickDraft, PLAYBOOKS_V1,
};
use tillit_domain::role::Permission;
use tillit_domain::{Rule, ValidationErrors};
pub use tillit_store::{DoneStep, IncidentContact};

/// The checklists in force, read once.
pub fn book() -> Result<&'static Playbooks> {
    static BOOK: OnceLock<std::result::Result<Playbooks, String>> = OnceLock::new();
    BOOK.get_or_init(|| Playbooks::parse(PLAYBOOKS_V1))
        .as_ref()
        .map_err(Error::internal)
}

/// The checklists as one organisation sees them: its duties decide which steps and national
/// functions concern it; its contacts fill in the roles.
#[derive(Debug, Clone)]
pub struct Checklists {
    pub book: &'static Playbooks,
    pub org: OrgContext,
    pub contacts: Vec<IncidentContact>,
}

impl Checklists {
    pub fn contact(&self, role: &str) -> Option<&IncidentContact> {
        self.contacts.iter().find(|c| c.contact.role == role)
    }

    /// The steps of a checklist that concern the organisation.
    pub fn steps<'a>(&'a self, p: &'a Playbook) -> Vec<&'a Step> {
        p.steps_for(&self.org).collect()
    }

    /// The national functions that concern the organisation.
    pub fn national(&self) -> Vec<&'static tillit_domain::playbook::National> {
        self.book
            .national
            .iter()
            .filter(|n| tillit_domain::playbook::concerns(&n.for_duties, &self.org))
            .collect()
    }
}

fn provider(who: &Acting) -> Result<()> {
    if who.org_kind().side() != Side::Provider {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The checklists and the organisation's contacts.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn checklists(app: &App, who: &Acting) -> Result<Checklists> {
    who.require(Permission::ViewRegisters)?;
    provider(who)?;
    let t = who.tenant();
    let (org, contacts) = tokio::try_join!(org_context(app, t), async {
        Ok(app.store.incident_contacts(t).await?)
    })?;
    Ok(Checklists {
        book: book()?,
        org,
        contacts,
    })
}

/// Sets or removes the contact of a role (the administrator's).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_contact(app: &App, who: &Acting, d: &ContactDraft) -> Result<Checklists> {
    who.require(Permission::ManageOrganisation)?;
    provider(who)?;
    let change = d.parse(book()?)?;
    app.store
        .set_incident_contact(who.tenant(), &who.actor(), who.display_name(), &change)
        .await?;
    checklists(app, who).await
}

/// A step of a started checklist and whether it is done.
#[derive(Debug, Clone)]
pub struct StepState {
    pub step: &'static Step,
    pub done: Option<DoneStep>,
}

/// A checklist started on an incident.
#[derive(Debug, Clone)]
pub struct Started {
    pub playbook: &'static Playbook,
    pub version: String,
    pub started_at: String,
    pub started_by_name: String,
    pub steps: Vec<StepState>,
}

impl Started {
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.done.is_some()).count()
    }
}

/// The checklists of one incident: those started, with their steps, and those to start (the
/// ones suggested by the incident's cause first).
#[derive(Debug, Clone)]
pub struct IncidentChecklists {
    pub incident_id: String,
    pub incident_title: String,
    pub lists: Checklists,
    pub started: Vec<Started>,
    /// Keys of the checklists not started, suggested ones first.
    pub to_start: Vec<&'static str>,
    /// Keys of the checklists the incident's cause suggests.
    pub suggested: Vec<&'static str>,
}

/// The checklists of an incident.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_incident(app: &App, who: &Acting, incident_id: &str) -> Result<IncidentChecklists> {
    who.require(Permission::ViewRegisters)?;
    provider(who)?;
    let t = who.tenant();
    let incident = app.store.incident(t, incident_id).await?;
    let (lists, started) = tokio::try_join!(checklists(app, who), async {
        Ok(app.store.incident_playbooks(t, incident_id).await?)
    })?;
    let book = lists.book;
    let started: Vec<Started> = started
        .into_iter()
        .filter_map(|s| {
            let playbook = book.playbook(&s.playbook)?;
            let steps = playbook
                .steps_for(&lists.org)
                .map(|step| StepState {
                    step,
                    done: s.done.iter().find(|d| d.step == step.key).cloned(),
                })
                .collect();
            Some(Started {
                playbook,
                version: s.version,
                started_at: s.started_at,
                started_by_name: s.started_by_name,
                steps,
            })
        })
        .collect();
    let suggested = book.suggested_for(incident.input.cause.as_deref());
    let mut to_start: Vec<&'static str> = book
        .playbooks
        .iter()
        .map(|p| p.key.as_str())
        .filter(|k| !started.iter().any(|s| s.playbook.key == *k))
        .collect();
    to_start.sort_by_key(|k| !suggested.contains(k));
    Ok(IncidentChecklists {
        incident_id: incident.id,
        incident_title: incident.input.title,
        lists,
        started,
        to_start,
        suggested,
    })
}

/// Starts a checklist on an incident (409 `already_exists` when it was started before).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(
    app: &App,
    who: &Acting,
    incident_id: &str,
    d: &StartDraft,
) -> Result<IncidentChecklists> {
    who.require(Permission::EditRegisters)?;
    provider(who)?;
    let book = book()?;
    app.store.incident_found(who.tenant(), incident_id).await?;
    let playbook = d.parse(book)?;
    let started = app
        .store
        .start_incident_playbook(
            who.tenant(),
            &who.actor(),
            who.display_name(),
            incident_id,
            &playbook.key,
            &book.version,
        )
        .await?;
    if !started {
        return Err(ValidationErrors::single("playbook", Rule::AlreadyExists).into());
    }
    of_incident(app, who, incident_id).await
}

/// Ticks a step off a started checklist, or takes the tick back. An unknown checklist is not
/// found; one not started on the incident answers 409 on `playbook`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn tick(
    app: &App,
    who: &Acting,
    incident_id: &str,
    playbook: &str,
    d: &TickDraft,
) -> Result<IncidentChecklists> {
    who.require(Permission::EditRegisters)?;
    provider(who)?;
    let t = who.tenant();
    let book = book()?;
    let p = book.playbook(playbook).ok_or(Error::NotFound)?;
    app.store.incident_found(t, incident_id).await?;
    let org = org_context(app, t).await?;
    let (step, done) = d.parse(book, p, &org)?;
    match app
        .store
        .tick_incident_playbook_step(
            t,
            &who.actor(),
            who.display_name(),
            incident_id,
            &p.key,
            &step.key,
            done,
        )
        .await
    {
        Ok(_) => {}
        Err(tillit_store::StoreError::NotFound) => {
            return Err(ValidationErrors::single("playbook", Rule::NotFound).into())
        }
        Err(e) => return Err(e.into()),
    }
    of_incident(app, who, incident_id).await
}
