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
language-es = Spanish

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
form-honeypot = Leave this field empty
form-closed-not-yet = Registration opens on { $opens }.
form-closed = Registration is closed.

field-required = This field is required.
field-too-long = This field is too long: at most { $max } characters.
field-control-characters = This field contains invisible control characters.
field-invisible-characters = This field contains invisible characters (text-direction marks or zero-width spaces): type it again without them.
field-invalid-email = This is not a valid email address (such as name@example.org).
field-unknown-category = Choose one of the listed categories.
field-unknown-country = Choose a country from the list.
field-unknown-language = Choose French, English or Spanish.
field-consent-required = Your consent is needed to register.
field-unknown-question = This event asks no such question.
field-unknown-option = Choose one of the options offered.
field-invalid-date = Enter a date such as 2008-07-06.
field-invalid-number = Enter a number.
field-wrong-type = This answer is not of the kind the question asks for.
answer-yes = Yes
answer-no = No
question-only-for = Only for: { $categories }
form-questions = A few more questions
# An organiser's correction of a participant's answers (the participant's page), audited; and the
# dashboard's counts per option.
participant-answers = Answers to the questions
participant-answers-help = Correct the participant's answers here. Questions they had to answer may be left empty. Each change is written in the history below.
participant-answers-save = Save the answers
participant-answers-legend = Questions asked at registration
history-audit-answers_edited = Answers corrected
history-details-answers = questions: { $detail }
dashboard-by-option = Answers to the questions
dashboard-by-option-help = Registrations not cancelled. In a multiple choice each option ticked counts.
dashboard-option = Answer
dashboard-option-count = Registrations
body-invalid-json = The request body is not valid JSON of the expected shape: { $detail }
query-invalid = The address's query is not valid: { $detail }
body-not-json = Send the request body as JSON, with Content-Type: application/json.
body-too-large = The request body is too large.
registration-not-open = Registration for this event opens on { $opens }.
registration-closed = Registration for this event is closed.
registration-too-many = Too many registrations were sent from your network just now. Please try again in { $seconds ->
    [one] one second
   *[other] { $seconds } seconds
}.

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

