//! Random tokens and digests, written as hex: session ids, CSRF and form tokens, API tokens,
//! stored file names, and the checksums of stored files.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes as hex: session ids, CSRF tokens, API tokens, stored file names.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// The SHA-256 of `bytes` as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Only a hash of a session or API token is stored: a leaked database does not open sessions.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
