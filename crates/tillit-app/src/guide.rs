//! The guided start: where a new organisation stands on the eight steps to its first complete
//! round, and members' marks on steps the records cannot show (or that they skip).

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::App;
use serde::Serialize;
use tillit_domain::guide::{state_of, Facts, State, Step, StepDraft};
use tillit_domain::org::Side;
use tillit_domain::role::Permission;

/// A step as the guide shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub step: Step,
    pub state: State,
    /// Who marked it and when, for a marked step.
    pub marked_by: Option<String>,
    pub marked_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    pub steps: Vec<StepView>,
    pub done: usize,
    pub total: usize,
    /// The first step not done or skipped.
    pub next: Option<Step>,
    pub facts: Facts,
}

/// Where the acting organisation stands (care providers only).
pub async fn guide(app: &App, who: &Acting) -> Result<Guide> {
    who.require(Permission::ViewRegisters)?;
    if who.org_kind().side() != Side::Provider {
        return Err(Error::NotFound);
    }
    let t = who.tenant();
    let (facts, marks) = tokio::try_join!(app.store.guide_facts(t), app.store.guide_marks(t))?;
    let steps: Vec<StepView> = Step::ALL
        .into_iter()
        .map(|step| {
            let m = marks.get(&step);
            let state = state_of(step, &facts, m.map(|m| m.mark));
            let marked = matches!(state, State::MarkedDone | State::Skipped);
            StepView {
                step,
                state,
                marked_by: m.filter(|_| marked).map(|m| m.by_name.clone()),
                marked_at: m.filter(|_| marked).map(|m| m.at.clone()),
            }
        })
        .collect();
    let done = steps.iter().filter(|s| s.state.finished()).count();
    let next = steps.iter().find(|s| !s.state.finished()).map(|s| s.step);
    Ok(Guide {
        total: steps.len(),
        steps,
        done,
        next,
        facts,
    })
}

/// Marks a step done or skipped, or takes the mark back.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark(app: &App, who: &Acting, d: &StepDraft) -> Result<Guide> {
    who.require(Permission::EditRegisters)?;
    if who.org_kind().side() != Side::Provider {
        return Err(Error::NotFound);
    }
    let (step, mark) = d.parse()?;
    app.store
        .set_guide_mark(who.tenant(), &who.actor(), who.display_name(), step, mark)
        .await?;
    guide(app, who).await
}
