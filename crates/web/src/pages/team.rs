//! An event's team page, for its organisers and admins: who has which role, each member's
//! signed-in browsers and devices (last use, client address) with a way to end one or all,
//! a role changed or taken away, and the event's access history. An admin also decides here
//! whether the event's organisers must sign in with a second factor, and has a page of the
//! access changes to the whole instance (`/staff/admin`).
//!
//! Every change is made by `persistence` with its line in the access log, in one transaction.
//! A member here is someone with a role at this event; an organiser manages neither admins nor
//! anyone outside the team (404: the address names no member of this team).

use crate::AppState;
use crate::auth::Staff;
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::{CsrfForm, NoFields, Organiser};
use crate::lang::RequestLang;
use crate::templates::{languages, view};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::{Lang, Role};
use i18n::{long_datetime, t};
use minijinja::context;
use persistence::{AccessLine, ByWhom, SessionKind, StoredEvent, TeamMember};
use serde::{Deserialize, Serialize};

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/organiser/{slug}/team", get(team_page))
        .route(
            "/organiser/{slug}/team/members/{member}/role",
            post(change_role),
        )
        .route(
            "/organiser/{slug}/team/members/{member}/remove",
            post(remove_member),
        )
        .route(
            "/organiser/{slug}/team/members/{member}/sessions/{session}/revoke",
            post(revoke_session),
        )
        .route(
            "/organiser/{slug}/team/members/{member}/sessions/revoke",
            post(revoke_all_sessions),
        )
        .route("/organiser/{slug}/team/second-factor", post(second_factor))
        .route("/organiser/{slug}/team/invite", post(invite))
        .route("/staff/admin", get(admin_page))
}

/// Lines of access history the page shows.
const HISTORY_LINES: u64 = 100;

#[derive(Debug, Serialize)]
struct SessionView {
    id: i32,
    device: bool,
    last_used: String,
    signed_in: String,
    address: String,
    agent: String,
}

#[derive(Debug, Serialize)]
struct MemberView {
    id: i32,
    email: String,
    role: &'static str,
    admin: bool,
    second_factor: bool,
    disabled: bool,
    /// Whether the viewer may change this member (an organiser does not manage admins).
    manageable: bool,
    sessions: Vec<SessionView>,
}

#[derive(Debug, Serialize)]
struct InvitationView {
    email: String,
    role: &'static str,
    expires: String,
    state: &'static str,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct HistoryView {
    at: String,
    what: String,
    by: String,
    address: String,
}

fn member_view(member: TeamMember, viewer: &Staff, stored: &StoredEvent, lang: Lang) -> MemberView {
    let tz = stored.event.time_zone;
    MemberView {
        manageable: !member.admin || viewer.member.access.is_admin(),
        sessions: member
            .sessions
            .into_iter()
            .map(|session| SessionView {
                id: session.id,
                device: session.kind == SessionKind::Device,
                last_used: long_datetime(session.last_used_at, tz, lang),
                signed_in: long_datetime(session.created_at, tz, lang),
                address: session.client_address.unwrap_or_default(),
                agent: session.user_agent.unwrap_or_default(),
            })
            .collect(),
        id: member.id,
        email: member.email,
        role: member.role.as_str(),
        admin: member.admin,
        second_factor: member.second_factor,
        disabled: member.disabled,
    }
}

/// A line of access history in words, in the reader's language.
fn history_view(line: AccessLine, tz: chrono_tz::Tz, lang: Lang) -> HistoryView {
    let role = line
        .role
        .map(|role| t(lang, &format!("team-role-{}", role.as_str()), &[]))
        .unwrap_or_default();
    let key = format!("access-{}", line.action.as_str().replace('_', "-"));
    HistoryView {
        at: long_datetime(line.at, tz, lang),
        what: t(
            lang,
            &key,
            &[("email", line.subject.into()), ("role", role.into())],
        ),
        by: line
            .by
            .unwrap_or_else(|| t(lang, "access-by-command-line", &[])),
        address: line.address.unwrap_or_default(),
    }
}

async fn team_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { staff, event }: Organiser,
) -> Result<Response, Error> {
    let now = state.clock().now();
    let team = state.db().team_of(event.id, now, state.idle()).await?;
    let history = state.db().access_log(Some(event.id), HISTORY_LINES).await?;
    let tz = event.event.time_zone;
    let invitations: Vec<InvitationView> = state
        .db()
        .open_invitations(event.id, now)
        .await?
        .into_iter()
        .map(|invitation| InvitationView {
            email: invitation.email,
            role: invitation.role.as_str(),
            expires: long_datetime(invitation.expires_at, tz, lang),
            state: if invitation.sent {
                "sent"
            } else if invitation.failed {
                "failed"
            } else {
                "queued"
            },
            error: invitation.last_error,
        })
        .collect();
    let members: Vec<MemberView> = team
        .into_iter()
        .map(|member| member_view(member, &staff, &event, lang))
        .collect();
    let history: Vec<HistoryView> = history
        .into_iter()
        .map(|line| history_view(line, event.event.time_zone, lang))
        .collect();
    let slug = event.event.slug.as_str();
    let path = format!("/organiser/{slug}/team");
    let html = state.templates().render(
        "team.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            title => event.event.title.as_str(),
            content_lang => event.event.language.code(),
            slug => slug,
            csrf => staff.csrf_token(),
            admin => staff.member.access.is_admin(),
            organisers_need_totp => event.organisers_need_totp,
            members => view(members),
            invitations => view(invitations),
            history => view(history),
        },
    )?;
    Ok(Html(html).into_response())
}

