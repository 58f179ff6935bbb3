//! Archiving: a register object taken out of the active work without being deleted. Its page,
//! history and audit trail stay; it leaves the lists (unless asked for), the follow-up, the heat
//! maps and the choices of other forms, and it can be restored. An information asset still
//! processed by a system that is not archived cannot be archived: the system would go on
//! inheriting its classification from an object nobody sees.

use serde::{Deserialize, Serialize};

/// The kinds of register object that can be archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Archivable {
    Asset,
    System,
    RiskAnalysis,
    Scenario,
    Measure,
}

impl Archivable {
    pub const ALL: [Archivable; 5] = [
        Archivable::Asset,
        Archivable::System,
        Archivable::RiskAnalysis,
        Archivable::Scenario,
        Archivable::Measure,
    ];

    /// The audit trail's prefix of its actions (`asset.archive`, `asset.restore`).
    pub fn action_prefix(self) -> &'static str {
        match self {
            Archivable::Asset => "asset",
            Archivable::System => "system",
            Archivable::RiskAnalysis => "risk_analysis",
            Archivable::Scenario => "risk_scenario",
            Archivable::Measure => "measure",
        }
    }

    /// The audit trail's object type.
    pub fn object_type(self) -> &'static str {
        match self {
            Archivable::Asset => "information_asset",
            Archivable::System => "system",
            Archivable::RiskAnalysis => "risk_analysis",
            Archivable::Scenario => "risk_scenario",
            Archivable::Measure => "measure",
        }
    }

    /// The audit action of archiving (`true`) or restoring (`false`).
    pub fn action(self, archive: bool) -> &'static str {
        match (self, archive) {
            (Archivable::Asset, true) => "asset.archive",
            (Archivable::Asset, false) => "asset.restore",
            (Archivable::System, true) => "system.archive",
            (Archivable::System, false) => "system.restore",
            (Archivable::RiskAnalysis, true) => "risk_analysis.archive",
            (Archivable::RiskAnalysis, false) => "risk_analysis.restore",
            (Archivable::Scenario, true) => "risk_scenario.archive",
            (Archivable::Scenario, false) => "risk_scenario.restore",
            (Archivable::Measure, true) => "measure.archive",
            (Archivable::Measure, false) => "measure.restore",
        }
    }
}

/// When and by whom an object was archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Archived {
    pub at: String,
    pub by: String,
}

/// Whether an information asset may be archived, given the systems not archived that process
/// it: only when there are none.
pub fn asset_may_be_archived(active_systems_processing: &[String]) -> bool {
    active_systems_processing.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_archive_action_is_in_the_audit_vocabulary() {
        for k in Archivable::ALL {
            for archive in [true, false] {
                let a = k.action(archive);
                assert!(crate::audit::ACTIONS.contains(&a), "{a}");
                assert!(a.starts_with(k.action_prefix()), "{a}");
            }
            assert!(crate::audit::OBJECT_TYPES.contains(&k.object_type()));
        }
    }

    #[test]
    fn an_asset_a_live_system_processes_stays() {
        assert!(asset_may_be_archived(&[]));
        assert!(!asset_may_be_archived(&["Journalsystemet".into()]));
    }
}
