//! The organisations' Ed25519 signing keys (ADR 0011): made once per organisation, the public key
//! published, the private key sealed with XChaCha20-Poly1305 under a key-encryption key that is
//! kept outside the database (the organisation id and key id are the associated data, so a sealed
//! key does not open in another organisation's row).

use crate::acting::Acting;
use crate::error::{Error, Result};
use crate::App;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use tillit_domain::role::Permission;
use tillit_store::{SigningKeyRow, Tenant};

/// The key-encryption key: 32 bytes, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Kek(pub [u8; 32]);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(hidden)")
    }
}

fn aad(org_id: &str, key_id: &str) -> Vec<u8> {
    format!("tillit-signing-key\n{org_id}\n{key_id}").into_bytes()
}

/// Seals bytes under the key-encryption key: a random nonce, then the ciphertext, as hex. The
/// associated data binds the sealed value to its row (it does not open in another).
pub(crate) fn seal_bytes(kek: &Kek, aad: &[u8], msg: &[u8]) -> Result<String> {
    let cipher = XChaCha20Poly1305::new((&kek.0).into());
    let nonce_bytes: [u8; 24] = rand::random();
    let nonce = XNonce::from_slice(&nonce_bytes);
    let sealed = cipher
        .encrypt(nonce, Payload { msg, aad })
        .map_err(|_| Error::internal("sealing a secret failed"))?;
    let mut out = nonce_bytes.to_vec();
    out.extend(sealed);
    Ok(hex::encode(out))
}

/// Opens what [`seal_bytes`] sealed; fails with another key-encryption key or another row.
pub(crate) fn open_bytes(kek: &Kek, aad: &[u8], sealed: &str) -> Result<Vec<u8>> {
    let bytes = hex::decode(sealed).map_err(|_| Error::internal("a sealed secret is not hex"))?;
    if bytes.len() < 24 {
        return Err(Error::internal("a sealed secret is too short"));
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    let cipher = XChaCha20Poly1305::new((&kek.0).into());
    cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| {
            Error::internal(
                "a sealed secret does not open with this key-encryption key (another key file, or a moved row)",
            )
        })
}

/// Seals a private key.
pub fn seal(kek: &Kek, org_id: &str, key_id: &str, key: &SigningKey) -> Result<String> {
    seal_bytes(kek, &aad(org_id, key_id), &key.to_bytes())
}

/// Opens a sealed private key; fails with another key-encryption key or another row.
pub fn open(kek: &Kek, org_id: &str, key_id: &str, sealed: &str) -> Result<SigningKey> {
    let plain = open_bytes(kek, &aad(org_id, key_id), sealed)?;
    let key: [u8; 32] = plain
        .try_into()
        .map_err(|_| Error::internal("a signing key is not 32 bytes"))?;
    Ok(SigningKey::from_bytes(&key))
}

pub(crate) fn kek(app: &App) -> Result<&Kek> {
    app.config()
        .signing_kek
        .as_ref()
        .ok_or_else(|| Error::internal("no key-encryption key is configured for signing keys"))
}

/// Gives the organisation a signing key if it has no active one (idempotent).
pub async fn ensure_key(app: &App, t: &Tenant) -> Result<()> {
    if app
        .store
        .signing_keys(t)
        .await?
        .iter()
        .any(|k| k.retired_at.is_none())
    {
        return Ok(());
    }
    let kek = kek(app)?;
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let key_id = uuid::Uuid::now_v7().to_string();
    let sealed = seal(kek, t.id(), &key_id, &key)?;
    app.store
        .add_signing_key(
            t,
            &key_id,
            &hex::encode(key.verifying_key().to_bytes()),
            &sealed,
        )
        .await?;
    Ok(())
}

/// Gives every organisation its signing key (at start-up); none when no key-encryption key is
/// configured. Returns how many organisations have one now.
pub async fn ensure_all(app: &App) -> Result<usize> {
    if app.config().signing_kek.is_none() {
        return Ok(0);
    }
    let all = app.store.all_tenants().await?;
    for t in &all {
        ensure_key(app, t).await?;
    }
    Ok(all.len())
}

/// The organisation's published keys, newest first (made now if it has none).
pub async fn public_keys(app: &App, who: &Acting) -> Result<Vec<SigningKeyRow>> {
    who.require(Permission::ViewOverview)?;
    if app.config().signing_kek.is_some() {
        ensure_key(app, who.tenant()).await?;
    }
    Ok(app.store.signing_keys(who.tenant()).await?)
}

/// The organisation's active signing key, opened (for signing a submission).
pub async fn active_key(app: &App, t: &Tenant) -> Result<(String, SigningKey)> {
    ensure_key(app, t).await?;
    let row = app
        .store
        .signing_keys(t)
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
        .ok_or_else(|| Error::internal("no active signing key"))?;
    let key = open(kek(app)?, t.id(), &row.id, &row.sealed_private_key)?;
    Ok((row.id, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_kek_and_in_its_row() {
        let kek = Kek([9; 32]);
        let key = SigningKey::from_bytes(&[5; 32]);
        let sealed = seal(&kek, "org-a", "k1", &key).unwrap_or_default();
        assert!(!sealed.contains(&hex::encode(key.to_bytes())));
        let opened = open(&kek, "org-a", "k1", &sealed).map(|k| k.to_bytes());
        assert_eq!(opened.ok(), Some(key.to_bytes()));
        assert!(
            open(&Kek([8; 32]), "org-a", "k1", &sealed).is_err(),
            "another KEK"
        );
        assert!(
            open(&kek, "org-b", "k1", &sealed).is_err(),
            "another organisation's row"
        );
        assert!(
            open(&kek, "org-a", "k2", &sealed).is_err(),
            "another key id"
        );
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).unwrap_or_default();
        assert!(
            open(&kek, "org-a", "k1", &tampered).is_err(),
            "a changed byte"
        );
        assert_eq!(format!("{kek:?}"), "Kek(hidden)");
    }
}
