//! Forms for every plain record kind — new, edit, archive and restore — written once.
//! A kind lists its inputs ([`Editable::INPUTS`]); the form is turned into the API's own
//! JSON body and goes through the same parsing, policy, rules and store as the API, so a
//! refusal names the same field with the same rule. A change carries the version it was
//! read at: when someone else saved in between, nothing is overwritten; the form comes
//! back with what is stored now beside each field that differs.

pub mod action;
mod catalog_kinds;
mod certification_kinds;
mod delivery_kinds;
mod education_kinds;
mod inputs;
mod kinds;
mod partner_funds_kinds;
mod partnering_kinds;
pub mod pick;
mod scoping_kinds;

use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use psops_core::policy::{Action, Subject};
use psops_core::record::{Entity, NewRecord, Record};
use psops_core::rule::Rule;
use psops_core::store::{Created, IfVersion, Pending, RecordStore, Records as _, Store, WriteCtx};
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use catalog_kinds::history_link;
pub use certification_kinds::{LAB, REVOCATION, WRITTEN};
pub use inputs::{Input, Kind, Lines, Shown};

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Guarded, GuardedUpdate, allow, may_at_best};
use crate::problem::{ApiError, ApiResult};
use crate::request_id::RequestId;

/// A record kind with forms in the web app.
pub trait Editable: Record + Guarded + GuardedUpdate<Self::Patch>
where
    Self::Patch: DeserializeOwned,
    Self::New: Guarded,
{
    /// What one is called in headings: "person".
    const NOUN: &'static str;
    /// Where its pages live: `/people`.
    const PATH: &'static str;
    /// The API's collection, whose policy decides who sees the "New" button.
    const API: &'static str;
    const INPUTS: &'static [Input];
    /// What the policy checks a create as.
    const CREATE: Action = Action::Create;

    /// Its name in headings.
    fn name(&self) -> String;
    /// The records whose names make its heading when it has no name of its own (an
    /// assignment: its person on its project).
    fn named_by(&self) -> Vec<(Entity, i64)> {
        Vec::new()
    }
    /// The page a saved record is shown on.
    fn home(&self) -> String;
    /// A create's input from the API's JSON body, what the page carried (a contact's
    /// account) and who creates it (a SKU request's drafter).
    fn new_from(raw: &[u8], carried: &Pairs, s: &Subject) -> ApiResult<Self::New>;
    /// Query parameters a "new" link may carry into the form (hidden), e.g. `account`.
    const CARRIED: &'static [&'static str] = &[];
    /// The carried link naming the record a new one belongs to, named in the heading
    /// ("New contact for Acme").
    const WITHIN: Option<(&'static str, Entity)> = None;
    /// What a new form starts with: `(input, value)`, from defaults or the link
    /// (`?project=12` on a new assignment).
    fn starting(_link: &Pairs) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Whether the kind's pages are there for the subject at all; a section a role does
    /// not have (the rates, for a consultant) has no forms for it either.
    fn shown_to(_s: &Subject) -> bool {
        true
    }
    /// Where "Cancel" on a new form leads.
    fn back(link: &Pairs) -> String {
        let _ = link;
        Self::PATH.to_string()
    }
    /// Saves a new one. A kind whose store has an action of its own for it (an
    /// opportunity opens its scoping record, taking its territory's engagement manager)
    /// goes through that action, as the API does.
    fn save_new<'a>(st: &'a AppState, ctx: &'a WriteCtx, new: Self::New) -> Pending<'a, Created<Self>>
    where
        dyn Store: RecordStore<Self>,
    {
        st.store.create(ctx, new)
    }
    /// Saves a change, through the kind's own store action where it has one.
    fn save_change<'a>(
        st: &'a AppState,
        ctx: &'a WriteCtx,
        id: Id<Self>,
        v: IfVersion,
        patch: Self::Patch,
    ) -> Pending<'a, Self>
    where
        dyn Store: RecordStore<Self>,
    {
        RecordStore::<Self>::update(st.store.as_ref(), ctx, id, v, patch)
    }
}