error-unauthorized-title = Please sign in
error-unauthorized-body = This page is for the event's staff. Sign in to continue.
error-forbidden-title = Not allowed
error-forbidden-body = Your account cannot open this page. If you need it, ask an organiser.
error-csrf-title = Page expired
error-csrf-body = This request could not be verified as coming from a guichet page (the page may have expired, or the request came from another site). Reload the page and try again.
csrf-rejected = Request refused: it does not carry this session's token, or it came from another site. Reload the page and try again.
login-form-expired = The sign-in form had expired. Please enter your password again.
login-failed = Wrong email or password.
login-throttled = Too many failed attempts from your network. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}, or ask an organiser to check your account.
login-busy = Too many sign-ins are being checked right now. Please try again in a moment.
login-title = Staff sign-in
login-email = Email
login-password = Password
login-code-help = Enter the 6-digit code from your authenticator app, or one of your recovery codes.
login-code = Code
login-code-wrong = This code is wrong or has already been used. Enter the current code from your app.
login-code-expired = Your sign-in has expired. Please enter your email and password again.
login-code-needed = This account signs in with a second factor: send the code from the authenticator app as otp.
error-second-factor-title = Two-factor sign-in needed
error-second-factor-body = The organisers of this event must sign in with a second factor. Set it up on your account page (/staff/account), then come back.
login-submit = Sign in
logout = Sign out
outcome-ok = Checked in
outcome-already = Already checked in today at { $time } by { $by }
outcome-too-early = Too early: the desk opens at { $time } on { $date }
outcome-closed = The desk is closed
outcome-cancelled = Registration cancelled: no entry
outcome-not-confirmed = On the waiting list: no seat confirmed
outcome-unknown = Unknown ticket: not a ticket of this event
checkin-needs-token = Send a ticket token or a registration id.
decode-nothing = No readable QR code in this image.
decode-not-an-image = This is not a PNG or JPEG image.
decode-too-large = This image is too large: at most { $max } pixels a side and { $number } megapixels.
decode-busy = Too many camera frames at once: the next frame will be read.
desk-title = Desk
desk-signed-in-as = Signed in as { $email }
desk-rehearsal = Rehearsal clock: it is { $time } for guichet — not the real time.
desk-open = The desk is open (day { $date }).
desk-not-yet = The desk opens at { $time } on { $date }.
desk-closed = The desk is closed.
desk-scan-label = Scan or type a ticket code, then Enter
desk-scan-placeholder = Ticket code
desk-camera-start = Use the camera
desk-camera-stop = Stop the camera
desk-camera-unavailable = The camera is not available on this page (it needs HTTPS and permission).
desk-ready = Ready for the next scan.
desk-working = Checking…
desk-offline = No answer from guichet: check the network and scan again.
desk-recent = Last scans
desk-undo = Undo
desk-undone = Check-in undone.
desk-search-label = Find a name, email or organisation
desk-search-none = No registration matches.
desk-check-in = Check in
desk-checked-in-at = in at { $time }
desk-walk-in = Register a walk-in
desk-walk-in-submit = Register and check in
desk-events = Desks
report-given-name = Given name
report-family-name = Family name
report-email = Email
report-organisation = Organisation
report-function = Function
report-category = Category
report-country = Country
report-status = Status
report-registered-at = Registered at
report-day-checkin = { $date }: first check-in
report-day-desk = { $date }: desk
report-sheet-participants = Participants
report-sheet-summary = Summary
report-summary-day = Day
report-summary-present = Present
report-summary-no-shows = No-shows (confirmed, not present)
report-summary-total = Total
report-summary-registered = Registered
report-summary-confirmed = Confirmed
report-summary-waitlisted = Waitlisted
report-summary-cancelled = Cancelled
report-bad-filter = Unknown filter value: { $detail }
status-confirmed = Confirmed
status-waitlisted = Waitlisted
status-cancelled = Cancelled
dashboard-title = Dashboard
dashboard-live = Updates live as desks scan.
dashboard-registered = Registered
dashboard-confirmed = Confirmed
dashboard-waitlisted = Waitlisted
dashboard-cancelled = Cancelled
dashboard-seats = { $seats } seats
dashboard-day = Day { $number } — { $date }
dashboard-checked-in = Checked in
dashboard-no-shows = Not yet arrived
dashboard-arrivals = Arrivals per 5 minutes
dashboard-by-category = By category
dashboard-by-country = By country
dashboard-emails = Emails
dashboard-emails-pending = Waiting to be sent
dashboard-emails-sent = Sent
dashboard-emails-failed = Failed
dashboard-retry = Send again
dashboard-reports = Attendance reports
dashboard-csv = Download CSV
dashboard-xlsx = Download XLSX
import-other-slug = This file describes another event ({ $detail }): its slug must stay the same.
import-drops-answers = Participants have answered questions this file removes or changes the kind of: { $detail }. Nothing was imported. Keep those questions as they are, or replace them from the command line with guichet event import --force.
import-title = Replace the event from its file
import-help = Paste the event file (as exported by guichet event export). The agenda, texts and settings are replaced; registrations stay.
import-submit = Replace
import-failed = The file was not imported; nothing changed.
publish = Publish
unpublish = Unpublish
published-yes = Published: the event page is public.
published-no = Not published: the event page is hidden.
registrations-title = Registrations
registrations-search = Search
registrations-any = Any
registrations-present-on = Present on
registrations-absent-on = Absent on
registrations-filter = Filter
registrations-next = Next page
registrations-none = No registration matches.
participant-history = History
participant-actions = Actions
participant-resend = Send the ticket again
participant-reissue = Revoke and re-issue the ticket
participant-cancel = Cancel the registration
participant-undo = Undo the latest check-in
participant-needs = Needs
audit-title = Audit log
history-registered = Registered
history-email = Email “{ $name }”: { $detail }
history-email-confirmation = ticket
history-email-waitlisted = on the waiting list
history-email-promoted = seat freed, ticket
history-email-cancelled = cancellation
history-email-status-pending = waiting to be sent
history-email-status-sending = being sent
history-email-status-sent = sent
history-email-status-failed = failed
history-scan = Desk: { $detail }
history-scan-ok = checked in
history-scan-already_checked_in = already checked in that day
history-scan-too_early = too early
history-scan-closed = desk closed
history-scan-cancelled = registration cancelled
history-scan-not_confirmed = on the waiting list
history-scan-unknown = unknown ticket
history-scan-undone = check-in undone
history-audit-ticket_resent = Ticket sent again
history-audit-ticket_reissued = Ticket revoked and re-issued
history-audit-registration_cancelled = Registration cancelled
history-audit-checkin_undone = Check-in undone
history-audit-email_retried = Failed email sent again
history-audit-published = Event published
history-audit-unpublished = Event hidden
history-audit-agenda_replaced = Event replaced from its file
history-details-version = ticket version { $number }
history-details-promoted = the freed seat went to registration { $number }
history-details-agenda = { $number ->
    [one] { $number } day
   *[other] { $number } days
}, { $detail ->
    [one] { $detail } item
   *[other] { $detail } items
}

