//! Ticket tokens: what the QR code carries.
//!
//! A token is 16 bytes written in uppercase base32 (26 characters, so the QR code uses its compact
//! alphanumeric mode and stays at version 2): the registration id (4 bytes), the ticket version
//! (2 bytes), and the first 10 bytes (80 bits) of an HMAC-SHA256, under the service's secret key,
//! of the event id, registration id and version. Without the key nobody can make a token — not
//! even from a copy of the database, which holds no token. Raising the version revokes every
//! earlier token of a registration; the same version always gives the same token, so a lost
//! email can be re-sent.

use crate::registration::Registration;
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

const MAC_BYTES: usize = 10;
const TOKEN_BYTES: usize = 4 + 2 + MAC_BYTES;
/// The length of a token in characters.
pub const TOKEN_CHARS: usize = 26;

/// The service's secret for tickets: at least 32 bytes.
#[derive(Clone)]
pub struct TicketKey(Vec<u8>);

impl fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TicketKey(…)")
    }
}

/// The key is too short to be a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the ticket key must be at least 32 bytes")]
pub struct WeakKey;

impl TicketKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, WeakKey> {
        if bytes.len() < 32 {
            return Err(WeakKey);
        }
        Ok(Self(bytes))
    }

    fn mac(&self, event_id: i32, registration_id: i32, version: u16) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| {
            // HMAC accepts keys of any length; this branch cannot run.
            <HmacSha256 as KeyInit>::new_from_slice(b"unreachable").expect("HMAC takes any key")
        });
        mac.update(b"guichet-ticket-v1");
        mac.update(&event_id.to_be_bytes());
        mac.update(&registration_id.to_be_bytes());
        mac.update(&version.to_be_bytes());
        mac
    }

    /// An HMAC under the key of `label` and `values`: the tag of another kind of code (a
    /// certificate's), whose label keeps it apart from a ticket's.
    pub(crate) fn tag(&self, label: &[u8], values: &[i32]) -> Vec<u8> {
        self.labelled(label, values)
            .finalize()
            .into_bytes()
            .to_vec()
    }

    /// Whether `tag` is the start of [`TicketKey::tag`]'s, compared in constant time.
    pub(crate) fn tag_matches(&self, label: &[u8], values: &[i32], tag: &[u8]) -> bool {
        self.labelled(label, values)
            .verify_truncated_left(tag)
            .is_ok()
    }

    fn labelled(&self, label: &[u8], values: &[i32]) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| {
            <HmacSha256 as KeyInit>::new_from_slice(b"unreachable").expect("HMAC takes any key")
        });
        mac.update(label);
        for value in values {
            mac.update(&value.to_be_bytes());
        }
        mac
    }

    /// The token of a registration's ticket at `version`.
    pub fn issue(&self, event_id: i32, registration_id: i32, version: i32) -> TicketToken {
        let version = u16::try_from(version).unwrap_or(u16::MAX);
        let tag = self
            .mac(event_id, registration_id, version)
            .finalize()
            .into_bytes();
        let mut bytes = Vec::with_capacity(TOKEN_BYTES);
        bytes.extend_from_slice(&registration_id.to_be_bytes());
        bytes.extend_from_slice(&version.to_be_bytes());
        bytes.extend_from_slice(&tag[..MAC_BYTES]);
        TicketToken(BASE32_NOPAD.encode(&bytes))
    }

    /// Whether `claim` was issued by this key for `event_id`. Compares in constant time.
    pub fn verify(&self, claim: &TicketClaim, event_id: i32) -> bool {
        self.mac(event_id, claim.registration_id, claim.version)
            .verify_truncated_left(&claim.tag)
            .is_ok()
    }
}

/// What a presented token is, next to the registration it claims to be: the one rule the desk
/// and the ticket page both follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStanding {
    /// The registration's current ticket.
    Current,
    /// An earlier ticket of the registration, replaced when an organiser re-issued it.
    Replaced,
    /// Not a ticket this key issued for this registration: forged, or another's.
    Unknown,
}

impl TicketKey {
    /// The standing of `claim`, given `registration`, the registration it names (found by
    /// `claim.registration_id`). The MAC is checked against the registration's own event, so a
    /// token is never valid for another registration or event.
    pub fn standing(&self, claim: &TicketClaim, registration: &Registration) -> TicketStanding {
        if claim.registration_id != registration.id || !self.verify(claim, registration.event_id) {
            return TicketStanding::Unknown;
        }
        match i32::from(claim.version).cmp(&registration.ticket_version) {
            std::cmp::Ordering::Equal => TicketStanding::Current,
            std::cmp::Ordering::Less => TicketStanding::Replaced,
            // A version this database never issued (a restored older copy): not a ticket of it.
            std::cmp::Ordering::Greater => TicketStanding::Unknown,
        }
    }

