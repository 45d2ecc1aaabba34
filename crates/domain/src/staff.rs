//! Staff: roles, who may do what at which event, passwords and their argon2id hashes.
//!
//! Hashing is CPU work of some 20 ms by design; callers in async code run it on a blocking
//! thread. The salt comes from the caller (the operating system's randomness, in practice), so
//! this module stays free of I/O.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// What a staff member may do at one event: a grant is (staff member, event, role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Checks people in, searches, registers walk-ins.
    Desk,
    /// Publishes the event, sees its dashboard and reports, manages its team; can also work its
    /// desk. Ordered above [`Role::Desk`]: the higher of two roles is the larger.
    Organiser,
}

/// Everything a staff member may reach: the whole instance (an admin), or the events they hold a
/// grant for, each with its role. Read with the session on every request, so that a grant given
/// or taken away counts from the next request on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    admin: bool,
    /// Event slug → role there.
    grants: BTreeMap<String, Role>,
}

/// A staff member's standing as one word: what `POST /api/v1/auth/login` answers as `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The whole instance.
    Admin,
    /// The highest role of the member's grants.
    Event(Role),
    /// No grant yet: signed in, but no event to reach.
    Nothing,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Admin => "admin",
            Standing::Event(role) => role.as_str(),
            Standing::Nothing => "none",
        }
    }
}

impl Access {
    /// An admin: every event, as its organiser, and every team.
    pub fn admin() -> Self {
        Self {
            admin: true,
            grants: BTreeMap::new(),
        }
    }

    /// A member with these grants (event slug, role) and, if `admin`, the whole instance.
    pub fn new(admin: bool, grants: impl IntoIterator<Item = (String, Role)>) -> Self {
        Self {
            admin,
            grants: grants.into_iter().collect(),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// The role at the event `slug`: an admin's is [`Role::Organiser`] everywhere.
    pub fn role_at(&self, slug: &str) -> Option<Role> {
        if self.admin {
            return Some(Role::Organiser);
        }
        self.grants.get(slug).copied()
    }

    /// Whether the member may work the event's desk (check-in, search, walk-ins).
    pub fn works_desk_of(&self, slug: &str) -> bool {
        self.role_at(slug).is_some()
    }

    /// Whether the member organises the event (dashboard, registrations, reports, team).
    pub fn organises(&self, slug: &str) -> bool {
        self.role_at(slug) == Some(Role::Organiser)
    }

    /// Whether the member organises at least one event.
    pub fn organises_some_event(&self) -> bool {
        self.admin || self.grants.values().any(|role| *role == Role::Organiser)
    }

    /// The member's grants, by event slug (an admin's own grants only: they reach every event).
    pub fn grants(&self) -> impl Iterator<Item = (&str, Role)> {
        self.grants
            .iter()
            .map(|(slug, role)| (slug.as_str(), *role))
    }

    /// The member's standing in one word.
    pub fn standing(&self) -> Standing {
        if self.admin {
            return Standing::Admin;
        }
        self.grants
            .values()
            .max()
            .map_or(Standing::Nothing, |role| Standing::Event(*role))
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Desk => "desk",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected organiser or desk")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "organiser" | "organizer" => Ok(Role::Organiser),
            "desk" => Ok(Role::Desk),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// A password a staff member chose: 10 to 1024 characters. Its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {min} characters", min = Password::MIN)]
    TooShort,
    #[error("the password must have at most {max} characters", max = Password::MAX)]
    TooLong,
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

impl Password {
    pub const MIN: usize = 10;
    pub const MAX: usize = 1024;

    pub fn new(text: &str) -> Result<Self, PasswordError> {
        let length = text.chars().count();
        if length < Self::MIN {
            return Err(PasswordError::TooShort);
        }
        if length > Self::MAX {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// The argon2id hash (PHC string, default parameters: 19 MiB, 2 passes) with this salt.
    pub fn hash(&self, salt: &[u8; 16]) -> Result<String, PasswordError> {
        let salt =
            SaltString::encode_b64(salt).map_err(|e| PasswordError::Hashing(e.to_string()))?;
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hashing(e.to_string()))
    }
}

/// Whether `attempt` matches the PHC hash `stored`. A malformed hash matches nothing.
pub fn verify_password(attempt: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(attempt.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to check wrong emails against, so that an unknown address takes as long to refuse as a
/// wrong password (no timing hint of which addresses are staff).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        Password::new("no staff member has this password")
            .and_then(|p| p.hash(&[0x5a; 16]))
            .unwrap_or_default()
    });
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = Password::new("correct horse battery").expect("long enough");
        let hash = password.hash(&[7; 16]).expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(!verify_password("anything", decoy_hash()));
    }

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert_eq!(Password::new("short"), Err(PasswordError::TooShort));
        assert_eq!(
            Password::new(&"x".repeat(1025)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            format!("{:?}", Password::new("secret secret").expect("ok")),
            "Password(…)"
        );
    }

    #[test]
    fn a_grant_reaches_its_event_only_and_an_admin_every_event() {
        let desk_of_a = Access::new(false, [("a".to_owned(), Role::Desk)]);
        assert!(desk_of_a.works_desk_of("a"));
        assert!(!desk_of_a.organises("a"));
        assert!(!desk_of_a.works_desk_of("b"));
        assert!(!desk_of_a.organises_some_event());
        assert_eq!(desk_of_a.standing(), Standing::Event(Role::Desk));

        let organiser_of_a = Access::new(
            false,
            [
                ("a".to_owned(), Role::Organiser),
                ("b".to_owned(), Role::Desk),
            ],
        );
        assert!(organiser_of_a.organises("a"));
        assert!(organiser_of_a.works_desk_of("a"));
        assert!(!organiser_of_a.organises("b"));
        assert!(organiser_of_a.works_desk_of("b"));
        assert!(!organiser_of_a.works_desk_of("c"));
        assert!(organiser_of_a.organises_some_event());
        assert_eq!(organiser_of_a.standing().as_str(), "organiser");

        let admin = Access::admin();
        assert!(admin.organises("any-event") && admin.works_desk_of("any-event"));
        assert_eq!(admin.standing().as_str(), "admin");

        let nobody = Access::default();
        assert!(!nobody.works_desk_of("a") && !nobody.organises_some_event());
        assert_eq!(nobody.standing().as_str(), "none");
    }

    #[test]
    fn roles_parse() {
        assert_eq!("desk".parse::<Role>(), Ok(Role::Desk));
        assert_eq!("organiser".parse::<Role>(), Ok(Role::Organiser));
        assert!("admin".parse::<Role>().is_err());
    }
}