# The staff's home page: their events
staff-home-title = Your events
staff-home-heading = Your events
staff-home-signed-in = Signed in as { $email }
staff-home-admin = administrator of this guichet
staff-home-unpublished = not published
staff-home-desk = Desk
staff-home-dashboard = Dashboard
staff-home-empty = You are in no event's team yet. Ask an organiser of the event to add you.

# The account page (issue 12)
account-title = Your account
account-totp-heading = Two-factor sign-in
account-totp-is-on = On: signing in asks for a code from your authenticator app. Recovery codes left: { $left }.
account-totp-is-off = Off. With it on, signing in also asks for a 6-digit code from an authenticator app on your phone.
account-totp-start = Set up two-factor sign-in
account-totp-again = Set it up again (new app or phone)
account-totp-scan = Scan this code with your authenticator app, then enter the code it shows to confirm.
account-totp-qr-alt = QR code to add guichet to your authenticator app
account-totp-by-hand = Or type this key into the app:
account-totp-confirm = Confirm
account-totp-wrong = This code does not match. Enter the code your app shows now.
account-totp-on = Two-factor sign-in is on.
account-recovery-intro = Your recovery codes, shown this once: keep them somewhere safe. Each signs you in once if your phone is lost.
account-password-heading = Password
account-password-intro = A new password signs you out everywhere else.
account-password-current = Current password
account-password-new = New password
account-password-submit = Change password
account-password-wrong = The current password is wrong.
account-password-length = The new password must have between { $min } and { $max } characters.
account-password-changed = Your password has changed. Your other sessions have ended.
staff-home-account = Your account

# The team page and the access history (issue 12)
team-title = Team
team-members = Members
team-role = Role
team-role-organiser = organiser
team-role-desk = desk
team-role-unknown = Choose organiser or desk.
team-sessions = Signed in
team-actions = Actions
team-change-role = Change
team-remove = Remove from the team
team-revoke-one = Sign out
team-revoke-all = Sign out everywhere
team-session-device = device
team-session-browser = browser
team-session-last-used = last used { $at }
team-no-sessions = not signed in
team-second-factor-on = two-factor on
team-disabled = disabled
team-empty = Nobody has a role at this event yet.
team-totp-required = The organisers of this event must sign in with a second factor.
team-totp-optional = The organisers of this event may sign in without a second factor.
team-totp-require = Require a second factor for organisers
team-totp-make-optional = No longer require it
team-history = Access history
team-dashboard-link = Team
access-by-command-line = command line
access-granted = { $email } became { $role }
access-grant-removed = { $email } was removed from the team
access-admin-named = { $email } became an administrator
access-invited = { $email } was invited as { $role }
access-invitation-accepted = { $email } accepted the invitation
access-totp-enrolled = { $email } set up two-factor sign-in
access-totp-required = a second factor is now required of organisers
access-totp-optional = a second factor is no longer required of organisers
access-disabled = the account { $email } was disabled
access-enabled = the account { $email } was enabled
access-session-revoked = a session of { $email } was ended
access-sessions-revoked = every session of { $email } was ended
access-password-changed = { $email } changed password
admin-title = Administration
admin-history = Access changes to the whole instance
admin-history-empty = Nothing yet.
staff-home-admin-page = Administration

