//! Where a request may send the browser next: [`SafePath`], a path on this site, the one owner
//! of the rule for every redirect whose target comes from the request (`next=` of the sign-in
//! form and of the language switcher).
//!
//! Browsers are lenient with a `Location`: they drop tabs and newlines, read `\` as `/`, and take
//! `//host` as another site, so `/%09/evil.example` (a tab once the query is decoded) or `/\evil`
//! would leave the site. The rule is therefore a list of what is allowed, checked on the value
//! and on every percent-decoding of it: a path, not a scheme or an authority, in visible ASCII.

use axum::response::Redirect;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// A path on this site that is safe to send a browser to: it starts with one `/` (not `//`,
/// not `/\`), holds only visible ASCII, no `\`, and no percent-decoding of it, however deep,
/// gives a control character, a `\` or a leading `//`. Built only by [`SafePath::parse`] (or
/// [`SafePath::home`]): whoever holds one holds a checked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath(String);

/// Percent-decodings followed before giving up: `%25` stacked deeper than this is no honest link.
const MAX_DECODINGS: usize = 4;

/// What is escaped of a path put in a query's value (`/login?next=…`): enough that `&`, `#`,
/// `?`, `%` and `+` keep their meaning as characters of the path; `/` stays readable.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'^')
    .add(b'[')
    .add(b']');

impl SafePath {
    /// The site's home page: where an unsafe or missing target falls back to.
    pub fn home() -> Self {
        Self("/".to_owned())
    }

    /// `raw` if it is a safe path on this site (see [`SafePath`]), else `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        // Only visible ASCII as sent: no space, control, `\` or non-ASCII character reaches a
        // `Location` header (the browser percent-encodes a path's other characters itself).
        if !raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
            return None;
        }
        let mut current = raw.to_owned();
        for _ in 0..=MAX_DECODINGS {
            if !is_local_path(&current) {
                return None;
            }
            let decoded = percent_decode_str(&current).decode_utf8().ok()?;
            if decoded == current {
                return Some(Self(raw.to_owned()));
            }
            current = decoded.into_owned();
        }
        None
    }

    /// `raw` if it is safe, else the home page.
    pub fn or_home(raw: Option<&str>) -> Self {
        raw.and_then(Self::parse).unwrap_or_else(Self::home)
    }

    /// `raw` if it is safe, else the staff's home page (their events): where signing in leads
    /// by default.
    pub fn or_staff_home(raw: Option<&str>) -> Self {
        raw.and_then(Self::parse)
            .unwrap_or_else(|| Self("/staff".to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A `303 See Other` here.
    pub fn redirect(&self) -> Redirect {
        Redirect::to(&self.0)
    }

    /// The sign-in form, then back here.
    pub fn login_redirect(&self) -> Redirect {
        Redirect::to(&format!(
            "/login?next={}",
            utf8_percent_encode(&self.0, QUERY_VALUE)
        ))
    }
}

/// One layer of the rule: a path (one leading `/`, then no `/` or `\` right after it), with no
/// backslash and no control character anywhere (C0, DEL, C1: browsers strip some of them).
fn is_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.chars().any(|c| c == '\\' || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::SafePath;

    #[test]
    fn paths_on_this_site_are_kept() {
        for good in [
            "/",
            "/desk/idm-2008-migration-de-retour",
            "/organiser/demo/registrations?status=confirmed&q=ow",
            "/events/caf%C3%A9",
            "/t/ABC/cancel#top",
            "/a/b//c",
            "/%41%42",
        ] {
            assert_eq!(
                SafePath::parse(good).map(|p| p.as_str().to_owned()),
                Some(good.to_owned()),
                "{good:?} is a path on this site"
            );
        }
    }

    #[test]
    fn hostile_targets_fall_back_to_the_home_page() {
        for hostile in [
            "",
            "evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\\b",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{0}x",
            "/\u{7f}x",
            "/\u{85}/evil.example",
            "/é",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0A/evil.example",
            "/%00",
            "/%7F",
            "/%C2%85/evil.example",
            "/%2F/evil.example",
            "/%2F%2Fevil",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/a%5Cb",
            "/%252F/evil.example",
            "/%2509/evil.example",
            "/%25252F/evil.example",
            "/%2525252525252F",
            "/%FF",
            " /desk",
            "\t/desk",
        ] {
            assert_eq!(
                SafePath::parse(hostile),
                None,
                "{hostile:?} must not be a redirect target"
            );
            assert_eq!(SafePath::or_home(Some(hostile)), SafePath::home());
        }
        assert_eq!(SafePath::or_home(None), SafePath::home());
    }

    #[test]
    fn the_sign_in_link_keeps_the_path_whole() {
        let location = |path: &str| {
            let response = axum::response::IntoResponse::into_response(
                SafePath::parse(path).expect("safe").login_redirect(),
            );
            response.headers()["location"]
                .to_str()
                .expect("ascii")
                .to_owned()
        };
        assert_eq!(location("/desk/demo"), "/login?next=/desk/demo");
        assert_eq!(
            location("/organiser/demo/registrations?q=a&status=confirmed"),
            "/login?next=/organiser/demo/registrations%3Fq=a%26status=confirmed"
        );
    }
}
