//! Roles and what each may do. This is the one place that says which role has which permission;
//! the web layer asks here and nowhere else.

use crate::error::{Rule, ValidationError};
use crate::org::{OrgKind, Side};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    // Care-provider roles.
    Admin,
    Coordinator,
    Owner,
    SystemOwner,
    Dpo,
    Reader,
    // Authority roles.
    AuthorityAdmin,
    CaseOfficer,
    SupervisionLead,
    Analyst,
}

/// Something a member may be allowed to do within their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the organisation's overview page.
    ViewOverview,
    /// See the member list of the organisation.
    ViewMembers,
    /// Add, change and remove members.
    ManageMembers,
    /// Read the organisation's audit trail.
    ViewAuditLog,
    /// See the information-security registers (assets, systems, …) of a care provider.
    ViewRegisters,
    /// Add and change the registers (information assets, systems).
    EditRegisters,
    /// Classify information assets and set systems' levels (information owners and those who run the work).
    Classify,
    /// Self-assess requirements and attach evidence.
    Assess,
    /// Set the organisation's risk matrix and tolerance.
    ManageRiskMatrix,
    /// Keep the facts the law turns on (legal form, care, size, controllers).
    ManageOrganisation,
    /// Move the organisation to a new version of the requirement catalog.
    UpgradeCatalog,
    /// Decide an outsourcing case (an information owner: the role the administrator grants).
    DecideOutsourcing,
    /// Sign and submit a status report to the supervising authorities (a care provider's
    /// administrator or information-security coordinator).
    Submit,
    /// See the authority's registry, ranking and ranking model (every authority role).
    ViewSupervision,
    /// Read the submissions providers sent to the authority (each read is audited).
    ReadSubmissions,
    /// Import the registry of the organisations in the authority's remit.
    ManageRegistry,
    /// Import a submission file a provider sent from another Tillit.
    ImportSubmissions,
    /// Publish a new version of the ranking model (the supervision lead).
    EditRankingModel,
    /// Open and handle supervision cases: requests, decisions, verification, sharing, closing.
    HandleCases,
    /// Set the authority's handling-time targets and publish guidance (the supervision lead).
    LeadSupervision,
    /// Answer the supervision requests addressed to a provider and report on a decision's
    /// required actions.
    AnswerSupervision,
}

