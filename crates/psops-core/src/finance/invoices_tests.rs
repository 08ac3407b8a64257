use time::OffsetDateTime;
use time::macros::date;

use super::*;
use crate::meta::Meta;
use crate::projects::BillingType;
use crate::rates::RateKind;
use crate::rates::RoleRate;
use crate::rates::cards::RoleRateFields;

fn usd(m: i64) -> Money {
    Money::new(m, Currency::USD)
}

fn card(rate: i64, from: Date, to: Option<Date>) -> RoleRate {
    RoleRate {
        id: Id::new(1),
        fields: RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: usd(rate),
            effective_from: from,
            effective_to: to,
        },
        meta: Meta {
            version: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            archived_at: None,
        },
    }
}

fn terms() -> Terms {
    Terms {
        id: ProjectId::new(7),
        currency: Currency::USD,
        region: Some("AMER".into()),
        billing_type: BillingType::TimeAndMaterials,
    }
}

fn entry(id: i64, function: Function, date: Date, minutes: i64) -> BillableEntry {
    BillableEntry {
        id: Id::new(id),
        person_id: Id::new(3),
        person_name: "Ada Lovelace".into(),
        function,
        date,
        minutes: Minutes(minutes),
    }
}

#[test]
fn time_is_priced_at_the_rate_of_its_day_and_rounded_once_per_line() {
    // 150.00 until the 14th, 165.00 from the 15th.
    let books = Books::new(
        Currency::USD,
        &[
            card(15_000, date!(2026 - 01 - 01), Some(date!(2026 - 03 - 14))),
            card(16_500, date!(2026 - 03 - 15), None),
        ],
        &[],
        &[],
        &[],
        &[],
    );
    let entries = [
        entry(1, Function::Engineer, date!(2026 - 03 - 13), 450),
        // 20 minutes at 165.00 is 55.00 exactly; 25 minutes is 68.75.
        entry(2, Function::Engineer, date!(2026 - 03 - 16), 25),
    ];
    let lines = numbered(time_lines(&books, &terms(), &entries).unwrap());
    assert_eq!(lines[0].amount, usd(112_500));
    assert_eq!(lines[0].rate_minor, Some(15_000));
    assert_eq!(lines[0].quantity_hundredths, 750);
    assert_eq!(lines[1].amount, usd(6_875));
    assert_eq!(lines[1].rate_minor, Some(16_500));
    assert_eq!(lines[1].position, 2);
    assert_eq!(total(Currency::USD, &lines).unwrap(), usd(119_375));
}

#[test]
fn an_entry_without_a_rate_refuses_the_draft_naming_entry_and_role() {
    let books = Books::new(
        Currency::USD,
        &[card(15_000, date!(2026 - 01 - 01), None)],
        &[],
        &[],
        &[],
        &[],
    );
    let entries = [
        entry(1, Function::Engineer, date!(2026 - 03 - 13), 60),
        entry(9, Function::TechnicalArchitect, date!(2026 - 03 - 13), 60),
    ];
    let Err(Error::Invalid(errs)) = time_lines(&books, &terms(), &entries) else {
        panic!("expected a refusal");
    };
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].rule, Rule::NoRate);
    assert!(errs[0].message.contains("time entry 9"), "{}", errs[0].message);
    assert!(errs[0].message.contains("technical_architect"), "{}", errs[0].message);
}

fn facts(terms: Option<BillingTerms>) -> FeeFacts {
    FeeFacts {
        project_id: ProjectId::new(7),
        currency: Currency::USD,
        terms,
        fee: Some(usd(1_000_001)),
        signed_on: Some(date!(2026 - 02 - 01)),
        completed_on: None,
        milestones: vec![
            AcceptedMilestone {
                id: Id::new(11),
                name: "Design".into(),
                amount: Some(usd(400_000)),
                accepted_on: date!(2026 - 03 - 01),
            },
            AcceptedMilestone {
                id: Id::new(12),
                name: "Build".into(),
                amount: Some(usd(600_000)),
                accepted_on: date!(2026 - 04 - 01),
            },
        ],
        billed: BTreeSet::new(),
    }
}

#[test]
fn half_up_front_half_at_completion_splits_the_fee_and_never_bills_a_part_twice() {
    let mut f = facts(Some(BillingTerms::HalfUpFrontHalfAtCompletion));
    let lines = fee_lines(&f, date!(2026 - 03 - 31)).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].fee_part, Some(FeePart::Upfront));
    // 10,000.01 halves to 5,000.01 (half away from zero) and 5,000.00.
    assert_eq!(lines[0].amount, usd(500_001));
    f.billed.insert(Billed::Fee(f.project_id, FeePart::Upfront));
    assert!(fee_lines(&f, date!(2026 - 03 - 31)).unwrap().is_empty());
    f.completed_on = Some(date!(2026 - 04 - 01));
    let lines = fee_lines(&f, date!(2026 - 04 - 30)).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].fee_part, Some(FeePart::Completion));
    assert_eq!(lines[0].amount, usd(500_000));
}