# Invitations (issue 12)
email-subject-invitation = You are invited to the team of { $event }
email-invitation-greeting = Hello,
email-invitation-intro = You are invited to join the team of “{ $event }” on guichet, as { $role }.
email-invitation-link = Choose your password with this link (it works once, until { $expires }):
email-invitation-button = Choose my password
email-invitation-ignore = If you did not expect this invitation, ignore this email: nothing happens without the link.
invitation-title = Join the team
invitation-intro = You are invited to the team of “{ $event }” as { $role }. Choose a password for { $email }.
invitation-password = Password (at least 10 characters)
invitation-submit = Create my account
invitation-invalid-title = This invitation cannot be used
invitation-invalid-body = The link is not valid, has already been used, or is more than 48 hours old. Ask an organiser of the event to invite you again.
invitation-existing = You already have an account: sign in with your password. Your role at “{ $event }” is now { $role }.
invitation-done = Your account is ready. Sign in with your email and new password.
team-invite = Invite
team-invite-heading = Invite someone
team-invite-help = They receive an email with a link to choose a password (valid 48 hours, once). An existing account gets the role at once.
team-invite-email-invalid = Enter an email address.
team-invitations = Open invitations
team-invitation-line = { $email } as { $role }, until { $expires }
team-invitation-queued = email queued
team-invitation-sent = email sent
team-invitation-failed = email failed
account-totp-current-code = Enter a code of your current second factor (or a recovery code) to replace it.
account-totp-current-code-label = Code from your current app

# Registration by approval
email-subject-request_received = Request received: { $event }
email-subject-declined = Your request: { $event }
email-intro-request_received = Thank you for your request to register for “{ $event }”. Registration for this event is by approval: the organisers will review your request and answer you by email. If it is accepted, that email will carry your ticket.
email-intro-declined = Thank you for your interest in “{ $event }”. We are sorry that the organisers cannot accept your request to register.
email-note = The organisers’ message:
ticket-pending = Your request is received. The organisers will review it and answer you by email; if it is accepted, you will receive your ticket.
ticket-declined = Your request to register was declined. This page gives no entry.
status-pending = Request pending
status-declined = Declined
history-email-request_received = request received
history-email-declined = request declined
history-audit-registration_approved = Request approved
history-audit-registration_declined = Request declined
form-by-approval = Registration for this event is by approval: your registration is a request, which the organisers will answer by email.
registered-body-request = Thank you. Your request is received, and we have sent an email to the address you gave to confirm it. The organisers will review it and answer you by email; if it is accepted, you will receive your ticket.
participant-decision = Request
participant-approve = Approve
participant-decline = Decline
decline-message = Message for the participant (optional, added to the email)
decision-not-pending = This registration is not a request waiting for a decision: it is { $detail }.
dashboard-pending = Requests to decide
dashboard-declined = Declined
report-summary-pending = Requests pending
report-summary-declined = Declined
registrations-matching = { $number ->
    [one] One registration matches.
   *[other] { $number } registrations match.
}
bulk-label = With every registration of this filter:
bulk-continue = Continue…
bulk-action-approve = approve
bulk-action-decline = decline
bulk-action-cancel = cancel
bulk-action-resend = send their email again
bulk-title-approve = Approve requests
bulk-title-decline = Decline requests
bulk-title-cancel = Cancel registrations
bulk-title-resend = Send emails again
bulk-confirm-approve = { $number ->
    [0] No registration of this filter to approve.
    [one] Approve the one registration of this filter? Only requests waiting for a decision are approved; each takes a free seat, or a place on the waiting list.
   *[other] Approve the { $number } registrations of this filter? Only requests waiting for a decision are approved; each takes a free seat, or a place on the waiting list.
}
bulk-confirm-decline = { $number ->
    [0] No registration of this filter to decline.
    [one] Decline the one registration of this filter? Only requests waiting for a decision are declined; the participant is emailed.
   *[other] Decline the { $number } registrations of this filter? Only requests waiting for a decision are declined; each participant is emailed.
}
bulk-confirm-cancel = { $number ->
    [0] No registration of this filter to cancel.
    [one] Cancel the one registration of this filter? The participant is emailed, and a seat freed goes to the waiting list.
   *[other] Cancel the { $number } registrations of this filter? Each participant is emailed, and the seats freed go to the waiting list.
}
bulk-confirm-resend = { $number ->
    [0] No registration of this filter to email.
    [one] Send the one registration of this filter its email again (its ticket, or where it stands)?
   *[other] Send the { $number } registrations of this filter their email again (each its ticket, or where it stands)?
}
bulk-do-approve = { $number ->
    [one] Approve 1 registration
   *[other] Approve { $number } registrations
}
bulk-do-decline = { $number ->
    [one] Decline 1 registration
   *[other] Decline { $number } registrations
}
bulk-do-cancel = { $number ->
    [one] Cancel 1 registration
   *[other] Cancel { $number } registrations
}
bulk-do-resend = { $number ->
    [one] Send 1 email again
   *[other] Send { $number } emails again
}
bulk-back = Back to the list, doing nothing
bulk-done = Done: { $number } changed, { $detail } left as they were (already decided, cancelled, or not concerned).
bulk-unknown-action = Choose one of the actions of the list.

