//! `/admin/users`: who may sign in and with which roles (admin only, as the policy says):
//! the list, creating a user, changing roles, disabling and enabling. Disabling ends the
//! user's sessions at once, as the API does.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::FieldError;
use psops_core::auth::{NewUser, Role, User, UserId, UserPatch};
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, inline, write_ctx};
use super::edit::pick;
use super::filters::{PAGE_SIZE, Pairs, next_link, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;
use crate::request_id::RequestId;
use psops_core::credentials::hash_password;

const USERS: Fixed = Fixed(Resource::Users, Thing::Entity(Entity::User));

#[derive(Serialize)]
struct RoleBox {
    code: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    email: String,
    roles: Vec<RoleBox>,
    person_id: Option<i64>,
    /// The linked person as the person input writes it, `Name (#id)`.
    person: String,
    disabled: bool,
    me: bool,
}

#[derive(Serialize, Default)]
struct Draft {
    name: String,
    email: String,
    person: String,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct UsersPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    next: Option<String>,
    errors: Vec<FieldError>,
    /// The user whose row the errors belong to; none for the create form.
    failed: Option<i64>,
    draft: Draft,
    /// The e-mail searched for, when the page shows one user.
    email: String,
    all_roles: Vec<&'static str>,
    notice: Option<&'static str>,
}

fn role_boxes(roles: &[Role]) -> Vec<RoleBox> {
    Role::ALL
        .iter()
        .map(|r| RoleBox {
            code: r.code(),
            checked: roles.contains(r),
        })
        .collect()
}

fn row(u: &User, me: UserId, people: &std::collections::HashMap<i64, String>) -> Row {
    Row {
        person: u
            .person_id
            .map(|p| super::edit::pick::written(people.get(&p.get()).map_or("", String::as_str), p.get()))
            .unwrap_or_default(),
        id: u.id.get(),
        name: u.name.clone(),
        email: u.email.clone(),
        roles: role_boxes(&u.roles),
        person_id: u.person_id.map(|p| p.get()),
        disabled: u.disabled_at.is_some(),
        me: u.id == me,
    }
}

struct Outcome {
    status: StatusCode,
    errors: Vec<FieldError>,
    failed: Option<i64>,
    draft: Draft,
}

async fn page(st: &AppState, me: &SignedIn, p: &Pairs, out: Outcome) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    allow(st, &s, Action::Read, &USERS).await?;
    let mut e = Params::new();
    // Users whose name or e-mail holds the text (a person's page links here with their
    // e-mail), else a page of everyone.
    let text = p
        .get("q")
        .or_else(|| p.get("email"))
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let page_of = e.page_of(p.get("cursor"), PAGE_SIZE);
    let found = match text {
        Some(t) => st.store.find_users(t, page_of).await?,
        None => st.store.list_users(page_of).await?,
    };
    let mut draft = out.draft;
    // Nobody signs in with an e-mail looked for: the new-user form starts with it.
    if let Some(t) = text.filter(|t| t.contains('@') && found.items.is_empty() && draft.email.is_empty()) {
        draft.email = t.to_string();
    }
    // "Give them a sign-in" on a person's page fills the new-user form with the person.
    let wanted = p
        .get("person")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|_| draft.name.is_empty());
    if let Some(id) = wanted
        && let Ok(person) = st.store.get(PersonId::new(id)).await
    {
        draft.person = pick::written(&person.fields.name, id);
        draft.email = person.fields.email;
        draft.name = person.fields.name;
    }
    let people = super::filters::person_names(st, found.items.iter().filter_map(|u| u.person_id).collect()).await?;
    let mut errors = e.into_errors();
    errors.extend(out.errors);
    let ctx = UsersPage {
        frame: frame(me, &s),
        rows: found.items.iter().map(|u| row(u, me.user.id, &people)).collect(),
        next: next_link("/admin/users", p, found.next_cursor.as_deref()),
        errors,
        failed: out.failed,
        draft,
        email: text.unwrap_or_default().to_string(),
        all_roles: Role::ALL.iter().map(|r| r.code()).collect(),
        notice: p.get("done").map(|_| "Saved."),
    };
    Ok((out.status, render("admin_users.html", ctx)?).into_response())
}