/// What an API token may be used for. A request needs both the role and the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];
    pub fn key(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
    pub fn parse(field: &str, value: &str) -> Result<Scope, ValidationError> {
        Scope::ALL
            .into_iter()
            .find(|s| s.key() == value.trim())
            .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
    }
    /// Parses a space-separated scope list; at least one, no unknown ones; sorted, without repeats.
    pub fn parse_list(field: &str, values: &[String]) -> Result<Vec<Scope>, ValidationError> {
        let mut out = Vec::new();
        for v in values.iter().flat_map(|v| v.split_whitespace()) {
            out.push(Scope::parse(field, v)?);
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        Ok(out)
    }
}

impl Permission {
    /// The token scope a request needs for this permission.
    pub fn scope(self) -> Scope {
        match self {
            Permission::ViewOverview
            | Permission::ViewMembers
            | Permission::ViewRegisters
            | Permission::ViewSupervision
            | Permission::ReadSubmissions => Scope::Read,
            Permission::EditRegisters
            | Permission::Classify
            | Permission::Assess
            | Permission::DecideOutsourcing
            | Permission::Submit
            | Permission::ManageRegistry
            | Permission::ImportSubmissions
            | Permission::EditRankingModel
            | Permission::HandleCases
            | Permission::LeadSupervision
            | Permission::AnswerSupervision => Scope::Write,
            Permission::ManageMembers
            | Permission::ViewAuditLog
            | Permission::ManageRiskMatrix
            | Permission::ManageOrganisation
            | Permission::UpgradeCatalog => Scope::Admin,
        }
    }
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Admin,
        Role::Coordinator,
        Role::Owner,
        Role::SystemOwner,
        Role::Dpo,
        Role::Reader,
        Role::AuthorityAdmin,
        Role::CaseOfficer,
        Role::SupervisionLead,
        Role::Analyst,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Owner => "owner",
            Role::SystemOwner => "system_owner",
            Role::Dpo => "dpo",
            Role::Reader => "reader",
            Role::AuthorityAdmin => "authority_admin",
            Role::CaseOfficer => "case_officer",
            Role::SupervisionLead => "supervision_lead",
            Role::Analyst => "analyst",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn parse(field: &str, value: &str) -> Result<Role, ValidationError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(ValidationError::new(field, Rule::Required));
        }
        Role::from_key(v).ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
    }

    /// Parses a role and checks it exists for the organisation's kind.
    pub fn parse_for(field: &str, value: &str, kind: OrgKind) -> Result<Role, ValidationError> {
        let role = Role::parse(field, value)?;
        if role.side() != kind.side() {
            return Err(ValidationError::new(
                field,
                Rule::NotAllowedForOrganisationKind,
            ));
        }
        Ok(role)
    }

    pub fn side(self) -> Side {
        match self {
            Role::AuthorityAdmin | Role::CaseOfficer | Role::SupervisionLead | Role::Analyst => {
                Side::Authority
            }
            _ => Side::Provider,
        }
    }

    /// The roles an organisation of this kind can give.
    pub fn for_kind(kind: OrgKind) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| r.side() == kind.side())
            .collect()
    }

    /// Administrators manage members and settings of their organisation.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::AuthorityAdmin)
    }

    /// The permission table of product.md section 2, for the capabilities built so far.
    pub fn permits(self, p: Permission) -> bool {
        match p {
            Permission::ViewOverview => true,
            Permission::ViewMembers => matches!(
                self,
                Role::Admin
                    | Role::Coordinator
                    | Role::Dpo
                    | Role::AuthorityAdmin
                    | Role::SupervisionLead
            ),
            Permission::ManageMembers | Permission::ViewAuditLog => self.is_admin(),
            // A care provider's own working data; authorities see only what is submitted to them.
            Permission::ViewRegisters => self.side() == Side::Provider,
            Permission::EditRegisters | Permission::Assess => matches!(
                self,
                Role::Admin | Role::Coordinator | Role::Owner | Role::SystemOwner
            ),
            Permission::ManageRiskMatrix | Permission::UpgradeCatalog => {
                matches!(self, Role::Admin | Role::Coordinator)
            }
            // A provider's facts: an authority's organisation has none of these duties.
            Permission::ManageOrganisation => self == Role::Admin,
            Permission::Classify => {
                matches!(self, Role::Admin | Role::Coordinator | Role::Owner)
            }
            Permission::DecideOutsourcing => self == Role::Owner,
            Permission::Submit => matches!(self, Role::Admin | Role::Coordinator),
            Permission::ViewSupervision => self.side() == Side::Authority,
            Permission::ReadSubmissions => matches!(
                self,
                Role::CaseOfficer | Role::SupervisionLead | Role::Analyst
            ),
            Permission::ManageRegistry => {
                matches!(self, Role::AuthorityAdmin | Role::SupervisionLead)
            }
            Permission::ImportSubmissions => {
                matches!(self, Role::CaseOfficer | Role::SupervisionLead)
            }
            Permission::EditRankingModel | Permission::LeadSupervision => {
                self == Role::SupervisionLead
            }
            Permission::HandleCases => matches!(self, Role::CaseOfficer | Role::SupervisionLead),
            Permission::AnswerSupervision => matches!(self, Role::Admin | Role::Coordinator),
        }
    }
}

/// An organisation must keep at least one administrator: removing or demoting the last one would
/// leave nobody able to manage members.
/// A delegated right to decide outsourcing cases, as an administrator grants it: the delegation it
/// rests on (e.g. the point of the board's delegation order); empty withdraws the right.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DelegationBody))]
#[serde(deny_unknown_fields)]
pub struct DelegationDraft {
    #[serde(default, deserialize_with = "crate::draft::text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outsourcing_delegation: String,
}