/// Adds the form routes of `R`: `{PATH}/new`, `{PATH}/{id}/edit`, `{PATH}/{id}/archive`.
pub fn routes<R>(router: Router<AppState>) -> Router<AppState>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    router
        .route(&format!("{}/new", R::PATH), get(new_form::<R>).post(create::<R>))
        .route(
            &format!("{}/{{id}}/edit", R::PATH),
            get(edit_form::<R>).post(update::<R>),
        )
        .route(&format!("{}/{{id}}/archive", R::PATH), post(archive::<R>))
}

/// Every form of the web app, and the suggestions its reference inputs use.
pub fn router() -> Router<AppState> {
    let r = Router::new().route("/pick/{kind}", get(pick::suggest));
    kinds::routes(r)
}

/// Whether the subject may create some record of `R` (so gets the "New" buttons and
/// the form).
pub fn may_edit<R: Editable>(s: &Subject) -> bool
where
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    may_at_best(s, &format!("/api/v1/{}", R::API), R::CREATE)
}

#[derive(Serialize)]
struct ArchiveBox {
    action: String,
    archived: bool,
    version: i64,
}

#[derive(Serialize)]
struct FormPage {
    #[serde(flatten)]
    frame: Frame,
    title: String,
    noun: &'static str,
    action: String,
    submit: &'static str,
    back: String,
    inputs: Vec<Shown>,
    hidden: Vec<(String, String)>,
    /// Errors that belong to no input.
    errors: Vec<FieldError>,
    conflict: bool,
    archive: Option<ArchiveBox>,
}

struct Draft {
    title: String,
    action: String,
    submit: &'static str,
    back: String,
    inputs: Vec<Shown>,
    hidden: Vec<(String, String)>,
    archive: Option<ArchiveBox>,
}

fn page(
    me: &SignedIn,
    s: &Subject,
    noun: &'static str,
    mut d: Draft,
    errors: Vec<FieldError>,
    conflict: bool,
    status: StatusCode,
) -> Result<Response, UiError> {
    let mut rest = Vec::new();
    for e in errors {
        match d.inputs.iter_mut().find(|i| belongs(i.name, &e.field)) {
            Some(input) => input.errors.push(at_line(input.name, &e)),
            None => rest.push(e),
        }
    }
    let ctx = FormPage {
        frame: frame(me, s),
        title: d.title,
        noun,
        action: d.action,
        submit: d.submit,
        back: d.back,
        inputs: d.inputs,
        hidden: d.hidden,
        errors: rest,
        conflict,
        archive: d.archive,
    };
    Ok((status, render("edit.html", ctx)?).into_response())
}

/// Whether an error about `field` is told at the input `name`: its own field, or an item
/// of it (`kit_links[2].url` at `kit_links`).
fn belongs(name: &str, field: &str) -> bool {
    field
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('[') || rest.starts_with('.'))
}

/// An error's message at its input; an item's error says which line of the list it is
/// about.
fn at_line(name: &str, e: &FieldError) -> String {
    let item = e
        .field
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    match item {
        Some(i) => format!("line {}: {}", i + 1, e.message),
        None => e.message.clone(),
    }
}

/// The inputs as the form posted them.
fn as_posted(list: &[Input], p: &Pairs) -> Vec<Shown> {
    list.iter()
        .map(|i| {
            let (value, currency) = inputs::posted(i, p);
            inputs::shown(i, value, currency)
        })
        .collect()
}

