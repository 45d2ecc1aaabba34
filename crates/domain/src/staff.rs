//! Staff: roles, passwords and their argon2id hashes.
//!
//! Hashing is CPU work of some 20 ms by design; callers in async code run it on a blocking
//! thread. The salt comes from the caller (the operating system's randomness, in practice), so
//! this module stays free of I/O.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Publishes events, sees dashboards and reports; can also work the desk.
    Organiser,
    /// Checks people in, searches, registers walk-ins.
    Desk,
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
    fn roles_parse() {
        assert_eq!("desk".parse::<Role>(), Ok(Role::Desk));
        assert_eq!("organiser".parse::<Role>(), Ok(Role::Organiser));
        assert!("admin".parse::<Role>().is_err());
    }
}
