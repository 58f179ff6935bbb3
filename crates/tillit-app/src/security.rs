//! Secrets, hashes and passwords: random secrets, SHA-256 of tokens, constant-time comparison,
//! one-time initial passwords and Argon2id hashing on the blocking pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random secret: 32 bytes from the OS, hex-encoded.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A token the server issues and can recognise as its own: a random nonce and a MAC of it under
/// the installation's key (HMAC-SHA-256, truncated), 64 hex characters in all. A client cannot
/// choose one, and a token from another installation does not verify.
pub fn signed_token(key: &[u8]) -> String {
    let mut nonce = [0u8; 16];
    OsRng.fill_bytes(&mut nonce);
    let nonce = hex::encode(nonce);
    let mac = token_mac(key, &nonce);
    format!("{nonce}{mac}")
}

/// Whether `token` is one [`signed_token`] made with `key`.
pub fn verify_signed_token(key: &[u8], token: &str) -> bool {
    if token.len() != 64 || !token.is_ascii() {
        return false;
    }
    let (nonce, mac) = token.split_at(32);
    secrets_equal(&token_mac(key, nonce), mac)
}

fn token_mac(key: &[u8], nonce: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut m = match Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes a key of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    m.update(nonce.as_bytes());
    hex::encode(&m.finalize().into_bytes()[..16])
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Compares secrets in constant time.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A password for a new account, handed over once: 16 characters without look-alikes.
pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut out = String::new();
    let mut b = [0u8; 1];
    while out.chars().filter(|c| *c != '-').count() < 16 {
        OsRng.fill_bytes(&mut b);
        // Rejection sampling keeps the choice uniform.
        if usize::from(b[0]) < 256 - 256 % ALPHABET.len() {
            if !out.is_empty() && out.chars().filter(|c| *c != '-').count() % 4 == 0 {
                out.push('-');
            }
            out.push(char::from(ALPHABET[usize::from(b[0]) % ALPHABET.len()]));
        }
    }
    out
}

/// Argon2id with the configured cost. Hashing runs on the blocking pool.
#[derive(Clone)]
pub struct PasswordHashing {
    params: Params,
}

impl PasswordHashing {
    /// `memory_kib`, `iterations`: OWASP's minimum for Argon2id is 19 MiB with 2 iterations.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, String> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| e.to_string())?;
        Ok(Self { params })
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash_blocking(&self, password: &str) -> Result<String, String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    pub async fn hash(&self, password: String) -> Result<String, String> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.hash_blocking(&password))
            .await
            .map_err(|e| e.to_string())?
    }

    /// Checks a password against a stored PHC string (whatever cost it was made with).
    pub async fn verify(&self, password: String, phc: String) -> bool {
        let me = self.clone();
        tokio::task::spawn_blocking(move || match PasswordHash::new(&phc) {
            Ok(h) => me.argon().verify_password(password.as_bytes(), &h).is_ok(),
            Err(_) => false,
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_only_under_its_key_and_unchanged() {
        let t = signed_token(b"key one");
        assert_eq!(t.len(), 64);
        assert!(verify_signed_token(b"key one", &t));
        assert!(!verify_signed_token(b"key two", &t));
        let mut forged = t.clone();
        forged.replace_range(0..1, if t.starts_with('a') { "b" } else { "a" });
        assert!(!verify_signed_token(b"key one", &forged));
        assert!(!verify_signed_token(b"key one", &"a".repeat(64)));
        assert!(!verify_signed_token(b"key one", "short"));
    }

    #[test]
    fn initial_passwords_are_long_and_differ() {
        let a = initial_password();
        let b = initial_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19, "{a}");
        assert_eq!(a.matches('-').count(), 3);
        assert!(tillit_domain::user::check_new_password("p", &a, "x@y.se").is_ok());
    }

    #[test]
    fn argon2id_round_trip() {
        let h = PasswordHashing::new(1024, 1).unwrap();
        let phc = h.hash_blocking("korrekt häst batteri").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(rt.block_on(h.verify("korrekt häst batteri".into(), phc.clone())));
        assert!(!rt.block_on(h.verify("fel".into(), phc)));
    }

    #[test]
    fn secrets_compare() {
        assert!(secrets_equal("abc", "abc"));
        assert!(!secrets_equal("abc", "abd"));
        assert!(!secrets_equal("abc", "abcd"));
        assert_eq!(random_secret().len(), 64);
    }
}