/// The inputs showing a stored record, references by name.
/// `locked`: on an edit form, where fixed inputs are shown but not changed.
async fn as_stored<R: Record>(st: &AppState, list: &[Input], record: &R, locked: bool) -> Result<Vec<Shown>, UiError> {
    let json = serde_json::to_value(record).map_err(UiError::internal)?;
    let mut out = Vec::new();
    for i in list {
        let field = json.get(i.name).unwrap_or(&Value::Null);
        let (value, currency) = match (i.kind, field.as_i64()) {
            (Kind::Ref(entity), Some(id)) => (named(st, entity, id).await?, String::new()),
            (Kind::Refs(entity), _) => {
                let ids: Vec<i64> = field
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_i64)
                    .collect();
                let names = super::filters::names_by_kind(st, entity, ids.clone()).await?;
                let lines: Vec<String> = ids
                    .iter()
                    .map(|id| match names.get(id) {
                        Some(name) => pick::written(name, *id),
                        None => id.to_string(),
                    })
                    .collect();
                (lines.join("\n"), String::new())
            }
            _ => inputs::text_of(i.kind, field),
        };
        let mut shown = inputs::shown(i, value, currency);
        shown.locked = i.fixed && locked;
        out.push(shown);
    }
    Ok(out)
}

/// `Name (#id)` of a referenced record; its bare id when it is gone.
async fn named(st: &AppState, entity: Entity, id: i64) -> Result<String, UiError> {
    let names = super::filters::names_by_kind(st, entity, vec![id]).await?;
    Ok(match names.get(&id) {
        Some(name) => pick::written(name, id),
        None => id.to_string(),
    })
}

/// Resolves every reference input of a posted form.
async fn references(
    st: &AppState,
    s: &Subject,
    list: &[Input],
    p: &Pairs,
) -> Result<(Vec<(&'static str, Vec<i64>)>, Vec<FieldError>), UiError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for i in list {
        match i.kind {
            Kind::Ref(entity) => match pick::resolve(st, s, entity, i.name, i.label, &p.text(i.name)).await? {
                Ok(id) => ids.push((i.name, id.into_iter().collect())),
                Err(e) => errors.push(e),
            },
            Kind::Refs(entity) => {
                let text = p.text(i.name);
                let mut found = Vec::new();
                for (n, line) in inputs::lines(&text).enumerate() {
                    match pick::resolve(st, s, entity, i.name, i.label, line).await? {
                        Ok(Some(id)) => found.push(id),
                        Ok(None) => {}
                        Err(e) => errors.push(FieldError::new(
                            i.name,
                            e.rule,
                            format!("line {}: {}", n + 1, e.message),
                        )),
                    }
                }
                ids.push((i.name, found));
            }
            _ => {}
        }
    }
    Ok((ids, errors))
}

/// The field errors of a body the API would refuse; anything else is the error page.
fn refused(e: ApiError) -> Result<Vec<FieldError>, UiError> {
    match e {
        ApiError::Domain(e) => inline(e),
        ApiError::BadRequest { errors, .. } => Ok(errors),
        other => Err(UiError::internal(format!("{other:?}"))),
    }
}

/// The JSON body of a posted form, and what is wrong with it as the form sees it.
async fn posted_body(
    st: &AppState,
    s: &Subject,
    list: &[Input],
    p: &Pairs,
    change: bool,
) -> Result<(Map<String, Value>, Vec<FieldError>), UiError> {
    let (refs, mut errors) = references(st, s, list, p).await?;
    let (body, more) = inputs::body(list, p, &refs, change);
    errors.extend(more);
    Ok((body, errors))
}

/// Reads the body as the API would. A field the API refuses is told and replaced by a
/// stand-in, and the body read again, so every refused field is told at once.
fn read<T>(
    list: &[Input],
    mut body: Map<String, Value>,
    errors: &mut Vec<FieldError>,
    read: impl Fn(&[u8]) -> ApiResult<T>,
) -> Result<Option<T>, UiError> {
    for _ in 0..=list.len() {
        let raw = serde_json::to_vec(&Value::Object(body.clone())).map_err(UiError::internal)?;
        match read(&raw) {
            Ok(v) => return Ok(Some(v)),
            Err(e) => {
                let told = refused(e)?;
                let mut replaced = false;
                for e in &told {
                    if let Some(input) = list.iter().find(|i| belongs(i.name, &e.field)) {
                        replaced |= body.insert(input.name.into(), inputs::stand_in(input.kind)).is_some();
                    }
                }
                *errors = merge(std::mem::take(errors), told);
                if !replaced {
                    return Ok(None);
                }
            }
        }
    }
    Ok(None)
}

