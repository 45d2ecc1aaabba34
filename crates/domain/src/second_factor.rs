//! Two-factor sign-in: time-based one-time codes (RFC 6238: six digits, 30 seconds, HMAC-SHA1,
//! what every authenticator app reads from an `otpauth://` QR code) and one-use recovery codes.
//!
//! A code is accepted once: [`TotpSecret::step_of`] says which 30-second step a code belongs to,
//! and the caller accepts it only if that step is later than the last one accepted (kept with the
//! account, claimed atomically in the database). Recovery codes are random, shown once, and kept
//! only as SHA-256 hashes: 50 random bits each, so a fast hash is enough.

use chrono::{DateTime, Utc};
use data_encoding::{BASE32_NOPAD, HEXLOWER};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "guichet";

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// A TOTP secret (160 random bits), as kept with the account: base32.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// A code that is not one: not six digits, nor a recovery code's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a six-digit code nor a recovery code")]
pub struct NotACode;

/// What a member typed as their second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the app.
    Totp(String),
    /// One of the recovery codes, normalised (lowercase, no separators).
    Recovery(String),
}

impl SecondFactor {
    /// Reads a code as people type it: spaces and dashes anywhere, any case.
    pub fn parse(typed: &str) -> Result<Self, NotACode> {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(compact));
        }
        let base32 = |b: u8| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b);
        if compact.len() == RECOVERY_CODE_CHARS && compact.bytes().all(base32) {
            return Ok(Self::Recovery(compact));
        }
        Err(NotACode)
    }
}

/// Characters of a recovery code (50 bits of base32), shown as two groups of five.
const RECOVERY_CODE_CHARS: usize = 10;

impl TotpSecret {
    /// A secret from 20 random bytes (the caller's: this crate does no I/O).
    pub fn from_random(bytes: [u8; 20]) -> Self {
        Self(bytes.to_vec())
    }

    /// The secret as kept (base32, as authenticator apps also take it by hand).
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// A secret kept as [`TotpSecret::to_base32`] wrote it; `None` if it is not one.
    pub fn from_base32(text: &str) -> Option<Self> {
        let bytes = BASE32_NOPAD.decode(text.as_bytes()).ok()?;
        (bytes.len() >= 16).then_some(Self(bytes))
    }

    fn totp(&self, account: &str) -> Totp {
        // Six digits, 30 s, SHA-1: what every app reads; a code of the step before or after
        // (a phone's clock a little off) is accepted too. The account name is only shown.
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(30)
            .with_secret(Secret::from(self.0.clone()))
            .with_issuer(Some(ISSUER))
            .with_account_name(account.replace(':', ""))
            .build_noncompliant()
    }

    /// The `otpauth://` URI an authenticator app reads (from a QR code) for `account`.
    pub fn uri(&self, account: &str) -> String {
        self.totp(account).to_url().unwrap_or_default()
    }

    /// The 30-second step that `code` belongs to at `now` (this step, or the one before or
    /// after), or `None` if it is no code of this secret then.
    pub fn step_of(&self, code: &str, now: DateTime<Utc>) -> Option<i64> {
        let time = u64::try_from(now.timestamp()).ok()?;
        let step = self.totp("").check(code, time)?;
        i64::try_from(step).ok()
    }

    /// The code of `now`'s step (for tests and for the CLI's check).
    pub fn code_at(&self, now: DateTime<Utc>) -> String {
        let time = u64::try_from(now.timestamp()).unwrap_or_default();
        self.totp("").generate(time).to_string()
    }
}

/// A recovery code from 7 random bytes (the caller's), as shown: `abcde-fghij`.
pub fn recovery_code(bytes: [u8; 7]) -> String {
    let text = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
    let text = &text[..RECOVERY_CODE_CHARS];
    format!("{}-{}", &text[..5], &text[5..])
}

/// What is kept of a recovery code: the SHA-256 of its normalised form.
pub fn recovery_code_hash(normalised: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(normalised.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082
    /// in eight digits; in six, its last six.
    #[test]
    fn codes_are_those_of_rfc_6238() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        let at = Utc.timestamp_opt(59, 0).single().expect("instant");
        assert_eq!(secret.code_at(at), "287082");
        let at = Utc
            .timestamp_opt(1_111_111_109, 0)
            .single()
            .expect("instant");
        assert_eq!(secret.code_at(at), "081804");
        assert_eq!(secret.step_of("081804", at), Some(1_111_111_109 / 30));
    }

    #[test]
    fn a_code_counts_in_its_step_and_its_neighbours_only() {
        let secret = TotpSecret::from_random([7; 20]);
        let at = Utc
            .timestamp_opt(1_800_000_000, 0)
            .single()
            .expect("instant");
        let code = secret.code_at(at);
        let step = 1_800_000_000 / 30;
        assert_eq!(secret.step_of(&code, at), Some(step));
        assert_eq!(
            secret.step_of(&code, at + chrono::TimeDelta::seconds(30)),
            Some(step),
            "a phone a little behind"
        );
        assert_eq!(
            secret.step_of(&code, at + chrono::TimeDelta::seconds(95)),
            None
        );
        assert_eq!(
            secret.step_of("000000", at).filter(|_| code != "000000"),
            None
        );
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_account_and_carries_the_secret() {
        let secret = TotpSecret::from_random([1; 20]);
        let uri = secret.uri("desk@example.org");
        assert!(
            uri.starts_with("otpauth://totp/guichet:desk%40example.org?"),
            "{uri}"
        );
        assert!(
            uri.contains(&format!("secret={}", secret.to_base32())),
            "{uri}"
        );
        assert!(uri.contains("issuer=guichet"), "{uri}");
        assert_eq!(
            TotpSecret::from_base32(&secret.to_base32()),
            Some(secret.clone())
        );
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(
            SecondFactor::parse(" 123 456 "),
            Ok(SecondFactor::Totp("123456".into()))
        );
        let shown = recovery_code([0xab; 7]);
        assert_eq!(shown.len(), 11);
        assert_eq!(
            SecondFactor::parse(&shown.to_uppercase()),
            Ok(SecondFactor::Recovery(shown.replace('-', "")))
        );
        assert_eq!(SecondFactor::parse("12345"), Err(NotACode));
        assert_eq!(SecondFactor::parse("hello world!"), Err(NotACode));
    }
}
