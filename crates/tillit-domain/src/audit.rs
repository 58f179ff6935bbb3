//! The audit chain: every change is an event that carries the hash of the event before it, so that
//! changing, removing or reordering any stored event breaks the chain at that point.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that the first event of a chain links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every action the audit trail records. Each has a label in both languages (a test in the web
/// crate checks), and the store refuses, in debug builds, to record one that is not listed.
pub const ACTIONS: &[&str] = &[
    "access_analysis.approval_decline",
    "access_analysis.approval_sign",
    "access_analysis.save",
    "assessment.record",
    "asset.archive",
    "asset.classify",
    "asset.create",
    "asset.restore",
    "asset.review",
    "asset.update",
    "auth.login",
    "auth.password_refused",
    "auth.sso_failed",
    "case_targets.update",
    "catalog.upgrade",
    "evidence.add",
    "evidence.remove",
    "guidance.publish",
    "guide.mark",
    "incident.attach",
    "incident.create",
    "incident.entry",
    "incident.playbook_start",
    "incident.playbook_step",
    "incident.report_draft",
    "incident.report_sent",
    "incident.update",
    "incident_contact.remove",
    "incident_contact.set",
    "kit.adopt",
    "kit.classification_confirmed",
    "library.adopt",
    "library.adopt_published",
    "library.assess",
    "library.drop",
    "library.import",
    "library.remove",
    "measure.archive",
    "measure.create",
    "measure.restore",
    "measure.update",
    "member.add",
    "member.invite",
    "member.invite_revoke",
    "member.join",
    "member.outsourcing_delegation",
    "member.remove",
    "member.role",
    "organisation.create",
    "organisation.facts",
    "organisation.password_sign_in",
    "outsourcing_case.create",
    "outsourcing_case.decide",
    "outsourcing_case.update",
    "ranking_model.create",
    "registry.import",
    "risk_analysis.archive",
    "risk_analysis.create",
    "risk_analysis.restore",
    "risk_analysis.update",
    "risk_matrix.set",
    "risk_scenario.acceptance_decline",
    "risk_scenario.acceptance_sign",
    "risk_scenario.archive",
    "risk_scenario.create",
    "risk_scenario.restore",
    "risk_scenario.update",
    "sso_provider.create",
    "sso_provider.delete",
    "sso_provider.update",
    "submission.create",
    "submission.import",
    "submission.read",
    "submission_schedule.set",
    "support.mark",
    "supervision_case.answer",
    "supervision_case.close",
    "supervision_case.decide",
    "supervision_case.note",
    "supervision_case.open",
    "supervision_case.read",
    "supervision_case.report",
    "supervision_case.request",
    "supervision_case.share",
    "supervision_case.unshare",
    "supervision_case.verify",
    "supplier.create",
    "supplier.update",
    "system.archive",
    "system.create",
    "system.integrations",
    "system.levels",
    "system.link",
    "system.restore",
    "system.review",
    "system.update",
    "token.create",
    "token.revoke",
    "user.create",
    "user.locale",
    "user.password_change",
    "user.password_reset",
];

/// Every kind of object an audit event is about, each with a label in both languages.
pub const OBJECT_TYPES: &[&str] = &[
    "asset",
    "registry_entry",
    "api_token",
    "assessment",
    "guidance",
    "incident",
    "information_asset",
    "invitation",
    "library",
    "measure",
    "membership",
    "organisation",
    "outsourcing_case",
    "ranking_model",
    "received_submission",
    "registry",
    "risk_analysis",
    "risk_scenario",
    "sso_provider",
    "submission",
    "submission_schedule",
    "supervision_case",
    "supplier",
    "support_mark",
    "system",
    "user",
];

/// The fields of an audit event that its hash covers, exactly as stored.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: String,
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub org_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl AuditRecord {
    /// The hash of this event linked to `prev_hash`: SHA-256 over the previous hash and a JSON
    /// array of the fields in a fixed order.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!([
            prev_hash,
            self.seq,
            self.id,
            self.occurred_at,
            self.actor_id,
            self.actor_label,
            self.org_id,
            self.action,
            self.object_type,
            self.object_id,
            self.before_json,
            self.after_json,
        ]);
        let mut h = Sha256::new();
        h.update(canonical.to_string().as_bytes());
        hex::encode(h.finalize())
    }
}

