//! `/catalog`: what the organisation sells. The browser of offerings (filtered by
//! category, type, maturity and channel; sorted; paged), the offering types, the
//! archetype bundles, and one offering's page: its SKUs with the list price in force
//! today and each one's price history, its delivery kit, its effort template and how its
//! maturity changed. Every member of staff reads the catalog; practice managers and
//! administrators keep it.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::audit::{AuditAction, AuditFilter};
use psops_core::catalog::bundles::{Bundle, BundleFilter};
use psops_core::catalog::offerings::{
    Maturity, Offering, OfferingFilter, OfferingSort, OfferingType, OfferingTypeFilter,
};
use psops_core::catalog::requests::{SkuRequest, SkuRequestFilter, SkuRequestStatus};
use psops_core::catalog::skus::{Channel, Sku, SkuFilter, SkuPrice, SkuSort, Unit, price_on};
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::sort::{ByName, Sorted};
use psops_core::store::{RecordStore, Records as _};
use psops_core::{Id, Minutes};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::edit::may_edit;
use super::filters::{Pairs, day, hours, label, names_of, options, path_id, subject, user_names};
use super::layout::{Frame, frame};
use super::listing::{Cell, Filter, Tab, tabs, view};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::params::Params;

/// Every offering type in one read: the filter's choices and the rows' type names (an
/// organisation has tens of types, not thousands).
const ALL_TYPES: PageRequest = PageRequest {
    after: None,
    limit: 500,
};

/// SKUs shown on an offering's page, each with its price history.
const SKUS_SHOWN: u32 = 50;

/// The catalog is everyone's but partners'; a partner gets the page that is not there.
pub(super) fn readable(s: &Subject) -> Result<(), UiError> {
    match decide(s, Action::Read, &Resource::Catalog) {
        Decision::Allow => Ok(()),
        _ => Err(super::not_found()),
    }
}

/// Whether the subject works with SKU requests: drafts them, sees their cost, or decides
/// a step of the chain settings hold now.
pub(super) async fn works_with_requests(st: &AppState, s: &Subject) -> Result<bool, UiError> {
    if may_edit::<SkuRequest>(s) || s.sees_cost() {
        return Ok(true);
    }
    let settings = st.store.settings().await?;
    Ok(settings
        .sku_approval_chain
        .iter()
        .any(|step| step.approver == Some(s.user_id)))
}

/// The catalog's pages as tabs.
pub(super) async fn catalog_tabs(st: &AppState, s: &Subject, here: &str) -> Result<Vec<Tab>, UiError> {
    let mut all = vec![
        ("/catalog", "Offerings"),
        ("/catalog/types", "Offering types"),
        ("/catalog/bundles", "Bundles"),
    ];
    if works_with_requests(st, s).await? {
        all.push(("/catalog/requests", "SKU requests"));
    }
    Ok(tabs(all, here))
}

/// "2 SKU requests wait for your decision", when any do.
pub(super) async fn waiting_notice(st: &AppState, s: &Subject) -> Result<Option<(String, String, String)>, UiError> {
    let filter = SkuRequestFilter {
        status: Some(SkuRequestStatus::InReview),
        waiting_for: Some(s.user_id),
        archived: Some(false),
        ..Default::default()
    };
    let at = Sorted {
        size: 1,
        ..Default::default()
    };
    let n = st.store.sorted(&filter, at).await?.total;
    Ok((n > 0).then(|| {
        let what = if n == 1 {
            "1 SKU request waits".to_string()
        } else {
            format!("{n} SKU requests wait")
        };
        (
            format!("{what} for your decision."),
            "/catalog/requests?waiting=me".to_string(),
            "Decide them".to_string(),
        )
    }))
}

fn choices(list: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    list.into_iter().map(|(c, l)| (c.to_string(), l)).collect()
}

fn sort_hidden(p: &Pairs) -> Vec<(&'static str, String)> {
    ["sort", "dir"]
        .into_iter()
        .filter_map(|k| p.get(k).map(|v| (k, v.to_string())))
        .collect()
}

