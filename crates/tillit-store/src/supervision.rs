//! Supervision cases: the authority's case, its timeline, the requests to the provider and the
//! answers, decisions (append-only), an order's required actions and their follow-up, sharing
//! with a co-supervising authority, handling-time targets, and published guidance.
//!
//! Who sees a case is decided here, from the tenant: the authority that owns it; an authority it
//! is shared with (not revoked), read-only but for notes; and the provider it concerns when that
//! provider uses this Tillit — only the requests, answers, decisions and follow-up addressed to
//! it. Anyone else gets `NotFound`.

use crate::audit::{AuditEntry, Work};
use crate::query::{fetch_page, Filter};
use crate::OneRow;
use crate::{new_id, now_timestamp, Actor, Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use tillit_domain::paging::{Page, PageRequest};
use tillit_domain::supervision::{CaseInput, DecisionInput, RequestInput, Verdict};
use tillit_domain::text::search_key;

/// How the acting organisation stands to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAccess {
    /// The authority that owns the case.
    Owner,
    /// An authority the case is shared with: read-only, may add notes.
    Partner,
    /// The provider the case concerns: what is addressed to it.
    Provider,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseRow {
    pub id: String,
    pub authority_org_id: String,
    pub authority_name: String,
    pub reference: String,
    pub org_number: String,
    pub org_name: String,
    pub provider_org_id: Option<String>,
    pub case_type: String,
    pub title: String,
    pub background: Option<String>,
    pub origin_ref: Option<String>,
    pub ranking_score: Option<i64>,
    pub officer_id: Option<String>,
    pub officer_name: String,
    pub state: String,
    pub opened_at: String,
    pub first_request_at: Option<String>,
    pub answers_complete_at: Option<String>,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
    pub close_motivation: Option<String>,
    pub waited_seconds: i64,
    pub waiting_since: Option<String>,
    pub waited_before_decision: Option<i64>,
    pub open_requests: i64,
    pub updated_at: String,
}

const CASE_COLUMNS: &str = "c.id AS id, c.authority_org_id AS authority_org_id, a.name AS authority_name, \
    c.reference AS reference, c.org_number AS org_number, c.org_name AS org_name, c.provider_org_id AS provider_org_id, \
    c.case_type AS case_type, c.title AS title, c.background AS background, c.origin_ref AS origin_ref, \
    c.ranking_score AS ranking_score, c.officer_id AS officer_id, c.officer_name AS officer_name, c.state AS state, \
    c.opened_at AS opened_at, c.first_request_at AS first_request_at, c.answers_complete_at AS answers_complete_at, \
    c.decided_at AS decided_at, c.closed_at AS closed_at, c.close_motivation AS close_motivation, \
    c.waited_seconds AS waited_seconds, c.waiting_since AS waiting_since, \
    c.waited_before_decision AS waited_before_decision, c.open_requests AS open_requests, c.updated_at AS updated_at";
const CASE_FROM: &str = "supervision_cases c JOIN organisations a ON a.id = c.authority_org_id";

/// A new case as the store keeps it: the checked input with the people's names and the provider
/// found by its number.
pub struct NewCase<'a> {
    pub input: &'a CaseInput,
    pub org_name: &'a str,
    pub provider_org_id: Option<&'a str>,
    pub officer: (&'a str, &'a str),
    pub team: &'a [(String, String)],
    pub generated: bool,
    /// When it was opened (none: now); the demo and the benchmark date their cases back.
    pub opened_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseEvent {
    pub id: String,
    pub at: String,
    pub kind: String,
    pub actor_name: String,
    pub actor_org_id: String,
    pub actor_org_name: String,
    pub text: Option<String>,
    pub object_id: Option<String>,
    pub for_provider: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseRequest {
    pub id: String,
    pub case_id: String,
    pub sent_at: String,
    pub sent_by_name: String,
    pub questions: String,
    pub documents: String,
    pub deadline: String,
    pub answered_at: Option<String>,
}

impl CaseRequest {
    pub fn document_list(&self) -> Vec<String> {
        serde_json::from_str(&self.documents).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseAnswer {
    pub id: String,
    pub case_id: String,
    pub request_id: String,
    pub answered_at: String,
    pub answered_by_name: String,
    pub text: String,
    pub extract: Option<String>,
    pub extract_sha256: Option<String>,
    pub extract_objects: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AnswerFile {
    pub id: String,
    pub answer_id: String,
    pub kind: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub added_by: String,
    pub added_at: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseDecision {
    pub id: String,
    pub case_id: String,
    pub issued_at: String,
    pub decided_on: String,
    pub decided_by_name: String,
    pub outcome: String,
    pub summary: String,
    pub document: String,
    pub corrects_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseAction {
    pub id: String,
    pub case_id: String,
    pub decision_id: String,
    pub position: i64,
    pub text: String,
    pub due_on: String,
    pub measure_id: Option<String>,
    pub report: Option<String>,
    pub reported_at: Option<String>,
    pub reported_by_name: Option<String>,
    pub verdict: String,
    pub verdict_reason: Option<String>,
    pub verified_at: Option<String>,
    pub verified_by_name: Option<String>,
    pub superseded: i64,
}

impl CaseAction {
    pub fn verdict(&self) -> Verdict {
        Verdict::from_key(&self.verdict).unwrap_or(Verdict::Pending)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseShare {
    pub partner_org_id: String,
    pub partner_name: String,
    pub shared_at: String,
    pub shared_by_name: String,
    pub revoked_at: Option<String>,
    pub revoked_by_name: Option<String>,
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseScope {
    /// The authority's own cases.
    #[default]
    Own,
    /// Cases other authorities shared with it (not revoked).
    Shared,
    /// The cases concerning the acting provider.
    Provider,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: CaseScope,
    pub state: Option<String>,
    /// `open`: every state but closed.
    pub not_closed: bool,
    pub case_type: Option<String>,
    pub org_number: Option<String>,
    pub q: Option<String>,
}

/// A case's handling-time facts, for statistics.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseTimesRow {
    pub id: String,
    pub reference: String,
    pub org_name: String,
    pub org_number: String,
    pub title: String,
    pub officer_name: String,
    pub case_type: String,
    pub state: String,
    pub opened_at: String,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
    pub waited_seconds: i64,
    pub waiting_since: Option<String>,
    pub waited_before_decision: Option<i64>,
}

/// A request whose deadline is near and still unanswered, for reminders.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueRequest {
    pub request_id: String,
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub deadline: String,
    pub authority_org_id: String,
    pub authority_name: String,
    pub provider_org_id: Option<String>,
    pub officer_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Guidance {
    pub id: String,
    pub authority_org_id: String,
    pub authority_name: String,
    pub doc_key: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub topics: String,
    pub org_kinds: String,
    pub published_at: String,
    pub published_by_name: String,
    /// The requirement catalog this version publishes, if it does (the authority's library).
    pub library_id: Option<String>,
}

pub struct NewGuidance<'a> {
    pub doc_key: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub topics: &'a str,
    pub org_kinds: &'a str,
    /// A requirement catalog published with this version.
    pub library: Option<&'a crate::NewLibrary<'a>>,
}

const GUIDANCE_COLUMNS: &str = "g.id AS id, g.authority_org_id AS authority_org_id, a.name AS authority_name, g.doc_key AS doc_key, \
    g.version AS version, g.title AS title, g.summary AS summary, g.body AS body, g.topics AS topics, g.org_kinds AS org_kinds, \
    g.published_at AS published_at, g.published_by_name AS published_by_name, g.library_id AS library_id";

/// Who acts in a case, for its timeline.
pub struct CaseActor<'a> {
    pub actor: &'a Actor,
    pub name: &'a str,
}

/// A timeline entry: its kind, text, the object it is about, and whether the provider sees it.
struct Entry<'a>(&'a str, Option<&'a str>, Option<&'a str>, bool);

/// One step of a case: its entry in the timeline and its event in the acting organisation's
/// audit trail (`action`, with `after`), in the same unit of work.
async fn step(
    w: &mut Work<'_>,
    case_id: &str,
    t: &Tenant,
    by: &CaseActor<'_>,
    Entry(kind, text, object_id, for_provider): Entry<'_>,
    action: &str,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    let (org_name,): (String,) = sqlx::query_as("SELECT name FROM organisations WHERE id = $1")
        .bind(t.id())
        .fetch_one(w.conn())
        .await?;
    sqlx::query(
        "INSERT INTO case_events (id, case_id, at, kind, actor_name, actor_org_id, actor_org_name, text, object_id, for_provider)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(now_timestamp())
    .bind(kind)
    .bind(by.name)
    .bind(t.id())
    .bind(&org_name)
    .bind(text)
    .bind(object_id)
    .bind(i64::from(for_provider))
    .execute(w.conn())
    .await?;
    w.record(
        by.actor,
        Some(t.id()),
        AuditEntry {
            action,
            object_type: "supervision_case",
            object_id: case_id,
            before: None,
            after: Some(after),
        },
    )
    .await
}

fn seconds_between(from: &str, to: &str) -> i64 {
    match (
        chrono::DateTime::parse_from_rfc3339(from),
        chrono::DateTime::parse_from_rfc3339(to),
    ) {
        (Ok(a), Ok(b)) => (b - a).num_seconds().max(0),
        _ => 0,
    }
}

impl Store {
    /// The case if the acting organisation may see it, and how it stands to it.
    pub async fn supervision_case(
        &self,
        t: &Tenant,
        id: &str,
    ) -> Result<(CaseAccess, CaseRow), StoreError> {
        let c: CaseRow = sqlx::query_as(&format!(
            "SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        if c.authority_org_id == t.id() {
            return Ok((CaseAccess::Owner, c));
        }
        if c.provider_org_id.as_deref() == Some(t.id()) {
            return Ok((CaseAccess::Provider, c));
        }
        let shared: Option<(String,)> = sqlx::query_as(
            "SELECT partner_org_id FROM case_shares WHERE case_id = $1 AND partner_org_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?;
        if shared.is_some() {
            return Ok((CaseAccess::Partner, c));
        }
        Err(StoreError::NotFound)
    }

    /// The case, only if `t` owns it.
    async fn owned_case(&self, t: &Tenant, id: &str) -> Result<CaseRow, StoreError> {
        match self.supervision_case(t, id).await? {
            (CaseAccess::Owner, c) => Ok(c),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Opens a case; returns its id. Its reference is the year and the authority's next number
    /// in it.
    pub async fn open_supervision_case(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        x: &NewCase<'_>,
    ) -> Result<String, StoreError> {
        let now = now_timestamp();
        let opened_at = x.opened_at.clone().unwrap_or_else(|| now.clone());
        let year = opened_at.get(..4).unwrap_or("0000").to_string();
        let id = new_id();
        let mut w = self.work().await?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM supervision_cases WHERE authority_org_id = $1 AND reference LIKE $2",
        )
        .bind(t.id())
        .bind(format!("{year}-%"))
        .fetch_one(w.conn())
        .await?;
        let reference = format!("{year}-{:04}", n + 1);
        let i = x.input;
        sqlx::query(
            "INSERT INTO supervision_cases (id, authority_org_id, reference, org_number, org_name, provider_org_id, case_type,
               title, background, origin_ref, ranking_score, officer_id, officer_name, state, opened_at, search_text, generated, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15, $16, $17)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(&reference)
        .bind(&i.org_number)
        .bind(x.org_name)
        .bind(x.provider_org_id)
        .bind(i.case_type.key())
        .bind(&i.title)
        .bind(&i.background)
        .bind(&i.origin_ref)
        .bind(i.ranking_score)
        .bind(x.officer.0)
        .bind(x.officer.1)
        .bind(&opened_at)
        .bind(search_key(&[&reference, &i.title, x.org_name, &i.org_number]))
        .bind(i64::from(x.generated))
        .bind(&now)
        .execute(w.conn())
        .await?;
        for (uid, name) in x.team {
            sqlx::query("INSERT INTO case_team (case_id, user_id, name) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(uid)
                .bind(name)
                .execute(w.conn())
                .await?;
        }
        let after = json!({"reference": reference, "org_number": i.org_number,
            "case_type": i.case_type.key(), "title": i.title, "officer": x.officer.1});
        let entry = Entry("opened", Some(&i.title), None, false);
        step(&mut w, &id, t, by, entry, "supervision_case.open", after).await?;
        w.commit().await?;
        Ok(id)
    }

    /// A page of cases: the authority's own, those shared with it, or those concerning the
    /// acting provider; newest first.
    pub async fn supervision_cases(
        &self,
        t: &Tenant,
        f: &CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseRow>, StoreError> {
        let mut filter = match f.scope {
            CaseScope::Own => Filter::tenant("c.authority_org_id", t.id()),
            CaseScope::Provider => Filter::tenant("c.provider_org_id", t.id()),
            CaseScope::Shared => {
                let mut x = Filter::tenant("s.partner_org_id", t.id());
                x.and_sql("s.revoked_at IS NULL");
                x
            }
        };
        if let Some(s) = &f.state {
            filter.and("c.state =", s.clone());
        }
        if f.not_closed {
            filter.and_sql("c.state <> 'closed'");
        }
        if let Some(k) = &f.case_type {
            filter.and("c.case_type =", k.clone());
        }
        if let Some(n) = &f.org_number {
            filter.and("c.org_number =", n.clone());
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            filter.and_contains("c.search_text", &search_key(&[q]));
        }
        let from = if f.scope == CaseScope::Shared {
            format!("{CASE_FROM} JOIN case_shares s ON s.case_id = c.id")
        } else {
            CASE_FROM.to_string()
        };
        fetch_page(
            &self.pool,
            CASE_COLUMNS,
            &from,
            &filter,
            "c.opened_at DESC, c.id DESC",
            page,
            Ok,
        )
        .await
    }

    /// The case's team beside its officer: (user id, name).
    pub async fn case_team(&self, case_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT user_id, name FROM case_team WHERE case_id = $1 ORDER BY name")
                .bind(case_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The timeline, oldest first; the provider's part only when `for_provider`. The case must
    /// have been found for the tenant first.
    pub async fn case_events(
        &self,
        case_id: &str,
        for_provider: bool,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        let sql = if for_provider {
            "SELECT id, at, kind, actor_name, actor_org_id, actor_org_name, text, object_id, for_provider
             FROM case_events WHERE case_id = $1 AND for_provider = 1 ORDER BY at, id"
        } else {
            "SELECT id, at, kind, actor_name, actor_org_id, actor_org_name, text, object_id, for_provider
             FROM case_events WHERE case_id = $1 ORDER BY at, id"
        };
        Ok(sqlx::query_as(sql)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn case_requests(&self, case_id: &str) -> Result<Vec<CaseRequest>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, sent_at, sent_by_name, questions, documents, deadline, answered_at
             FROM case_requests WHERE case_id = $1 ORDER BY sent_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn case_answers(&self, case_id: &str) -> Result<Vec<CaseAnswer>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, request_id, answered_at, answered_by_name, text, extract, extract_sha256, extract_objects
             FROM case_answers WHERE case_id = $1 ORDER BY answered_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn case_answer_files(&self, case_id: &str) -> Result<Vec<AnswerFile>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT f.id AS id, f.answer_id AS answer_id, f.kind AS kind, f.url AS url, f.file_name AS file_name,
               f.media_type AS media_type, f.size_bytes AS size_bytes, f.sha256 AS sha256, f.added_by AS added_by, f.added_at AS added_at
             FROM case_answer_files f JOIN case_answers a ON a.id = f.answer_id
             WHERE a.case_id = $1 ORDER BY f.added_at, f.id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A file of an answer in the case, and its bytes (the case must have been found first).
    pub async fn case_answer_file(
        &self,
        case_id: &str,
        file_id: &str,
    ) -> Result<(AnswerFile, Vec<u8>), StoreError> {
        let f = self
            .case_answer_files(case_id)
            .await?
            .into_iter()
            .find(|f| f.id == file_id && f.kind == "file")
            .ok_or(StoreError::NotFound)?;
        let row =
            sqlx::query("SELECT content FROM case_answer_file_contents WHERE attachment_id = $1")
                .bind(file_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok((f, row.try_get("content")?))
    }

    pub async fn case_decisions(&self, case_id: &str) -> Result<Vec<CaseDecision>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, issued_at, decided_on, decided_by_name, outcome, summary, document, corrects_id
             FROM case_decisions WHERE case_id = $1 ORDER BY issued_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn case_actions(&self, case_id: &str) -> Result<Vec<CaseAction>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, decision_id, position, text, due_on, measure_id, report, reported_at, reported_by_name,
               verdict, verdict_reason, verified_at, verified_by_name, superseded
             FROM case_actions WHERE case_id = $1 ORDER BY superseded, due_on, position, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn case_shares(&self, case_id: &str) -> Result<Vec<CaseShare>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.partner_org_id AS partner_org_id, o.name AS partner_name, s.shared_at AS shared_at,
               s.shared_by_name AS shared_by_name, s.revoked_at AS revoked_at, s.revoked_by_name AS revoked_by_name
             FROM case_shares s JOIN organisations o ON o.id = s.partner_org_id WHERE s.case_id = $1 ORDER BY s.shared_at",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sends a request to the provider; the case waits for it from now until answered.
    pub async fn send_case_request(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        x: &RequestInput,
    ) -> Result<String, StoreError> {
        self.owned_case(t, case_id).await?;
        let id = new_id();
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "INSERT INTO case_requests (id, case_id, sent_at, sent_by_name, questions, documents, deadline)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(&now)
        .bind(by.name)
        .bind(&x.questions)
        .bind(json!(x.documents).to_string())
        .bind(x.deadline.to_string())
        .execute(w.conn())
        .await?;
        sqlx::query(
            "UPDATE supervision_cases SET open_requests = open_requests + 1,
               first_request_at = COALESCE(first_request_at, $2), answers_complete_at = NULL,
               waiting_since = COALESCE(waiting_since, $2), updated_at = $2
             WHERE id = $1",
        )
        .bind(case_id)
        .bind(&now)
        .execute(w.conn())
        .await?;
        let summary = format!("{} (svar senast {})", x.questions, x.deadline);
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("request", Some(&summary), Some(&id), true),
            "supervision_case.request",
            json!({"request_id": id, "deadline": x.deadline.to_string(), "documents": x.documents}),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The provider's answer to a request, with its signed extract and files; when it was the
    /// last request out, the case's wait ends.
    pub async fn answer_case_request(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        request_id: &str,
        x: &NewAnswer<'_>,
    ) -> Result<String, StoreError> {
        match self.supervision_case(t, case_id).await? {
            (CaseAccess::Provider, _) => {}
            _ => return Err(StoreError::NotFound),
        }
        let id = new_id();
        let now = now_timestamp();
        let mut w = self.work().await?;
        // Only an unanswered request of this case: a second answer to the same request loses.
        let done = sqlx::query(
            "UPDATE case_requests SET answered_at = $3 WHERE id = $1 AND case_id = $2 AND answered_at IS NULL",
        )
        .bind(request_id)
        .bind(case_id)
        .bind(&now)
        .execute(w.conn())
        .await?
        .rows_affected();
        if done != 1 {
            let exists: Option<(String,)> =
                sqlx::query_as("SELECT id FROM case_requests WHERE id = $1 AND case_id = $2")
                    .bind(request_id)
                    .bind(case_id)
                    .fetch_optional(w.conn())
                    .await?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => tillit_domain::ValidationErrors::single(
                    "request_id",
                    tillit_domain::Rule::AlreadyExists,
                )
                .into(),
            });
        }
        sqlx::query(
            "INSERT INTO case_answers (id, case_id, request_id, answered_at, answered_by_name, text, extract, extract_sha256, extract_objects)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(request_id)
        .bind(&now)
        .bind(by.name)
        .bind(x.text)
        .bind(x.extract)
        .bind(x.extract_sha256)
        .bind(x.extract_objects)
        .execute(w.conn())
        .await?;
        for f in x.files {
            let fid = crate::files::insert(w.conn(), &ANSWER_FILES, t, &id, by.name, f).await?;
            let _ = fid;
        }
        let (waiting_since, open): (Option<String>, i64) = sqlx::query_as(
            "SELECT waiting_since, open_requests FROM supervision_cases WHERE id = $1",
        )
        .bind(case_id)
        .fetch_one(w.conn())
        .await?;
        if open <= 1 {
            let waited = waiting_since
                .as_deref()
                .map(|s| seconds_between(s, &now))
                .unwrap_or(0);
            sqlx::query(
                "UPDATE supervision_cases SET open_requests = 0, waiting_since = NULL, waited_seconds = waited_seconds + $2,
                   answers_complete_at = $3, updated_at = $3 WHERE id = $1",
            )
            .bind(case_id)
            .bind(waited)
            .bind(&now)
            .execute(w.conn())
            .await?;
        } else {
            sqlx::query(
                "UPDATE supervision_cases SET open_requests = open_requests - 1, updated_at = $2 WHERE id = $1",
            )
            .bind(case_id)
            .bind(&now)
            .execute(w.conn())
            .await?;
        }
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("answer", Some(x.text), Some(&id), true),
            "supervision_case.answer",
            json!({"request_id": request_id, "answer_id": id, "extract_sha256": x.extract_sha256,
                   "extract_objects": x.extract_objects, "files": x.files.len()}),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Issues a decision (never changed afterwards). A correction supersedes the required
    /// actions of the decision it corrects. An order's actions become measures in the
    /// provider's action plan, traced to the findings' requirements, when the provider uses
    /// this Tillit.
    pub async fn issue_case_decision(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        decided_by_id: &str,
        case_id: &str,
        x: &DecisionInput,
    ) -> Result<String, StoreError> {
        let c = self.owned_case(t, case_id).await?;
        let id = new_id();
        let now = now_timestamp();
        let mut w = self.work().await?;
        let document = json!({
            "findings": x.findings, "fine_sek": x.fine_sek, "penalty_sek": x.penalty_sek,
            "legal_ground": x.legal_ground, "referral_to": x.referral_to,
            "actions": x.actions,
        });
        sqlx::query(
            "INSERT INTO case_decisions (id, case_id, issued_at, decided_on, decided_by_id, decided_by_name, outcome, summary, document, corrects_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(case_id)
        .bind(&now)
        .bind(x.decided_on.to_string())
        .bind(decided_by_id)
        .bind(by.name)
        .bind(x.outcome.key())
        .bind(&x.summary)
        .bind(document.to_string())
        .bind(&x.corrects)
        .execute(w.conn())
        .await?;
        if let Some(old) = &x.corrects {
            sqlx::query(
                "UPDATE case_actions SET superseded = 1 WHERE case_id = $1 AND decision_id = $2",
            )
            .bind(case_id)
            .bind(old)
            .execute(w.conn())
            .await?;
        }
        let provider = c
            .provider_org_id
            .as_deref()
            .map(|p| Tenant::checked(p.to_string()));
        let requirements: Vec<tillit_domain::measure::RequirementRef> = {
            let mut ids: Vec<&str> = x
                .findings
                .iter()
                .map(|f| f.requirement_id.as_str())
                .collect();
            ids.sort();
            ids.dedup();
            ids.into_iter()
                .map(|r| tillit_domain::measure::RequirementRef {
                    system_id: None,
                    requirement_id: r.to_string(),
                })
                .collect()
        };
        for (n, a) in x.actions.iter().enumerate() {
            let measure_id = match &provider {
                Some(p) if !requirements.is_empty() => {
                    let title: String = a.text.chars().take(200).collect();
                    let m = tillit_domain::measure::MeasureInput {
                        title,
                        description: Some(format!(
                            "{} {} ({}, {}): {}",
                            c.authority_name,
                            c.reference,
                            x.outcome.key(),
                            x.decided_on,
                            a.text
                        )),
                        owner_membership_id: None,
                        due_on: Some(a.due_on.to_string()),
                        status: tillit_domain::measure::MeasureStatus::Planned,
                        cost_sek: None,
                        verification: None,
                        scenario_ids: vec![],
                        requirements: requirements.clone(),
                    };
                    Some(w.save_measure(p, by.actor, by.name, None, &m).await?)
                }
                _ => None,
            };
            sqlx::query(
                "INSERT INTO case_actions (id, case_id, decision_id, position, text, due_on, measure_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(case_id)
            .bind(&id)
            .bind(n as i64)
            .bind(&a.text)
            .bind(a.due_on.to_string())
            .bind(measure_id)
            .execute(w.conn())
            .await?;
        }
        let waited_now = c.waited_seconds
            + c.waiting_since
                .as_deref()
                .map(|s| seconds_between(s, &now))
                .unwrap_or(0);
        sqlx::query(
            "UPDATE supervision_cases SET state = 'decided', decided_at = COALESCE(decided_at, $2),
               waited_before_decision = COALESCE(waited_before_decision, $3), updated_at = $2 WHERE id = $1",
        )
        .bind(case_id)
        .bind(&now)
        .bind(waited_now)
        .execute(w.conn())
        .await?;
        let kind = if x.corrects.is_some() {
            "correction"
        } else {
            "decision"
        };
        let after = json!({"decision_id": id, "outcome": x.outcome.key(),
            "decided_on": x.decided_on.to_string(), "corrects": x.corrects,
            "findings": x.findings.len(), "actions": x.actions.len(),
            "fine_sek": x.fine_sek, "penalty_sek": x.penalty_sek});
        let entry = Entry(kind, Some(&x.summary), Some(&id), true);
        step(
            &mut w,
            case_id,
            t,
            by,
            entry,
            "supervision_case.decide",
            after,
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The provider's report on a required action; a report after a refusal asks for a new
    /// verification.
    pub async fn report_case_action(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        action_id: &str,
        report: &str,
    ) -> Result<(), StoreError> {
        match self.supervision_case(t, case_id).await? {
            (CaseAccess::Provider, _) => {}
            _ => return Err(StoreError::NotFound),
        }
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE case_actions SET report = $3, reported_at = $4, reported_by_name = $5,
               verdict = CASE WHEN verdict = 'accepted' THEN verdict ELSE 'pending' END
             WHERE id = $1 AND case_id = $2 AND superseded = 0 AND verdict <> 'accepted'",
        )
        .bind(action_id)
        .bind(case_id)
        .bind(report)
        .bind(&now)
        .bind(by.name)
        .one_row(w.conn())
        .await?;
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("report", Some(report), Some(action_id), true),
            "supervision_case.report",
            json!({"action_id": action_id}),
        )
        .await?;
        w.commit().await
    }

    /// The case officer's verdict on a reported action.
    pub async fn verify_case_action(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        action_id: &str,
        verdict: Verdict,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.owned_case(t, case_id).await?;
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE case_actions SET verdict = $3, verdict_reason = $4, verified_at = $5, verified_by_name = $6
             WHERE id = $1 AND case_id = $2 AND superseded = 0",
        )
        .bind(action_id)
        .bind(case_id)
        .bind(verdict.key())
        .bind(reason)
        .bind(&now)
        .bind(by.name)
        .one_row(w.conn())
        .await?;
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry(verdict.key(), reason, Some(action_id), true),
            "supervision_case.verify",
            json!({"action_id": action_id, "verdict": verdict.key(), "reason": reason}),
        )
        .await?;
        w.commit().await
    }

    /// Closes the case; a wait still going on ends with it.
    pub async fn close_supervision_case(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        motivation: Option<&str>,
    ) -> Result<(), StoreError> {
        let c = self.owned_case(t, case_id).await?;
        let now = now_timestamp();
        let waited = c
            .waiting_since
            .as_deref()
            .map(|s| seconds_between(s, &now))
            .unwrap_or(0);
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE supervision_cases SET state = 'closed', closed_at = $2, close_motivation = $3, waiting_since = NULL,
               waited_seconds = waited_seconds + $4, updated_at = $2 WHERE id = $1 AND state <> 'closed'",
        )
        .bind(case_id)
        .bind(&now)
        .bind(motivation)
        .bind(waited)
        .execute(w.conn())
        .await?;
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("closed", motivation, None, true),
            "supervision_case.close",
            json!({"motivation": motivation}),
        )
        .await?;
        w.commit().await
    }

    /// A note in the timeline, by the owner or a sharing partner; never shown to the provider.
    pub async fn add_case_note(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        text: &str,
    ) -> Result<(), StoreError> {
        match self.supervision_case(t, case_id).await? {
            (CaseAccess::Owner | CaseAccess::Partner, _) => {}
            _ => return Err(StoreError::NotFound),
        }
        let mut w = self.work().await?;
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("note", Some(text), None, false),
            "supervision_case.note",
            json!({"text": text}),
        )
        .await?;
        w.commit().await
    }

    /// Shares the case with another authority (again, after a revocation).
    pub async fn share_case(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        partner_org_id: &str,
    ) -> Result<(), StoreError> {
        self.owned_case(t, case_id).await?;
        let partner: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM organisations WHERE id = $1 AND kind = 'authority' AND id <> $2",
        )
        .bind(partner_org_id)
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?;
        let Some((partner_name,)) = partner else {
            return Err(tillit_domain::ValidationErrors::single(
                "authority_id",
                tillit_domain::Rule::NotFound,
            )
            .into());
        };
        let now = now_timestamp();
        let mut w = self.work().await?;
        let updated = sqlx::query(
            "UPDATE case_shares SET shared_at = $3, shared_by_name = $4, revoked_at = NULL, revoked_by_name = NULL
             WHERE case_id = $1 AND partner_org_id = $2",
        )
        .bind(case_id)
        .bind(partner_org_id)
        .bind(&now)
        .bind(by.name)
        .execute(w.conn())
        .await?
        .rows_affected();
        if updated == 0 {
            sqlx::query(
                "INSERT INTO case_shares (case_id, partner_org_id, shared_at, shared_by_name) VALUES ($1, $2, $3, $4)",
            )
            .bind(case_id)
            .bind(partner_org_id)
            .bind(&now)
            .bind(by.name)
            .execute(w.conn())
            .await?;
        }
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("shared", Some(&partner_name), Some(partner_org_id), false),
            "supervision_case.share",
            json!({"partner": partner_name, "partner_org_id": partner_org_id}),
        )
        .await?;
        w.commit().await
    }

    pub async fn revoke_case_share(
        &self,
        t: &Tenant,
        by: &CaseActor<'_>,
        case_id: &str,
        partner_org_id: &str,
    ) -> Result<(), StoreError> {
        self.owned_case(t, case_id).await?;
        let now = now_timestamp();
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE case_shares SET revoked_at = $3, revoked_by_name = $4 WHERE case_id = $1 AND partner_org_id = $2 AND revoked_at IS NULL",
        )
        .bind(case_id)
        .bind(partner_org_id)
        .bind(&now)
        .bind(by.name)
        .one_row(w.conn())
        .await?;
        step(
            &mut w,
            case_id,
            t,
            by,
            Entry("unshared", None, Some(partner_org_id), false),
            "supervision_case.unshare",
            json!({"partner_org_id": partner_org_id}),
        )
        .await?;
        w.commit().await
    }

    /// Records that a sharing partner read the case, in the owning authority's audit trail.
    pub async fn record_case_read(
        &self,
        actor: &Actor,
        c: &CaseRow,
        reader_org_name: &str,
    ) -> Result<(), StoreError> {
        self.record_event(
            actor,
            Some(&c.authority_org_id),
            "supervision_case.read",
            "supervision_case",
            &c.id,
            json!({"reference": c.reference, "read_by_authority": reader_org_name}),
        )
        .await
    }

    /// The authority's handling-time targets: (case type key, days).
    pub async fn case_targets(&self, t: &Tenant) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT case_type, target_days FROM case_targets WHERE authority_org_id = $1 ORDER BY case_type",
        )
        .bind(t.id())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn set_case_targets(
        &self,
        t: &Tenant,
        actor: &Actor,
        targets: &[(String, Option<i64>)],
    ) -> Result<(), StoreError> {
        let mut w = self.work().await?;
        sqlx::query("DELETE FROM case_targets WHERE authority_org_id = $1")
            .bind(t.id())
            .execute(w.conn())
            .await?;
        for (k, d) in targets {
            if let Some(d) = d {
                sqlx::query(
                    "INSERT INTO case_targets (authority_org_id, case_type, target_days) VALUES ($1, $2, $3)",
                )
                .bind(t.id())
                .bind(k)
                .bind(d)
                .execute(w.conn())
                .await?;
            }
        }
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "case_targets.update",
                object_type: "organisation",
                object_id: t.id(),
                before: None,
                after: Some(json!(targets)),
            },
        )
        .await?;
        w.commit().await
    }

    /// The handling-time facts of the authority's cases that count in `[from, to)`: opened,
    /// decided or closed in it, or still open.
    pub async fn case_times(
        &self,
        t: &Tenant,
        from: &str,
        to: &str,
    ) -> Result<Vec<CaseTimesRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, reference, org_name, org_number, title, officer_name, case_type, state, opened_at, decided_at, closed_at,
               waited_seconds, waiting_since, waited_before_decision
             FROM supervision_cases WHERE authority_org_id = $1 AND (
               closed_at IS NULL OR (opened_at >= $2 AND opened_at < $3) OR (decided_at >= $2 AND decided_at < $3)
               OR (closed_at >= $2 AND closed_at < $3))",
        )
        .bind(t.id())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The same facts as [`Store::case_times`] without the texts, each case packed in one
    /// value (`id|type|opened|decided|closed|waited|waiting since|waited before decision`,
    /// empty where none): statistics read tens of thousands of cases, and one value a row is
    /// what keeps that fast on both databases.
    pub async fn case_time_facts(
        &self,
        t: &Tenant,
        from: &str,
        to: &str,
    ) -> Result<Vec<String>, StoreError> {
        // The open cases, and the closed ones closed since `from` that count in the period: two
        // ranges of one covering index. All of it comes back as one text (one row, not tens of
        // thousands).
        let packed = "id || '|' || case_type || '|' || opened_at || '|' || COALESCE(decided_at, '') || '|'
               || COALESCE(closed_at, '') || '|' || CAST(waited_seconds AS TEXT) || '|' || COALESCE(waiting_since, '')
               || '|' || COALESCE(CAST(waited_before_decision AS TEXT), '')";
        let aggregate = match self.backend {
            crate::Backend::Sqlite => "group_concat(f, char(10))",
            crate::Backend::Postgres => "string_agg(f, chr(10))",
        };
        let sql = format!(
            "SELECT {aggregate} FROM (
               SELECT {packed} AS f FROM supervision_cases WHERE authority_org_id = $1 AND closed_at IS NULL
               UNION ALL
               SELECT {packed} AS f FROM supervision_cases WHERE authority_org_id = $2 AND closed_at >= $3 AND (
                 (opened_at >= $4 AND opened_at < $5) OR (decided_at >= $6 AND decided_at < $7) OR closed_at < $8)
             ) AS facts"
        );
        let (all,): (Option<String>,) = sqlx::query_as(&sql)
            .bind(t.id())
            .bind(t.id())
            .bind(from)
            .bind(from)
            .bind(to)
            .bind(from)
            .bind(to)
            .bind(to)
            .fetch_one(&self.pool)
            .await?;
        Ok(all
            .map(|a| a.split('\n').map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// The handling-time rows of the authority's cases with these ids.
    pub async fn case_times_of(
        &self,
        t: &Tenant,
        ids: &[String],
    ) -> Result<Vec<CaseTimesRow>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(crate::links::IN_CHUNK) {
            let sql = format!(
                "SELECT id, reference, org_name, org_number, title, officer_name, case_type, state, opened_at, decided_at, closed_at,
                   waited_seconds, waiting_since, waited_before_decision
                 FROM supervision_cases WHERE authority_org_id = $1 AND id IN ({})",
                crate::links::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query_as::<_, CaseTimesRow>(&sql).bind(t.id());
            for id in chunk {
                q = q.bind(id);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// For each of `org_numbers`, the other authorities with an open case on it, and how many.
    pub async fn open_cases_elsewhere(
        &self,
        t: &Tenant,
        org_numbers: &[String],
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in org_numbers.chunks(crate::links::IN_CHUNK) {
            let sql = format!(
                "SELECT c.org_number, a.name, COUNT(*) FROM supervision_cases c JOIN organisations a ON a.id = c.authority_org_id
                 WHERE c.authority_org_id <> $1 AND c.state <> 'closed' AND c.org_number IN ({})
                 GROUP BY c.org_number, a.name ORDER BY c.org_number, a.name",
                crate::links::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql).bind(t.id());
            for n in chunk {
                q = q.bind(n);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Unanswered requests due on or before `until` (YYYY-MM-DD), across every authority, for
    /// reminders.
    pub async fn requests_due(&self, until: &str) -> Result<Vec<DueRequest>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.id AS request_id, c.id AS case_id, c.reference AS reference, c.title AS title, r.deadline AS deadline,
               c.authority_org_id AS authority_org_id, a.name AS authority_name, c.provider_org_id AS provider_org_id,
               c.officer_id AS officer_id
             FROM case_requests r JOIN supervision_cases c ON c.id = r.case_id JOIN organisations a ON a.id = c.authority_org_id
             WHERE r.answered_at IS NULL AND c.state <> 'closed' AND r.deadline <= $1 ORDER BY r.deadline",
        )
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The supervision action a measure of the provider's action plan came from: (case id,
    /// reference, authority, action text).
    pub async fn case_action_of_measure(
        &self,
        t: &Tenant,
        measure_id: &str,
    ) -> Result<Option<(String, String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.reference, a.name, x.text FROM case_actions x
             JOIN supervision_cases c ON c.id = x.case_id JOIN organisations a ON a.id = c.authority_org_id
             WHERE x.measure_id = $1 AND c.provider_org_id = $2",
        )
        .bind(measure_id)
        .bind(t.id())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Publishes a guidance document, as the next version of `doc_key`; returns it.
    pub async fn publish_guidance(
        &self,
        t: &Tenant,
        actor: &Actor,
        by_name: &str,
        x: &NewGuidance<'_>,
    ) -> Result<Guidance, StoreError> {
        let id = new_id();
        let mut w = self.work().await?;
        let (v,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(version), 0) FROM guidance WHERE authority_org_id = $1 AND doc_key = $2",
        )
        .bind(t.id())
        .bind(x.doc_key)
        .fetch_one(w.conn())
        .await?;
        let library_id = match x.library {
            Some(l) => Some(crate::libraries::insert_library(&mut w, t, by_name, l).await?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO guidance (id, authority_org_id, doc_key, version, title, summary, body, topics, org_kinds, published_at, published_by_name, library_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(t.id())
        .bind(x.doc_key)
        .bind(v + 1)
        .bind(x.title)
        .bind(x.summary)
        .bind(x.body)
        .bind(x.topics)
        .bind(x.org_kinds)
        .bind(now_timestamp())
        .bind(by_name)
        .bind(&library_id)
        .execute(w.conn())
        .await?;
        w.record(
            actor,
            Some(t.id()),
            AuditEntry {
                action: "guidance.publish",
                object_type: "guidance",
                object_id: &id,
                before: None,
                after: Some(json!({"doc_key": x.doc_key, "version": v + 1, "title": x.title,
                                   "catalog": x.library.map(|l| json!({"title": l.title, "version": l.version, "controls": l.controls.len(), "sha256": l.sha256}))})),
            },
        )
        .await?;
        w.commit().await?;
        self.guidance_by_id(&id).await
    }

    /// Every published document's latest version, newest first; of one authority if given.
    /// Guidance is public: every organisation reads it.
    pub async fn guidance_latest(
        &self,
        authority_org_id: Option<&str>,
    ) -> Result<Vec<Guidance>, StoreError> {
        let mut sql = format!(
            "SELECT {GUIDANCE_COLUMNS} FROM guidance g JOIN organisations a ON a.id = g.authority_org_id
             WHERE g.version = (SELECT MAX(h.version) FROM guidance h WHERE h.authority_org_id = g.authority_org_id AND h.doc_key = g.doc_key)"
        );
        if authority_org_id.is_some() {
            sql.push_str(" AND g.authority_org_id = $1");
        }
        sql.push_str(" ORDER BY g.published_at DESC, g.id");
        let mut q = sqlx::query_as(&sql);
        if let Some(a) = authority_org_id {
            q = q.bind(a);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    pub async fn guidance_by_id(&self, id: &str) -> Result<Guidance, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {GUIDANCE_COLUMNS} FROM guidance g JOIN organisations a ON a.id = g.authority_org_id WHERE g.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Every version of one document, newest first.
    pub async fn guidance_versions(
        &self,
        authority_org_id: &str,
        doc_key: &str,
    ) -> Result<Vec<Guidance>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {GUIDANCE_COLUMNS} FROM guidance g JOIN organisations a ON a.id = g.authority_org_id
             WHERE g.authority_org_id = $1 AND g.doc_key = $2 ORDER BY g.version DESC"
        ))
        .bind(authority_org_id)
        .bind(doc_key)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// What an answer carries besides its text.
pub struct NewAnswer<'a> {
    pub text: &'a str,
    pub extract: Option<&'a str>,
    pub extract_sha256: Option<&'a str>,
    pub extract_objects: i64,
    pub files: &'a [crate::NewEvidence<'a>],
}

pub(crate) const ANSWER_FILES: crate::files::FileTables = crate::files::FileTables {
    table: "case_answer_files",
    owner: "answer_id",
    files: "case_answer_file_contents",
    file_key: "attachment_id",
};

/// A finished or ongoing case with its history already dated, for the demo and the benchmark
/// (marked as generated): opened, the request, its answer, the decision and the closing at the
/// times given.
#[derive(Debug, Clone)]
pub struct HistoricCase {
    pub org_number: String,
    pub org_name: String,
    pub provider_org_id: Option<String>,
    pub case_type: String,
    pub title: String,
    pub officer_name: String,
    pub opened_at: String,
    pub request_at: Option<String>,
    pub answered_at: Option<String>,
    pub decided_at: Option<String>,
    /// `no_remark`, `criticism`, … (the decision's outcome when decided).
    pub outcome: String,
    pub closed_at: Option<String>,
}

impl Store {
    /// Stores dated cases in one unit of work; returns their ids. Only the demo and the benchmark
    /// use it: every case is marked generated.
    pub async fn seed_case_histories(
        &self,
        t: &Tenant,
        cases: &[HistoricCase],
    ) -> Result<Vec<String>, StoreError> {
        let mut w = self.work().await?;
        let (org_name,): (String,) = sqlx::query_as("SELECT name FROM organisations WHERE id = $1")
            .bind(t.id())
            .fetch_one(w.conn())
            .await?;
        let mut ids = Vec::with_capacity(cases.len());
        let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for c in cases {
            let year = c.opened_at.get(..4).unwrap_or("0000").to_string();
            if !counts.contains_key(&year) {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM supervision_cases WHERE authority_org_id = $1 AND reference LIKE $2",
                )
                .bind(t.id())
                .bind(format!("{year}-%"))
                .fetch_one(w.conn())
                .await?;
                counts.insert(year.clone(), n);
            }
            let n = counts.get_mut(&year).map(|n| {
                *n += 1;
                *n
            });
            let reference = format!("{year}-{:04}", n.unwrap_or(1));
            let id = new_id();
            let waited = match (&c.request_at, &c.answered_at) {
                (Some(a), Some(b)) => seconds_between(a, b),
                _ => 0,
            };
            let waiting_since = match (&c.request_at, &c.answered_at, &c.closed_at) {
                (Some(a), None, None) => Some(a.clone()),
                _ => None,
            };
            let state = match (&c.decided_at, &c.closed_at) {
                (_, Some(_)) => "closed",
                (Some(_), None) => "decided",
                _ => "open",
            };
            let updated = c
                .closed_at
                .clone()
                .or_else(|| c.decided_at.clone())
                .unwrap_or_else(|| c.opened_at.clone());
            sqlx::query(
                "INSERT INTO supervision_cases (id, authority_org_id, reference, org_number, org_name, provider_org_id, case_type,
                   title, officer_name, state, opened_at, first_request_at, answers_complete_at, decided_at, closed_at,
                   waited_seconds, waiting_since, waited_before_decision, open_requests, search_text, generated, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21)",
            )
            .bind(&id)
            .bind(t.id())
            .bind(&reference)
            .bind(&c.org_number)
            .bind(&c.org_name)
            .bind(&c.provider_org_id)
            .bind(&c.case_type)
            .bind(&c.title)
            .bind(&c.officer_name)
            .bind(state)
            .bind(&c.opened_at)
            .bind(&c.request_at)
            .bind(&c.answered_at)
            .bind(&c.decided_at)
            .bind(&c.closed_at)
            .bind(waited)
            .bind(&waiting_since)
            .bind(c.decided_at.as_ref().map(|_| waited))
            .bind(i64::from(waiting_since.is_some()))
            .bind(search_key(&[&reference, &c.title, &c.org_name, &c.org_number]))
            .bind(&updated)
            .execute(w.conn())
            .await?;
            let ev = |at: &str, kind: &str, text: &str, for_provider: bool| {
                (
                    at.to_string(),
                    kind.to_string(),
                    text.to_string(),
                    for_provider,
                )
            };
            let mut events = vec![ev(&c.opened_at, "opened", &c.title, false)];
            if let Some(r) = &c.request_at {
                let rid = new_id();
                sqlx::query(
                    "INSERT INTO case_requests (id, case_id, sent_at, sent_by_name, questions, documents, deadline, answered_at)
                     VALUES ($1, $2, $3, $4, $5, '[]', $6, $7)",
                )
                .bind(&rid)
                .bind(&id)
                .bind(r)
                .bind(&c.officer_name)
                .bind("Redovisa hur behörigheter tilldelas och följs upp.")
                .bind(r.get(..10).unwrap_or(""))
                .bind(&c.answered_at)
                .execute(w.conn())
                .await?;
                events.push(ev(
                    r,
                    "request",
                    "Redovisa hur behörigheter tilldelas och följs upp.",
                    true,
                ));
                if let Some(a) = &c.answered_at {
                    sqlx::query(
                        "INSERT INTO case_answers (id, case_id, request_id, answered_at, answered_by_name, text)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(new_id())
                    .bind(&id)
                    .bind(&rid)
                    .bind(a)
                    .bind(&c.org_name)
                    .bind("Redovisning bifogas.")
                    .execute(w.conn())
                    .await?;
                    events.push(ev(a, "answer", "Redovisning bifogas.", true));
                }
            }
            if let Some(d) = &c.decided_at {
                sqlx::query(
                    "INSERT INTO case_decisions (id, case_id, issued_at, decided_on, decided_by_name, outcome, summary, document)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(new_id())
                .bind(&id)
                .bind(d)
                .bind(d.get(..10).unwrap_or(""))
                .bind(&c.officer_name)
                .bind(&c.outcome)
                .bind("Beslut i ärendet.")
                .bind(r#"{"findings":[],"actions":[]}"#)
                .execute(w.conn())
                .await?;
                events.push(ev(d, "decision", "Beslut i ärendet.", true));
            }
            if let Some(x) = &c.closed_at {
                events.push(ev(x, "closed", "", true));
            }
            for (at, kind, text, for_provider) in events {
                sqlx::query(
                    "INSERT INTO case_events (id, case_id, at, kind, actor_name, actor_org_id, actor_org_name, text, object_id, for_provider)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
                )
                .bind(new_id())
                .bind(&id)
                .bind(&at)
                .bind(&kind)
                .bind(&c.officer_name)
                .bind(t.id())
                .bind(&org_name)
                .bind(Some(text).filter(|s| !s.is_empty()))
                .bind(i64::from(for_provider))
                .execute(w.conn())
                .await?;
            }
            ids.push(id);
        }
        w.commit().await?;
        Ok(ids)
    }
}

impl Store {
    /// Dates back the history of a case that has one request, answered, and no decision yet:
    /// opened, the request and the answer at the times given (the demo's ongoing case, so that
    /// its handling time reads like a real one). Refused once a decision exists.
    pub async fn backdate_undecided_case(
        &self,
        t: &Tenant,
        case_id: &str,
        opened_at: &str,
        request_at: &str,
        answered_at: &str,
    ) -> Result<(), StoreError> {
        let c = self.owned_case(t, case_id).await?;
        if c.decided_at.is_some() {
            return Err(tillit_domain::ValidationErrors::single(
                "case",
                tillit_domain::Rule::NotAllowedInState {
                    state: c.state.clone(),
                },
            )
            .into());
        }
        let mut w = self.work().await?;
        sqlx::query(
            "UPDATE supervision_cases SET opened_at = $2, first_request_at = $3, answers_complete_at = $4,
               waited_seconds = $5, waiting_since = NULL, generated = 1 WHERE id = $1",
        )
        .bind(case_id)
        .bind(opened_at)
        .bind(request_at)
        .bind(answered_at)
        .bind(seconds_between(request_at, answered_at))
        .execute(w.conn())
        .await?;
        sqlx::query("UPDATE case_requests SET sent_at = $2, answered_at = $3 WHERE case_id = $1")
            .bind(case_id)
            .bind(request_at)
            .bind(answered_at)
            .execute(w.conn())
            .await?;
        sqlx::query("UPDATE case_answers SET answered_at = $2 WHERE case_id = $1")
            .bind(case_id)
            .bind(answered_at)
            .execute(w.conn())
            .await?;
        for (kind, at) in [
            ("opened", opened_at),
            ("request", request_at),
            ("answer", answered_at),
        ] {
            sqlx::query("UPDATE case_events SET at = $3 WHERE case_id = $1 AND kind = $2")
                .bind(case_id)
                .bind(kind)
                .bind(at)
                .execute(w.conn())
                .await?;
        }
        w.commit().await
    }
}
