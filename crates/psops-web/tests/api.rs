//! The HTTP API, end to end in-process: every test runs on SQLite, and again on a fresh
//! PostgreSQL database when `PSOPS_TEST_POSTGRES_URL` is set.

#[path = "api/support.rs"]
mod support;

#[path = "api/access.rs"]
mod access;
#[path = "api/matrix.rs"]
mod matrix;
#[path = "api/matrix_fixture.rs"]
mod matrix_fixture;
#[path = "api/protocol.rs"]
mod protocol;
#[path = "api/records.rs"]
mod records;
#[path = "api/rules.rs"]
mod rules;