/// Adds what the record's own rules say to the form's errors, leaving out what they say
/// about inputs already in error (those hold stand-ins).
fn merge(mut form: Vec<FieldError>, rules: Vec<FieldError>) -> Vec<FieldError> {
    let told: Vec<String> = form.iter().map(|e| e.field.clone()).collect();
    form.extend(rules.into_iter().filter(|e| !told.iter().any(|t| belongs(t, &e.field))));
    form
}

/// What the record's rules that need no stored data say about `fields`.
fn rules<R: Record>(fields: &R::Fields) -> Result<Vec<FieldError>, UiError> {
    match R::validate(fields) {
        Ok(()) => Ok(Vec::new()),
        Err(e) => inline(e),
    }
}

fn carried<R: Editable>(p: &Pairs) -> Vec<(String, String)>
where
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    R::CARRIED
        .iter()
        .filter_map(|k| p.get(k).map(|v| (k.to_string(), v.to_string())))
        .collect()
}

fn new_draft<R: Editable>(p: &Pairs, inputs: Vec<Shown>) -> Draft
where
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    Draft {
        title: format!("New {}", R::NOUN),
        action: format!("{}/new", R::PATH),
        submit: "Create",
        back: R::back(p),
        inputs,
        hidden: carried::<R>(p),
        archive: None,
    }
}

/// A new form's draft, its heading naming the record it belongs to.
async fn new_titled<R: Editable>(st: &AppState, p: &Pairs, inputs: Vec<Shown>) -> Result<Draft, UiError>
where
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    let mut draft = new_draft::<R>(p, inputs);
    let within = R::WITHIN.and_then(|(key, kind)| Some((kind, p.get(key)?.parse::<i64>().ok()?)));
    if let Some((kind, id)) = within
        && let Some(name) = super::filters::names_by_kind(st, kind, vec![id]).await?.remove(&id)
    {
        draft.title = format!("New {} for {name}", R::NOUN);
    }
    Ok(draft)
}

fn refuse_new<R: Editable>(s: &Subject) -> Result<(), UiError>
where
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    if !R::shown_to(s) {
        Err(super::not_found())
    } else if may_edit::<R>(s) {
        Ok(())
    } else if !crate::authorize::may_read_at_best(s, &format!("/api/v1/{}", R::API)) {
        Err(super::not_found())
    } else {
        Err(Error::Forbidden(format!("your roles do not allow you to create a {}", R::NOUN)).into())
    }
}

