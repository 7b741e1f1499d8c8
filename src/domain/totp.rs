//! Two-factor codes: TOTP (RFC 6238) over HMAC-SHA1, 30-second steps, 6 digits, as every
//! authenticator app makes them; secrets written in base32 (RFC 4648) for those apps.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
pub const DIGITS: u32 = 6;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

/// The step a moment (seconds since 1970) falls in.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP)
}

/// The code for a step (RFC 4226's HOTP with the step as counter), `digits` long.
pub fn code_at(secret: &[u8], step: i64, digits: u32) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    format!(
        "{:0width$}",
        bin % 10u32.pow(digits),
        width = digits as usize
    )
}

/// The step whose code `typed` is, within one step either side of `unix` (clocks drift), if
/// it is later than `after` (a code is good once).
pub fn check(secret: &[u8], typed: &str, unix: i64, after: Option<i64>) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix);
    (now - 1..=now + 1)
        .filter(|s| after.is_none_or(|a| *s > a))
        .find(|s| constant_eq(code_at(secret, *s, DIGITS).as_bytes(), typed.as_bytes()))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding, as authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The bytes of a base32 text (case and padding ignored); None if it is not base32.
pub fn from_base32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The address an authenticator app reads (from a QR code or typed): issuer and account shown.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    // The label's space is %20, not +: apps read the label as a path.
    let label = format!("{}:{}", enc(issuer), enc(account)).replace('+', "%20");
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        base32(secret),
        enc(issuer).replace('+', "%20")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, the RFC's 20-byte ASCII key).
    #[test]
    fn rfc_6238_vectors() {
        let key = b"12345678901234567890";
        for (t, want) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_at(key, step_of(t), 8), want, "t={t}");
        }
        assert_eq!(code_at(key, step_of(59), 6), "287082");
    }

    #[test]
    fn a_code_is_good_within_a_step_either_side_and_once() {
        let key = b"12345678901234567890";
        let t = 1111111111;
        let now = code_at(key, step_of(t), 6);
        let before = code_at(key, step_of(t) - 1, 6);
        let far = code_at(key, step_of(t) - 3, 6);
        assert_eq!(check(key, &now, t, None), Some(step_of(t)));
        assert_eq!(check(key, &before, t, None), Some(step_of(t) - 1));
        assert_eq!(check(key, &far, t, None), None);
        // Used already: the same step, or an earlier one, is refused.
        assert_eq!(check(key, &now, t, Some(step_of(t))), None);
        assert_eq!(check(key, "12 34", t, None), None);
        assert_eq!(check(key, "abcdef", t, None), None);
        let spaced = format!("{} {}", &now[..3], &now[3..]);
        assert_eq!(check(key, &spaced, t, None), Some(step_of(t)));
    }

    /// RFC 4648 section 10.
    #[test]
    fn base32_as_rfc_4648_writes_it() {
        for (plain, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), enc);
            assert_eq!(from_base32(enc).unwrap(), plain.as_bytes());
            assert_eq!(from_base32(&enc.to_lowercase()).unwrap(), plain.as_bytes());
        }
        assert_eq!(from_base32("MZXW6==="), Some(b"foo".to_vec()));
        assert_eq!(from_base32("M1"), None);
    }

    #[test]
    fn the_app_address_names_issuer_and_account() {
        let uri = otpauth_uri("Chỉ đạo", "a@b.vn", b"foobar");
        assert!(
            uri.starts_with(
                "otpauth://totp/Ch%E1%BB%89%20%C4%91%E1%BA%A1o:a%40b.vn?secret=MZXW6YTBOI&"
            ),
            "{uri}"
        );
        assert!(uri.contains("&digits=6&period=30"));
    }
}
