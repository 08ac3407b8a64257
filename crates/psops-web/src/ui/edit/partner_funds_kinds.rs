//! The forms of partner funds: a prime SOW (made from `/partner-funds`, `?partner=12`
//! names its partner) and a work authorization drawn on one (made from the prime SOW's
//! page, `?prime_sow=34`). Their rates are one role a line (`Engineer: 110.00 USD`).
//! The policy's `PartnerFunds` decides who gets them: administrators, ops and finance;
//! those who only read partner funds (leadership, a partner's managers) are refused.

use axum::Router;
use psops_core::code::Code;
use psops_core::partner_funds::{PrimeSow, PrimeSowStatus, WorkAuthorization, WorkAuthorizationFields};
use psops_core::people::Function;
use psops_core::policy::Subject;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{Currency, Error, Id, Money};
use serde_json::{Value, json};

use super::inputs::{Input, Kind, Lines};
use super::kinds::{linked, today};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, label, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<PrimeSow>(r);
    add::<WorkAuthorization>(r)
}

/// A rate line: `Engineer: 110.00 USD` (the currency may be left out for USD).
pub const RATES: Lines = Lines {
    example: "Engineer: 110.00 USD",
    read: |line| {
        let (role, rate) = line
            .split_once(':')
            .ok_or("write a role, a colon and its hourly rate")?;
        let wanted = role.trim().to_lowercase().replace([' ', '-'], "_");
        let role = Function::ALL
            .iter()
            .find(|f| f.code() == wanted)
            .ok_or_else(|| format!("'{}' is not a role", role.trim()))?;
        let mut parts = rate.split_whitespace();
        let amount = parts.next().ok_or("write the hourly rate after the colon")?;
        let currency = match parts.next() {
            Some(c) => c
                .parse::<Currency>()
                .map_err(|_| format!("'{c}' is not a currency code such as USD"))?,
            None => Currency::USD,
        };
        let money =
            Money::parse(amount, currency).map_err(|_| format!("'{amount}' is not an amount such as 110.00"))?;
        Ok(json!({"role": role.code(), "rate": money}))
    },
    write: |v| {
        let rate: Option<Money> = serde_json::from_value(v["rate"].clone()).ok();
        format!(
            "{}: {}",
            label(v["role"].as_str().unwrap_or("")),
            rate.map(|m| format!(
                "{} {}",
                psops_core::finance::margin::decimal(m.amount_minor, m.currency),
                m.currency
            ))
            .unwrap_or_default()
        )
    },
};

const PRIME_SOW: &[Input] = &[
    Input::new("partner_id", "Partner", Kind::Ref(Entity::Partner)).fixed(),
    Input::new("name", "Number or name", Kind::Text).hint("Unique, e.g. PSOW-MERIDIAN-2027."),
    Input::new("funds", "Funds", Kind::Money),
    Input::new("rates", "Hourly rates by role", Kind::Lines(&RATES))
        .hint("The most a work authorization may pay for each role, in the funds' currency."),
    Input::new("start_date", "Starts", Kind::Date),
    Input::new("end_date", "Ends", Kind::Date),
    Input::new("status", "Status", Kind::Choice(options::<PrimeSowStatus>)),
    Input::new("notes", "Notes", Kind::Notes).optional(),
];

impl Editable for PrimeSow {
    const NOUN: &'static str = "prime SOW";
    const PATH: &'static str = "/partner-funds";
    const API: &'static str = "prime-sows";
    const INPUTS: &'static [Input] = PRIME_SOW;
    const CARRIED: &'static [&'static str] = &["partner"];

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/partner-funds/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn shown_to(s: &Subject) -> bool {
        crate::ui::partner_funds::sees_partner_funds(s)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("start_date", today()),
            ("status", PrimeSowStatus::Active.code().to_string()),
        ];
        if let Some(p) = linked(link, "partner") {
            v.push(("partner_id", p.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "partner") {
            Some(p) => format!("/partner-funds?partner_id={p}"),
            None => "/partner-funds".into(),
        }
    }
}

const WORK_AUTHORIZATION: &[Input] = &[
    Input::new("project_id", "Project", Kind::Ref(Entity::Project)).fixed(),
    Input::new("name", "Name", Kind::Text).hint("Unique, e.g. PSOW-MERIDIAN-2027-WA03."),
    Input::new("scope", "Scope", Kind::Notes),
    Input::new("requirements", "Requirements", Kind::Notes).optional(),
    Input::new("background_checks_on", "Background checks done on", Kind::Date)
        .optional()
        .hint("Empty while they are not done."),
    Input::new("rates", "Hourly rates by role", Kind::Lines(&RATES))
        .hint("At most the prime SOW's rate for each role."),
    Input::new("billing_terms", "Billing terms", Kind::Text).optional(),
    Input::new("start_date", "Starts", Kind::Date),
    Input::new("end_date", "Ends", Kind::Date),
    Input::new("committed", "Committed", Kind::Money).hint("The part of the prime SOW's funds it takes."),
    Input::new("expenses_allowed", "Travel and expenses allowed", Kind::Flag),
    Input::new("expenses_cap", "Expenses cap", Kind::Money)
        .optional()
        .hint("Only when expenses are allowed."),
];

impl Editable for WorkAuthorization {
    const NOUN: &'static str = "work authorization";
    const PATH: &'static str = "/work-authorizations";
    const API: &'static str = "work-authorizations";
    const INPUTS: &'static [Input] = WORK_AUTHORIZATION;
    const CARRIED: &'static [&'static str] = &["prime_sow"];

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/partner-funds/{}", self.fields.prime_sow_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let mut body: Value = parse_json(raw)?;
        let sow = linked(carried, "prime_sow").ok_or_else(|| {
            Error::invalid(
                "prime_sow_id",
                Rule::Required,
                "Open the form from the prime SOW's page",
            )
        })?;
        body["prime_sow_id"] = json!(sow);
        let fields: WorkAuthorizationFields = parse_json(body.to_string().as_bytes())?;
        Ok(WorkAuthorizationFields {
            prime_sow_id: Id::new(sow),
            ..fields
        })
    }
    fn shown_to(s: &Subject) -> bool {
        crate::ui::partner_funds::sees_partner_funds(s)
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![("start_date", today())]
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "prime_sow") {
            Some(p) => format!("/partner-funds/{p}"),
            None => "/partner-funds".into(),
        }
    }
}
