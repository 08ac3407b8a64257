//! The store contract: stories written once against the store traits and run on SQLite
//! always and on PostgreSQL when `PSOPS_TEST_POSTGRES_URL` is set, each test on its own
//! fresh database.

mod contract {
    mod acceptance;
    mod access;
    mod approval_scope;
    mod assigned_time;
    mod audit;
    mod backup;
    mod bulk;
    mod candidates;
    mod capacity;
    pub mod catalog;
    pub mod certifications;
    mod changes;
    mod classes;
    mod closure_csat;
    mod demo_acceptance;
    mod demo_certifications;
    mod demo_closure_csat;
    mod demo_education;
    mod demo_escalations;
    mod demo_partner_invoices;
    mod demo_scoping;
    mod demo_staffing;
    pub mod education;
    pub mod education_report;
    mod escalations;
    mod finance_proptest;
    mod finance_reports;
    pub mod fixtures;
    mod followed;
    mod forecast;
    mod health_raid;
    mod idempotency;
    mod imports;
    mod imports_records;
    mod invoices;
    mod keep_an_admin;
    mod kept;
    pub mod ledger;
    mod lifecycle;
    mod notifications;
    mod partner_funds;
    mod partner_invoices;
    mod partner_report;
    pub mod partners_onboarding;
    mod partners_vetting;
    mod portfolio;
    mod rates;
    mod records;
    mod rollups;
    mod scope;
    pub mod scoping;
    mod sorted;
    pub mod sows;
    mod staffing;
    mod time_entries;
    pub mod time_fixtures;
    mod timesheets;
    mod trainer_paths;
    mod tsp;
    mod webhooks;
    mod weekly;
}
