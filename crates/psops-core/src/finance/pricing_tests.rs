use time::OffsetDateTime;
use time::macros::date;

use super::*;
use crate::Id;
use crate::meta::Meta;
use crate::rates::cards::{CostRateFields, ProjectRateFields, RoleRateFields};
use crate::rates::fx::FxRateFields;

fn meta() -> Meta {
    Meta {
        version: 1,
        created_at: OffsetDateTime::UNIX_EPOCH,
        updated_at: OffsetDateTime::UNIX_EPOCH,
        archived_at: None,
    }
}

fn cur(c: &str) -> Currency {
    c.parse().unwrap()
}

fn usd(m: i64) -> Money {
    Money::new(m, Currency::USD)
}

fn card(role: Function, region: &str, rate: Money, from: Date, to: Option<Date>) -> RoleRate {
    RoleRate {
        id: Id::new(1),
        fields: RoleRateFields {
            kind: RateKind::Bill,
            role,
            region: region.into(),
            rate,
            effective_from: from,
            effective_to: to,
        },
        meta: meta(),
    }
}

fn books() -> Books {
    let cards = [
        card(
            Function::Engineer,
            "AMER",
            usd(20_000),
            date!(2026 - 01 - 01),
            Some(date!(2026 - 07 - 14)),
        ),
        card(Function::Engineer, "AMER", usd(22_000), date!(2026 - 07 - 15), None),
        card(
            Function::Engineer,
            "EMEA",
            Money::new(18_000, cur("EUR")),
            date!(2026 - 01 - 01),
            None,
        ),
    ];
    let overrides = [ProjectRate {
        id: Id::new(1),
        fields: ProjectRateFields {
            project_id: Id::new(2),
            role: Function::Engineer,
            rate: usd(15_000),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        },
        meta: meta(),
    }];
    let costs = [CostRate {
        id: Id::new(1),
        fields: CostRateFields {
            person_id: Id::new(7),
            rate: usd(9_000),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        },
        meta: meta(),
    }];
    let fx = [FxRate {
        id: Id::new(1),
        fields: FxRateFields {
            currency: cur("EUR"),
            quote: Currency::USD,
            date: date!(2026 - 07 - 01),
            rate: Rate::parse("1.0842", "rate").unwrap(),
        },
        meta: meta(),
    }];
    let roles = [RoleOn {
        person: Id::new(7),
        project: Id::new(1),
        role: Function::TechnicalArchitect,
        start: date!(2026 - 08 - 01),
        end: None,
    }];
    Books::new(Currency::USD, &cards, &overrides, &costs, &fx, &roles)
}

fn terms(id: i64, currency: &str, region: &str) -> Terms {
    Terms {
        id: Id::new(id),
        currency: cur(currency),
        region: Some(region.into()),
        billing_type: BillingType::TimeAndMaterials,
    }
}

fn work(date: Date, minutes: i64) -> Work {
    Work {
        person: Id::new(7),
        function: Function::Engineer,
        date,
        minutes: Minutes(minutes),
    }
}

#[test]
fn a_rate_change_mid_month_prices_each_day_at_its_own_rate() {
    let b = books();
    let p = terms(1, "USD", "amer");
    let before = b.price(&p, &work(date!(2026 - 07 - 14), 450)).unwrap();
    let after = b.price(&p, &work(date!(2026 - 07 - 15), 450)).unwrap();
    assert_eq!(before.bill, Some(usd(150_000)));
    assert_eq!(after.bill, Some(usd(165_000)));
    assert_eq!(before.cost, Some(usd(67_500)));
    assert_eq!(before.role, Function::Engineer);
}

#[test]
fn a_project_rate_wins_over_the_card_and_an_assignment_sets_the_role() {
    let b = books();
    assert_eq!(
        b.price(&terms(2, "USD", "AMER"), &work(date!(2026 - 07 - 15), 60))
            .unwrap()
            .bill,
        Some(usd(15_000))
    );
    // From August the person is the project's technical architect, which has no rate.
    let priced = b
        .price(&terms(1, "USD", "AMER"), &work(date!(2026 - 08 - 03), 60))
        .unwrap();
    assert_eq!(priced.role, Function::TechnicalArchitect);
    assert_eq!(priced.bill, None);
    // No card in the project's currency for its region.
    assert_eq!(
        b.bill_rate(&terms(3, "GBP", "EMEA"), Function::Engineer, date!(2026 - 07 - 15)),
        None
    );
}

#[test]
fn conversions_use_the_rate_of_the_day_and_round_once() {
    let b = books();
    let eur = Money::new(123_456, cur("EUR"));
    assert_eq!(b.to_reporting(eur, date!(2026 - 07 - 31)).unwrap(), usd(133_851));
    let err = b.to_reporting(eur, date!(2026 - 06 - 30)).unwrap_err();
    assert!(err.to_string().contains("no FX rate of EUR into USD"), "{err}");
    assert_eq!(b.to_reporting(usd(5), date!(1990 - 01 - 01)).unwrap(), usd(5));
    // 1,338.51 USD back into EUR at 1.0842 is 1,234.56 (1,234.56…).
    assert_eq!(
        b.in_currency(usd(133_851), cur("EUR"), date!(2026 - 07 - 31)).unwrap(),
        Money::new(123_456, cur("EUR"))
    );
    // A cost rate in USD on a EUR project: 90.00 USD an hour is 83.01 EUR.
    assert_eq!(
        b.in_currency(usd(9_000), cur("EUR"), date!(2026 - 07 - 31)).unwrap(),
        Money::new(8_301, cur("EUR"))
    );
}

#[test]
fn a_partner_consultant_costs_the_work_authorizations_rate_for_their_role() {
    use crate::finance::pricing::Authorized;
    use crate::partner_funds::PartnerRate;
    let b = books().with_authorizations(
        &[(Id::new(7), Id::new(4))],
        vec![Authorized {
            id: Id::new(1),
            partner: Id::new(4),
            project: Id::new(1),
            start: date!(2026 - 03 - 01),
            end: date!(2026 - 08 - 31),
            rates: vec![
                PartnerRate {
                    role: Function::Engineer,
                    rate: usd(10_333),
                },
                PartnerRate {
                    role: Function::TechnicalArchitect,
                    rate: usd(12_000),
                },
            ],
        }],
    );
    let p = terms(1, "USD", "AMER");
    // 7.5 h × 103.33 = 774.975, rounded once to 774.98; the bill side is untouched.
    let inside = b.price(&p, &work(date!(2026 - 07 - 14), 450)).unwrap();
    assert_eq!((inside.cost_rate, inside.cost), (Some(usd(10_333)), Some(usd(77_498))));
    assert_eq!(inside.bill, Some(usd(150_000)));
    // The assignment's role picks the authorization's rate for that role.
    let architect = b.price(&p, &work(date!(2026 - 08 - 03), 60)).unwrap();
    assert_eq!(architect.cost, Some(usd(12_000)));
    // Outside the authorization, or on another project, the own cost rate applies.
    let outside = b.price(&p, &work(date!(2026 - 09 - 01), 60)).unwrap();
    assert_eq!(outside.cost, Some(usd(9_000)));
    let elsewhere = b
        .price(&terms(2, "USD", "AMER"), &work(date!(2026 - 07 - 14), 60))
        .unwrap();
    assert_eq!(elsewhere.cost, Some(usd(9_000)));
}
