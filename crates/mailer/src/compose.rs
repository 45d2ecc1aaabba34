//! Composing the participant's emails: subject, plain text and HTML from `templates/email/`, in the
//! participant's language; for a ticket, the QR code inline and attached, and a calendar file.

use crate::i18n::{country_name, hh_mm, long_date, t};
use crate::{ics, qr};
use domain::{EmailKind, Event, Lang, Registration, TicketToken};
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
}

/// Turns email content into MIME messages.
#[derive(Debug)]
pub struct Composer {
    env: Environment<'static>,
    sender: Sender,
    base_url: String,
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
        env.add_function("t", crate::i18n::template_t);
        Self {
            env,
            sender,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The link to a ticket's page.
    pub fn ticket_url(&self, token: &TicketToken) -> String {
        format!("{}/t/{}", self.base_url, token)
    }

    pub fn compose(&self, content: &EmailContent<'_>) -> Result<Message, ComposeError> {
        let EmailContent {
            kind,
            event,
            registration,
            token,
        } = *content;
        let lang: Lang = registration.participant.language;
        let p = &registration.participant;
        let tz = event.time_zone;
        let first_day = event.agenda.first_day();
        let desk = first_day.desk_window(tz);
        let name = format!("{} {}", p.given_name, p.family_name);
        let ticket_url = self.ticket_url(token);
        let event_url = format!("{}/events/{}", self.base_url, event.slug);
        let last_day = event.agenda.last_day();
        let dates = if first_day.date() == last_day.date() {
            long_date(first_day.date(), lang)
        } else {
            t(
                lang,
                "index-dates",
                &[
                    ("first", long_date(first_day.date(), lang).into()),
                    ("last", long_date(last_day.date(), lang).into()),
                ],
            )
        };
        let category = event
            .category(&p.category)
            .map(|c| c.label(lang).to_owned())
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

        let to_address = p
            .email
            .as_str()
            .parse()
            .map_err(|_| ComposeError::Address(p.email.as_str().to_owned()))?;
        let mut builder = Message::builder()
            .from(self.sender.from.clone())
            .to(Mailbox::new(Some(name), to_address))
            .subject(subject)
            // A fresh Message-ID on the sending host's name; lettre adds the Date.
            .message_id(None);
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
        } else {
            builder.multipart(MultiPart::alternative_plain_html(text, html))?
        };
        Ok(message)
    }
}