/// A stored event with the hashes it was stored with.
#[derive(Debug, Clone)]
pub struct StoredAuditEvent {
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The event's sequence number is not the one after its predecessor (an event was removed or
    /// inserted).
    Gap {
        event_id: String,
        expected_seq: i64,
        found_seq: i64,
    },
    /// The event does not link to the hash of its predecessor.
    WrongLink { event_id: String, seq: i64 },
    /// The event's content no longer matches its hash (it was changed after it was written).
    ContentChanged { event_id: String, seq: i64 },
    /// The last event is not the one the chain head says was written last (events were cut off).
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl ChainBreak {
    pub fn event_id(&self) -> Option<&str> {
        match self {
            ChainBreak::Gap { event_id, .. }
            | ChainBreak::WrongLink { event_id, .. }
            | ChainBreak::ContentChanged { event_id, .. } => Some(event_id),
            ChainBreak::HeadMismatch { .. } => None,
        }
    }
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Gap { event_id, expected_seq, found_seq } => write!(
                f,
                "event {event_id}: sequence {found_seq} where {expected_seq} was expected (an event was removed or inserted)"
            ),
            ChainBreak::WrongLink { event_id, seq } => {
                write!(f, "event {event_id} (seq {seq}): does not link to the hash of the event before it")
            }
            ChainBreak::ContentChanged { event_id, seq } => {
                write!(f, "event {event_id} (seq {seq}): content does not match its hash (changed after it was written)")
            }
            ChainBreak::HeadMismatch { head_seq, last_seq } => write!(
                f,
                "the chain head records {head_seq} events but the last stored event is {last_seq} (events were removed)"
            ),
        }
    }
}

/// Walks the chain incrementally, in sequence order, and stops at the first broken link.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn next(&mut self, ev: &StoredAuditEvent) -> Result<(), ChainBreak> {
        let r = &ev.record;
        if r.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                event_id: r.id.clone(),
                expected_seq: self.expected_seq,
                found_seq: r.seq,
            });
        }
        if ev.prev_hash != self.prev_hash {
            return Err(ChainBreak::WrongLink {
                event_id: r.id.clone(),
                seq: r.seq,
            });
        }
        if r.chain_hash(&ev.prev_hash) != ev.hash {
            return Err(ChainBreak::ContentChanged {
                event_id: r.id.clone(),
                seq: r.seq,
            });
        }
        self.expected_seq += 1;
        self.prev_hash = ev.hash.clone();
        Ok(())
    }

    /// Checks the end of the chain against the head (the count and hash of the last event written).
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredAuditEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = AuditRecord {
                    seq,
                    id: format!("ev{seq}"),
                    occurred_at: "2026-11-22T08:00:00.000Z".into(),
                    actor_id: Some("u1".into()),
                    actor_label: "anna@region.example".into(),
                    org_id: Some("o1".into()),
                    action: "member.add".into(),
                    object_type: "membership".into(),
                    object_id: format!("m{seq}"),
                    before_json: None,
                    after_json: Some(format!("{{\"role\":\"reader\",\"n\":{seq}}}")),
                };
                let hash = record.chain_hash(&prev);
                let ev = StoredAuditEvent {
                    record,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                ev
            })
            .collect()
    }

    fn verify(evs: &[StoredAuditEvent], head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in evs {
            v.next(e)?;
        }
        v.finish(head_seq, head_hash)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, 5, &head), Ok(5));
        assert_eq!(verify(&[], 0, GENESIS_HASH), Ok(0));
    }

    #[test]
    fn a_changed_event_is_found_by_its_id() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].record.after_json = Some("{\"role\":\"admin\"}".into());
        assert_eq!(
            verify(&c, 5, &head),
            Err(ChainBreak::ContentChanged {
                event_id: "ev3".into(),
                seq: 3
            })
        );
    }

    #[test]
    fn a_rehashed_event_breaks_the_next_link() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].record.actor_label = "mallory".into();
        c[2].hash = c[2].record.chain_hash(&c[2].prev_hash);
        assert_eq!(
            verify(&c, 5, &head),
            Err(ChainBreak::WrongLink {
                event_id: "ev4".into(),
                seq: 4
            })
        );
    }

    #[test]
    fn removed_events_are_found() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert!(matches!(
            verify(&c, 5, &head),
            Err(ChainBreak::Gap {
                found_seq: 3,
                expected_seq: 2,
                ..
            })
        ));
        let c = chain(5);
        assert_eq!(
            verify(&c[..4], 5, &head),
            Err(ChainBreak::HeadMismatch {
                head_seq: 5,
                last_seq: 4
            })
        );
    }
}
