//! `/projects`: the list with filters, sorting and paging (one project's page is
//! `project_page`). Lists are cut by `list_scope`.

use psops_core::store::Records as _;
use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::accounts::{Account, AccountFilter};
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::partners::PartnerFilter;
use psops_core::people::{Function, PersonFilter, PersonId};
use psops_core::policy::list_scope;
use psops_core::projects::{Project, ProjectFilter, ProjectSort, ProjectStatus};
use psops_core::scope::ListKind;
use psops_core::{FieldError, Id};
use serde::Serialize;

use super::filters::{Pairs, day, is_htmx, label, names_of, options, person_names, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::params::Params;

/// Everything in one request to the store: lists for filter choices.
const ALL: PageRequest = PageRequest {
    after: None,
    limit: 500,
};

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
pub(super) struct Row {
    id: i64,
    name: String,
    code: String,
    account: String,
    status: String,
    project_type: String,
    billing: String,
    pm: String,
    start: String,
    end: String,
    /// Both ends in one phrase, for a page's facts.
    dates: String,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    errors: Vec<FieldError>,
    columns: Vec<Column>,
    pager: Pager,
    f: BTreeMap<&'static str, String>,
    statuses: Vec<(&'static str, String)>,
    accounts: Vec<Choice>,
    managers: Vec<Choice>,
    partners: Vec<Choice>,
    /// Whoever may open projects gets "New project".
    new: bool,
}

pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let filter = ProjectFilter {
        status: e.code::<ProjectStatus>("status", p.get("status")),
        account_id: e.id("account", p.get("account")),
        project_manager_id: e.id("pm", p.get("pm")),
        partner_id: e.id("partner", p.get("partner")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
        scope: list_scope(&s, ListKind::Projects),
        ..Default::default()
    };
    let at = table::read::<ProjectSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let accounts = st
        .store
        .list(
            &AccountFilter {
                archived: Some(false),
                scope: list_scope(&s, ListKind::Accounts),
                ..Default::default()
            },
            ALL,
        )
        .await?;
    // The rows' names come by id: the filter's choices stop at 500 accounts.
    let account_ids: Vec<Id<Account>> = found.items.iter().filter_map(|p| p.fields.account_id).collect();
    let account_names = names_of::<Account>(&st, account_ids).await?;
    let mut managers = Vec::new();
    for function in [Function::ProjectManager, Function::ProgramManager] {
        let people_filter = PersonFilter {
            function: Some(function),
            archived: Some(false),
            scope: list_scope(&s, ListKind::People),
            ..Default::default()
        };
        let people = st.store.list(&people_filter, ALL).await?;
        managers.extend(people.items.into_iter().map(|p| Choice {
            value: p.id.to_string(),
            label: p.fields.name,
        }));
    }
    // Two managers of one name are told apart the way every page tells people apart.
    let told = person_names(
        &st,
        managers
            .iter()
            .filter_map(|c| c.value.parse().ok().map(PersonId::new))
            .collect(),
    )
    .await?;
    for c in &mut managers {
        if let Some(name) = c.value.parse::<i64>().ok().and_then(|id| told.get(&id)) {
            c.label = name.clone();
        }
    }
    let partners = st
        .store
        .list(
            &PartnerFilter {
                archived: Some(false),
                scope: list_scope(&s, ListKind::Partners),
                ..Default::default()
            },
            ALL,
        )
        .await?;
    let pm_ids: Vec<PersonId> = found.items.iter().filter_map(|p| p.fields.project_manager_id).collect();
    let pm_names = person_names(&st, pm_ids).await?;
    let rows = found
        .items
        .iter()
        .map(|pr| row(pr, &account_names, &pm_names))
        .collect();
    let f = ["status", "account", "pm", "partner", "q", "sort", "dir"]
        .into_iter()
        .map(|k| (k, p.text(k)))
        .collect();
    let ctx = ListPage {
        new: super::edit::may_edit::<Project>(&s),
        frame: frame(&me, &s),
        rows,
        errors: e.into_errors(),
        columns: table::head(
            "/projects",
            &p,
            &at,
            vec![
                col("Project", ProjectSort::Name),
                col("Code", ProjectSort::Code),
                // A project's name starts with its account's: on a laptop the column
                // is the first to go (it still sorts on wider screens).
                table::Col {
                    extra: true,
                    ..col("Account", ProjectSort::Account)
                },
                col("Status", ProjectSort::Status),
                col("Type", ProjectSort::Type),
                col("Billing", ProjectSort::Billing),
                col("PM", ProjectSort::Pm),
                col("Start", ProjectSort::Start),
                col("End", ProjectSort::End),
            ],
        ),
        pager: table::pager("/projects", &p, &at, found.total),
        f,
        statuses: options::<ProjectStatus>(),
        accounts: accounts
            .items
            .into_iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.fields.name,
            })
            .collect(),
        managers,
        partners: partners
            .items
            .into_iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: p.fields.name,
            })
            .collect(),
    };
    let template = if is_htmx(&headers) {
        "projects_results.html"
    } else {
        "projects.html"
    };
    Ok(render(template, ctx)?.into_response())
}

pub(super) fn row(pr: &Project, accounts: &HashMap<i64, String>, pms: &HashMap<i64, String>) -> Row {
    let f = &pr.fields;
    Row {
        id: pr.id.get(),
        name: f.name.clone(),
        code: f.code.clone().unwrap_or_default(),
        account: f
            .account_id
            .map(|a| accounts.get(&a.get()).cloned().unwrap_or_else(|| format!("#{a}")))
            .unwrap_or_else(|| "Internal".into()),
        status: label(f.status.code()),
        project_type: label(f.project_type.code()),
        billing: label(f.billing_type.code()),
        pm: f
            .project_manager_id
            .and_then(|m| pms.get(&m.get()).cloned())
            .unwrap_or_else(|| "—".into()),
        start: day(f.start_date),
        end: day(f.end_date),
        dates: super::filters::span(f.start_date, f.end_date),
    }
}
