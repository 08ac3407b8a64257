//! The HTTP API, end to end in-process: every test runs on SQLite, and again on a fresh
//! PostgreSQL database when `PSOPS_TEST_POSTGRES_URL` is set.

#[path = "api/support.rs"]
mod support;

#[path = "api/protocol.rs"]
mod protocol;
#[path = "api/records.rs"]
mod records;
#[path = "api/rules.rs"]
mod rules;
