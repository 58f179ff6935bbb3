//! The read models that pages, the API and exports show. Where the store's row already has the
//! shape a reader needs, it is the view; the store is never reached except through this crate.

pub use tillit_store::{
    AccessAnalysis, ApiToken, Assessment, AssessmentStatus, Asset, AssetQuery, AssetSort,
    AuditEvent, AuditFilter, CellCount, ClassificationRecord, ControlAssessment, Decision,
    Evidence, GapItem, GapKind, GapList, KeyFigures, LibraryControl, Linkable, Measure,
    MeasureOrder, MeasureQuery, Member, MemberQuery, Organisation, OscalLibrary, OutsourcingCase,
    RankRow, Received, RegistryEntry, Reviewed, RiskAnalysis, RoleCount, Scenario, SigningKeyRow,
    Submission, Supplier, System, SystemQuery, SystemSort, User, UserMembership, GAP_ITEMS_SHOWN,
    ORGANISATION_SCOPE,
};

/// The time as stored and shown: UTC, RFC 3339, millisecond precision.
pub fn format_timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    tillit_store::format_timestamp(t)
}
