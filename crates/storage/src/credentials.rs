//! Secrets: argon2id password hashes, random codes and tokens, and the SHA-256 digests under
//! which codes, tokens and session ids are stored (a stolen database holds no usable secret).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::StorageError;

/// 32 random bytes as 64 hex digits: session ids, API tokens, verification and reset codes.
pub fn new_secret() -> Result<String, StorageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Secret(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// The form in which a secret is stored and looked up.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id hash in PHC format, with the crate's default (OWASP-recommended) cost.
/// Slow on purpose: call it off the async runtime's worker threads.
pub fn hash_password(password: &str) -> Result<String, StorageError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StorageError::Secret(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StorageError::Secret(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| StorageError::Secret(e.to_string()))
}

/// Whether `password` matches a stored hash. An unreadable hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash of a random password: checked against when an e-mail address has no account, so
/// that a failed sign-in takes as long whether or not the account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        new_secret().and_then(|s| hash_password(&s)).unwrap_or_else(|_| "$argon2id$v=19$m=19456,t=2,p=1$".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(hash, hash_password("correct horse battery").expect("hash"), "salted");
    }

    #[test]
    fn secrets_are_random_and_stored_as_digests() {
        let a = new_secret().expect("secret");
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret().expect("secret"));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }
}