/// `GET /catalog`: the offerings.
pub async fn browse(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    let mut e = Params::new();
    let types = st
        .store
        .list(
            &OfferingTypeFilter {
                archived: Some(false),
                ..Default::default()
            },
            ALL_TYPES,
        )
        .await?
        .items;
    let filter = OfferingFilter {
        type_id: e.id("type", p.get("type")),
        category: p.get("category").map(str::to_string),
        maturity: e.code::<Maturity>("maturity", p.get("maturity")),
        channel: e.code::<Channel>("channel", p.get("channel")),
        q: p.get("q").map(str::to_string),
        archived: Some(false),
    };
    let at = table::read::<OfferingSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let ids: Vec<_> = found.items.iter().map(|o| o.id).collect();
    let counts = st.store.sku_counts(&ids).await?;
    // A type archived since its offerings were made is still named.
    let mut kinds: HashMap<i64, (String, String)> = types
        .iter()
        .map(|t| (t.id.get(), (t.fields.name.clone(), t.fields.category.clone())))
        .collect();
    let missing: Vec<_> = found
        .items
        .iter()
        .map(|o| o.fields.type_id)
        .filter(|t| !kinds.contains_key(&t.get()))
        .collect();
    for t in missing {
        let ty: OfferingType = st.store.get(t).await?;
        kinds.insert(t.get(), (ty.fields.name, ty.fields.category));
    }
    let mut categories: Vec<String> = types.iter().map(|t| t.fields.category.clone()).collect();
    categories.sort_by_key(|c| c.to_lowercase());
    categories.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let rows = found
        .items
        .iter()
        .map(|o| {
            let (ty, category) = kinds.get(&o.fields.type_id.get()).cloned().unwrap_or_default();
            vec![
                Cell::link(o.fields.name.clone(), format!("/catalog/offerings/{}", o.id)),
                Cell::link(ty, format!("/catalog?type={}", o.fields.type_id)),
                Cell::text(category),
                Cell::pill(label(o.fields.maturity.code()), o.fields.maturity.code()),
                Cell::num(counts.get(&o.id.get()).copied().unwrap_or(0).to_string()),
            ]
        })
        .collect();
    let mut v = view(
        frame(&me, &s),
        "Catalog",
        "/catalog",
        table::pager("/catalog", &p, &at, found.total),
    );
    v.section = "Catalog";
    v.tabs = catalog_tabs(&st, &s, "/catalog").await?;
    v.notice = waiting_notice(&st, &s).await?;
    if may_edit::<Offering>(&s) {
        v.actions.push(("/catalog/offerings/new".into(), "New offering"));
    }
    if may_edit::<SkuRequest>(&s) {
        v.actions.push(("/catalog/requests/new".into(), "Request a new SKU"));
    }
    if let Some(t) = filter.type_id
        && may_edit::<OfferingType>(&s)
    {
        v.actions.push((format!("/catalog/types/{t}/edit"), "Edit this type"));
    }
    v.filters = vec![
        Filter::text("q", "Search", p.text("q"), "Name or description"),
        Filter::select(
            "category",
            "Category",
            p.text("category"),
            categories.into_iter().map(|c| (c.clone(), c)).collect(),
        ),
        Filter::select(
            "type",
            "Type",
            p.text("type"),
            types
                .iter()
                .map(|t| (t.id.to_string(), format!("{} — {}", t.fields.category, t.fields.name)))
                .collect(),
        ),
        Filter::select(
            "maturity",
            "Maturity",
            p.text("maturity"),
            choices(options::<Maturity>()),
        ),
        Filter::select("channel", "Channel", p.text("channel"), choices(options::<Channel>())),
    ];
    v.hidden = sort_hidden(&p);
    v.table_id = "offerings-table";
    v.columns = table::head(
        "/catalog",
        &p,
        &at,
        vec![
            col("Offering", OfferingSort::Name),
            col("Type", OfferingSort::Type),
            Col {
                label: "Category",
                key: None,
                num: false,
                extra: false,
            },
            col("Maturity", OfferingSort::Maturity),
            Col {
                label: "SKUs",
                key: None,
                num: true,
                extra: false,
            },
        ],
    );
    v.rows = rows;
    v.errors = e.into_errors();
    v.empty = "No offering matches these filters.".into();
    v.saved = p.get("saved").is_some();
    v.respond(&headers)
}

