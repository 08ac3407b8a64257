//! `/rates`: the rate card as a grid of roles × regions for a currency and a day (bill
//! rates; standard costs for those who see cost), each cell with its period and a link
//! to its history; people's cost rates (`/rates/cost`) and FX rates (`/rates/fx`), each a
//! paged, sortable list. Consultants and partners see none of it: every page here is
//! the page that is not there for them, and the navigation has no Rates.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::Currency;
use psops_core::code::Code;
use psops_core::people::{Function, Person};
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::rates::RateKind;
use psops_core::rates::cards::{CostRate, CostRateFilter, CostSort, RateSort, RoleRate, RoleRateFilter};
use psops_core::rates::fx::{FxRate, FxRateFilter, FxSort};
use psops_core::sort::Direction;
use psops_core::store::Records as _;
use psops_core::{FieldError, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::edit::{history_link, may_edit};
use super::filters::{Pairs, label, names_of, options, span, subject};
use super::layout::{Frame, frame};
use super::listing::{Cell, Filter, Tab, tabs, view};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::params::Params;

fn reads(s: &Subject, r: Resource) -> bool {
    decide(s, Action::Read, &r) == Decision::Allow
}

/// Whether the subject has the rates section: they read the rate card's bill rates.
/// Project managers read their own projects' rates on those projects' pages only.
pub fn sees_rates(s: &Subject) -> bool {
    reads(s, Resource::RateCard { cost: false })
}

fn need(ok: bool) -> Result<(), UiError> {
    if ok { Ok(()) } else { Err(super::not_found()) }
}

fn rate_tabs(s: &Subject, here: &str) -> Vec<Tab> {
    let mut all = vec![("/rates", "Rate card")];
    if reads(s, Resource::CostRates) {
        all.push(("/rates/cost", "Cost rates"));
    }
    all.push(("/rates/fx", "FX rates"));
    tabs(all, here)
}

#[derive(Serialize)]
struct GridCell {
    rate: Option<String>,
    period: String,
    history: Option<String>,
    edit: Option<String>,
    add: Option<String>,
}

#[derive(Serialize)]
struct GridRow {
    role: String,
    cells: Vec<GridCell>,
}

#[derive(Serialize)]
struct CardPage {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    currency: String,
    on: String,
    kind: &'static str,
    kinds: Vec<(&'static str, String)>,
    regions: Vec<String>,
    rows: Vec<GridRow>,
    new: bool,
    errors: Vec<FieldError>,
}

/// `GET /rates?currency=USD&on=2026-05-01&kind=bill`.
pub async fn card(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    need(sees_rates(&s))?;
    let mut e = Params::new();
    let reporting = st.store.settings().await?.default_currency;
    let currency = match p.get("currency") {
        None => reporting,
        Some(c) => e
            .keep("currency", c.to_uppercase().parse::<Currency>())
            .unwrap_or(reporting),
    };
    let today = OffsetDateTime::now_utc().date();
    let on = e.date("on", p.get("on")).unwrap_or(today);
    let cost = s.sees_cost();
    let kind = match e.code::<RateKind>("kind", p.get("kind")) {
        Some(RateKind::StandardCost) if !cost => {
            // Not there for those who do not see cost.
            return Err(super::not_found());
        }
        Some(k) => k,
        None => RateKind::Bill,
    };
    let filter = RoleRateFilter {
        kinds: vec![kind],
        currency: Some(currency),
        on: Some(on),
        archived: Some(false),
        ..Default::default()
    };
    // In force on one day for one kind and currency: one line per role and region.
    let rates = st.store.every(&filter).await?;
    let regions: BTreeSet<String> = rates.iter().map(|r| r.fields.region.clone()).collect();
    let regions: Vec<String> = regions.into_iter().collect();
    let mut by_role: BTreeMap<usize, Vec<&RoleRate>> = BTreeMap::new();
    for r in &rates {
        let at = Function::ALL.iter().position(|f| *f == r.fields.role).unwrap_or(0);
        by_role.entry(at).or_default().push(r);
    }
    let new = may_edit::<RoleRate>(&s);
    let rows = by_role
        .into_iter()
        .map(|(at, list)| {
            let role = Function::ALL[at];
            GridRow {
                role: label(role.code()),
                cells: regions
                    .iter()
                    .map(|region| match list.iter().find(|r| &r.fields.region == region) {
                        Some(r) => GridCell {
                            rate: Some(r.fields.rate.to_string()),
                            period: span(Some(r.fields.effective_from), r.fields.effective_to),
                            history: Some(history_link(r)),
                            edit: new.then(|| format!("/rates/card/{}/edit", r.id)),
                            add: None,
                        },
                        None => GridCell {
                            rate: None,
                            period: String::new(),
                            history: None,
                            edit: None,
                            add: new.then(|| {
                                let q = serde_urlencoded::to_string([
                                    ("kind", kind.code()),
                                    ("role", role.code()),
                                    ("region", region.as_str()),
                                ])
                                .unwrap_or_default();
                                format!("/rates/card/new?{q}")
                            }),
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    let kinds = options::<RateKind>()
        .into_iter()
        .filter(|(c, _)| cost || *c == RateKind::Bill.code())
        .collect();
    let ctx = CardPage {
        frame: frame(&me, &s),
        tabs: rate_tabs(&s, "/rates"),
        currency: currency.to_string(),
        on: on.to_string(),
        kind: kind.code(),
        kinds,
        regions,
        rows,
        new,
        errors: e.into_errors(),
    };
    Ok(render("rates.html", ctx)?.into_response())
}

/// `GET /rates/card/history?kind=&role=&region=&currency=`: every period of one line.
pub async fn history(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    need(sees_rates(&s))?;
    let mut e = Params::new();
    let kind = e.code::<RateKind>("kind", p.get("kind")).unwrap_or(RateKind::Bill);
    need(reads(
        &s,
        Resource::RateCard {
            cost: kind == RateKind::StandardCost,
        },
    ))?;
    let role = e.code::<Function>("role", p.get("role"));
    let currency = p
        .get("currency")
        .and_then(|c| e.keep("currency", c.parse::<Currency>()));
    let region = p.get("region").map(str::to_string);
    let filter = RoleRateFilter {
        kinds: vec![kind],
        role,
        region: region.clone(),
        currency,
        archived: Some(false),
        ..Default::default()
    };
    let mut at = table::read::<RateSort>(&mut e, &p);
    if p.get("sort").is_none() {
        at.key = RateSort::EffectiveFrom;
        at.direction = Direction::Desc;
    }
    let found = st.store.sorted(&filter, at).await?;
    let keeper = may_edit::<RoleRate>(&s);
    let title = format!(
        "{} {} in {}",
        role.map(|r| label(r.code())).unwrap_or_else(|| "Every role's".into()),
        label(kind.code()).to_lowercase(),
        region.clone().unwrap_or_else(|| "every region".into())
    );
    let path = "/rates/card/history";
    let mut v = view(frame(&me, &s), title, path, table::pager(path, &p, &at, found.total));
    v.back = Some(("/rates".into(), "Rate card".into()));
    v.clear = format!("/rates/card/history?{}", p.encoded_without(&["sort", "dir", "page"]));
    v.section = "Rates";
    v.tabs = rate_tabs(&s, "");
    if keeper {
        let q = p.encoded_without(&["sort", "dir", "page", "currency"]);
        v.actions.push((format!("/rates/card/new?{q}"), "Add a period"));
    }
    v.table_id = "history-table";
    let mut cols = vec![
        col("From", RateSort::EffectiveFrom),
        Col {
            label: "Until",
            key: None,
            num: false,
            extra: false,
        },
        col("Role", RateSort::Role),
        col("Region", RateSort::Region),
        table::num("Hourly rate", RateSort::Rate),
    ];
    if keeper {
        cols.push(Col {
            label: "Change",
            key: None,
            num: false,
            extra: false,
        });
    }
    v.columns = table::head(path, &p, &at, cols);
    v.rows = found
        .items
        .iter()
        .map(|r| {
            let f = &r.fields;
            let mut row = vec![
                Cell::text(super::filters::day(Some(f.effective_from))),
                Cell::text(super::filters::day(f.effective_to)),
                Cell::text(label(f.role.code())),
                Cell::text(f.region.clone()),
                Cell::num(f.rate.to_string()),
            ];
            if keeper {
                row.push(Cell::edit(
                    Some(format!("/rates/card/{}/edit", r.id)),
                    &format!("the period from {}", f.effective_from),
                ));
            }
            row
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = "No rate in this line yet.".into();
    v.respond(&headers)
}

/// `GET /rates/cost`: people's cost rates; `?person=` is one person's history.
pub async fn cost(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    need(sees_rates(&s) && reads(&s, Resource::CostRates))?;
    let mut e = Params::new();
    let person = e.id::<Person>("person", p.get("person"));
    let filter = CostRateFilter {
        person_id: person,
        on: e.date("on", p.get("on")),
        archived: Some(false),
    };
    let at = table::read::<CostSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let mut ids: Vec<Id<Person>> = found.items.iter().map(|c| c.fields.person_id).collect();
    ids.extend(person);
    let names = names_of::<Person>(&st, ids).await?;
    let keeper = may_edit::<CostRate>(&s);
    let title = match person {
        Some(id) => format!(
            "Cost rates of {}",
            names.get(&id.get()).cloned().unwrap_or_else(|| format!("#{id}"))
        ),
        None => "Cost rates".into(),
    };
    let path = "/rates/cost";
    let mut v = view(frame(&me, &s), title, path, table::pager(path, &p, &at, found.total));
    v.section = "Rates";
    v.tabs = rate_tabs(&s, path);
    if keeper {
        let new = match person {
            Some(id) => format!("/rates/cost/new?person={id}"),
            None => "/rates/cost/new".into(),
        };
        v.actions.push((new, "New cost rate"));
    }
    if let Some(id) = person {
        v.back = Some(("/rates/cost".into(), "Everyone's cost rates".into()));
        v.hidden.push(("person", id.to_string()));
    }
    v.filters = vec![Filter::date("on", "In force on", p.text("on"))];
    v.hidden.extend(
        ["sort", "dir"]
            .into_iter()
            .filter_map(|k| p.get(k).map(|x| (k, x.to_string()))),
    );
    v.table_id = "cost-table";
    let mut cols = vec![
        col("Person", CostSort::Person),
        table::num("Hourly cost", CostSort::Rate),
        col("From", CostSort::EffectiveFrom),
        Col {
            label: "Until",
            key: None,
            num: false,
            extra: false,
        },
    ];
    if keeper {
        cols.push(Col {
            label: "Change",
            key: None,
            num: false,
            extra: false,
        });
    }
    v.columns = table::head(path, &p, &at, cols);
    v.rows = found
        .items
        .iter()
        .map(|c| {
            let f = &c.fields;
            let name = names
                .get(&f.person_id.get())
                .cloned()
                .unwrap_or_else(|| format!("#{}", f.person_id));
            let mut row = vec![
                Cell::link(name.clone(), format!("/rates/cost?person={}", f.person_id)),
                Cell::num(f.rate.to_string()),
                Cell::text(super::filters::day(Some(f.effective_from))),
                Cell::text(super::filters::day(f.effective_to)),
            ];
            if keeper {
                row.push(Cell::edit(
                    Some(format!("/rates/cost/{}/edit", c.id)),
                    &format!("{name}'s cost rate from {}", f.effective_from),
                ));
            }
            row
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = "No cost rates match.".into();
    v.saved = p.get("saved").is_some();
    v.respond(&headers)
}

/// `GET /rates/fx`: FX rates into the reporting currency, newest first.
pub async fn fx(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    need(sees_rates(&s) && reads(&s, Resource::FxRates))?;
    let mut e = Params::new();
    let currency = p
        .get("currency")
        .and_then(|c| e.keep("currency", c.to_uppercase().parse::<Currency>()));
    let filter = FxRateFilter {
        currency,
        from: e.date("from", p.get("from")),
        to: e.date("to", p.get("to")),
        archived: Some(false),
    };
    let mut at = table::read::<FxSort>(&mut e, &p);
    if p.get("sort").is_none() {
        at.direction = Direction::Desc;
    }
    let found = st.store.sorted(&filter, at).await?;
    let keeper = may_edit::<FxRate>(&s);
    let path = "/rates/fx";
    let mut v = view(
        frame(&me, &s),
        "FX rates",
        path,
        table::pager(path, &p, &at, found.total),
    );
    v.section = "Rates";
    v.tabs = rate_tabs(&s, path);
    v.intro = Some("What one unit of a currency is worth in the reporting currency, from its date on.".into());
    if keeper {
        v.actions.push(("/rates/fx/new".into(), "New FX rate"));
    }
    v.filters = vec![
        Filter::text("currency", "Currency", p.text("currency"), "e.g. EUR"),
        Filter::date("from", "From", p.text("from")),
        Filter::date("to", "To", p.text("to")),
    ];
    v.hidden = ["sort", "dir"]
        .into_iter()
        .filter_map(|k| p.get(k).map(|x| (k, x.to_string())))
        .collect();
    v.table_id = "fx-table";
    let mut cols = vec![
        col("Date", FxSort::Date),
        col("Currency", FxSort::Currency),
        Col {
            label: "Rate",
            key: None,
            num: true,
            extra: false,
        },
    ];
    if keeper {
        cols.push(Col {
            label: "Change",
            key: None,
            num: false,
            extra: false,
        });
    }
    v.columns = table::head(path, &p, &at, cols);
    v.rows = found
        .items
        .iter()
        .map(|r| {
            let f = &r.fields;
            let mut row = vec![
                Cell::text(super::filters::day(Some(f.date))),
                Cell::text(f.currency.to_string()),
                Cell::num(format!("{} {}", f.rate, f.quote)),
            ];
            if keeper {
                row.push(Cell::edit(
                    Some(format!("/rates/fx/{}/edit", r.id)),
                    &format!("{} on {}", f.currency, f.date),
                ));
            }
            row
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = "No FX rates match.".into();
    v.saved = p.get("saved").is_some();
    v.respond(&headers)
}
