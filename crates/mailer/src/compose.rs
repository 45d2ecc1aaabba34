//! Composing the participant's emails: subject, plain text and HTML from `templates/email/`, in the
//! participant's language; for a ticket, the QR code inline and attached, and a calendar file.

use crate::{ics, qr};
use domain::{EmailKind, Event, Lang, Registration, TicketToken};
use i18n::{country_name, event_dates, hh_mm, long_date, t};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use minijinja::{Environment, context};

/// Who emails come from.
#[derive(Debug, Clone)]
pub struct Sender {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
}

/// What one email is about.
#[derive(Debug, Clone, Copy)]
pub struct EmailContent<'a> {
    pub kind: EmailKind,
    pub event: &'a Event,
    pub registration: &'a Registration,
    pub token: &'a TicketToken,
    /// The organisers' words to go with it (a declined request's message), shown as written.
    pub note: Option<&'a str>,
    /// A PDF to attach (a certificate of attendance): its file name and bytes.
    pub pdf: Option<(&'a str, &'a [u8])>,
}

/// An invitation to an event's team: to an address with no account yet, in the inviter's
/// language.
#[derive(Debug, Clone)]
pub struct InvitationEmail<'a> {
    pub to: &'a str,
    pub lang: Lang,
    pub event: &'a Event,
    pub role: domain::Role,
    /// The link that sets the password (`/invitations/{token}`), whole.
    pub link: &'a str,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// An email's texts, before they become a MIME message.