/// `GET /catalog/types`.
pub async fn types(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    let mut e = Params::new();
    let at = table::read::<ByName>(&mut e, &p);
    let q = p.get("q").map(str::to_string);
    let filter = OfferingTypeFilter {
        q,
        archived: Some(false),
        ..Default::default()
    };
    let found = st.store.sorted(&filter, at).await?;
    let editor = may_edit::<OfferingType>(&s);
    let mut v = view(
        frame(&me, &s),
        "Offering types",
        "/catalog/types",
        table::pager("/catalog/types", &p, &at, found.total),
    );
    v.section = "Catalog";
    v.tabs = catalog_tabs(&st, &s, "/catalog/types").await?;
    if editor {
        v.actions.push(("/catalog/types/new".into(), "New offering type"));
    }
    v.filters = vec![Filter::text("q", "Search", p.text("q"), "Name or category")];
    v.hidden = sort_hidden(&p);
    v.table_id = "types-table";
    let mut cols = vec![
        col("Category — type", ByName::Name),
        Col {
            label: "Description",
            key: None,
            num: false,
            extra: false,
        },
    ];
    if editor {
        cols.push(Col {
            label: "Change",
            key: None,
            num: false,
            extra: false,
        });
    }
    v.columns = table::head("/catalog/types", &p, &at, cols);
    v.rows = found
        .items
        .iter()
        .map(|t| {
            let name = format!("{} — {}", t.fields.category, t.fields.name);
            let mut row = vec![
                Cell::link(name.clone(), format!("/catalog?type={}", t.id)),
                Cell::text(t.fields.description.clone().unwrap_or_default()),
            ];
            if editor {
                row.push(Cell::edit(Some(format!("/catalog/types/{}/edit", t.id)), &name));
            }
            row
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = if editor {
        "No offering types yet: add the first one.".into()
    } else {
        "No offering types yet.".into()
    };
    v.saved = p.get("saved").is_some();
    v.respond(&headers)
}

/// `GET /catalog/bundles`: archetype bundles, naming their offerings.
pub async fn bundles(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    let mut e = Params::new();
    let at = table::read::<ByName>(&mut e, &p);
    let filter = BundleFilter {
        q: p.get("q").map(str::to_string),
        archived: Some(false),
    };
    let found = st.store.sorted(&filter, at).await?;
    let offering_ids: Vec<_> = found
        .items
        .iter()
        .flat_map(|b| b.fields.offering_ids.iter().copied())
        .collect();
    let names = names_of::<Offering>(&st, offering_ids).await?;
    let editor = may_edit::<Bundle>(&s);
    let mut v = view(
        frame(&me, &s),
        "Bundles",
        "/catalog/bundles",
        table::pager("/catalog/bundles", &p, &at, found.total),
    );
    v.section = "Catalog";
    v.tabs = catalog_tabs(&st, &s, "/catalog/bundles").await?;
    v.intro = Some("Offerings customers of one kind usually buy together, in the order they are delivered.".into());
    if editor {
        v.actions.push(("/catalog/bundles/new".into(), "New bundle"));
    }
    v.filters = vec![Filter::text("q", "Search", p.text("q"), "Name or who it suits")];
    v.hidden = sort_hidden(&p);
    v.table_id = "bundles-table";
    v.columns = table::head(
        "/catalog/bundles",
        &p,
        &at,
        vec![
            col("Bundle", ByName::Name),
            Col {
                label: "Who it suits",
                key: None,
                num: false,
                extra: false,
            },
            Col {
                label: "Offerings",
                key: None,
                num: false,
                extra: false,
            },
        ],
    );
    v.rows = found
        .items
        .iter()
        .map(|b: &Bundle| {
            let href = editor.then(|| format!("/catalog/bundles/{}/edit", b.id));
            vec![
                Cell::maybe_link(b.fields.name.clone(), href),
                Cell::text(b.fields.description.clone().unwrap_or_default()),
                Cell::links(
                    b.fields
                        .offering_ids
                        .iter()
                        .map(|o| {
                            let name = names.get(&o.get()).cloned().unwrap_or_else(|| format!("#{o}"));
                            (name, format!("/catalog/offerings/{o}"))
                        })
                        .collect(),
                ),
            ]
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = "No bundles yet.".into();
    v.saved = p.get("saved").is_some();
    v.respond(&headers)
}

/// `GET /catalog/skus/{id}`: a SKU lives on its offering's page.
pub async fn sku(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    let sku: Sku = st.store.get(Id::new(path_id(&id)?)).await?;
    let query = query
        .filter(|q| !q.is_empty())
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    Ok(Redirect::to(&format!(
        "/catalog/offerings/{}{query}#sku-{}",
        sku.fields.offering_id, sku.id
    ))
    .into_response())
}

/// One SKU on its offering's page.
#[derive(Serialize)]
struct SkuView {
    id: i64,
    code: String,
    name: String,
    unit: String,
    seats: String,
    bounds: Vec<String>,
    bounds_note: Option<String>,
    flags: Vec<&'static str>,
    channel: String,
    status: String,
    status_code: &'static str,
    archived: bool,
    /// The list price in force today; none is "price not set".
    price: Option<String>,
    prices: Vec<PriceView>,
    edit: Option<String>,
    add_price: Option<String>,
}

#[derive(Serialize)]
struct PriceView {
    from: String,
    until: String,
    price: String,
    note: String,
    current: bool,
    edit: Option<String>,
}

#[derive(Serialize)]
struct EffortLine {
    role: String,
    hours: String,
}

#[derive(Serialize)]
struct MaturityChange {
    when: String,
    from: Option<String>,
    to: String,
    who: String,
}

#[derive(Serialize)]
struct OfferingPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    name: String,
    maturity: String,
    maturity_code: &'static str,
    type_name: String,
    type_id: i64,
    category: String,
    description: Option<String>,
    archived: bool,
    edit: Option<String>,
    new_sku: Option<String>,
    request_sku: Option<String>,
    skus: Vec<SkuView>,
    more_skus: u64,
    kit: Vec<(String, String)>,
    checklist: Vec<String>,
    effort: Vec<EffortLine>,
    effort_total: String,
    history: Vec<MaturityChange>,
    saved: bool,
}

/// What one unit of a SKU is, with its block's hours or its term.
fn unit_text(sku: &Sku) -> String {
    let f = &sku.fields;
    match (f.unit, f.block_minutes, f.term_months) {
        (Unit::HoursBlock, Some(m), _) => format!("Block of {} h", hours(m)),
        (Unit::DedicatedTerm, _, Some(t)) => {
            format!("Dedicated engineer, {t} month{}", if t == 1 { "" } else { "s" })
        }
        (u, ..) => label(u.code()),
    }
}

/// The last day of a price: the day before the next one starts.
fn until(prices: &[SkuPrice], i: usize) -> String {
    prices
        .get(i + 1)
        .map(|next| day(Some(next.fields.effective_from - Duration::days(1))))
        .unwrap_or_else(|| "—".into())
}

/// `GET /catalog/offerings/{id}`.
pub async fn offering(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    let o: Offering = st.store.get(Id::new(path_id(&id)?)).await?;
    let ty: OfferingType = RecordStore::<OfferingType>::get(st.store.as_ref(), o.fields.type_id).await?;
    let keeper = may_edit::<Offering>(&s);
    let today = OffsetDateTime::now_utc().date();
    let found = st
        .store
        .sorted(
            &SkuFilter {
                offering_id: Some(o.id),
                archived: Some(false),
                ..Default::default()
            },
            Sorted::<SkuSort> {
                size: SKUS_SHOWN,
                ..Default::default()
            },
        )
        .await?;
    let addons: Vec<_> = found.items.iter().filter_map(|k| k.fields.addon_sku_id).collect();
    let addon_names = names_of::<Sku>(&st, addons).await?;
    let mut skus = Vec::new();
    for k in &found.items {
        let prices: Vec<SkuPrice> = st
            .store
            .sku_prices(k.id)
            .await?
            .into_iter()
            .filter(|p| !p.meta.is_archived())
            .collect();
        let now = price_on(&prices, today).map(|p| p.id);
        let f = &k.fields;
        let mut flags = Vec::new();
        if f.always_custom {
            flags.push("always custom");
        }
        if f.standard_sow {
            flags.push("standard SOW");
        }
        if f.te_separate {
            flags.push("T&E billed separately");
        }
        let seats = match (f.seat_limit, f.addon_sku_id) {
            (Some(n), Some(a)) => format!(
                "{n} included; more through {}",
                addon_names.get(&a.get()).cloned().unwrap_or_else(|| format!("#{a}"))
            ),
            (Some(n), None) => format!("{n} included"),
            _ => "—".into(),
        };
        skus.push(SkuView {
            id: k.id.get(),
            code: f.code.clone(),
            name: f.name.clone(),
            unit: unit_text(k),
            seats,
            bounds: f.bounds.iter().map(|b| format!("{} ≤ {}", b.measure, b.max)).collect(),
            bounds_note: f.bounds_note.clone(),
            flags,
            channel: label(f.channel.code()),
            status: label(f.status.code()),
            status_code: f.status.code(),
            archived: k.meta.is_archived(),
            price: now
                .and_then(|id| prices.iter().find(|p| p.id == id))
                .map(|p| p.fields.price.to_string()),
            prices: prices
                .iter()
                .enumerate()
                .map(|(i, pr)| PriceView {
                    from: day(Some(pr.fields.effective_from)),
                    until: until(&prices, i),
                    price: pr.fields.price.to_string(),
                    note: pr.fields.note.clone().unwrap_or_default(),
                    current: Some(pr.id) == now,
                    edit: keeper.then(|| format!("/catalog/prices/{}/edit", pr.id)),
                })
                .rev()
                .collect(),
            edit: keeper.then(|| format!("/catalog/skus/{}/edit", k.id)),
            add_price: keeper.then(|| format!("/catalog/prices/new?sku={}", k.id)),
        });
    }
    let f = &o.fields;
    let effort_total = hours(Minutes(f.effort_minutes()));
    let ctx = OfferingPage {
        frame: frame(&me, &s),
        id: o.id.get(),
        name: f.name.clone(),
        maturity: label(f.maturity.code()),
        maturity_code: f.maturity.code(),
        type_name: ty.fields.name.clone(),
        type_id: ty.id.get(),
        category: ty.fields.category.clone(),
        description: f.description.clone(),
        archived: o.meta.is_archived(),
        edit: keeper.then(|| format!("/catalog/offerings/{}/edit", o.id)),
        new_sku: may_edit::<Sku>(&s).then(|| format!("/catalog/skus/new?offering={}", o.id)),
        request_sku: may_edit::<SkuRequest>(&s).then(|| format!("/catalog/requests/new?offering={}", o.id)),
        more_skus: found.total.saturating_sub(u64::from(SKUS_SHOWN)),
        skus,
        kit: f.kit_links.iter().map(|l| (l.name.clone(), l.url.clone())).collect(),
        checklist: f.checklist.clone(),
        effort: f
            .effort
            .iter()
            .map(|e| EffortLine {
                role: label(e.role.code()),
                hours: hours(e.minutes),
            })
            .collect(),
        effort_total,
        history: maturity_history(&st, &o).await?,
        saved: p.get("saved").is_some(),
    };
    Ok(render("offering.html", ctx)?.into_response())
}

/// Entries of one record's audit history read for its maturity: an offering changes a
/// handful of times, never thousands.
const HISTORY: u32 = 500;

/// When the offering's maturity changed, from the audit log: made at a maturity, then
/// each change, dated, with who made it. Oldest first.
async fn maturity_history(st: &AppState, o: &Offering) -> Result<Vec<MaturityChange>, UiError> {
    let filter = AuditFilter {
        entity: Some(psops_core::record::Entity::Offering.name().to_string()),
        entity_id: Some(o.id.get()),
        ..Default::default()
    };
    let entries = st
        .store
        .list_audit(
            &filter,
            PageRequest {
                after: None,
                limit: HISTORY,
            },
        )
        .await?
        .items;
    let maturity = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| v.get("maturity"))
            .and_then(|m| m.as_str())
            .map(str::to_string)
    };
    let changes: Vec<_> = entries
        .iter()
        .filter_map(|e| {
            let (before, after) = (maturity(&e.before), maturity(&e.after));
            let to = after?;
            let changed = e.action == AuditAction::Create || before.as_deref() != Some(to.as_str());
            changed.then_some((e, before.filter(|_| e.action != AuditAction::Create), to))
        })
        .collect();
    let users = user_names(st, changes.iter().filter_map(|(e, ..)| e.user_id).collect()).await?;
    Ok(changes
        .into_iter()
        .map(|(e, from, to)| MaturityChange {
            when: day(Some(e.at.date())),
            from: from.map(|f| label(&f)),
            to: label(&to),
            who: match (e.user_id, &e.via) {
                (Some(u), _) => users.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")),
                (None, Some(via)) => via.clone(),
                (None, None) => "psops".into(),
            },
        })
        .collect())
}
