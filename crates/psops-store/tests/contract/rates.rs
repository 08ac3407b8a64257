//! Rate stories: effective periods of one rate never overlap (rate cards by role, region
//! and currency; project overrides by role; cost rates by person), the rate in force is
//! the one whose period holds the day, and FX rates convert into the reporting currency.

use psops_core::people::Function;
use psops_core::rates::cards::{CostRateFields, CostRatePatch, ProjectRateFields, RoleRateFields, RoleRateFilter};
use psops_core::rates::fx::FxRateFields;
use psops_core::rates::{CostRate, FxRate, ProjectRate, Rate, RateKind, RoleRate};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Money};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person, project};

crate::stories!(
    rate_periods_never_overlap,
    the_rate_in_force_comes_from_the_project_or_the_card,
    fx_rates_convert_into_the_reporting_currency,
);

fn card(kind: RateKind, region: &str, minor: i64, cur: &str, from: Date, to: Option<Date>) -> RoleRateFields {
    RoleRateFields {
        kind,
        role: Function::Engineer,
        region: region.into(),
        rate: Money::new(minor, cur.parse().unwrap()),
        effective_from: from,
        effective_to: to,
    }
}

async fn rate_periods_never_overlap(db: &Db) {
    let h1 = card(
        RateKind::Bill,
        "EMEA",
        20_000,
        "EUR",
        date!(2026 - 01 - 01),
        Some(date!(2026 - 06 - 30)),
    );
    let first: RoleRate = new(db.create(&ctx(), h1).await.expect("H1"));
    // Sharing one day with the first half is refused, naming the period it meets.
    let clash = card(RateKind::Bill, "emea", 21_000, "EUR", date!(2026 - 06 - 30), None);
    let e = db.create(&ctx(), clash).await.unwrap_err();
    assert!(
        matches!(e, Error::Invalid(ref f) if f[0].rule == Rule::Overlap && f[0].message.contains("2026-06-30")),
        "{e:?}"
    );
    // The day after is free; so are another currency, region or kind on the same days.
    let h2 = card(RateKind::Bill, "EMEA", 21_000, "EUR", date!(2026 - 07 - 01), None);
    let _: RoleRate = new(db.create(&ctx(), h2).await.expect("H2"));
    for other in [
        card(RateKind::Bill, "EMEA", 22_000, "USD", date!(2026 - 01 - 01), None),
        card(RateKind::Bill, "APAC", 30_000, "AUD", date!(2026 - 01 - 01), None),
        card(
            RateKind::StandardCost,
            "EMEA",
            9_000,
            "EUR",
            date!(2026 - 01 - 01),
            None,
        ),
    ] {
        let _: RoleRate = new(db.create(&ctx(), other).await.expect("apart"));
    }
    // A period that swallows another is refused, and so is stretching one over the next.
    let wide = card(
        RateKind::Bill,
        "EMEA",
        1,
        "EUR",
        date!(2025 - 01 - 01),
        Some(date!(2027 - 01 - 01)),
    );
    assert_eq!(broken(db.create(&ctx(), wide).await.unwrap_err())[0].1, Rule::Overlap);
    let stretch = psops_core::rates::cards::RoleRatePatch {
        effective_to: Some(None),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update(&ctx(), first.id, None, stretch).await.unwrap_err())[0].1,
        Rule::Overlap
    );
    // An end before the start is refused before anything is read.
    let backwards = card(
        RateKind::Bill,
        "AMER",
        1,
        "USD",
        date!(2026 - 02 - 01),
        Some(date!(2026 - 01 - 31)),
    );
    assert_eq!(
        broken(db.create(&ctx(), backwards).await.unwrap_err()),
        [("effective_to".to_string(), Rule::AfterStart)]
    );
    // Cost rates per person; archiving one frees its period.
    let p = person(db, "costed@example.com").await;
    let cost = |from, to| CostRateFields {
        person_id: p.id,
        rate: Money::new(8_000, Currency::USD),
        effective_from: from,
        effective_to: to,
    };
    let c1: CostRate = new(db
        .create(&ctx(), cost(date!(2026 - 01 - 01), None))
        .await
        .expect("cost"));
    assert_eq!(
        broken(db.create(&ctx(), cost(date!(2026 - 03 - 01), None)).await.unwrap_err())[0].1,
        Rule::Overlap
    );
    let end = CostRatePatch {
        effective_to: Some(Some(date!(2026 - 02 - 28))),
        ..Default::default()
    };
    db.update(&ctx(), c1.id, None, end).await.expect("end it");
    let _: CostRate = new(db
        .create(&ctx(), cost(date!(2026 - 03 - 01), None))
        .await
        .expect("next"));
    // Project overrides per project and role.
    let pr = project(db, "Override").await;
    let over = |role| ProjectRateFields {
        project_id: pr.id,
        role,
        rate: Money::new(25_000, Currency::USD),
        effective_from: date!(2026 - 02 - 01),
        effective_to: None,
    };
    let _: ProjectRate = new(db.create(&ctx(), over(Function::Engineer)).await.expect("override"));
    let _: ProjectRate = new(db
        .create(&ctx(), over(Function::ProjectManager))
        .await
        .expect("other role"));
    assert_eq!(
        broken(db.create(&ctx(), over(Function::Engineer)).await.unwrap_err())[0].1,
        Rule::Overlap
    );
}

