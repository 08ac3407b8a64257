//! Money in SQL: the books pricing reads, the ledger of recognised revenue and cost,
//! period close, invoices and forecasts.

pub(crate) mod books;
mod reports;
mod tags;
pub(crate) mod invoice_locks;
pub(crate) mod invoices;
mod close;
pub(crate) mod inputs;
pub(crate) mod ledger;
mod training;
mod verify;
pub(crate) mod forecast;
mod forecast_snapshots;