/// The id of team member `member` of `event`, if the viewer may manage them: 404 for someone
/// outside the team, 403 for an admin when the viewer is not one.
async fn managed(
    state: &AppState,
    staff: &Staff,
    event: &StoredEvent,
    member: i32,
) -> Result<i32, Error> {
    let admin = state
        .db()
        .team_member_is_admin(event.id, member)
        .await?
        .ok_or(Error::NotFound)?;
    if admin && !staff.member.access.is_admin() {
        return Err(Error::Forbidden);
    }
    Ok(member)
}

fn back(event: &StoredEvent) -> Response {
    Redirect::to(&format!("/organiser/{}/team", event.event.slug)).into_response()
}

fn by(staff: &Staff, client: ClientAddr) -> ByWhom {
    ByWhom::staff(staff.member.id, client.to_string())
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    Path((_, member)): Path<(String, i32)>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, Error> {
    let member = managed(&state, &staff, &event, member).await?;
    let role: Role = form
        .role
        .parse()
        .map_err(|_| Error::field("role", t(lang, "team-role-unknown", &[])))?;
    let now = state.clock().now();
    state
        .db()
        .grant(member, event.id, role, now, &by(&staff, client))
        .await?;
    Ok(back(&event))
}

async fn remove_member(
    State(state): State<AppState>,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    Path((_, member)): Path<(String, i32)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    let member = managed(&state, &staff, &event, member).await?;
    let now = state.clock().now();
    state
        .db()
        .remove_grant(member, event.id, now, &by(&staff, client))
        .await?;
    Ok(back(&event))
}

async fn revoke_session(
    State(state): State<AppState>,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    Path((_, member, session)): Path<(String, i32, i32)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    let member = managed(&state, &staff, &event, member).await?;
    let now = state.clock().now();
    let ended = state
        .db()
        .revoke_member_session(member, session, Some(event.id), now, &by(&staff, client))
        .await?;
    if !ended {
        return Err(Error::NotFound);
    }
    Ok(back(&event))
}

async fn revoke_all_sessions(
    State(state): State<AppState>,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    Path((_, member)): Path<(String, i32)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    let member = managed(&state, &staff, &event, member).await?;
    let now = state.clock().now();
    state
        .db()
        .revoke_sessions(member, Some(event.id), now, &by(&staff, client))
        .await?;
    Ok(back(&event))
}

#[derive(Debug, Deserialize)]
struct SecondFactorForm {
    #[serde(default)]
    required: String,
}

/// An admin's choice: must this event's organisers sign in with a second factor?
async fn second_factor(
    State(state): State<AppState>,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    CsrfForm(form): CsrfForm<SecondFactorForm>,
) -> Result<Response, Error> {
    if !staff.member.access.is_admin() {
        return Err(Error::Forbidden);
    }
    let now = state.clock().now();
    state
        .db()
        .set_organisers_need_totp(event.id, form.required == "true", now, &by(&staff, client))
        .await?;
    Ok(back(&event))
}

/// The admins' page: the access changes to the whole instance (accounts disabled or enabled,
/// admins named, second factors enrolled, passwords changed, sessions ended from the command
/// line), in UTC: they belong to no event's time zone.
async fn admin_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
) -> Result<Response, Error> {
    let staff = match super::page_staff(staff, "/staff/admin") {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    if !staff.member.access.is_admin() {
        return Err(Error::Forbidden);
    }
    let history: Vec<HistoryView> = state
        .db()
        .access_log(None, HISTORY_LINES)
        .await?
        .into_iter()
        .map(|line| history_view(line, chrono_tz::UTC, lang))
        .collect();
    let html = state.templates().render(
        "admin.html",
        context! {
            lang => lang.code(),
            languages => languages("/staff/admin", lang),
            history => view(history),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Debug, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Invites an address to the team with a role: an existing account gets the role at once; a new
/// address an email (through the invitations' queue) with a link to choose a password.
async fn invite(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    Organiser { staff, event }: Organiser,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, Error> {
    let invalid = |field: &str, key: &str| Error::field(field, t(lang, key, &[]));
    let email = domain::Email::parse(&form.email)
        .map_err(|_| invalid("email", "team-invite-email-invalid"))?;
    let role: Role = form
        .role
        .parse()
        .map_err(|_| invalid("role", "team-role-unknown"))?;
    let now = state.clock().now();
    let by = by(&staff, client);
    if let Some(member) = state.db().staff_member(email.as_str()).await? {
        if member.access.is_admin() && !staff.member.access.is_admin() {
            return Err(Error::Forbidden);
        }
        state
            .db()
            .grant(member.id, event.id, role, now, &by)
            .await?;
        return Ok(back(&event));
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
    let nonce = data_encoding::HEXLOWER.encode(&bytes);
    let invitation = persistence::NewInvitation {
        email: email.as_str(),
        event_id: event.id,
        role,
        nonce: &nonce,
        lang,
        now,
        expires_at: now + domain::INVITATION_LIFETIME,
    };
    state.db().invite(invitation, &by).await?;
    Ok(back(&event))
}