/// `GET {PATH}/new`.
pub async fn new_form<R>(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    let s = subject(&st, &me).await?;
    refuse_new::<R>(&s)?;
    let start = R::starting(&p);
    let mut shown = Vec::new();
    for i in R::INPUTS {
        let mut value = start
            .iter()
            .find(|(n, _)| *n == i.name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        // A record the link names (`?project=12`) shows by its name.
        if let (Kind::Ref(entity), Ok(id)) = (i.kind, value.parse::<i64>()) {
            value = named(&st, entity, id).await?;
        }
        let currency = match i.kind {
            Kind::Money => "USD".to_string(),
            _ => String::new(),
        };
        shown.push(inputs::shown(i, value, currency));
    }
    page(
        &me,
        &s,
        R::NOUN,
        new_titled::<R>(&st, &p, shown).await?,
        Vec::new(),
        false,
        StatusCode::OK,
    )
}

/// `POST {PATH}/new`: created and shown on its page, or the form again with the errors.
pub async fn create<R>(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    refuse_new::<R>(&s)?;
    let (body, mut form) = posted_body(&st, &s, R::INPUTS, &p, false).await?;
    let errors = match read(R::INPUTS, body, &mut form, |raw| R::new_from(raw, &p, &s))? {
        None => form,
        Some(new) => match merge(form, rules::<R>(new.fields())?) {
            errors if !errors.is_empty() => errors,
            _ => {
                let grant = allow(&st, &s, R::CREATE, &new).await?;
                match R::save_new(&st, &write_ctx(&me, &request, grant), new).await {
                    Ok(made) => return Ok(Redirect::to(&saved(&made.made()?.home())).into_response()),
                    Err(e) => inline(e)?,
                }
            }
        },
    };
    let draft = new_titled::<R>(&st, &p, as_posted(R::INPUTS, &p)).await?;
    page(&me, &s, R::NOUN, draft, errors, false, StatusCode::UNPROCESSABLE_ENTITY)
}

fn saved(home: &str) -> String {
    let sep = if home.contains('?') { '&' } else { '?' };
    format!("{home}{sep}saved=1")
}

async fn editable<R>(st: &AppState, s: &Subject, id: &str) -> Result<R, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    if !R::shown_to(s) {
        return Err(super::not_found());
    }
    let record: R = st.store.get(Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Update, &record).await?;
    Ok(record)
}

async fn edit_draft<R>(st: &AppState, s: &Subject, record: &R, inputs: Vec<Shown>, version: i64) -> Draft
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
{
    let id = record.id().get();
    let may_archive = allow(st, s, Action::Archive, record).await.is_ok();
    let mut named = Vec::new();
    for (kind, of) in record.named_by() {
        if let Ok(mut found) = super::filters::names_by_kind(st, kind, vec![of]).await
            && let Some(name) = found.remove(&of)
        {
            named.push(name);
        }
    }
    Draft {
        title: if named.is_empty() {
            format!("Edit {}", record.name())
        } else {
            format!("Edit {}: {}", R::NOUN, named.join(" on "))
        },
        action: format!("{}/{id}/edit", R::PATH),
        submit: "Save",
        back: record.home(),
        inputs,
        hidden: vec![("version".into(), version.to_string())],
        archive: may_archive.then(|| ArchiveBox {
            action: format!("{}/{id}/archive", R::PATH),
            archived: record.meta().is_archived(),
            version,
        }),
    }
}

/// `GET {PATH}/{id}/edit`.
pub async fn edit_form<R>(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    let s = subject(&st, &me).await?;
    let record: R = editable(&st, &s, &id).await?;
    let shown = as_stored(&st, R::INPUTS, &record, true).await?;
    let draft = edit_draft(&st, &s, &record, shown, record.meta().version).await;
    page(&me, &s, R::NOUN, draft, Vec::new(), false, StatusCode::OK)
}

/// The version a change was read at.
fn version(p: &Pairs) -> Result<i64, FieldError> {
    p.get("version").and_then(|v| v.parse().ok()).ok_or_else(|| {
        FieldError::new(
            "version",
            Rule::Required,
            "The form lost the version it was opened at; open the page again",
        )
    })
}

