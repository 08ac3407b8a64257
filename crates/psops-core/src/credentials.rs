//! Credentials: argon2id password hashes and bearer API tokens. A token's secret is shown
//! once; only its SHA-256 is stored, so a copy of the database does not leak tokens.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::rule::Rule;
use crate::{Error, Result};

/// Prefix that makes psops tokens recognisable to secret scanners.
pub const TOKEN_PREFIX: &str = "psops_";

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 12 {
        return Err(Error::invalid(
            "password",
            Rule::TooShort,
            "password must be at least 12 characters",
        ));
    }
    let salt = random_bytes::<16>()?;
    let hash: PasswordHash = Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(Error::internal)?;
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC string; any malformed hash simply fails.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// A random password of 24 characters for users created without one.
pub fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let bytes = random_bytes::<24>()?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// A new API token: the secret to show once, and the hash to store.
pub fn new_api_token() -> Result<(String, String)> {
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(random_bytes::<32>()?));
    let hash = token_hash(&secret);
    Ok((secret, hash))
}

/// SHA-256 of a token secret, hex. Tokens carry 256 random bits, so a fast hash is
/// enough; passwords, which people choose, get argon2id instead.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_api_token().unwrap();
        let (b, _) = new_api_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(token_hash(&a), ha);
        assert_eq!(ha.len(), 64);
        assert_eq!(generate_password().unwrap().len(), 24);
    }
}
