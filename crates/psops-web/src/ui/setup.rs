//! First-run setup: on a database without users, `psops serve` prints a one-time link
//! to this page, where the first administrator is created. No default password exists.

use super::form::Form;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::auth::{NewUser, Role, UserPatch};
use psops_core::code::Code;
use psops_core::people::{Fte, Function, PersonFields};
use psops_core::rule::Rule;
use psops_core::store::Records as _;
use psops_core::store::WriteCtx;
use psops_core::validate::Checks;
use psops_demo::{DemoOrg, DemoSpec, install};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::filters::options;
use super::pre_session;
use super::render::{UiError, render};
use super::sign_in::{ClientAddr, signed_in_response};
use crate::AppState;
use crate::request_id::RequestId;
use psops_core::credentials::{hash_password, token_hash};

/// How long a setup link works.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(24);

/// Makes a one-time setup link when no user exists yet; returns its path.
pub async fn setup_link(state: &AppState) -> psops_core::Result<Option<String>> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let (secret, hash) = psops_core::credentials::new_api_token()?;
    let now = OffsetDateTime::now_utc();
    state
        .store
        .create_setup_token(&hash, now, now + SETUP_LINK_LIFETIME)
        .await?;
    Ok(Some(format!("/setup/{secret}")))
}

#[derive(Serialize, Default)]
struct SetupPage {
    token: String,
    csrf: String,
    name: String,
    email: String,
    function: String,
    region: String,
    functions: Vec<(&'static str, String)>,
    errors: Vec<String>,
    user: Option<()>,
    /// Whether the database is empty enough to take the demo organisation.
    offer_demo: bool,
    /// After loading the demo: each demo user's sign-in, shown this once.
    demo_users: Vec<DemoSignIn>,
    demo_summary: String,
}

#[derive(Serialize)]
struct DemoSignIn {
    email: String,
    role: &'static str,
    password: String,
}

async fn page(state: &AppState, addr: &str, status: StatusCode, mut ctx: SetupPage) -> Result<Response, UiError> {
    let issued = pre_session::issue(state, addr).await?;
    ctx.csrf = issued.token.clone();
    let html = render("setup.html", &ctx)?;
    let mut res = (status, html).into_response();
    pre_session::attach(&mut res, &issued);
    Ok(res)
}

fn already_set_up() -> UiError {
    UiError::new(
        StatusCode::NOT_FOUND,
        "Setup link used or expired",
        "This setup link was used or has expired. Sign in instead.",
    )
}

pub async fn form(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, UiError> {
    if state.store.count_users().await? > 0 {
        return Err(already_set_up());
    }
    let offer_demo = !state.store.holds_records().await?;
    page(
        &state,
        &addr,
        StatusCode::OK,
        SetupPage {
            token,
            offer_demo,
            functions: options::<Function>(),
            function: Function::Ops.code().into(),
            ..Default::default()
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    /// The "load the demo organisation" checkbox: present when ticked.
    #[serde(default)]
    demo: Option<String>,
    #[serde(default)]
    function: String,
    #[serde(default)]
    region: String,
}

/// The administrator's own person record, so *My week* and every person's page work for
/// them from the first sign-in.
fn own_person(f: &SetupForm) -> psops_core::Result<PersonFields> {
    let fields = PersonFields {
        name: f.name.trim().to_string(),
        email: f.email.trim().to_string(),
        function: Function::from_code(f.function.trim())?,
        region: f.region.trim().to_string(),
        time_zone: "UTC".into(),
        fte: Fte::FULL,
        employment_start: OffsetDateTime::now_utc().date(),
        employment_end: None,
        manager_id: None,
        partner_id: None,
    };
    fields.validate()?;
    Ok(fields)
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ClientAddr(addr): ClientAddr,
    Extension(request): Extension<RequestId>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Result<Response, UiError> {
    pre_session::check(&state, &headers, &addr, &f.csrf).await?;
    let mut c = Checks::new();
    c.text(&f.name, "name", 200).email(f.email.trim(), "email");
    c.check(
        f.password.chars().count() >= 12,
        "password",
        Rule::TooShort,
        "password must be at least 12 characters",
    );
    c.check(
        f.password == f.confirm,
        "confirm",
        Rule::Matches,
        "the two passwords differ",
    );
    let mut errors: Vec<String> = match c.into_result() {
        Err(psops_core::Error::Invalid(errors)) => errors.into_iter().map(|e| e.message).collect(),
        _ => Vec::new(),
    };
    let person = own_person(&f);
    if let Err(psops_core::Error::Invalid(wrong)) = &person {
        // Name and e-mail are told once, by the checks above.
        errors.extend(
            wrong
                .iter()
                .filter(|e| e.field != "name" && e.field != "email")
                .map(|e| e.message.clone()),
        );
    }
    if !errors.is_empty() {
        let ctx = SetupPage {
            token,
            name: f.name,
            email: f.email,
            function: f.function,
            region: f.region,
            functions: options::<Function>(),
            errors,
            offer_demo: !state.store.holds_records().await?,
            ..Default::default()
        };
        return page(&state, &addr, StatusCode::UNPROCESSABLE_ENTITY, ctx).await;
    }
    let person = person?;
    let password = f.password.clone();
    let phc = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(UiError::internal)??;
    if !state
        .store
        .use_setup_token(&token_hash(&token), OffsetDateTime::now_utc())
        .await?
    {
        return Err(already_set_up());
    }
    // Nobody is signed in yet: the one-time setup token, just spent, stands in for the
    // policy's decision, which is why this page may make a context without a grant.
    #[allow(clippy::disallowed_methods)]
    let mut ctx = WriteCtx::trusted();
    ctx.request_id = Some(request.0);
    // The demo loads only into an empty database, so with the demo the person comes
    // after it and is then linked to the user.
    let person_id = match f.demo {
        None => Some(state.store.create(&ctx, person.clone()).await?.made()?.id),
        Some(_) => None,
    };
    let user = state
        .store
        .create_user(
            &ctx,
            NewUser {
                email: f.email.trim().to_string(),
                name: f.name.trim().to_string(),
                roles: vec![Role::Admin],
                person_id,
                password_hash: Some(phc),
            },
        )
        .await?;
    let signed_in = signed_in_response(&state, &headers, &user).await?;
    if f.demo.is_none() {
        return Ok(signed_in);
    }
    let (demo_users, demo_summary) = load_demo(&state, &ctx).await?;
    let mine = state.store.create(&ctx, person).await?.made()?.id;
    let link = UserPatch {
        person_id: Some(Some(mine)),
        ..Default::default()
    };
    state.store.update_user(&ctx, user.id, link).await?;
    let html = render(
        "setup.html",
        &SetupPage {
            demo_users,
            demo_summary,
            ..Default::default()
        },
    )?;
    // The same session cookies as the redirect would carry, on the page that shows
    // the demo sign-ins this once.
    let mut res = (StatusCode::OK, html).into_response();
    for cookie in signed_in.headers().get_all(header::SET_COOKIE) {
        res.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Loads the default demo organisation (it takes a few seconds) and makes its users.
async fn load_demo(state: &AppState, ctx: &WriteCtx) -> Result<(Vec<DemoSignIn>, String), UiError> {
    let org = DemoOrg::generate(DemoSpec::new(OffsetDateTime::now_utc().date()))?;
    let count = org.users().len();
    let secrets = tokio::task::spawn_blocking(move || {
        (0..count)
            .map(|_| {
                let password = psops_core::credentials::generate_password()?;
                let hash = hash_password(&password)?;
                Ok((password, hash))
            })
            .collect::<psops_core::Result<Vec<(String, String)>>>()
    })
    .await
    .map_err(UiError::internal)??;
    let hashes: Vec<String> = secrets.iter().map(|(_, h)| h.clone()).collect();
    let stats = install(state.store.as_ref(), ctx, &org, &hashes, &|_| {}).await?;
    let users = org
        .users()
        .iter()
        .zip(secrets)
        .map(|(u, (password, _))| DemoSignIn {
            email: u.email.clone(),
            role: u.role.code(),
            password,
        })
        .collect();
    let summary = format!(
        "{} people, {} projects and {} time entries loaded.",
        stats.people, stats.projects, stats.entries
    );
    Ok((users, summary))
}