#[test]
fn each_term_bills_its_parts() {
    let on = date!(2026 - 12 - 31);
    let mut f = facts(Some(BillingTerms::OnSowExecution));
    assert_eq!(fee_lines(&f, on).unwrap()[0].amount, usd(1_000_001));
    f.signed_on = None;
    assert!(fee_lines(&f, on).unwrap().is_empty());
    let mut f = facts(Some(BillingTerms::AtCompletion));
    assert!(fee_lines(&f, on).unwrap().is_empty());
    f.completed_on = Some(date!(2026 - 06 - 01));
    assert_eq!(fee_lines(&f, on).unwrap()[0].amount, usd(1_000_001));
    assert!(fee_lines(&facts(Some(BillingTerms::TmMonthly)), on).unwrap().is_empty());
}

#[test]
fn per_milestone_bills_accepted_milestones_by_the_day_once() {
    let mut f = facts(Some(BillingTerms::PerMilestone));
    let lines = fee_lines(&f, date!(2026 - 03 - 15)).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].milestone_id, Some(Id::new(11)));
    f.billed.insert(Billed::Milestone(Id::new(11)));
    let lines = fee_lines(&f, date!(2026 - 12 - 31)).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].amount, usd(600_000));
    f.milestones[1].amount = Some(Money::new(600_000, "EUR".parse().unwrap()));
    let err = fee_lines(&f, date!(2026 - 12 - 31)).unwrap_err();
    assert!(err.to_string().contains("EUR"), "{err}");
}

fn issued() -> Invoice {
    let lines = numbered(vec![fee_line(
        LineKind::Milestone,
        "Milestone: Design".into(),
        Some(Id::new(11)),
        None,
        usd(400_000),
    )]);
    Invoice {
        id: Id::new(1),
        number: Some(number("INV-", 42)),
        kind: InvoiceKind::Invoice,
        status: InvoiceStatus::Issued,
        project_id: ProjectId::new(7),
        project_name: "Migration".into(),
        account_id: None,
        account_name: Some("Acme".into()),
        currency: Currency::USD,
        invoice_date: date!(2026 - 03 - 31),
        due_date: date!(2026 - 04 - 30),
        period_from: None,
        period_to: date!(2026 - 03 - 31),
        billing_terms: None,
        credits_invoice_id: None,
        credited_by_id: None,
        total: usd(400_000),
        note: None,
        reason: None,
        issued_by: None,
        issued_at: None,
        version: 1,
        created_at: OffsetDateTime::UNIX_EPOCH,
        updated_at: OffsetDateTime::UNIX_EPOCH,
        lines,
    }
}

#[test]
fn numbers_are_prefixed_and_zero_padded() {
    assert_eq!(number("INV-", 42), "INV-000042");
    assert_eq!(number("CN-", 1), "CN-000001");
}

#[test]
fn a_credit_note_reverses_every_line_and_releases_rather_than_locks() {
    let inv = issued();
    let lines = credit_lines(&inv);
    assert_eq!(lines[0].amount, usd(-400_000));
    assert_eq!(lines[0].kind, LineKind::Credit);
    assert_eq!(lines[0].milestone_id, Some(Id::new(11)));
    assert_eq!(lines[0].billed(inv.project_id), None);
    assert_eq!(total(Currency::USD, &lines).unwrap(), usd(-400_000));
    assert!(check_reason("  ").is_err());
}

#[test]
fn an_issued_invoice_refuses_changes_and_a_draft_keeps_a_line() {
    let inv = issued();
    let err = inv.ensure_draft().unwrap_err();
    assert!(err.to_string().contains("INV-000042"), "{err}");
    let mut draft = issued();
    draft.status = InvoiceStatus::Draft;
    let drop_all = InvoicePatch {
        drop_lines: vec![1],
        ..InvoicePatch::default()
    };
    assert!(drop_all.apply(draft.clone()).is_err());
    let late = InvoicePatch {
        due_date: Some(date!(2026 - 01 - 01)),
        ..InvoicePatch::default()
    };
    assert!(late.apply(draft).is_err());
}

#[test]
fn export_rows_carry_signed_quantities_and_amounts() {
    let inv = issued();
    let rows = export_rows(&inv);
    assert_eq!(rows[0].cells()[1], "INV-000042");
    assert_eq!(rows[0].line_amount, "4000.00");
    assert_eq!(rows[0].quantity, "1.00");
    let mut cn = issued();
    cn.lines = credit_lines(&inv);
    let rows = export_rows(&cn);
    assert_eq!(rows[0].quantity, "-1.00");
    assert_eq!(rows[0].unit_amount, "4000.00");
    assert_eq!(rows[0].line_amount, "-4000.00");
    assert_eq!(hundredths_of_hours(20), 33);
    assert_eq!(hundredths_of_hours(-20), -33);
}

#[test]
fn the_export_neutralises_formulas_in_names_and_descriptions() {
    let mut inv = issued();
    inv.account_name = Some("=HYPERLINK(\"http://evil.example\",\"x\")".into());
    inv.project_name = "@SUM(A1:A9)".into();
    inv.lines[0].description = "+1+1".into();
    let csv = export_csv(&[inv]).unwrap();
    for cell in csv.split("\r\n").flat_map(|l| l.split(',')) {
        let cell = cell.trim_start_matches('"');
        let number = cell.trim_start_matches('-').parse::<f64>().is_ok();
        assert!(number || !cell.starts_with(['=', '+', '-', '@']), "{cell:?} in {csv}");
    }
    assert!(csv.contains("'=HYPERLINK") || csv.contains("'@SUM"), "{csv}");
}