#[derive(Debug, Clone)]
pub struct Bodies {
    /// The participant's name, for the To header.
    pub name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What makes a queued message's `Message-ID` its own: the same at every attempt at that
/// message (a retry, a lapsed claim, another instance), so that a mail client which got two
/// copies shows one; different for every other message. The outbox's store derives it from the
/// queue's row (see `guichet::outbox`); the composer adds the public address's host.
///
/// Only letters, digits, `.`, `-` and `_`, 1 to 64 of them: what the left side of a
/// Message-ID may hold without quoting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageKey(String);

impl MessageKey {
    /// `None` when `key` holds anything but the characters above.
    pub fn new(key: &str) -> Option<Self> {
        let fits = (1..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
            && !key.starts_with('.')
            && !key.ends_with('.')
            && !key.contains("..");
        fits.then(|| Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Turns email content into MIME messages.
#[derive(Debug)]
pub struct Composer {
    env: Environment<'static>,
    sender: Sender,
    base_url: String,
    /// The right side of every Message-ID: the public address's host.
    host: String,
}

/// An email could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("template error")]
    Template(#[from] minijinja::Error),
    #[error(transparent)]
    Qr(#[from] qr::QrError),
    #[error("invalid message")]
    Message(#[from] lettre::error::Error),
    #[error("invalid address {0:?}")]
    Address(String),
}

/// The cid of the inline QR image, referred to by the HTML part.
const QR_CID: &str = "ticket-qr";

impl Composer {
    /// `base_url` is the public address of the service, for the links in emails.
    pub fn new(sender: Sender, base_url: &str) -> Self {
        let mut env = Environment::new();
        minijinja_embed::load_templates!(&mut env);
        env.add_function("t", i18n::template_t);
        Self {
            env,
            sender,
            host: host_of(base_url),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The `Message-ID` of the queued message whose key is `key`: on the public address's host,
    /// which tells one deployment's messages from another's (the key alone already does, being
    /// a MAC under the deployment's secret).
    pub fn message_id(&self, key: &MessageKey) -> String {
        format!("<{}@{}>", key.as_str(), self.host)
    }

    /// The public address links are made from.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The link to a ticket's page.
    pub fn ticket_url(&self, token: &TicketToken) -> String {
        format!("{}/t/{}", self.base_url, token)
    }

    /// The subject, plain text and HTML of an email, in the participant's language.
    pub fn render(&self, content: &EmailContent<'_>) -> Result<Bodies, ComposeError> {
        let EmailContent {
            kind,
            event,
            registration,
            token,
            note,
            ..
        } = *content;
        let lang: Lang = registration.participant.language;
        let p = &registration.participant;
        let tz = event.time_zone;
        let first_day = event.agenda.first_day();
        let desk = first_day.desk_window(tz);
        let name = format!("{} {}", p.given_name, p.family_name);
        let ticket_url = self.ticket_url(token);
        let event_url = format!("{}/events/{}", self.base_url, event.slug);
        let dates = event_dates(&event.agenda, lang);
        let category = event
            .category(&p.category)
            .map(|c| c.label(lang, event.language).to_owned())
            .unwrap_or_else(|| p.category.clone());
        let ctx = context! {
            lang => lang.code(),
            kind => kind.as_str(),
            name => name.clone(),
            event_title => event.title.clone(),
            event_url => event_url,
            ticket_url => ticket_url,
            token => token.as_str(),
            dates => dates,
            desk_time => hh_mm(desk.opens_at, tz),
            desk_date => long_date(first_day.date(), lang),
            venue => format!("{}, {}", event.venue.name, event.venue.address.as_deref().unwrap_or(&event.venue.city)),
            organisation => p.organisation.as_str(),
            category => category,
            country => country_name(lang, p.country),
            qr_cid => QR_CID,
            note => note,
        };
        let (text_template, html_template) = if kind.carries_ticket() {
            ("ticket.txt", "ticket.html")
        } else {
            ("notice.txt", "notice.html")
        };
        let text = self.env.get_template(text_template)?.render(&ctx)?;
        let html = self.env.get_template(html_template)?.render(&ctx)?;
        let subject = t(
            lang,
            &format!("email-subject-{}", kind.as_str()),
            &[("event", event.title.clone().into())],
        );
        Ok(Bodies {
            name,
            subject,
            text,
            html,
        })
    }

    /// The link of an invitation whose token is `token`.
    pub fn invitation_url(&self, token: &domain::InvitationToken) -> String {
        format!("{}/invitations/{}", self.base_url, token)
    }

    /// An invitation to a team, as a MIME message (plain text and HTML).
    pub fn compose_invitation(
        &self,
        invitation: &InvitationEmail<'_>,
        key: &MessageKey,
    ) -> Result<Message, ComposeError> {
        let lang = invitation.lang;
        let event = invitation.event;
        let role = t(
            lang,
            &format!("team-role-{}", invitation.role.as_str()),
            &[],
        );
        let ctx = context! {
            lang => lang.code(),
            event_title => event.title.clone(),
            role => role,
            link => invitation.link,
            expires => i18n::long_datetime(invitation.expires_at, event.time_zone, lang),
        };
        let text = self.env.get_template("invitation.txt")?.render(&ctx)?;
        let html = self.env.get_template("invitation.html")?.render(&ctx)?;
        let subject = t(
            lang,
            "email-subject-invitation",
            &[("event", event.title.clone().into())],
        );
        let to_address = invitation
            .to
            .parse()
            .map_err(|_| ComposeError::Address(invitation.to.to_owned()))?;
        let mut builder = Message::builder()
            .from(self.sender.from.clone())
            .to(Mailbox::new(None, to_address))
            .subject(subject)
            .message_id(Some(self.message_id(key)));
        if let Some(reply_to) = &self.sender.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        Ok(builder.multipart(MultiPart::alternative_plain_html(text, html))?)
    }

    /// A participant's email as a MIME message, whose `Message-ID` is made from `key`.
    pub fn compose(
        &self,
        content: &EmailContent<'_>,
        key: &MessageKey,
    ) -> Result<Message, ComposeError> {
        let EmailContent {
            kind,
            event,
            registration,
            token,
            ..
        } = *content;
        let p = &registration.participant;
        let Bodies {
            name,
            subject,
            text,
            html,
        } = self.render(content)?;

        let to_address = p
            .email
            .as_str()
            .parse()
            .map_err(|_| ComposeError::Address(p.email.as_str().to_owned()))?;
        let mut builder = Message::builder()
            .from(self.sender.from.clone())
            .to(Mailbox::new(Some(name), to_address))
            .subject(subject)
            // The same Message-ID at every attempt (see MessageKey); lettre adds the Date, which
            // is the attempt's.
            .message_id(Some(self.message_id(key)));
        if let Some(reply_to) = &self.sender.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }

        let message = if kind.carries_ticket() {
            let png = qr::png(token.as_str())?;
            let png_type = ContentType::parse("image/png")
                .map_err(|_| ComposeError::Address("image/png".into()))?;
            let ics_type = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|_| ComposeError::Address("text/calendar".into()))?;
            let calendar = ics::calendar(event, &self.ticket_url(token));
            builder.multipart(
                MultiPart::mixed()
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(SinglePart::plain(text))
                            .multipart(
                                MultiPart::related()
                                    .singlepart(SinglePart::html(html))
                                    .singlepart(
                                        Attachment::new_inline(QR_CID.to_owned())
                                            .body(png.clone(), png_type.clone()),
                                    ),
                            ),
                    )
                    .singlepart(Attachment::new("ticket-qr.png".to_owned()).body(png, png_type))
                    .singlepart(
                        Attachment::new(format!("{}.ics", event.slug)).body(calendar, ics_type),
                    ),
            )?
        } else if let Some((filename, pdf)) = content.pdf {
            let pdf_type = ContentType::parse("application/pdf")
                .map_err(|_| ComposeError::Address("application/pdf".into()))?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(MultiPart::alternative_plain_html(text, html))
                    .singlepart(Attachment::new(filename.to_owned()).body(pdf.to_vec(), pdf_type)),
            )?
        } else {
            builder.multipart(MultiPart::alternative_plain_html(text, html))?
        };
        Ok(message)
    }
}

/// The host of `base_url` (`https://user@Guichet.example.org:8443/x` → `guichet.example.org`,
/// `http://[::1]:8080` → `[::1]`), lowercase; `guichet.invalid` when it has none a Message-ID
/// could hold.
fn host_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    };
    let usable = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    if usable {
        host.to_ascii_lowercase()
    } else {
        "guichet.invalid".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Country, Email, Line, Participant, Status, TicketKey};

    fn demo() -> Event {
        domain::parse_event_file(include_str!(
            "../../../demo/idm-2008-migration-de-retour.toml"
        ))
        .expect("the demo file is valid")
    }

    fn registration(given: &str, lang: Lang) -> Registration {
        Registration {
            id: 7,
            event_id: 1,
            participant: Participant {
                given_name: Line::parse(given, 100).expect("name"),
                family_name: Line::parse("Seewooruthun", 100).expect("name"),
                email: Email::parse("devi@example.org").expect("email"),
                organisation: Line::parse("Bureau du Premier Ministre", 200).expect("organisation"),
                function: None,
                category: "member_state".into(),
                country: Country::parse("MU").expect("country"),
                language: lang,
                needs: None,
                answers: Default::default(),
            },
            status: Status::Confirmed,
            ticket_version: 1,
            registered_at: chrono::Utc::now(),
        }
    }

    fn composer() -> Composer {
        Composer::new(
            Sender {
                from: "guichet <guichet@example.org>".parse().expect("address"),
                reply_to: None,
            },
            "https://guichet.example.org/",
        )
    }

    fn render(kind: EmailKind, given: &str, lang: Lang) -> String {
        let event = demo();
        let registration = registration(given, lang);
        let token = TicketKey::new(vec![1; 32]).expect("key").issue(1, 7, 1);
        let message = composer()
            .compose(
                &EmailContent {
                    kind,
                    event: &event,
                    registration: &registration,
                    token: &token,
                    note: None,
                    pdf: None,
                },
                &message_key("k1"),
            )
            .expect("composes");
        String::from_utf8(message.formatted()).expect("UTF-8")
    }

    fn message_key(key: &str) -> MessageKey {
        MessageKey::new(key).expect("a usable key")
    }

    /// The Message-ID header of a formatted message.
    fn message_id_of(raw: &str) -> String {
        raw.lines()
            .find_map(|line| line.strip_prefix("Message-ID: "))
            .expect("a Message-ID")
            .to_owned()
    }

    #[test]
    fn every_kind_renders_in_both_languages_without_missing_messages() {
        for kind in EmailKind::ALL {
            for lang in Lang::ALL {
                let raw = render(kind, "Devi Chand Rye", lang);
                assert!(raw.contains("Subject: "), "{kind:?} {lang}");
                assert!(
                    !raw.contains("email-"),
                    "a catalog key leaked into {kind:?} {lang}: {raw}"
                );
                assert!(raw.contains("Message-ID: <"), "{kind:?} {lang}");
                assert_eq!(
                    raw.contains("ticket-qr.png"),
                    kind.carries_ticket(),
                    "{kind:?}"
                );
                assert_eq!(
                    raw.contains("text/calendar"),
                    kind.carries_ticket(),
                    "{kind:?}"
                );
            }
        }
    }

    #[test]
    fn the_ticket_links_to_its_page_on_the_public_address() {
        let raw = render(EmailKind::Confirmation, "Devi", Lang::En);
        let token = TicketKey::new(vec![1; 32]).expect("key").issue(1, 7, 1);
        // Quoted-printable may fold long lines; undo soft breaks before looking.
        let unfolded = raw.replace("=\r\n", "");
        assert!(unfolded.contains(&format!("https://guichet.example.org/t/{token}")));
    }

    #[test]
    fn an_invitation_carries_its_link_and_role_in_both_languages() {
        let event = demo();
        let key = TicketKey::new(vec![1; 32]).expect("key");
        let link = composer().invitation_url(&key.invitation_token(3, "n"));
        for lang in Lang::ALL {
            let message = composer()
                .compose_invitation(
                    &InvitationEmail {
                        to: "new@example.org",
                        lang,
                        event: &event,
                        role: domain::Role::Desk,
                        link: &link,
                        expires_at: chrono::Utc::now(),
                    },
                    &message_key("i3"),
                )
                .expect("composes");
            let raw = String::from_utf8(message.formatted()).expect("UTF-8");
            let unfolded = raw.replace("=\r\n", "");
            assert!(unfolded.contains(&link), "{lang}: {raw}");
            assert!(!raw.contains("email-"), "a catalog key leaked: {raw}");
            assert!(raw.contains("To: new@example.org"), "{raw}");
        }
    }

    #[test]
    fn html_in_a_name_is_escaped_in_the_html_part_and_kept_in_the_text() {
        let event = demo();
        let registration = registration("<img src=x onerror=alert(1)>", Lang::Fr);
        let token = TicketKey::new(vec![1; 32]).expect("key").issue(1, 7, 1);
        for kind in EmailKind::ALL {
            let bodies = composer()
                .render(&EmailContent {
                    kind,
                    event: &event,
                    registration: &registration,
                    token: &token,
                    note: None,
                    pdf: None,
                })
                .expect("renders");
            assert!(!bodies.html.contains("<img src=x"), "{}", bodies.html);
            assert!(
                bodies.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
                "{}",
                bodies.html
            );
            assert!(bodies.text.contains("<img src=x onerror=alert(1)>"));
        }
    }

    #[test]
    fn a_message_composed_again_keeps_its_message_id_and_another_message_has_its_own() {
        let first = message_id_of(&render(EmailKind::Confirmation, "Devi", Lang::En));
        // Composed again, as at a retry: the Date may change, the Message-ID does not.
        let again = message_id_of(&render(EmailKind::Confirmation, "Devi", Lang::En));
        assert_eq!(first, again);
        assert_eq!(first, "<k1@guichet.example.org>");

        let event = demo();
        let registration = registration("Devi", Lang::En);
        let token = TicketKey::new(vec![1; 32]).expect("key").issue(1, 7, 1);
        let content = EmailContent {
            kind: EmailKind::Confirmation,
            event: &event,
            registration: &registration,
            token: &token,
            note: None,
            pdf: None,
        };
        let other = composer()
            .compose(&content, &message_key("k2"))
            .expect("composes");
        let other = message_id_of(&String::from_utf8(other.formatted()).expect("UTF-8"));
        assert_ne!(first, other, "another queued message");
    }

    #[test]
    fn a_message_key_holds_only_what_a_message_id_takes_unquoted() {
        assert!(MessageKey::new("abc.DEF-1_2").is_some());
        for bad in [
            "",
            "a b",
            "a@b",
            "<a>",
            ".a",
            "a.",
            "a..b",
            "é",
            &"a".repeat(65),
        ] {
            assert!(MessageKey::new(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn message_ids_are_on_the_public_address_host() {
        for (base_url, host) in [
            ("https://guichet.example.org/", "guichet.example.org"),
            (
                "https://user@Guichet.Example.org:8443/x?y",
                "guichet.example.org",
            ),
            ("http://127.0.0.1:41234", "127.0.0.1"),
            ("https://[::1]:8443", "[::1]"),
            ("not a url", "guichet.invalid"),
        ] {
            assert_eq!(host_of(base_url), host, "{base_url}");
        }
    }
}