async fn the_rate_in_force_comes_from_the_project_or_the_card(db: &Db) {
    for (minor, from, to) in [
        (15_000, date!(2026 - 01 - 01), Some(date!(2026 - 03 - 31))),
        (16_000, date!(2026 - 04 - 01), None),
    ] {
        let _: RoleRate = new(db
            .create(&ctx(), card(RateKind::Bill, "AMER", minor, "USD", from, to))
            .await
            .expect("card"));
    }
    let on = |d| RoleRateFilter {
        kinds: vec![RateKind::Bill],
        region: Some("amer".into()),
        on: Some(d),
        ..Default::default()
    };
    let card_rates = db
        .list(&on(date!(2026 - 03 - 31)), Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(
        card_rates
            .iter()
            .map(|r| r.fields.rate.amount_minor)
            .collect::<Vec<_>>(),
        [15_000]
    );
    // A viewer of bill rates only never gets a standard cost, whatever else it asks.
    let _: RoleRate = new(db
        .create(
            &ctx(),
            card(
                RateKind::StandardCost,
                "AMER",
                7_000,
                "USD",
                date!(2026 - 01 - 01),
                None,
            ),
        )
        .await
        .expect("cost"));
    let bill_only = RoleRateFilter {
        kinds: vec![RateKind::Bill],
        ..Default::default()
    };
    let all = db.list(&bill_only, Default::default()).await.unwrap().items;
    assert!(all.iter().all(|r| r.fields.kind == RateKind::Bill) && all.len() == 2);
    let nothing = RoleRateFilter::default();
    assert!(db.list(&nothing, Default::default()).await.unwrap().items.is_empty());
    // The project's override wins over the card while in force.
    let pr = project(db, "Rated").await;
    let o: ProjectRate = new(db
        .create(
            &ctx(),
            ProjectRateFields {
                project_id: pr.id,
                role: Function::Engineer,
                rate: Money::new(18_000, Currency::USD),
                effective_from: date!(2026 - 05 - 01),
                effective_to: Some(date!(2026 - 05 - 31)),
            },
        )
        .await
        .expect("override"));
    let every = RoleRateFilter {
        kinds: vec![RateKind::Bill],
        ..Default::default()
    };
    let card_all = db.list(&every, Default::default()).await.unwrap().items;
    let rate = |d| psops_core::rates::bill_rate(std::slice::from_ref(&o), &card_all, Function::Engineer, d);
    assert_eq!(rate(date!(2026 - 04 - 30)).map(|m| m.amount_minor), Some(16_000));
    assert_eq!(rate(date!(2026 - 05 - 15)).map(|m| m.amount_minor), Some(18_000));
    assert_eq!(rate(date!(2026 - 06 - 01)).map(|m| m.amount_minor), Some(16_000));
    assert_eq!(rate(date!(2025 - 12 - 31)), None);
}

async fn fx_rates_convert_into_the_reporting_currency(db: &Db) {
    let eur: Currency = "EUR".parse().unwrap();
    let fx = |quote: Currency, date, rate: &str| FxRateFields {
        currency: eur,
        quote,
        date,
        rate: Rate::parse(rate, "rate").unwrap(),
    };
    let _: FxRate = new(db
        .create(&ctx(), fx(Currency::USD, date!(2026 - 01 - 02), "1.0842"))
        .await
        .expect("fx"));
    // One rate a day per currency.
    let again = db
        .create(&ctx(), fx(Currency::USD, date!(2026 - 01 - 02), "1.09"))
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref f) if f.field == "date"),
        "{again:?}"
    );
    // Rates go into the reporting currency (the organisation's default), no other.
    let aud: Currency = "AUD".parse().unwrap();
    assert_eq!(
        broken(
            db.create(&ctx(), fx(aud, date!(2026 - 01 - 02), "1.6"))
                .await
                .unwrap_err()
        ),
        [("quote".to_string(), Rule::Currency)]
    );
    let rates = db
        .list(&psops_core::rates::fx::FxRateFilter::default(), Default::default())
        .await
        .unwrap()
        .items;
    let r = psops_core::rates::fx::rate_on(&rates, eur, Currency::USD, date!(2026 - 02 - 01)).expect("rate");
    let usd = psops_core::rates::fx::convert(Money::new(123_456, eur), r, Currency::USD).unwrap();
    // 1,234.56 EUR × 1.0842 = 1,338.505152 USD → 1,338.51.
    assert_eq!(usd, Money::new(133_851, Currency::USD));
}
