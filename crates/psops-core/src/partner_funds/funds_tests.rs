use time::macros::date;

use super::*;
use crate::id::Id;
use crate::partner_funds::authorizations::WorkAuthorizationFields;
use crate::partner_funds::prime_sows::PrimeSowFields;

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn sow() -> PrimeSowFields {
    PrimeSowFields {
        partner_id: Id::new(1),
        name: "PSOW-1".into(),
        funds: usd(10_000_000),
        rates: vec![
            PartnerRate {
                role: Function::Engineer,
                rate: usd(11_000),
            },
            PartnerRate {
                role: Function::ProjectManager,
                rate: usd(13_000),
            },
        ],
        start_date: date!(2026 - 01 - 01),
        end_date: date!(2026 - 12 - 31),
        status: PrimeSowStatus::Active,
        notes: None,
    }
}

fn wa() -> WorkAuthorizationFields {
    WorkAuthorizationFields {
        prime_sow_id: Id::new(1),
        project_id: Id::new(2),
        name: "WA-1".into(),
        scope: "Migration waves 1-3".into(),
        requirements: None,
        background_checks_on: Some(date!(2026 - 01 - 15)),
        rates: vec![PartnerRate {
            role: Function::Engineer,
            rate: usd(10_500),
        }],
        billing_terms: Some("monthly in arrears".into()),
        start_date: date!(2026 - 02 - 01),
        end_date: date!(2026 - 06 - 30),
        expenses_allowed: false,
        expenses_cap: None,
        committed: usd(4_000_000),
    }
}

fn rules(r: Result<()>) -> Vec<(String, Rule)> {
    match r {
        Ok(()) => vec![],
        Err(Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.rule)).collect(),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn an_authorization_within_the_sow_passes() {
    wa().validate().unwrap();
    sow().validate().unwrap();
    check_authorization(&wa(), &sow(), usd(6_000_000), true).unwrap();
}

#[test]
fn a_rate_above_the_ceiling_is_refused_naming_the_role_and_the_ceiling() {
    let mut w = wa();
    w.rates[0].rate = usd(11_001);
    let err = check_authorization(&w, &sow(), usd(0), true).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("engineer") && text.contains("110.00"), "{text}");
    assert_eq!(rules(Err(err)), vec![("rates[0].rate".to_string(), Rule::RateCeiling)]);
    // Exactly the ceiling is allowed.
    w.rates[0].rate = usd(11_000);
    check_authorization(&w, &sow(), usd(0), true).unwrap();
    // A role the SOW does not price has no ceiling to be under.
    w.rates[0].role = Function::Trainer;
    assert_eq!(
        rules(check_authorization(&w, &sow(), usd(0), true)),
        vec![("rates[0].role".to_string(), Rule::RateCeiling)]
    );
}

#[test]
fn a_commitment_beyond_the_uncommitted_funds_is_refused_to_the_cent() {
    // 100,000.00 funds, 60,000.00 committed elsewhere: 40,000.00 left exactly.
    check_authorization(&wa(), &sow(), usd(6_000_000), true).unwrap();
    let err = check_authorization(&wa(), &sow(), usd(6_000_001), true).unwrap_err();
    assert!(err.to_string().contains("39,999.99"), "{err}");
    assert_eq!(rules(Err(err)), vec![("committed".to_string(), Rule::PartnerFunds)]);
}

#[test]
fn dates_outside_the_sow_and_an_inactive_sow_are_refused() {
    let mut w = wa();
    w.start_date = date!(2025 - 12 - 31);
    w.end_date = date!(2027 - 01 - 01);
    let mut s = sow();
    s.status = PrimeSowStatus::Exhausted;
    assert_eq!(
        rules(check_authorization(&w, &s, usd(0), true)),
        vec![
            ("prime_sow_id".to_string(), Rule::Gate),
            ("start_date".to_string(), Rule::WithinPrimeSow),
            ("end_date".to_string(), Rule::WithinPrimeSow),
        ]
    );
    // An authorization already drawn may still be changed on an exhausted SOW.
    assert!(check_authorization(&wa(), &s, usd(0), false).is_ok());
}

