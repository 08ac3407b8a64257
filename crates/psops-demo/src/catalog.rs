//! The demo's catalog: demo list prices on the catalog's SKUs (marked as demo data: the
//! handbook publishes none but the add-on seat's), a few more SKUs a PS organisation
//! sells, an approval chain of the demo's users, and two new-SKU requests part way
//! through it.

use psops_core::Result;
use psops_core::auth::{Role, UserId};
use psops_core::catalog::offerings::OfferingFilter;
use psops_core::catalog::requests::{NewSkuRequest, SkuRequestFields, Step, Verdict};
use psops_core::catalog::skus::{SkuFields, SkuFilter, SkuPriceFields};
use psops_core::catalog::{Channel, Offering, Sku, SkuPrice, SkuStatus, Unit};
use psops_core::every;
use psops_core::policy::{Action, Subject, grant};
use psops_core::settings::SettingsPatch;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Minutes, Money};
use time::{Date, Month};

/// What every demo price says about itself.
pub const DEMO_PRICE: &str = "demo price: not the handbook's";

fn made<T>(c: Created<T>) -> Option<T> {
    match c {
        Created::New(v) => Some(v),
        Created::Replayed(_) => None,
    }
}

fn usd(dollars: i64) -> Money {
    Money::new(dollars * 100, Currency::USD)
}

/// A demo list price per unit, by what the SKU is; `None` leaves it unpriced.
fn demo_price(sku: &SkuFields) -> Option<Money> {
    let name = sku.name.to_lowercase();
    let dollars = match sku.unit {
        Unit::PerSeat => return None,
        Unit::Hourly => 275,
        Unit::HoursBlock => sku.block_minutes.map_or(10_600, |m| m.get() / 60 * 265),
        Unit::DedicatedTerm => i64::from(sku.term_months.unwrap_or(12)) * 26_000,
        Unit::CourseRemote => 9_600,
        Unit::CourseOnSite => 14_400,
        Unit::PerLearner if name.contains("certif") => 650,
        Unit::PerLearner => 350,
        Unit::FixedPackage if sku.always_custom => return None,
        Unit::FixedPackage if name.contains("health") || name.contains("readiness") => 18_000,
        Unit::FixedPackage if name.contains("rapid") => 60_000,
        Unit::FixedPackage if name.contains("migration") => 45_000,
        Unit::FixedPackage => 15_000,
    };
    Some(usd(dollars))
}

/// More SKUs of the catalog's offerings, as a PS organisation sells them: (offering
/// name contains, code, name, unit, block hours or term months, channel).
const MORE: [(&str, &str, &str, Unit, i64, Channel); 8] = [
    (
        "Jenkins",
        "DEMO-INT-JENKINS-PLUS",
        "Jenkins integration with pipeline conversion",
        Unit::FixedPackage,
        0,
        Channel::SalesAssisted,
    ),
    (
        "Jira",
        "DEMO-INT-JIRA-PLUS",
        "Jira integration with workflow mapping",
        Unit::FixedPackage,
        0,
        Channel::SalesAssisted,
    ),
    (
        "LDAP",
        "DEMO-INT-SSO-SAML",
        "SAML single sign-on setup",
        Unit::FixedPackage,
        0,
        Channel::WebDirect,
    ),
    (
        "Health",
        "DEMO-HEALTH-HA",
        "Health check for HA/DR installations",
        Unit::FixedPackage,
        0,
        Channel::SalesAssisted,
    ),
    (
        "Expert",
        "DEMO-EXPERT-80",
        "Expert Services, 80-hour block",
        Unit::HoursBlock,
        80,
        Channel::SalesAssisted,
    ),
    (
        "Expert",
        "DEMO-EXPERT-20",
        "Expert Services, 20-hour block",
        Unit::HoursBlock,
        20,
        Channel::WebDirect,
    ),
    (
        "Dedicated",
        "DEMO-DE-6",
        "Dedicated engineer, 6 months",
        Unit::DedicatedTerm,
        6,
        Channel::SalesAssisted,
    ),
    (
        "eLearning",
        "DEMO-ELEARN-TEAM",
        "eLearning for a team of learners",
        Unit::PerLearner,
        0,
        Channel::WebDirect,
    ),
];

