//! The code of a certificate of attendance: what its verification link (`/v/{code}`) carries.
//! Like a ticket (see `ticket.rs`), it is the registration id and 80 bits of an HMAC under the
//! service's secret key — of another text than a ticket's, so that neither can be made from the
//! other — written in lowercase base32 for a link: unguessable, and checkable without storing it.

use crate::ticket::TicketKey;
use data_encoding::BASE32_NOPAD;
use std::fmt;

const MAC_BYTES: usize = 10;
const CODE_BYTES: usize = 4 + MAC_BYTES;
/// The length of a code in characters.
pub const CODE_CHARS: usize = 23;

/// A certificate's code, as printed under its verification link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateCode(String);

impl CertificateCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A code's readable part, not yet verified: the registration it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateClaim {
    pub registration_id: i32,
    tag: [u8; MAC_BYTES],
}

impl CertificateClaim {
    /// `None` when the text cannot be a code at all.
    pub fn parse(raw: &str) -> Option<Self> {
        let text = raw.trim().to_ascii_uppercase();
        if text.len() != CODE_CHARS {
            return None;
        }
        let bytes = BASE32_NOPAD.decode(text.as_bytes()).ok()?;
        if bytes.len() != CODE_BYTES {
            return None;
        }
        Some(Self {
            registration_id: i32::from_be_bytes(bytes[0..4].try_into().ok()?),
            tag: bytes[4..].try_into().ok()?,
        })
    }
}

impl TicketKey {
    /// The code of the certificate of registration `registration_id` of event `event_id`.
    pub fn certificate(&self, event_id: i32, registration_id: i32) -> CertificateCode {
        let tag = self.tag(b"guichet-certificate-v1", &[event_id, registration_id]);
        let mut bytes = Vec::with_capacity(CODE_BYTES);
        bytes.extend_from_slice(&registration_id.to_be_bytes());
        bytes.extend_from_slice(&tag[..MAC_BYTES]);
        CertificateCode(BASE32_NOPAD.encode(&bytes).to_ascii_lowercase())
    }

    /// Whether `claim` is a code this key made for its registration at `event_id`. Compares in
    /// constant time.
    pub fn verify_certificate(&self, claim: &CertificateClaim, event_id: i32) -> bool {
        self.tag_matches(
            b"guichet-certificate-v1",
            &[event_id, claim.registration_id],
            &claim.tag,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> TicketKey {
        TicketKey::new(vec![byte; 32]).expect("32 bytes")
    }

    #[test]
    fn a_code_verifies_for_its_registration_and_event_only() {
        let code = key(7).certificate(3, 42);
        assert_eq!(code.as_str().len(), CODE_CHARS);
        assert!(
            code.as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c))
        );
        let claim = CertificateClaim::parse(code.as_str()).expect("readable");
        assert_eq!(claim.registration_id, 42);
        assert!(key(7).verify_certificate(&claim, 3));
        assert!(!key(8).verify_certificate(&claim, 3), "another key");
        assert!(!key(7).verify_certificate(&claim, 4), "another event");
        let mut forged = claim.clone();
        forged.registration_id = 43;
        assert!(
            !key(7).verify_certificate(&forged, 3),
            "another registration"
        );
        // A ticket's token is no certificate code, and the other way round.
        assert!(CertificateClaim::parse(key(7).issue(3, 42, 1).as_str()).is_none());
        assert!(crate::TicketClaim::parse(code.as_str()).is_none());
        assert!(CertificateClaim::parse("not a code").is_none());
    }
}