    /// The standing of a token as typed or scanned, given the registration it names (looked up by
    /// [`TicketClaim::registration_id`]; `None` when there is none): unreadable text and a missing
    /// registration are `Unknown` like a forgery.
    pub fn standing_of(&self, raw: &str, registration: Option<&Registration>) -> TicketStanding {
        match (TicketClaim::parse(raw), registration) {
            (Some(claim), Some(registration)) => self.standing(&claim, registration),
            _ => TicketStanding::Unknown,
        }
    }
}

/// A token's readable part, not yet verified: which registration and version it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketClaim {
    pub registration_id: i32,
    pub version: u16,
    tag: [u8; MAC_BYTES],
}

impl TicketClaim {
    /// Reads a token as typed or scanned: surrounding spaces and lowercase are forgiven (a
    /// scanner's keyboard layout may send either). `None` when it cannot be a token at all.
    pub fn parse(raw: &str) -> Option<Self> {
        let text = raw.trim().to_ascii_uppercase();
        if text.len() != TOKEN_CHARS {
            return None;
        }
        let bytes = BASE32_NOPAD.decode(text.as_bytes()).ok()?;
        if bytes.len() != TOKEN_BYTES {
            return None;
        }
        let registration_id = i32::from_be_bytes(bytes[0..4].try_into().ok()?);
        let version = u16::from_be_bytes(bytes[4..6].try_into().ok()?);
        let tag: [u8; MAC_BYTES] = bytes[6..].try_into().ok()?;
        Some(Self {
            registration_id,
            version,
            tag,
        })
    }
}

/// A ticket token, as printed in the QR code and the ticket's link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicketToken(String);