/// A write as a demo user, as a signed-in request of theirs would make it.
pub(crate) fn as_user(u: UserId) -> WriteCtx {
    let me = Subject {
        user_id: u,
        roles: vec![],
        person_id: None,
        partner_id: None,
        read_only: false,
    };
    match grant(&me, Action::Read, None) {
        Ok(g) => WriteCtx::granted(g, u, None),
        Err(_) => WriteCtx::trusted(),
    }
}

/// Prices, more SKUs, the approval chain and two requests part way through it; `users`
/// are the demo's users by role, `end` the demo's last day.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, users: &[(Role, UserId)], end: Date) -> Result<()> {
    let offerings: Vec<Offering> = every!(store, OfferingFilter::default());
    if offerings.is_empty() {
        return Ok(());
    }
    let find = |part: &str| {
        offerings
            .iter()
            .find(|o| o.fields.name.to_lowercase().contains(&part.to_lowercase()))
    };
    for (part, code, name, unit, n, channel) in MORE {
        let Some(o) = find(part) else { continue };
        let fields = SkuFields {
            offering_id: o.id,
            code: code.into(),
            name: name.into(),
            unit,
            block_minutes: (unit == Unit::HoursBlock).then_some(Minutes(n * 60)),
            term_months: (unit == Unit::DedicatedTerm).then_some(n as i32),
            currency: Currency::USD,
            seat_limit: None,
            addon_sku_id: None,
            bounds: vec![],
            bounds_note: None,
            always_custom: false,
            standard_sow: true,
            te_separate: false,
            channel,
            status: SkuStatus::Active,
        };
        let _: Option<Sku> = made(store.create(ctx, fields).await?);
    }
    // Last year's price, then this year's, 5 % up.
    let this_year = Date::from_calendar_date(end.year(), Month::January, 1).unwrap_or(end);
    let last_year = Date::from_calendar_date(end.year() - 1, Month::January, 1).unwrap_or(end);
    let skus: Vec<Sku> = every!(store, SkuFilter::default());
    for sku in skus {
        if !store.sku_prices(sku.id).await?.is_empty() {
            continue;
        }
        let Some(price) = demo_price(&sku.fields) else { continue };
        // Round figures, as list prices are: to $50 from $1,000 up, else to $5.
        let step = if price.amount_minor >= 100_000 { 5_000 } else { 500 };
        let earlier = Money::new(
            (price.amount_minor * 100 / 105 + step / 2) / step * step,
            price.currency,
        );
        for (from, amount) in [(last_year, earlier), (this_year, price)] {
            let p = SkuPriceFields {
                sku_id: sku.id,
                effective_from: from,
                price: amount,
                note: Some(DEMO_PRICE.into()),
            };
            let _: Option<SkuPrice> = made(store.create(ctx, p).await?);
        }
    }
    kits(store, ctx, &offerings).await?;
    requests(store, ctx, users, &offerings).await
}

