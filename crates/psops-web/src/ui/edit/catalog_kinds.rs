//! The forms of the catalog (offering types, offerings, SKUs and their prices, bundles,
//! SKU requests) and of the rates (rate cards, project overrides, cost rates, FX). List
//! fields — a kit's links, a checklist, an effort template, a SKU's bounds, a bundle's
//! offerings — are one item per line, each line read by its kind's [`Lines`].

use axum::Router;
use psops_core::Minutes;
use psops_core::catalog::bundles::Bundle;
use psops_core::catalog::offerings::{Maturity, Offering, OfferingType};
use psops_core::catalog::requests::{NewSkuRequest, SkuRequest, SkuRequestFields};
use psops_core::catalog::skus::{Channel, Sku, SkuPrice, SkuStatus, Unit};
use psops_core::code::Code;
use psops_core::people::Function;
use psops_core::policy::Subject;
use psops_core::rates::cards::{CostRate, ProjectRate, RateKind, RoleRate};
use psops_core::rates::fx::FxRate;
use psops_core::record::Entity;
use serde_json::{Value, json};

use super::inputs::{Input, Kind, Lines};
use super::kinds::{linked, today};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, label, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<OfferingType>(r);
    let r = add::<Offering>(r);
    let r = add::<Sku>(r);
    let r = add::<SkuPrice>(r);
    let r = add::<Bundle>(r);
    let r = add::<SkuRequest>(r);
    let r = add::<RoleRate>(r);
    let r = add::<ProjectRate>(r);
    let r = add::<CostRate>(r);
    add::<FxRate>(r)
}

/// A kit link: `Runbook | https://…`.
pub const KIT: Lines = Lines {
    example: "Runbook | https://wiki.example.com/runbook",
    read: |line| {
        let (name, url) = line
            .split_once('|')
            .ok_or("write a link as its name, a bar and its address")?;
        let (name, url) = (name.trim(), url.trim());
        if name.is_empty() || url.is_empty() {
            return Err("a link needs both a name and an address".into());
        }
        Ok(json!({"name": name, "url": url}))
    },
    write: |v| format!("{} | {}", text(&v["name"]), text(&v["url"])),
};

/// A checklist item: the line as it is.
pub const CHECKLIST: Lines = Lines {
    example: "Kick-off call held",
    read: |line| Ok(Value::from(line)),
    write: |v| text(v),
};

/// An effort line: `Engineer: 40` (hours, as a timesheet takes them).
pub const EFFORT: Lines = Lines {
    example: "Engineer: 40",
    read: |line| {
        let (role, hours) = line
            .split_once([':', '='])
            .ok_or("write a role, a colon and its hours")?;
        let wanted = role.trim().to_lowercase().replace([' ', '-'], "_");
        let role = Function::ALL
            .iter()
            .find(|f| f.code() == wanted)
            .ok_or_else(|| format!("'{}' is not a role; roles are {}", role.trim(), role_names()))?;
        let minutes =
            Minutes::parse(hours.trim()).map_err(|_| format!("'{}' is not hours such as 40 or 7:30", hours.trim()))?;
        Ok(json!({"role": role.code(), "minutes": minutes.get()}))
    },
    write: |v| {
        format!(
            "{}: {}",
            label(&text(&v["role"])),
            Minutes(v["minutes"].as_i64().unwrap_or(0)).hours_text()
        )
    },
};

