//! Validation errors name the field and the rule that failed, so every layer above can tell the user
//! exactly what to fix (in their language, via the rule's message key).

use serde::Serialize;

/// A rule that input can break. Each maps to one message key in the i18n layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    InvalidFormat,
    InvalidChecksum,
    UnknownValue,
    NotAllowedForOrganisationKind,
    NotPermittedForRole,
    OutOfRange {
        min: i64,
        max: i64,
    },
    AlreadyExists,
    Mismatch,
    Incorrect,
    LastAdministrator,
    NotFound,
    /// A measure that traces to no risk scenario and no requirement.
    Untraced,
    /// Evidence with neither a link nor a file.
    LinkOrFile,
    /// Required because of what the organisation has already recorded (a deviation from the
    /// inherited levels, a risk above the organisation's tolerance).
    RequiredByRecords,
    /// A likelihood or consequence beyond the steps of the organisation's risk matrix.
    OutsideRiskMatrix {
        max: i64,
    },
    /// A date that must be today or later.
    InThePast,
    /// A date that must be today or earlier (a day something was signed).
    InTheFuture,
    /// A time earlier than one that must come before it (awareness before the incident started).
    OutOfOrder,
    /// A time earlier than one the records give (a report sent before the organisation became
    /// aware of the incident).
    EarlierThanRecorded,
    /// Two fields name different objects of the organisation's records (a supplier's name that is
    /// another supplier than the id given).
    ContradictsRecords,
    /// A submission file an authority cannot accept; `reason` says why: `not_a_submission`,
    /// `tampered`, `not_in_registry`, `no_published_key`, `other_key`, `already_received`.
    SubmissionRefused {
        reason: String,
    },
    /// A step a case cannot take in the state it is in (a request in a closed case, a second
    /// first decision); `state` names the state.
    NotAllowedInState {
        state: String,
    },
    /// A file that is not the document asked for (not OSCAL, a profile where a catalog was asked
    /// for, a profile that cannot be resolved); `detail` says where and why, as the reader put it.
    InvalidDocument {
        detail: String,
    },
    /// The change would leave the organisation with no way to sign in (no passwords and no
    /// enabled identity provider).
    NoSignInLeft,
    /// Passwords are switched off only from a session signed in through one of the
    /// organisation's enabled identity providers (proof that it works).
    ProviderNotProven,
    /// A role an identity provider may not hand out on its own word (an administrator's).
    NotForNewMembers,
    /// The object is still used by others in use (an asset processed by systems not archived);
    /// `by` names them.
    StillInUse {
        by: String,
    },
}