/// Effort templates and kit links (demo data, under the demo's own address) for the
/// offerings that have none: what delivery of one unit takes by role, from its kind.
async fn kits(store: &dyn Store, ctx: &WriteCtx, offerings: &[Offering]) -> Result<()> {
    use psops_core::catalog::offerings::{Effort, KitLink, OfferingPatch};
    use psops_core::people::Function;
    for o in offerings {
        let f = &o.fields;
        if !f.effort.is_empty() || f.maturity == psops_core::catalog::Maturity::Planned {
            continue;
        }
        let name = f.name.to_lowercase();
        // Hours of one unit: (lead role, hours), then a project manager's share.
        let (lead, hours) = match () {
            _ if name.contains("training") || name.contains("learning") || name.contains("certification") => {
                (Function::Trainer, 24)
            }
            _ if name.contains("custom content") => (Function::Trainer, 80),
            _ if name.contains("rapid") => (Function::Engineer, 160),
            _ if name.contains("migration") => (Function::Engineer, 120),
            _ if name.contains("health") || name.contains("readiness") => (Function::TechnicalArchitect, 48),
            _ if name.contains("integration") => (Function::Engineer, 40),
            _ if name.contains("dedicated") => (Function::Engineer, 1_700),
            _ if name.contains("expert") => (Function::Engineer, 40),
            _ => (Function::TechnicalArchitect, 40),
        };
        let mut effort = vec![Effort {
            role: lead,
            minutes: Minutes(hours * 60),
        }];
        if hours >= 40 && lead != Function::Trainer {
            effort.push(Effort {
                role: Function::ProjectManager,
                minutes: Minutes(hours * 60 * 15 / 100 / 15 * 15),
            });
        }
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let link = |label: &str, page: &str| KitLink {
            name: label.into(),
            url: format!("https://handbook.demo.psops.example/kits/{slug}/{page}"),
        };
        let patch = OfferingPatch {
            kit_links: Some(vec![
                link("Kick-off deck (demo)", "kickoff"),
                link("Delivery runbook (demo)", "runbook"),
                link("Status report template (demo)", "status-report"),
            ]),
            effort: Some(effort),
            ..Default::default()
        };
        store.update(ctx, o.id, None, patch).await?;
    }
    Ok(())
}

/// The chain by the demo's users, and two requests waiting at its second and third steps.
async fn requests(store: &dyn Store, ctx: &WriteCtx, users: &[(Role, UserId)], offerings: &[Offering]) -> Result<()> {
    let user = |role: Role| users.iter().find(|(r, _)| *r == role).map(|(_, u)| *u);
    let (Some(practice), Some(finance), Some(leader), Some(admin)) = (
        user(Role::PracticeManager),
        user(Role::Finance),
        user(Role::Leadership),
        user(Role::Admin),
    ) else {
        return Ok(());
    };
    let settings = store.settings().await?;
    let deciders = [finance, finance, leader, finance, leader, admin];
    let chain: Vec<Step> = settings
        .sku_approval_chain
        .iter()
        .enumerate()
        .map(|(i, s)| Step {
            name: s.name.clone(),
            approver: s.approver.or(Some(deciders[i % deciders.len()])),
        })
        .collect();
    let patch = SettingsPatch {
        sku_approval_chain: Some(chain.clone()),
        ..Default::default()
    };
    store.update_settings(ctx, patch).await?;
    let offering = |part: &str| {
        offerings
            .iter()
            .find(|o| o.fields.name.contains(part))
            .or(offerings.first())
    };
    let drafts = [
        (
            offering("CI"),
            "CI migration assessment",
            32,
            11_000,
            Some(usd(9_500)),
            1,
            "A fixed two-week assessment of an existing CI estate: inventory, pipeline patterns, a migration plan.",
        ),
        (
            offering("DevSecOps"),
            "DevSecOps enablement workshop",
            24,
            12_500,
            Some(usd(8_000)),
            2,
            "Three remote workshop days: scanning in pipelines, policies, vulnerability management.",
        ),
    ];
    for (o, name, hours, cost_cents, price, approved, sow) in drafts {
        let Some(o) = o else { continue };
        let fields = SkuRequestFields {
            offering_id: o.id,
            name: name.into(),
            unit: Unit::FixedPackage,
            block_minutes: None,
            term_months: None,
            channel: Channel::SalesAssisted,
            list_price: price,
            minutes: Minutes(hours * 60),
            hourly_cost: Money::new(cost_cents, Currency::USD),
            te_assumption: Some("Remote delivery; no travel".into()),
            assumptions: Some("Demo request: cost basis from the standard cost of an engineer.".into()),
            specimen_sow: Some(format!("Specimen SOW (demo). {sow}")),
        };
        let new = NewSkuRequest {
            requested_by: Some(practice),
            fields,
        };
        let Some(r) = made(store.create(&as_user(practice), new).await?) else {
            continue;
        };
        store.submit_sku_request(&as_user(practice), r.id, None).await?;
        for step in chain.iter().take(approved) {
            let Some(by) = step.approver else { break };
            store
                .decide_sku_request(&as_user(by), r.id, None, Verdict::Approve, None)
                .await?;
        }
    }
    Ok(())
}