/// A bound: `projects ≤ 500` (or `<=`).
pub const BOUNDS: Lines = Lines {
    example: "projects ≤ 500",
    read: |line| {
        let (measure, max) = line
            .split_once('≤')
            .or_else(|| line.split_once("<="))
            .ok_or("write what is counted, ≤ (or <=) and the most covered")?;
        let max: i64 = max
            .trim()
            .replace([',', '_'], "")
            .parse()
            .map_err(|_| format!("'{}' is not a whole number", max.trim()))?;
        Ok(json!({"measure": measure.trim(), "max": max}))
    },
    write: |v| format!("{} ≤ {}", text(&v["measure"]), v["max"].as_i64().unwrap_or(0)),
};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn role_names() -> String {
    Function::ALL
        .iter()
        .map(|f| label(f.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

const OFFERING_TYPE: &[Input] = &[
    Input::new("category", "Category", Kind::Text).hint("e.g. Consulting or Education."),
    Input::new("name", "Name", Kind::Text).hint("Unique within its category, e.g. Migration."),
    Input::new("description", "Description", Kind::Notes).optional(),
];

impl Editable for OfferingType {
    const NOUN: &'static str = "offering type";
    const PATH: &'static str = "/catalog/types";
    const API: &'static str = "offering-types";
    const INPUTS: &'static [Input] = OFFERING_TYPE;

    fn name(&self) -> String {
        format!("{} — {}", self.fields.category, self.fields.name)
    }
    fn home(&self) -> String {
        format!("/catalog?type={}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn back(_: &Pairs) -> String {
        "/catalog/types".into()
    }
}

const OFFERING: &[Input] = &[
    Input::new("type_id", "Type", Kind::Ref(Entity::OfferingType)),
    Input::new("name", "Name", Kind::Text).hint("Unique within its type."),
    Input::new("maturity", "Maturity", Kind::Choice(options::<Maturity>))
        .hint("Complete: predictable timing, results and margin. Lovable: customers recommend it."),
    Input::new("description", "Description", Kind::Notes).optional(),
    Input::new("kit_links", "Delivery kit links", Kind::Lines(&KIT))
        .optional()
        .hint("One a line: a name, a bar, its address — Runbook | https://wiki.example.com/runbook"),
    Input::new("checklist", "Delivery checklist", Kind::Lines(&CHECKLIST))
        .optional()
        .hint("One step a line, in order."),
    Input::new("effort", "Effort template", Kind::Lines(&EFFORT))
        .optional()
        .hint("Hours of one unit sold, one role a line — Engineer: 40"),
];

impl Editable for Offering {
    const NOUN: &'static str = "offering";
    const PATH: &'static str = "/catalog/offerings";
    const API: &'static str = "offerings";
    const INPUTS: &'static [Input] = OFFERING;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/catalog/offerings/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("maturity", Maturity::Planned.code().to_string())];
        if let Some(t) = linked(link, "type") {
            v.push(("type_id", t.to_string()));
        }
        v
    }
    fn back(_: &Pairs) -> String {
        "/catalog".into()
    }
}

const SKU: &[Input] = &[
    Input::new("offering_id", "Offering", Kind::Ref(Entity::Offering)),
    Input::new("code", "SKU number", Kind::Text).hint("Unique: letters, digits, '-', '_' and '.'."),
    Input::new("name", "Name", Kind::Text),
    Input::new("unit", "Unit", Kind::Choice(options::<Unit>)),
    Input::new("block_minutes", "Hours in a block", Kind::Hours)
        .optional()
        .hint("For a block of hours only."),
    Input::new("term_months", "Term in months", Kind::Whole)
        .optional()
        .hint("For a dedicated engineer per term only."),
    Input::new("currency", "Currency", Kind::Currency).hint("Of its list prices, e.g. USD."),
    Input::new("seat_limit", "Seats included", Kind::Whole)
        .optional()
        .hint("Learners or seats one unit includes, e.g. 12."),
    Input::new("addon_sku_id", "Add-on seat SKU", Kind::Ref(Entity::Sku))
        .optional()
        .hint("The SKU that sells a seat beyond the limit."),
    Input::new("bounds", "Bounds", Kind::Lines(&BOUNDS))
        .optional()
        .hint("One a line: what is counted and the most covered — projects ≤ 500"),
    Input::new("bounds_note", "Other bounds", Kind::Text)
        .optional()
        .hint("In words, e.g. SCM only."),
    Input::new("always_custom", "Always scoped as custom work", Kind::Flag),
    Input::new("standard_sow", "Sold with the standard SOW", Kind::Flag),
    Input::new("te_separate", "Travel and expenses billed separately", Kind::Flag),
    Input::new("channel", "Channel", Kind::Choice(options::<Channel>)),
    Input::new("status", "Status", Kind::Choice(options::<SkuStatus>)),
];

impl Editable for Sku {
    const NOUN: &'static str = "SKU";
    const PATH: &'static str = "/catalog/skus";
    const API: &'static str = "skus";
    const INPUTS: &'static [Input] = SKU;

    fn name(&self) -> String {
        format!("{} {}", self.fields.code, self.fields.name)
    }
    fn home(&self) -> String {
        format!("/catalog/skus/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("currency", "USD".to_string()),
            ("standard_sow", "true".to_string()),
            ("channel", Channel::SalesAssisted.code().to_string()),
            ("status", SkuStatus::Active.code().to_string()),
        ];
        if let Some(o) = linked(link, "offering") {
            v.push(("offering_id", o.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "offering") {
            Some(o) => format!("/catalog/offerings/{o}"),
            None => "/catalog".into(),
        }
    }
}

const SKU_PRICE: &[Input] = &[
    Input::new("sku_id", "SKU", Kind::Ref(Entity::Sku)).fixed(),
    Input::new("effective_from", "In force from", Kind::Date).hint("Until the SKU's next price starts."),
    Input::new("price", "List price", Kind::Money).hint("Per unit, in the SKU's currency."),
    Input::new("note", "Note", Kind::Text).optional(),
];

impl Editable for SkuPrice {
    const NOUN: &'static str = "list price";
    const PATH: &'static str = "/catalog/prices";
    const API: &'static str = "sku-prices";
    const INPUTS: &'static [Input] = SKU_PRICE;

    fn name(&self) -> String {
        format!("the list price from {}", self.fields.effective_from)
    }
    fn home(&self) -> String {
        format!("/catalog/skus/{}", self.fields.sku_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("effective_from", today())];
        if let Some(s) = linked(link, "sku") {
            v.push(("sku_id", s.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "sku") {
            Some(s) => format!("/catalog/skus/{s}"),
            None => "/catalog".into(),
        }
    }
}

const BUNDLE: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("description", "Who it suits", Kind::Notes)
        .optional()
        .hint("e.g. SMB to mid-market moving to SaaS."),
    Input::new("offering_ids", "Offerings", Kind::Refs(Entity::Offering))
        .hint("One offering a line, by name, in the order they are usually delivered."),
];

impl Editable for Bundle {
    const NOUN: &'static str = "bundle";
    const PATH: &'static str = "/catalog/bundles";
    const API: &'static str = "bundles";
    const INPUTS: &'static [Input] = BUNDLE;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        "/catalog/bundles".into()
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
}

const SKU_REQUEST: &[Input] = &[
    Input::new("offering_id", "Offering", Kind::Ref(Entity::Offering)),
    Input::new("name", "SKU name", Kind::Text).hint("Its number is given on the last approval."),
    Input::new("unit", "Unit", Kind::Choice(options::<Unit>)),
    Input::new("block_minutes", "Hours in a block", Kind::Hours)
        .optional()
        .hint("For a block of hours only."),
    Input::new("term_months", "Term in months", Kind::Whole)
        .optional()
        .hint("For a dedicated engineer per term only."),
    Input::new("channel", "Channel", Kind::Choice(options::<Channel>)),
    Input::new("list_price", "Proposed list price", Kind::Money)
        .optional()
        .hint("Per unit; in force from the day it is approved."),
    Input::new("minutes", "Delivery hours", Kind::Hours).hint("Of one unit: the cost basis."),
    Input::new("hourly_cost", "Hourly cost", Kind::Money).hint("What an hour of delivery costs."),
    Input::new("te_assumption", "Travel and expenses", Kind::Notes)
        .optional()
        .hint("What is assumed; say 'none' when there is none. Needed to submit."),
    Input::new("assumptions", "Assumptions", Kind::Notes).optional(),
    Input::new("specimen_sow", "Specimen SOW", Kind::Notes)
        .optional()
        .hint("Needed to submit."),
];

impl Editable for SkuRequest {
    const NOUN: &'static str = "SKU request";
    const PATH: &'static str = "/catalog/requests";
    const API: &'static str = "sku-requests";
    const INPUTS: &'static [Input] = SKU_REQUEST;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/catalog/requests/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, s: &Subject) -> ApiResult<Self::New> {
        let fields: SkuRequestFields = parse_json(raw)?;
        Ok(NewSkuRequest {
            requested_by: Some(s.user_id),
            fields,
        })
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("channel", Channel::SalesAssisted.code().to_string())];
        if let Some(o) = linked(link, "offering") {
            v.push(("offering_id", o.to_string()));
        }
        v
    }
}

/// A rate's effective period: the inputs every rate has.
const FROM: Input = Input::new("effective_from", "In force from", Kind::Date);
const TO: Input = Input::new("effective_to", "Until", Kind::Date)
    .optional()
    .hint("The last day, inclusive; empty runs on.");

const ROLE_RATE: &[Input] = &[
    Input::new("kind", "Kind", Kind::Choice(options::<RateKind>))
        .fixed()
        .hint("A bill rate, or the standard cost estimates use."),
    Input::new("role", "Role", Kind::Choice(options::<Function>)).fixed(),
    Input::new("region", "Region", Kind::Text).fixed().hint("e.g. EMEA."),
    Input::new("rate", "Hourly rate", Kind::Money),
    FROM,
    TO,
];

impl Editable for RoleRate {
    const NOUN: &'static str = "rate";
    const PATH: &'static str = "/rates/card";
    const API: &'static str = "role-rates";
    const INPUTS: &'static [Input] = ROLE_RATE;

    fn shown_to(s: &Subject) -> bool {
        crate::ui::rates::sees_rates(s)
    }

    fn name(&self) -> String {
        format!(
            "{} {} in {}",
            label(self.fields.role.code()),
            label(self.fields.kind.code()).to_lowercase(),
            self.fields.region
        )
    }
    fn home(&self) -> String {
        history_link(self)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("effective_from", today())];
        for key in ["kind", "role", "region"] {
            if let Some(value) = link.get(key) {
                v.push((key, value.to_string()));
            }
        }
        v
    }
    fn back(_: &Pairs) -> String {
        "/rates".into()
    }
}

/// The history of one line of the rate card: every period of its role, region, currency
/// and kind.
pub fn history_link(r: &RoleRate) -> String {
    let f = &r.fields;
    let query = serde_urlencoded::to_string([
        ("kind", f.kind.code()),
        ("role", f.role.code()),
        ("region", f.region.as_str()),
        ("currency", &f.rate.currency.to_string()),
    ])
    .unwrap_or_default();
    format!("/rates/card/history?{query}")
}

const PROJECT_RATE: &[Input] = &[
    Input::new("project_id", "Project", Kind::Ref(Entity::Project)).fixed(),
    Input::new("role", "Role", Kind::Choice(options::<Function>)).fixed(),
    Input::new("rate", "Hourly bill rate", Kind::Money).hint("Over the rate card, for this project."),
    FROM,
    TO,
];

impl Editable for ProjectRate {
    const NOUN: &'static str = "project rate";
    const PATH: &'static str = "/rates/projects";
    const API: &'static str = "project-rates";
    const INPUTS: &'static [Input] = PROJECT_RATE;

    fn name(&self) -> String {
        format!("the {} rate", label(self.fields.role.code()).to_lowercase())
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![(Entity::Project, self.fields.project_id.get())]
    }
    fn home(&self) -> String {
        format!("/projects/{}", self.fields.project_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    const WITHIN: Option<(&'static str, Entity)> = Some(("project", Entity::Project));
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("effective_from", today()),
            ("role", Function::Engineer.code().to_string()),
        ];
        if let Some(p) = linked(link, "project") {
            v.push(("project_id", p.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "project") {
            Some(p) => format!("/projects/{p}"),
            None => "/projects".into(),
        }
    }
}

const COST_RATE: &[Input] = &[
    Input::new("person_id", "Person", Kind::Ref(Entity::Person)).fixed(),
    Input::new("rate", "Hourly cost", Kind::Money),
    FROM,
    TO,
];

impl Editable for CostRate {
    const NOUN: &'static str = "cost rate";
    const PATH: &'static str = "/rates/cost";
    const API: &'static str = "cost-rates";
    const INPUTS: &'static [Input] = COST_RATE;

    fn shown_to(s: &Subject) -> bool {
        crate::ui::rates::sees_rates(s)
    }

    fn name(&self) -> String {
        format!("cost rate from {}", self.fields.effective_from)
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![(Entity::Person, self.fields.person_id.get())]
    }
    fn home(&self) -> String {
        format!("/rates/cost?person={}", self.fields.person_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("effective_from", today())];
        if let Some(p) = linked(link, "person") {
            v.push(("person_id", p.to_string()));
        }
        v
    }
}

const FX_RATE: &[Input] = &[
    Input::new("currency", "Currency", Kind::Currency)
        .fixed()
        .hint("e.g. EUR."),
    Input::new("quote", "Into", Kind::Currency)
        .fixed()
        .hint("The reporting currency."),
    Input::new("date", "From", Kind::Date).hint("In force until the currency's next rate."),
    Input::new("rate", "Rate", Kind::Text).hint("Units of the reporting currency for one, e.g. 1.085."),
];

impl Editable for FxRate {
    const NOUN: &'static str = "FX rate";
    const PATH: &'static str = "/rates/fx";
    const API: &'static str = "fx-rates";
    const INPUTS: &'static [Input] = FX_RATE;

    fn shown_to(s: &Subject) -> bool {
        crate::ui::rates::sees_rates(s)
    }

    fn name(&self) -> String {
        format!("{} on {}", self.fields.currency, self.fields.date)
    }
    fn home(&self) -> String {
        format!("/rates/fx?currency={}", self.fields.currency)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        vec![
            ("date", today()),
            ("quote", "USD".into()),
            ("currency", link.get("currency").unwrap_or_default().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::tests::{check, check_patch};
    use super::*;

    #[test]
    fn every_catalog_and_rate_form_has_exactly_the_apis_fields() {
        use psops_core::catalog::bundles::{BundleFields, BundlePatch};
        use psops_core::catalog::offerings::{OfferingFields, OfferingPatch, OfferingTypeFields, OfferingTypePatch};
        use psops_core::catalog::requests::SkuRequestPatch;
        use psops_core::catalog::skus::{SkuFields, SkuPatch, SkuPriceFields, SkuPricePatch};
        use psops_core::rates::cards::{
            CostRateFields, CostRatePatch, ProjectRateFields, ProjectRatePatch, RoleRateFields, RoleRatePatch,
        };
        use psops_core::rates::fx::{FxRateFields, FxRatePatch};
        check::<OfferingTypeFields>("offering type", OFFERING_TYPE);
        check_patch::<OfferingTypePatch>("offering type", OFFERING_TYPE);
        check::<OfferingFields>("offering", OFFERING);
        check_patch::<OfferingPatch>("offering", OFFERING);
        check::<SkuFields>("sku", SKU);
        check_patch::<SkuPatch>("sku", SKU);
        check::<SkuPriceFields>("sku price", SKU_PRICE);
        check_patch::<SkuPricePatch>("sku price", SKU_PRICE);
        check::<BundleFields>("bundle", BUNDLE);
        check_patch::<BundlePatch>("bundle", BUNDLE);
        check::<SkuRequestFields>("sku request", SKU_REQUEST);
        check_patch::<SkuRequestPatch>("sku request", SKU_REQUEST);
        check::<RoleRateFields>("role rate", ROLE_RATE);
        check_patch::<RoleRatePatch>("role rate", ROLE_RATE);
        check::<ProjectRateFields>("project rate", PROJECT_RATE);
        check_patch::<ProjectRatePatch>("project rate", PROJECT_RATE);
        check::<CostRateFields>("cost rate", COST_RATE);
        check_patch::<CostRatePatch>("cost rate", COST_RATE);
        check::<FxRateFields>("fx rate", FX_RATE);
        check_patch::<FxRatePatch>("fx rate", FX_RATE);
    }

    #[test]
    fn list_lines_read_and_write_back() {
        let link = (KIT.read)("Runbook | https://x.example/r").unwrap();
        assert_eq!(link, json!({"name": "Runbook", "url": "https://x.example/r"}));
        assert_eq!((KIT.write)(&link), "Runbook | https://x.example/r");
        assert!((KIT.read)("Runbook https://x.example").is_err());
        let effort = (EFFORT.read)("Project manager: 7:30").unwrap();
        assert_eq!(effort, json!({"role": "project_manager", "minutes": 450}));
        assert_eq!((EFFORT.write)(&effort), "Project manager: 7.50");
        assert_eq!((EFFORT.read)(&(EFFORT.write)(&effort)).unwrap(), effort);
        let err = (EFFORT.read)("Wizard: 3").unwrap_err();
        assert!(err.contains("Engineer"), "{err}");
        assert!((EFFORT.read)("engineer: lots").is_err());
        let bound = (BOUNDS.read)("projects ≤ 1,000").unwrap();
        assert_eq!(bound, json!({"measure": "projects", "max": 1000}));
        assert_eq!((BOUNDS.read)("repos <= 5").unwrap()["max"], 5);
        assert_eq!((BOUNDS.write)(&bound), "projects ≤ 1000");
        assert!((BOUNDS.read)("projects 500").is_err());
    }
}