# Offline desk (server)
batch-too-many = At most { $max } scans at once: send the rest in another batch.
batch-item-not-recorded = This scan could not be read, and was not recorded.
batch-scan-in-the-future = The scan's time is more than 5 minutes ahead of guichet's clock: check the device's clock.
dashboard-conflicts-title = Admitted twice while offline
dashboard-conflicts-intro = Two desks let the same ticket in on the same day while one of them was offline: someone may have come in twice. The earlier scan stands.
dashboard-conflicts-kept = Stands
dashboard-conflicts-other = Also let in
dashboard-conflicts-name = Participant
dashboard-conflicts-day = Day
history-details-conflict = admitted twice: see the dashboard
history-details-desk = desk { $detail }
history-details-offline = scanned offline, received at { $time }

# Offline desk (page)
desk-manifest-name = guichet desk
desk-manifest-description = Scan tickets at the entrance, with or without the network.
desk-offline-tag = Offline
desk-offline-tag-detail = decided on this device; sent to guichet when the network is back
desk-offline-already-today = Already checked in today
desk-offline-no-list = Offline, and this device has no list of participants yet: this scan cannot be decided. Check the ticket by eye and scan it again when the network is back.
desk-offline-no-crypto = Offline scans need the desk opened over HTTPS: this scan cannot be decided. Scan it again when the network is back.
desk-print-badge = Print badge
desk-offline-walk-in-queued = Walk-in kept on this device: { $name } will be registered and checked in when the network is back.
desk-offline-in-today = in today
desk-search-offline = Searched on this device (offline): names and organisations only.
desk-waiting-heading = Waiting to be sent
desk-waiting-tag = waiting
desk-sync-heading = Network and sync
desk-sync-online = Online
desk-sync-offline = Offline: scans are decided on this device and sent later
desk-sync-sending = Sending the scans made offline…
desk-sync-waiting = Waiting to be sent: { $number }
desk-sync-last = Last sync: { $time }
desk-sync-never = Not synced yet
desk-sync-list-age = List of participants: { $detail }
desk-sync-ready-offline = This desk can go on working offline.
desk-sync-no-list = This device has no list of participants yet: offline scans cannot be decided until it has synced once.
desk-sync-list-old = The list of participants is more than 10 minutes old: cancellations and new tickets since then are not in it.
desk-sync-clock-off = This device's clock differs from guichet's by more than 2 minutes (it is { $time } for guichet): offline scans use guichet's time, but check the device's date and time.
desk-sync-failed = The waiting scans could not be sent yet: trying again shortly.
desk-signed-out-here = This browser has signed out: the list of participants is no longer kept on this device. Sign in again to use the desk.
desk-sync-signed-out = guichet asks to sign in again before it takes the waiting scans: sign in (they stay on this device) and come back to this desk.
desk-sync-report-heading = Scans sent after the network came back
desk-sync-changed = { $time } { $name }: guichet says “{ $detail }” (this device said “{ $first }”).
desk-sync-conflict = { $time } { $name }: admitted by two desks while offline, someone may have come in twice. guichet says “{ $detail }”.
desk-sync-error = { $time } { $token }: not recorded, { $detail }
desk-sync-walk-in-done = Walk-in { $name } registered: { $detail }
desk-sync-walk-in-error = Walk-in { $name } could not be registered: { $detail } What was typed is back in the walk-in form.
desk-conflicts-heading = Admitted twice while offline
desk-conflict-line = { $name }, { $date }
desk-conflict-kept = let in at { $detail } at { $time } ({ $by }): this scan stands;
desk-conflict-other = let in again at { $detail } at { $time } ({ $by }).
desk-conflict-advice = Check whether two people came in on one ticket.
desk-name-label = Desk name
desk-name-hint = Sent with each scan, for example “Entrance A”; left empty, your email is shown instead.
desk-signout-waiting = Scans waiting to be sent: { $number }. Signing out would lose them: reconnect, let them be sent, then sign out.

