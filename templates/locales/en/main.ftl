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
