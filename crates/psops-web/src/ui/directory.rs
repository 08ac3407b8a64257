//! `/accounts` and `/partners`: the customers and the partner organisations, each a
//! paged, searchable list and a page with its facts and what hangs off it (an account's
//! contacts and projects; a partner's page is `partner_page.rs`), with the buttons to change
//! them for whoever the policy lets.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::accounts::{Account, AccountFilter, ContactFilter};
use psops_core::partners::{Partner, PartnerFilter};
use psops_core::policy::{Action, Subject, list_scope};
use psops_core::projects::ProjectFilter;
use psops_core::record::Record;
use psops_core::scope::ListKind;
use psops_core::sort::{ByName, Sorted};
use psops_core::store::{RecordStore, Records as _, Store};
use serde::Serialize;

use super::edit::{Editable, may_edit};
use super::filters::{Pairs, is_htmx, label, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// A kind listed in the directory.
trait Listed: Editable
where
    Self::Patch: serde::de::DeserializeOwned,
    Self::New: crate::authorize::Guarded,
    Self: Record<Sort = ByName>,
{
    const TITLE: &'static str;
    const HEADERS: &'static [&'static str];
    fn search(q: Option<String>, s: &Subject) -> Self::Filter;
    fn cells(&self) -> Vec<String>;
}

impl Listed for Account {
    const TITLE: &'static str = "Accounts";
    const HEADERS: &'static [&'static str] = &["Code", "Region", "Industry", "Currency"];
    fn search(q: Option<String>, s: &Subject) -> AccountFilter {
        AccountFilter {
            q,
            archived: Some(false),
            scope: list_scope(s, ListKind::Accounts),
        }
    }
    fn cells(&self) -> Vec<String> {
        let f = &self.fields;
        vec![
            f.code.clone().unwrap_or_default(),
            f.region.clone().unwrap_or_default(),
            f.industry.clone().unwrap_or_default(),
            f.currency.map(|c| c.to_string()).unwrap_or_default(),
        ]
    }
}

impl Listed for Partner {
    const TITLE: &'static str = "Partners";
    const HEADERS: &'static [&'static str] = &["Type", "Status", "Region"];
    fn search(q: Option<String>, s: &Subject) -> PartnerFilter {
        PartnerFilter {
            q,
            status: None,
            archived: Some(false),
            scope: list_scope(s, ListKind::Partners),
        }
    }
    fn cells(&self) -> Vec<String> {
        vec![
            label(psops_core::code::Code::code(&self.fields.partner_type)),
            label(psops_core::code::Code::code(&self.status)),
            self.fields.region.clone().unwrap_or_default(),
        ]
    }
}

#[derive(Serialize)]
struct Line {
    href: String,
    name: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    title: &'static str,
    path: &'static str,
    noun: &'static str,
    q: String,
    new: bool,
    columns: Vec<Column>,
    rows: Vec<Line>,
    pager: Pager,
    errors: Vec<FieldError>,
}

async fn list<R>(st: &AppState, me: &SignedIn, headers: &HeaderMap, p: &Pairs) -> Result<Response, UiError>
where
    R: Listed + Record<Sort = ByName>,
    R::Patch: serde::de::DeserializeOwned,
    R::New: crate::authorize::Guarded,
    dyn Store: RecordStore<R>,
{
    let s = subject(st, me).await?;
    let mut e = Params::new();
    let at: Sorted<ByName> = table::read(&mut e, p);
    let q = p.get("q").map(str::trim).filter(|q| !q.is_empty()).map(str::to_string);
    let filter = R::search(q.clone(), &s);
    let found = st.store.sorted(&filter, at).await?;
    let mut cols = vec![col("Name", ByName::Name)];
    cols.extend(R::HEADERS.iter().map(|h| table::Col {
        label: h,
        key: None,
        num: false,
        extra: false,
    }));
    let ctx = ListPage {
        frame: frame(me, &s),
        title: R::TITLE,
        path: R::PATH,
        noun: R::NOUN,
        q: q.unwrap_or_default(),
        new: may_edit::<R>(&s),
        columns: table::head(R::PATH, p, &at, cols),
        pager: table::pager(R::PATH, p, &at, found.total),
        rows: found
            .items
            .iter()
            .map(|r| Line {
                href: r.home(),
                name: r.name(),
                cells: r.cells(),
            })
            .collect(),
        errors: e.into_errors(),
    };
    let name = if is_htmx(headers) {
        "directory_results.html"
    } else {
        "directory.html"
    };
    Ok(render(name, ctx)?.into_response())
}