impl Rule {
    /// The i18n message key for this rule.
    pub fn message_key(&self) -> &'static str {
        match self {
            Rule::Required => "rule-required",
            Rule::TooShort { .. } => "rule-too-short",
            Rule::TooLong { .. } => "rule-too-long",
            Rule::InvalidFormat => "rule-invalid-format",
            Rule::InvalidChecksum => "rule-invalid-checksum",
            Rule::UnknownValue => "rule-unknown-value",
            Rule::NotAllowedForOrganisationKind => "rule-not-allowed-for-kind",
            Rule::NotPermittedForRole => "rule-not-permitted-for-role",
            Rule::OutOfRange { .. } => "rule-out-of-range",
            Rule::AlreadyExists => "rule-already-exists",
            Rule::Mismatch => "rule-mismatch",
            Rule::Incorrect => "rule-incorrect",
            Rule::LastAdministrator => "rule-last-administrator",
            Rule::NotFound => "rule-not-found",
            Rule::Untraced => "rule-untraced",
            Rule::LinkOrFile => "rule-link-or-file",
            Rule::RequiredByRecords => "rule-required",
            Rule::OutsideRiskMatrix { .. } => "rule-outside-risk-matrix",
            Rule::InThePast => "rule-in-the-past",
            Rule::InTheFuture => "rule-in-the-future",
            Rule::OutOfOrder => "rule-out-of-order",
            Rule::EarlierThanRecorded => "rule-earlier-than-recorded",
            Rule::ContradictsRecords => "rule-contradicts-records",
            Rule::SubmissionRefused { .. } => "rule-submission-refused",
            Rule::NotAllowedInState { .. } => "rule-not-allowed-in-state",
            Rule::InvalidDocument { .. } => "rule-invalid-document",
            Rule::NoSignInLeft => "rule-no-sign-in-left",
            Rule::ProviderNotProven => "rule-provider-not-proven",
            Rule::NotForNewMembers => "rule-not-for-new-members",
            Rule::StillInUse { .. } => "rule-still-in-use",
        }
    }

    /// A short machine-readable name, used in API problem details.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooShort { .. } => "too_short",
            Rule::TooLong { .. } => "too_long",
            Rule::InvalidFormat => "invalid_format",
            Rule::InvalidChecksum => "invalid_checksum",
            Rule::UnknownValue => "unknown_value",
            Rule::NotAllowedForOrganisationKind => "not_allowed_for_organisation_kind",
            Rule::NotPermittedForRole => "not_permitted_for_role",
            Rule::OutOfRange { .. } => "out_of_range",
            Rule::AlreadyExists => "already_exists",
            Rule::Mismatch => "mismatch",
            Rule::Incorrect => "incorrect",
            Rule::LastAdministrator => "last_administrator",
            Rule::NotFound => "not_found",
            Rule::Untraced => "untraced",
            Rule::LinkOrFile => "link_or_file",
            Rule::RequiredByRecords => "required_by_records",
            Rule::OutsideRiskMatrix { .. } => "outside_risk_matrix",
            Rule::InThePast => "in_the_past",
            Rule::InTheFuture => "in_the_future",
            Rule::OutOfOrder => "out_of_order",
            Rule::EarlierThanRecorded => "earlier_than_recorded",
            Rule::ContradictsRecords => "contradicts_records",
            Rule::SubmissionRefused { .. } => "submission_refused",
            Rule::NotAllowedInState { .. } => "not_allowed_in_state",
            Rule::InvalidDocument { .. } => "invalid_document",
            Rule::NoSignInLeft => "no_sign_in_left",
            Rule::ProviderNotProven => "provider_not_proven",
            Rule::NotForNewMembers => "not_for_new_members",
            Rule::StillInUse { .. } => "still_in_use",
        }
    }

    /// A rule a well-formed body can break only because of the organisation's data as it is now
    /// (a reference to an object it does not have, a name it already uses, its risk matrix, the
    /// levels it has recorded, a member's role) or of today's date (a day signed after today, a due
    /// date before it). The OpenAPI document states every other rule; a
    /// body that breaks only these gets 409 Conflict from the API rather than 422.
    pub fn depends_on_records(&self) -> bool {
        matches!(
            self,
            Rule::AlreadyExists
                | Rule::NotFound
                | Rule::LastAdministrator
                | Rule::NotPermittedForRole
                | Rule::NotAllowedForOrganisationKind
                | Rule::RequiredByRecords
                | Rule::OutsideRiskMatrix { .. }
                | Rule::InThePast
                | Rule::InTheFuture
                | Rule::ContradictsRecords
                | Rule::EarlierThanRecorded
                | Rule::NotAllowedInState { .. }
                | Rule::NoSignInLeft
                | Rule::ProviderNotProven
                | Rule::StillInUse { .. }
        ) || matches!(self, Rule::SubmissionRefused { reason } if !matches!(reason.as_str(), "not_a_submission" | "tampered"))
    }
}

/// One field that broke one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {}", rule.code())]
pub struct ValidationError {
    pub field: String,
    #[serde(flatten)]
    pub rule: Rule,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }
}

/// All the problems with one submitted form or request body, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", "))]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn push(&mut self, e: ValidationError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Collects the error of a parse into this list and returns the value when it parsed.
    pub fn check<T>(&mut self, r: Result<T, ValidationError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
    pub fn single(field: impl Into<String>, rule: Rule) -> Self {
        Self(vec![ValidationError::new(field, rule)])
    }
    pub fn for_field(&self, field: &str) -> Option<&ValidationError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl From<ValidationError> for ValidationErrors {
    fn from(e: ValidationError) -> Self {
        Self(vec![e])
    }
}