pub async fn list(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let ok = Outcome {
        status: StatusCode::OK,
        errors: Vec::new(),
        failed: None,
        draft: Draft::default(),
    };
    page(&st, &me, &p, ok).await
}

/// The checked roles of a form; unknown codes are errors on `roles`.
fn roles(p: &Pairs, errors: &mut Vec<FieldError>) -> Vec<Role> {
    let mut out = Vec::new();
    for (k, v) in &p.0 {
        if k != "roles" {
            continue;
        }
        match Role::from_code(v) {
            Ok(r) => out.push(r),
            Err(_) => errors.push(FieldError::new("roles", Rule::OneOf, format!("'{v}' is not a role"))),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "roles",
            Rule::Required,
            "a user needs at least one role",
        ));
    }
    out
}

pub async fn create(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Create, &USERS).await?;
    let mut errors = Vec::new();
    let chosen = roles(&p, &mut errors);
    let person_id: Option<PersonId> =
        match pick::resolve(&st, &s, Entity::Person, "person", "Person", &p.text("person")).await? {
            Ok(id) => id.map(PersonId::new),
            Err(e) => {
                errors.push(e);
                None
            }
        };
    let password = p.text("password");
    let password_hash = if password.is_empty() {
        None
    } else {
        match tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(UiError::internal)?
        {
            Ok(h) => Some(h),
            Err(e) => {
                errors.extend(inline(e)?);
                None
            }
        }
    };
    let draft = Draft {
        name: p.text("name"),
        email: p.text("email"),
        person: p.text("person"),
        roles: chosen.iter().map(|r| r.code().to_string()).collect(),
    };
    if errors.is_empty() {
        let new = NewUser {
            email: draft.email.clone(),
            name: draft.name.clone(),
            roles: chosen,
            person_id,
            password_hash,
        };
        match st.store.create_user(&write_ctx(&me, &request, grant), new).await {
            Ok(_) => return Ok(Redirect::to("/admin/users?done=1").into_response()),
            Err(e) => errors.extend(inline(e)?),
        }
    }
    let out = Outcome {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        failed: None,
        draft,
    };
    page(&st, &me, &Pairs::default(), out).await
}

pub async fn update(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let id = UserId::new(path_id(&id)?);
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Update, &USERS).await?;
    let mut errors = Vec::new();
    let patch = match p.get("disabled") {
        Some(flag) => {
            let disabled = flag == "true";
            if disabled && id == me.user.id {
                errors.push(FieldError::new(
                    "disabled",
                    Rule::NotSelf,
                    "you cannot disable yourself",
                ));
            }
            UserPatch {
                disabled: Some(disabled),
                ..Default::default()
            }
        }
        None => {
            let person = match pick::resolve(&st, &s, Entity::Person, "person", "Person", &p.text("person")).await? {
                Ok(id) => Some(id.map(PersonId::new)),
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            UserPatch {
                roles: Some(roles(&p, &mut errors)),
                // Only a form that carries the person input changes the link.
                person_id: person.filter(|_| p.0.iter().any(|(k, _)| k == "person")),
                ..Default::default()
            }
        }
    };
    let disable = patch.disabled == Some(true);
    if errors.is_empty() {
        match st.store.update_user(&write_ctx(&me, &request, grant), id, patch).await {
            Ok(user) => {
                st.changed(psops_core::record::Entity::User);
                if disable {
                    st.store.end_user_sessions(user.id, OffsetDateTime::now_utc()).await?;
                }
                return Ok(Redirect::to("/admin/users?done=1").into_response());
            }
            Err(e) => errors.extend(inline(e)?),
        }
    }
    let out = Outcome {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        failed: Some(id.get()),
        draft: Draft::default(),
    };
    page(&st, &me, &Pairs::default(), out).await
}
