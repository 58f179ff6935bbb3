//! Signed checkpoints of the audit chain: an anchor the database does not hold.
//!
//! The chain alone detects a changed or removed event in its middle, but not a rewrite by someone
//! who also recomputes every later hash and the head, nor the removal of the last events. A
//! checkpoint is the head's sequence number and hash at a moment, signed (Ed25519) with a key kept
//! outside the database, written as one JSON line to a file an operator ships elsewhere (and to
//! the log). `tillit audit verify --checkpoints FILE` then fails when the chain no longer extends
//! every checkpoint: an event a checkpoint covered is gone, or its hash differs.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use tillit_store::Store;

/// One checkpoint, as a line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    /// The signer's public key (hex), for reference; verification uses the pinned key.
    pub public_key: String,
    pub signature: String,
}

fn message(seq: i64, hash: &str, at: &str) -> String {
    format!("tillit-audit-checkpoint\n{seq}\n{hash}\n{at}")
}

/// Reads the signing key from `path`, or makes one there (readable by its owner only).
pub fn load_or_create_key(path: &Path) -> Result<SigningKey, String> {
    let shown = path.display();
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{shown}: not a key file (64 hex characters)"))?;
        return Ok(SigningKey::from_bytes(&bytes));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).map_err(|e| format!("{shown}: {e}"))?;
    writeln!(f, "{}", hex::encode(key.to_bytes())).map_err(|e| format!("{shown}: {e}"))?;
    Ok(key)
}

/// Reads the signing key from `path`; it must exist.
pub fn load_key(path: &Path) -> Result<SigningKey, String> {
    if !path.exists() {
        return Err(format!(
            "{}: no checkpoint key there; give the signer's public key with --public-key",
            path.display()
        ));
    }
    load_or_create_key(path)
}

/// The public key to pin when verifying, as hex.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// Parses a public key given as hex.
pub fn parse_public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("public key: 64 hex characters expected")?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("public key: {e}"))
}

fn read_all(file: &Path) -> Result<Vec<Checkpoint>, String> {
    if !file.exists() {
        return Ok(vec![]);
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l).map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))
        })
        .collect()
}

/// Appends a checkpoint of the chain's head when it moved since the last one; logs it too.
pub async fn write(
    store: &Store,
    key: &SigningKey,
    file: &Path,
) -> Result<Option<Checkpoint>, String> {
    let (seq, hash) = store.audit_head().await.map_err(|e| e.to_string())?;
    if read_all(file)?
        .last()
        .is_some_and(|c| c.seq == seq && c.hash == hash)
    {
        return Ok(None);
    }
    let at = tillit_store::now_timestamp();
    let signature = key.sign(message(seq, &hash, &at).as_bytes());
    let c = Checkpoint {
        seq,
        hash,
        at,
        public_key: public_key_hex(key),
        signature: hex::encode(signature.to_bytes()),
    };
    let line = serde_json::to_string(&c).map_err(|e| e.to_string())?;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    writeln!(f, "{line}").map_err(|e| format!("{}: {e}", file.display()))?;
    f.sync_all()
        .map_err(|e| format!("{}: {e}", file.display()))?;
    tracing::info!(seq = c.seq, hash = %c.hash, signature = %c.signature, "audit checkpoint");
    Ok(Some(c))
}

/// Why the chain does not extend the checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointFailure {
    /// The checkpoint's signature is not the pinned key's.
    BadSignature { line: usize },
    /// The chain ends before the checkpoint's event: events it covered were removed.
    Missing { seq: i64, head: i64 },
    /// The event at the checkpoint has another hash: the chain was rewritten.
    Rewritten { seq: i64 },
}

impl std::fmt::Display for CheckpointFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckpointFailure::BadSignature { line } => {
                write!(f, "checkpoint on line {line} is not signed by the pinned key")
            }
            CheckpointFailure::Missing { seq, head } => write!(
                f,
                "the chain ends at event {head}, but a checkpoint covers event {seq}: events were removed"
            ),
            CheckpointFailure::Rewritten { seq } => write!(
                f,
                "event {seq} no longer has the hash its checkpoint signed: the chain was rewritten"
            ),
        }
    }
}

/// Checks every checkpoint in `file` against the chain, with the pinned public key. `Ok(n)`: the
/// chain extends all `n` checkpoints.
pub async fn verify(
    store: &Store,
    file: &Path,
    public: &VerifyingKey,
) -> Result<Result<usize, CheckpointFailure>, String> {
    let all = read_all(file)?;
    let (head, _) = store.audit_head().await.map_err(|e| e.to_string())?;
    for (n, c) in all.iter().enumerate() {
        let line = n + 1;
        let signature = hex::decode(&c.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b));
        let signed = signature.is_some_and(|s| {
            public
                .verify(message(c.seq, &c.hash, &c.at).as_bytes(), &s)
                .is_ok()
        });
        if !signed {
            return Ok(Err(CheckpointFailure::BadSignature { line }));
        }
        if c.seq > head {
            return Ok(Err(CheckpointFailure::Missing { seq: c.seq, head }));
        }
        if c.seq == 0 {
            continue;
        }
        match store
            .audit_hash_at(c.seq)
            .await
            .map_err(|e| e.to_string())?
        {
            None => return Ok(Err(CheckpointFailure::Missing { seq: c.seq, head })),
            Some(h) if h != c.hash => return Ok(Err(CheckpointFailure::Rewritten { seq: c.seq })),
            Some(_) => {}
        }
    }
    Ok(Ok(all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("tillit-key-{}", std::process::id()));
        let path = dir.join("checkpoint.key");
        let _ = std::fs::remove_dir_all(&dir);
        let made = load_or_create_key(&path).unwrap();
        let read = load_or_create_key(&path).unwrap();
        assert_eq!(made.to_bytes(), read.to_bytes());
        assert_eq!(
            parse_public_key(&public_key_hex(&made)).unwrap(),
            made.verifying_key()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
