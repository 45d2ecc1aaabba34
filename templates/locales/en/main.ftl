# guichet's interface, in English. Every key here must exist in fr/main.ftl too (a test checks).

site-name = guichet
site-tagline = Event registration and check-in
skip-to-content = Skip to content
language-switcher = Language
footer-text = Registration and check-in by guichet.

index-title = Events
index-heading = Events open on guichet
index-empty = No event is published at the moment.
index-dates = { $first } to { $last }
index-one-day = { $date }
index-open = See the event and its agenda

event-organiser = Organised by
event-overview = Overview
event-objectives = Objectives
event-practical = Practical information
event-dates = Dates
event-venue = Venue
event-time-zone = All times are local to { $zone }.
event-desk = The registration desk opens at { $time } on { $date }. Please come with your ticket's QR code.
event-desk-day = Day { $number }: the desk opens at { $time }.
event-registration-open = Online registration is open until { $closes }.
event-registration-not-yet = Online registration opens on { $opens }.
event-registration-closed = Online registration is closed.
event-seats = { $seats } seats.
event-content-language = The event's texts are in { $language }.

agenda-heading = Agenda
agenda-day = Day { $number } — { $date }
agenda-moderator = Moderator:
agenda-speaker = Speaker:
agenda-speakers = Speakers
agenda-time = { $start } – { $end }

kind-registration = Registration
kind-opening = Opening
kind-session = Session
kind-break = Break
kind-closing = Closing
kind-other = Other

language-fr = French
language-en = English

error-not-found-title = Page not found
error-not-found-body = There is no page at this address. The link may be mistyped, or the event may no longer be published.
error-internal-title = Something went wrong
error-internal-body = guichet could not complete your request. Please try again in a moment; if it keeps happening, tell the organisers.
error-unavailable-title = Temporarily unavailable
error-unavailable-body = guichet cannot reach its database right now. Please try again in a moment.
error-bad-request-title = Request not understood
error-bad-request-body = The request could not be read. Check the address and try again.
error-back-home = See all events

email-subject-confirmation = Your ticket: { $event }
email-subject-promoted = A seat is yours: { $event }
email-subject-waitlisted = On the waiting list: { $event }
email-subject-cancelled = Registration cancelled: { $event }
email-greeting = Dear { $name },
email-intro-confirmation = Your registration for “{ $event }” is confirmed. Here is your ticket.
email-intro-promoted = Good news: a seat has freed up for “{ $event }”, and it is yours. Here is your ticket.
email-intro-waitlisted = Thank you for registering for “{ $event }”. All seats are taken for now, so you are on the waiting list. When a seat frees up it goes to the first person on the list, and we email them their ticket.
email-intro-cancelled = Your registration for “{ $event }” is cancelled. If this is a mistake, you can register again on the event page.
email-ticket-qr = Show this QR code at the registration desk.
email-ticket-code = Ticket code: { $token }
email-qr-alt = Your ticket's QR code
email-dates = Dates: { $dates }
email-desk = The registration desk opens at { $time } on { $date } — { $venue }.
email-ticket-link = Your ticket, the calendar file, and the choice to cancel:
email-ticket-button = Open my ticket
email-event-link = The event page
email-attachments = The QR code and a calendar file are attached to this email.
email-your-details = Your registration:
email-signature = The organisers
email-footer = You receive this email because this address was used to register for “{ $event }”.

form-heading = Register
form-intro = Fields marked * are required. Your ticket will be sent to the email address you give.
form-given-name = Given name *
form-family-name = Family name *
form-email = Email *
form-organisation = Organisation *
form-function = Function
form-category = Category *
form-country = Country *
form-language = Language of your emails *
form-needs = Accessibility or dietary needs
form-consent = I agree that the organisers process these data to manage my registration and my entry. *
form-choose = Choose…
form-submit = Register
form-has-errors = Please correct the fields marked below.
form-closed-not-yet = Registration opens on { $opens }.
form-closed = Registration is closed.

field-required = This field is required.
field-too-long = This field is too long: at most { $max } characters.
field-control-characters = This field contains invisible control characters.
field-invalid-email = This is not a valid email address (such as name@example.org).
field-unknown-category = Choose one of the listed categories.
field-unknown-country = Choose a country from the list.
field-unknown-language = Choose French or English.
field-consent-required = Your consent is needed to register.
body-invalid-json = The request body is not valid JSON of the expected shape: { $detail }
body-not-json = Send the request body as JSON, with Content-Type: application/json.
body-too-large = The request body is too large.
registration-not-open = Registration for this event opens on { $opens }.
registration-closed = Registration for this event is closed.

registered-title = Check your inbox
registered-body = Thank you. We have sent an email to the address you gave, with your ticket or, if all seats are taken, your place on the waiting list. If nothing arrives within a few minutes, check your spam folder, or register again with the same address to receive it again.
registered-back = Back to the event

ticket-title = Your ticket
ticket-show-qr = Show this QR code at the registration desk.
ticket-code = Ticket code
ticket-participant = Participant
ticket-organisation = Organisation
ticket-category = Category
ticket-country = Country
ticket-event = Event
ticket-dates = Dates
ticket-venue = Venue
ticket-desk = The registration desk opens at { $time } on { $date }.
ticket-calendar = Add to my calendar (.ics)
ticket-resend = Send my ticket again
ticket-resent = Your ticket has been sent again to your email address.
ticket-cancel = Cancel my registration
ticket-waitlisted = You are on the waiting list. If a seat frees up, it will be yours in turn and we will email you your ticket.
ticket-cancelled = This registration is cancelled. This ticket no longer gives entry.
ticket-revoked = This ticket has been replaced by a newer one and no longer gives entry. Use the ticket in your most recent email.
ticket-register-again = Register again
cancel-title = Cancel your registration?
cancel-body = Your seat will go to the next person on the waiting list. You can register again later if seats remain.
cancel-confirm = Yes, cancel my registration
cancel-keep = No, keep my registration