pub async fn accounts(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    list::<Account>(&st, &me, &headers, &p).await
}

pub async fn partners(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    list::<Partner>(&st, &me, &headers, &p).await
}

/// A table on a record's page: what hangs off it.
#[derive(Serialize)]
struct Section {
    title: &'static str,
    headers: Vec<&'static str>,
    rows: Vec<Vec<(String, Option<String>)>>,
    empty: &'static str,
    /// A link to the whole list, or to add one.
    more: Option<(String, &'static str)>,
    add: Option<(String, &'static str)>,
}

#[derive(Serialize)]
struct RecordPage {
    #[serde(flatten)]
    frame: Frame,
    title: &'static str,
    path: &'static str,
    name: String,
    archived: bool,
    edit: Option<String>,
    facts: Vec<(&'static str, String)>,
    sections: Vec<Section>,
    saved: bool,
}

/// Rows shown on a record's page before "all …" links to the full list.
const SHOWN: u32 = 20;

/// The first rows of a list on a record's page, in its natural order.
fn first_page<K: Default>() -> Sorted<K> {
    Sorted {
        size: SHOWN,
        ..Default::default()
    }
}

async fn projects_section(st: &AppState, filter: ProjectFilter, more: String) -> Result<Section, UiError> {
    let found = st.store.sorted(&filter, first_page()).await?;
    Ok(Section {
        title: "Projects",
        headers: vec!["Name", "Dates", "Status", "Billing"],
        rows: found
            .items
            .iter()
            .map(|p| {
                vec![
                    (p.fields.name.clone(), Some(format!("/projects/{}", p.id))),
                    (super::filters::span(p.fields.start_date, p.fields.end_date), None),
                    (label(psops_core::code::Code::code(&p.fields.status)), None),
                    (label(psops_core::code::Code::code(&p.fields.billing_type)), None),
                ]
            })
            .collect(),
        empty: "No projects yet.",
        more: (found.total > u64::from(SHOWN)).then_some((more, "All projects")),
        add: None,
    })
}

pub async fn account(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let a: Account = st.store.get(psops_core::Id::new(path_id(&id)?)).await?;
    allow(&st, &s, Action::Read, &a).await?;
    let may = allow(&st, &s, Action::Update, &a).await.is_ok();
    let contacts = st
        .store
        .sorted(
            &ContactFilter {
                account_id: a.id,
                archived: Some(false),
            },
            first_page(),
        )
        .await?;
    let contact_rows = contacts
        .items
        .iter()
        .map(|c| {
            let name = (c.fields.name.clone(), may.then(|| format!("/contacts/{}/edit", c.id)));
            vec![
                name,
                (c.fields.title.clone().unwrap_or_default(), None),
                (c.fields.email.clone().unwrap_or_default(), None),
                (c.fields.phone.clone().unwrap_or_default(), None),
            ]
        })
        .collect();
    let f = &a.fields;
    let dash = |v: &Option<String>| v.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into());
    let projects = ProjectFilter {
        account_id: Some(a.id),
        archived: Some(false),
        scope: list_scope(&s, ListKind::Projects),
        ..Default::default()
    };
    let mut project_list = projects_section(&st, projects, format!("/projects?account={}", a.id)).await?;
    if may_edit::<psops_core::projects::Project>(&s) {
        project_list.add = Some((format!("/projects/new?account={}", a.id), "New project"));
    }
    let ctx = RecordPage {
        frame: frame(&me, &s),
        title: Account::TITLE,
        path: Account::PATH,
        name: f.name.clone(),
        archived: a.meta.is_archived(),
        edit: may.then(|| format!("/accounts/{}/edit", a.id)),
        facts: vec![
            ("Code", dash(&f.code)),
            ("Region", dash(&f.region)),
            ("Industry", dash(&f.industry)),
            (
                "Currency",
                f.currency.map(|c| c.to_string()).unwrap_or_else(|| "—".into()),
            ),
        ],
        sections: vec![
            Section {
                title: "Contacts",
                headers: vec!["Name", "Title", "E-mail", "Phone"],
                rows: contact_rows,
                empty: "No contacts yet.",
                more: None,
                add: may.then(|| (format!("/contacts/new?account={}", a.id), "Add a contact")),
            },
            project_list,
        ],
        saved: p.get("saved").is_some(),
    };
    Ok(render("record.html", ctx)?.into_response())
}
