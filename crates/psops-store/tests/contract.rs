//! The store contract: stories written once against the store traits and run on SQLite
//! always and on PostgreSQL when `PSOPS_TEST_POSTGRES_URL` is set, each test on its own
//! fresh database.

mod contract {
    mod access;
    mod approval_scope;
    mod assigned_time;
    mod audit;
    mod bulk;
    mod capacity;
    pub mod catalog;
    mod changes;
    mod demo_scoping;
    pub mod fixtures;
    mod followed;
    mod idempotency;
    mod imports;
    mod imports_records;
    mod keep_an_admin;
    mod kept;
    mod notifications;
    mod rates;
    mod records;
    mod rollups;
    mod scope;
    pub mod scoping;
    mod sorted;
    mod sows;
    mod time_entries;
    pub mod time_fixtures;
    mod timesheets;
    mod weekly;
}
