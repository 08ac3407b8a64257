//! The documents the tests render.

use super::super::*;

/// A realistic SOW: a $60,000 cloud migration for Northwind Traders.
pub(super) fn sample() -> SowDocument {
    let line = |d: &str, q: &str, u: &str, a: &str| DocLine {
        description: d.into(),
        quantity: q.into(),
        unit_price: u.into(),
        amount: a.into(),
    };
    let milestone = |n: &str, d: &str, a: &str| DocMilestone {
        name: n.into(),
        due: d.into(),
        amount: a.into(),
    };
    let resource = |r: &str, h: &str| DocResource {
        role: r.into(),
        hours: h.into(),
    };
    let approval = |s: &str, b: &str, a: &str, d: &str| DocApproval {
        step: s.into(),
        by: b.into(),
        at: a.into(),
        decision: d.into(),
    };
    SowDocument {
        number: "SOW-0042".into(),
        version: 3,
        title: "Cloud migration, phase 1".into(),
        status: "Approved".into(),
        customer: "Northwind Traders".into(),
        provider: "psops Professional Services".into(),
        prepared_by: "Dana Whitfield".into(),
        date: "4 December 2026".into(),
        expires: "3 January 2027".into(),
        currency: "USD".into(),
        billing_type: "Fixed fee".into(),
        billing_terms: "Per milestone, net 30 days from invoice".into(),
        passive_acceptance_days: 10,
        minimum_hours_per_week: Some("20 h".into()),
        start: "11 January 2027".into(),
        end: "30 April 2027".into(),
        scope: "Northwind Traders runs its order management, warehouse and reporting workloads \
                in a leased data centre whose contract ends in June 2027. This Statement of Work \
                covers the first phase of moving those workloads to the customer's cloud \
                tenancy: the landing zone, the migration of the order management system and \
                its databases, and the cut-over.\n\n\
                The provider plans and runs the migration with the customer's infrastructure \
                team; the customer keeps ownership of its tenancy, its data and its licences \
                throughout."
            .into(),
        activities: vec![
            "Assess the current estate: 46 virtual machines, 9 databases and their dependencies.".into(),
            "Design and build the landing zone: identity, networking, policies and cost controls.".into(),
            "Migrate the order management system and its databases, with a rehearsal before cut-over.".into(),
            "Run the cut-over weekend and two weeks of hypercare.".into(),
            "Hand over runbooks and train the customer's operations team (two half-day sessions).".into(),
        ],
        lines: vec![
            line("Discovery and migration assessment", "1", "$6,000.00", "$6,000.00"),
            line("Landing zone design and build", "1", "$14,000.00", "$14,000.00"),
            line("Order management migration, including database replication and rehearsal", "1", "$22,000.00", "$22,000.00"),
            line("Cut-over weekend", "1", "$6,000.00", "$6,000.00"),
            line("Hypercare (two weeks)", "2", "$3,500.00", "$7,000.00"),
            line("Runbooks and operations training", "1", "$5,000.00", "$5,000.00"),
        ],
        milestones: vec![
            milestone("Assessment report accepted", "29 January 2027", "$9,000.00"),
            milestone("Landing zone live", "26 February 2027", "$15,000.00"),
            milestone("Order management cut over", "9 April 2027", "$24,000.00"),
            milestone("Hypercare closed and handover done", "30 April 2027", "$12,000.00"),
        ],
        resources: vec![
            resource("Engagement manager", "48"),
            resource("Cloud architect", "120"),
            resource("Migration engineer (2)", "260"),
            resource("Database specialist", "40"),
        ],
        totals: DocTotals {
            subtotal: "$60,000.00".into(),
            discount: Some("-$3,000.00 (5%)".into()),
            travel_and_expenses: Some("$3,000.00 (capped)".into()),
            total: "$60,000.00".into(),
        },
        assumptions: vec![
            "The customer grants the provider's engineers administrator access to its cloud tenancy before the start date.".into(),
            "The customer names one decision maker who answers questions within two business days.".into(),
            "Work is done remotely, except the cut-over weekend, which is on site in Seattle.".into(),
            "The source systems run supported versions of their operating systems and databases.".into(),
        ],
        out_of_scope: vec![
            "Migrating the warehouse and reporting workloads (phase 2).".into(),
            "Licences, cloud consumption and third-party support fees.".into(),
            "Changes to application code beyond configuration.".into(),
        ],
        delay_language: Some(
            "If the customer delays the work by more than ten business days, the provider may \
             re-plan the remaining milestones, and time spent waiting beyond that is billed at \
             the rates in the provider's rate card."
                .into(),
        ),
        approvals: vec![
            approval("Engagement manager review", "Dana Whitfield", "1 Dec 2026 10:12", "Approved"),
            approval("Delivery director", "Sam Okafor", "2 Dec 2026 16:40", "Approved"),
            approval("Finance (margin 38%)", "Priya Raman", "3 Dec 2026 09:05", "Approved"),
        ],
        signatures: vec!["For Northwind Traders".into(), "For psops Professional Services".into()],
    }
}

/// A SOW with 40 lines, 20 milestones and 30 assumptions, each amount unique so a row can
/// be found again.
pub(super) fn long() -> SowDocument {
    let mut doc = sample();
    doc.lines = (1..=40)
        .map(|i| DocLine {
            description: format!("Work package {i}: configuration, testing and documentation of component {i}"),
            quantity: "1".into(),
            unit_price: format!("${i},100.00"),
            amount: format!("${i},100.00"),
        })
        .collect();
    doc.milestones = (1..=20)
        .map(|i| DocMilestone {
            name: format!("Milestone {i} delivered and accepted by the customer's steering group"),
            due: format!("{i} March 2027"),
            amount: format!("${i},250.00"),
        })
        .collect();
    doc.assumptions = (1..=30)
        .map(|i| format!("Assumption {i}: the customer provides what step {i} needs on time."))
        .collect();
    doc
}