impl DelegationDraft {
    /// The delegation, or `None` to withdraw the right.
    pub fn parse(&self) -> Result<Option<String>, ValidationError> {
        crate::text::optional("outsourcing_delegation", &self.outsourcing_delegation, 300)
    }
}

pub fn check_keeps_an_admin(
    current: Role,
    new: Option<Role>,
    admins_in_org: usize,
) -> Result<(), ValidationError> {
    let loses_admin = current.is_admin() && !new.map(Role::is_admin).unwrap_or(false);
    if loses_admin && admins_in_org <= 1 {
        return Err(ValidationError::new("role", Rule::LastAdministrator));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_manage_members_and_read_the_audit_trail() {
        for r in Role::ALL {
            assert_eq!(r.permits(Permission::ManageMembers), r.is_admin(), "{r:?}");
            assert_eq!(r.permits(Permission::ViewAuditLog), r.is_admin(), "{r:?}");
            assert!(r.permits(Permission::ViewOverview));
        }
        assert!(!Role::Reader.permits(Permission::ViewMembers));
        for r in Role::ALL {
            assert_eq!(
                r.permits(Permission::ViewRegisters),
                r.side() == Side::Provider,
                "{r:?}: authorities never see working data"
            );
        }
        assert!(Role::Owner.permits(Permission::Classify));
        assert!(!Role::SystemOwner.permits(Permission::Classify));
        assert!(Role::SystemOwner.permits(Permission::EditRegisters));
        assert!(
            !Role::Dpo.permits(Permission::EditRegisters)
                && !Role::Reader.permits(Permission::EditRegisters)
        );
        assert!(Role::Dpo.permits(Permission::ViewMembers));
    }

    #[test]
    fn provider_roles_are_refused_in_an_authority_and_vice_versa() {
        assert_eq!(
            Role::parse_for("role", "case_officer", OrgKind::Region)
                .unwrap_err()
                .rule,
            Rule::NotAllowedForOrganisationKind
        );
        assert_eq!(
            Role::parse_for("role", "coordinator", OrgKind::Authority)
                .unwrap_err()
                .rule,
            Rule::NotAllowedForOrganisationKind
        );
        assert_eq!(
            Role::parse_for("role", "dpo", OrgKind::Municipality).unwrap(),
            Role::Dpo
        );
        assert_eq!(
            Role::parse("role", "boss").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(Role::for_kind(OrgKind::Authority).len(), 4);
        assert_eq!(Role::for_kind(OrgKind::PrivateProvider).len(), 6);
    }

    #[test]
    fn the_last_administrator_cannot_be_removed_or_demoted() {
        assert!(check_keeps_an_admin(Role::Admin, None, 1).is_err());
        assert!(check_keeps_an_admin(Role::Admin, Some(Role::Reader), 1).is_err());
        assert!(check_keeps_an_admin(Role::Admin, Some(Role::Reader), 2).is_ok());
        assert!(check_keeps_an_admin(Role::Admin, Some(Role::Admin), 1).is_ok());
        assert!(check_keeps_an_admin(Role::Reader, None, 1).is_ok());
    }

    #[test]
    fn scopes_parse_as_a_sorted_set() {
        let s = Scope::parse_list("scopes", &["write read".into(), "read".into()]).unwrap();
        assert_eq!(s, vec![Scope::Read, Scope::Write]);
        assert_eq!(
            Scope::parse_list("scopes", &[]).unwrap_err().rule,
            Rule::Required
        );
        assert_eq!(
            Scope::parse_list("scopes", &["root".into()])
                .unwrap_err()
                .rule,
            Rule::UnknownValue
        );
        assert_eq!(Permission::ManageMembers.scope(), Scope::Admin);
    }
}