impl TicketToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> TicketKey {
        TicketKey::new(vec![byte; 32]).expect("32 bytes")
    }

    #[test]
    fn tokens_are_26_uppercase_base32_characters_and_verify() {
        let token = key(7).issue(3, 42, 1);
        assert_eq!(token.as_str().len(), TOKEN_CHARS);
        assert!(
            token
                .as_str()
                .chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
        let claim = TicketClaim::parse(token.as_str()).expect("readable");
        assert_eq!((claim.registration_id, claim.version), (42, 1));
        assert!(key(7).verify(&claim, 3));
        // The same registration and version always give the same token (re-sending works).
        assert_eq!(key(7).issue(3, 42, 1), token);
    }

    #[test]
    fn another_key_event_or_a_changed_character_does_not_verify() {
        let token = key(7).issue(3, 42, 1);
        let claim = TicketClaim::parse(token.as_str()).expect("readable");
        assert!(!key(8).verify(&claim, 3), "another key");
        assert!(!key(7).verify(&claim, 4), "another event");
        // Claiming another registration with the same tag fails.
        let mut forged = claim.clone();
        forged.registration_id = 43;
        assert!(!key(7).verify(&forged, 3));
        // Flipping any one character breaks it (or makes it unreadable).
        for i in 0..TOKEN_CHARS {
            let mut chars: Vec<char> = token.as_str().chars().collect();
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            let altered: String = chars.into_iter().collect();
            if let Some(c) = TicketClaim::parse(&altered) {
                assert!(!key(7).verify(&c, 3) || c == claim, "position {i}");
            }
        }
    }

    #[test]
    fn scanned_text_is_forgiven_case_and_spaces() {
        let token = key(1).issue(1, 5, 2);
        let claim = TicketClaim::parse(&format!("  {}\n", token.as_str().to_lowercase()))
            .expect("readable");
        assert!(key(1).verify(&claim, 1));
        assert!(TicketClaim::parse("").is_none());
        assert!(TicketClaim::parse("HELLO").is_none());
        assert!(TicketClaim::parse(&"1".repeat(TOKEN_CHARS)).is_none());
    }

    fn registration(id: i32, event_id: i32, ticket_version: i32) -> Registration {
        let participant = crate::registration::tests_support::participant();
        Registration {
            id,
            event_id,
            participant,
            status: crate::Status::Confirmed,
            ticket_version,
            registered_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn standing_is_current_replaced_or_unknown() {
        let claim = |version| TicketClaim::parse(key(7).issue(3, 42, version).as_str());
        let current = registration(42, 3, 2);
        let standing =
            |c: Option<TicketClaim>, r: &Registration| key(7).standing(&c.expect("readable"), r);
        assert_eq!(standing(claim(2), &current), TicketStanding::Current);
        assert_eq!(standing(claim(1), &current), TicketStanding::Replaced);
        assert_eq!(standing(claim(3), &current), TicketStanding::Unknown);
        // Another event's registration 42, another registration, another key.
        assert_eq!(
            standing(claim(2), &registration(42, 4, 2)),
            TicketStanding::Unknown
        );
        assert_eq!(
            standing(claim(2), &registration(43, 3, 2)),
            TicketStanding::Unknown
        );
        let foreign = TicketClaim::parse(key(8).issue(3, 42, 2).as_str()).expect("readable");
        assert_eq!(key(7).standing(&foreign, &current), TicketStanding::Unknown);
        // From the text: unreadable, or naming no registration, is unknown too.
        let token = key(7).issue(3, 42, 2);
        let of = |raw: &str, r| key(7).standing_of(raw, r);
        assert_eq!(of(token.as_str(), Some(&current)), TicketStanding::Current);
        assert_eq!(of(token.as_str(), None), TicketStanding::Unknown);
        assert_eq!(of("HELLO", Some(&current)), TicketStanding::Unknown);
    }

    #[test]
    fn a_short_key_is_refused() {
        assert_eq!(TicketKey::new(vec![0; 16]).err(), Some(WeakKey));
    }
}

/// How long an invitation to a team may be taken up.
pub const INVITATION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(48);

/// The link of an invitation to an event's team: the invitation's id (4 bytes) and the first 16
/// bytes of an HMAC-SHA256, under the service's key, of the id and the invitation's own random
/// nonce, in lowercase base32. Like tickets, the database holds no link: only the key makes one,
/// and a new invitation (a new nonce) makes an older link worthless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationToken(String);

impl InvitationToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The invitation id a link names, and its tag, if it has the shape of one.
    pub fn parse(raw: &str) -> Option<(i32, Vec<u8>)> {
        let bytes = BASE32_NOPAD
            .decode(raw.trim().to_ascii_uppercase().as_bytes())
            .ok()?;
        if bytes.len() != 4 + INVITATION_MAC_BYTES {
            return None;
        }
        let id = i32::from_be_bytes(bytes[..4].try_into().ok()?);
        Some((id, bytes[4..].to_vec()))
    }
}

impl fmt::Display for InvitationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const INVITATION_MAC_BYTES: usize = 16;

impl TicketKey {
    fn invitation_mac(&self, id: i32, nonce: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| {
            <HmacSha256 as KeyInit>::new_from_slice(b"unreachable").expect("HMAC takes any key")
        });
        mac.update(b"guichet-invitation-v1");
        mac.update(&id.to_be_bytes());
        mac.update(nonce.as_bytes());
        mac
    }

    /// The own part of an email's `Message-ID`: 80 bits of an HMAC, under this key and apart
    /// from every other use of it, of the queue, the row and something of the row another
    /// database would not repeat (`unique`), in lowercase base32 (16 letters and digits). The
    /// same row always gives the same tag, so a message sent again is one message to the reader;
    /// being a MAC, it says nothing of the row.
    pub fn message_id_tag(&self, queue: &str, id: i32, unique: &str) -> String {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| {
            <HmacSha256 as KeyInit>::new_from_slice(b"unreachable").expect("HMAC takes any key")
        });
        mac.update(b"guichet-message-id-v1");
        // Each part's length first: ("ab", "c") and ("a", "bc") are different rows.
        for part in [queue.as_bytes(), unique.as_bytes()] {
            mac.update(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
            mac.update(part);
        }
        mac.update(&id.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        BASE32_NOPAD.encode(&tag[..10]).to_ascii_lowercase()
    }

    /// The link token of invitation `id` whose nonce is `nonce`.
    pub fn invitation_token(&self, id: i32, nonce: &str) -> InvitationToken {
        let tag = self.invitation_mac(id, nonce).finalize().into_bytes();
        let mut bytes = Vec::with_capacity(4 + INVITATION_MAC_BYTES);
        bytes.extend_from_slice(&id.to_be_bytes());
        bytes.extend_from_slice(&tag[..INVITATION_MAC_BYTES]);
        InvitationToken(BASE32_NOPAD.encode(&bytes).to_ascii_lowercase())
    }

    /// Whether `tag` (from [`InvitationToken::parse`]) is this key's for invitation `id` with
    /// `nonce`. Compares in constant time.
    pub fn verify_invitation(&self, id: i32, nonce: &str, tag: &[u8]) -> bool {
        self.invitation_mac(id, nonce)
            .verify_truncated_left(tag)
            .is_ok()
    }
}

#[cfg(test)]
mod invitation_tests {
    use super::*;

    #[test]
    fn an_invitation_link_names_its_invitation_and_holds_for_its_nonce_only() {
        let key = TicketKey::new(vec![9; 32]).expect("key");
        let token = key.invitation_token(42, "nonce-a");
        let (id, tag) = InvitationToken::parse(token.as_str()).expect("parses");
        assert_eq!(id, 42);
        assert!(key.verify_invitation(42, "nonce-a", &tag));
        assert!(
            !key.verify_invitation(42, "nonce-b", &tag),
            "another invitation's nonce"
        );
        assert!(!key.verify_invitation(43, "nonce-a", &tag), "another id");
        let other = TicketKey::new(vec![8; 32]).expect("key");
        assert!(!other.verify_invitation(42, "nonce-a", &tag), "another key");
        assert!(InvitationToken::parse("not-a-token").is_none());
    }
}