#[test]
fn a_sow_cannot_shrink_under_its_authorizations() {
    let mut s = sow();
    s.funds = usd(3_999_999);
    s.rates[0].rate = usd(10_000);
    s.end_date = date!(2026 - 05 - 31);
    assert_eq!(
        rules(check_prime_sow(&s, &[wa()])),
        vec![
            ("funds".to_string(), Rule::PartnerFunds),
            ("start_date".to_string(), Rule::WithinPrimeSow),
            ("rates".to_string(), Rule::RateCeiling),
        ]
    );
    check_prime_sow(&sow(), &[wa()]).unwrap();
}

#[test]
fn rates_are_checked_for_currency_duplicates_and_sign() {
    let mut w = wa();
    w.rates.push(PartnerRate {
        role: Function::Engineer,
        rate: Money::new(-1, "EUR".parse().unwrap()),
    });
    let got = rules(w.validate());
    assert!(got.contains(&("rates[1].rate".to_string(), Rule::Positive)), "{got:?}");
    assert!(got.contains(&("rates[1].rate".to_string(), Rule::Currency)), "{got:?}");
    assert!(got.contains(&("rates[1].role".to_string(), Rule::Duplicate)), "{got:?}");
    let mut w = wa();
    w.expenses_cap = Some(usd(100));
    assert_eq!(rules(w.validate()), vec![("expenses_cap".to_string(), Rule::DependsOn)]);
}

#[test]
fn the_funds_arithmetic_is_exact_and_warns_at_the_threshold() {
    let p = fund_position(
        usd(10_000_000),
        &[usd(4_000_000), usd(3_500_050)],
        &[usd(7_000_000), usd(1_000_001)],
        2_000,
    )
    .unwrap();
    assert_eq!(p.committed, usd(7_500_050));
    assert_eq!(p.consumed, usd(8_000_001));
    assert_eq!(p.remaining, usd(1_999_999));
    assert_eq!(p.uncommitted, usd(2_499_950));
    assert_eq!(p.remaining_bp, 1_999);
    assert!(p.low);
    let p = fund_position(usd(10_000_000), &[], &[usd(7_999_999)], 2_000).unwrap();
    assert_eq!((p.remaining, p.remaining_bp, p.low), (usd(2_000_001), 2_000, true));
    let p = fund_position(usd(10_000_000), &[], &[usd(7_999_900)], 2_000).unwrap();
    assert_eq!((p.remaining_bp, p.low), (2_000, true));
    let p = fund_position(usd(10_000_000), &[], &[usd(7_998_999)], 2_000).unwrap();
    assert_eq!((p.remaining_bp, p.low), (2_001, false));
    // Over-consumed: remaining goes negative and stays exact.
    let p = fund_position(usd(100), &[], &[usd(150)], 2_000).unwrap();
    assert_eq!((p.remaining, p.remaining_bp, p.low), (usd(-50), -5_000, true));
    assert!(fund_position(usd(100), &[Money::new(1, "EUR".parse().unwrap())], &[], 2_000).is_err());
}

#[test]
fn equal_entries_consume_each_entry_rounded_once() {
    let rate = usd(10_333);
    // 7.5 h × 103.33 = 774.975 → 774.98 an entry; three of them 2,324.94, not 2,324.93.
    assert_eq!(
        consumed_by(rate, crate::Minutes(450), 3, Currency::USD).unwrap(),
        Some(usd(232_494))
    );
    assert_eq!(
        consumed_by(rate, crate::Minutes(450), 0, Currency::USD).unwrap(),
        Some(usd(0))
    );
    // A rate in another currency consumes none of the authorization's funds.
    let eur = "EUR".parse().unwrap();
    assert_eq!(consumed_by(rate, crate::Minutes(60), 2, eur).unwrap(), None);
    assert!(consumed_by(usd(i64::MAX / 2), crate::Minutes(60), 3, Currency::USD).is_err());
}