# Attendance by the agenda
checkin-bad-door = Name the agenda item by its id (as the agenda gives it), and the direction as in or out.
dashboard-items-title = Attendance by session
dashboard-items-count = { $number ->
    [one] 1 present
   *[other] { $number } present
}
report-session-item = Session
report-session-day = Day
report-session-in = In
report-session-out = Out
report-session-minutes = Minutes
report-sheet-sessions = Sessions
report-sessions-total = Present
verification-title = Certificate of attendance
verification-confirmed = This certificate is genuine: guichet issued it, and the attendance below is as recorded at the event.
verification-event = Event
verification-days = Days attended
verification-sessions = Sessions attended
verification-minutes = { $number ->
    [one] 1 minute
   *[other] { $number } minutes
}
desk-door-label = Door
desk-door-entrance = Entrance (the day's attendance)
desk-direction-label = Way
desk-direction-in = In
desk-direction-out = Out
desk-door-offline = No answer from guichet: a session's door needs the network (the entrance works offline). Scan again when the network is back.
certificate-certifies = This is to certify that
certificate-attended = attended
certificate-verify = Verify this certificate:
ticket-certificate = My certificate of attendance (PDF)
batch-scan-too-old = The scan's time is more than 7 days ago: check the device's clock.
certificates-title = Certificates of attendance
certificates-help = The event is over: each participant who was checked in at least once has a certificate naming the days and sessions they attended, with a link that verifies it. Sending emails each their own (in their language), once: those sent already are not sent again.
certificates-send = Email every participant their certificate
certificates-zip = Download every certificate (ZIP)
certificates-not-yet = Certificates exist once the event is over.
email-subject-certificate = Your certificate of attendance: { $event }
email-intro-certificate = Thank you for taking part in “{ $event }”. Your certificate of attendance is attached to this email; its link lets anyone check that it is genuine.
history-email-certificate = certificate of attendance
history-audit-certificates_sent = Certificates of attendance sent
history-details-certificates = { $number ->
    [one] 1 certificate
   *[other] { $number } certificates
}
registrations-badges = Badges for this filter (PDF, eight to an A4 sheet; the confirmed registrations unless a status is chosen)
registrations-badges-a6 = one badge per A6 page