/// `POST {PATH}/{id}/edit`: saved under the version the form was read at.
pub async fn update<R>(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let record: R = editable(&st, &s, &id).await?;
    let mut at = record.meta().version;
    let mut conflict = false;
    let (body, mut form) = posted_body(&st, &s, R::INPUTS, &p, true).await?;
    let raw = serde_json::to_vec(&Value::Object(body.clone())).map_err(UiError::internal)?;
    let errors = match version(&p) {
        Err(e) => vec![e],
        Ok(v) => match read(R::INPUTS, body, &mut form, crate::extract::parse_json::<R::Patch>)? {
            None => {
                at = v;
                form
            }
            Some(patch) => match merge(form, rules::<R>(&record.patched(patch))?) {
                errors if !errors.is_empty() => {
                    at = v;
                    errors
                }
                // The patch was spent on the check; the body is read again to save it.
                _ => match crate::extract::parse_json::<R::Patch>(&raw) {
                    Err(e) => refused(e)?,
                    Ok(patch) => {
                        let grant = record.allow_update(&st, &s, &patch).await?;
                        let ctx = write_ctx(&me, &request, grant);
                        match R::save_change(&st, &ctx, record.id(), Some(v), patch).await {
                            Ok(done) => return Ok(Redirect::to(&saved(&done.home())).into_response()),
                            Err(Error::PreconditionFailed { .. }) => {
                                conflict = true;
                                Vec::new()
                            }
                            Err(e) => {
                                at = v;
                                inline(e)?
                            }
                        }
                    }
                },
            },
        },
    };
    let mut shown = as_posted(R::INPUTS, &p);
    let stored = as_stored(&st, R::INPUTS, &record, true).await?;
    for (mine, now) in shown.iter_mut().zip(stored) {
        if now.locked {
            // Not posted: what is stored is what the form shows.
            *mine = now;
        } else if conflict && (mine.value != now.value || mine.currency != now.currency) {
            // Saving again now overwrites deliberately: the form carries the stored version.
            mine.stored = Some(format!("{} {}", now.value, now.currency).trim().to_string());
        }
    }
    let draft = edit_draft(&st, &s, &record, shown, at).await;
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(&me, &s, R::NOUN, draft, errors, conflict, status)
}

/// `POST {PATH}/{id}/archive` with `archived=true|false`.
pub async fn archive<R>(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError>
where
    R: Editable,
    R::Patch: DeserializeOwned,
    R::New: Guarded,
    dyn Store: RecordStore<R>,
{
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    if !R::shown_to(&s) {
        return Err(super::not_found());
    }
    let record: R = st.store.get(Id::new(path_id(&id)?)).await?;
    let grant = allow(&st, &s, Action::Archive, &record).await?;
    let archived = p.get("archived") == Some("true");
    let v = version(&p).map_err(|e| Error::Invalid(vec![e]))?;
    match st
        .store
        .archive(&write_ctx(&me, &request, grant), record.id(), Some(v), archived)
        .await
    {
        Ok(done) => Ok(Redirect::to(&saved(&done.home())).into_response()),
        Err(Error::PreconditionFailed { .. }) => Err(UiError::new(
            StatusCode::CONFLICT,
            "Changed meanwhile",
            format!(
                "Someone else changed this {} after you opened it. Open it again to see the change, then archive or restore it.",
                R::NOUN
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A form that belongs to an action rather than a record kind's new/edit pair (a SOW
/// drafted from an estimate), drawn by the same template and read by the same rules:
/// `list`'s inputs showing what `p` holds, errors beside the inputs they name.
#[allow(clippy::too_many_arguments)]
pub(crate) fn action_form(
    me: &SignedIn,
    s: &Subject,
    noun: &'static str,
    title: String,
    action: String,
    back: String,
    list: &[Input],
    p: &Pairs,
    hidden: Vec<(String, String)>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, UiError> {
    let draft = Draft {
        title,
        action,
        submit: "Save",
        back,
        inputs: as_posted(list, p),
        hidden,
        archive: None,
    };
    page(me, s, noun, draft, errors, false, status)
}

/// The API's body a posted action form stands for, with `extra` fields the page carries,
/// read as the API reads it: the value, or every refused field at once.
pub(crate) fn read_action<T: DeserializeOwned>(
    list: &[Input],
    p: &Pairs,
    extra: Vec<(&'static str, Value)>,
) -> Result<(Option<T>, Vec<FieldError>), UiError> {
    let (mut body, mut errors) = inputs::body(list, p, &[], false);
    for (k, v) in extra {
        body.insert(k.into(), v);
    }
    let value = read(list, body, &mut errors, crate::extract::parse_json::<T>)?;
    Ok((value, errors))
}
