//! Money in SQL: the books pricing reads, the ledger of recognised revenue and cost,
//! period close, invoices and forecasts.

pub(crate) mod books;
mod close;
pub(crate) mod forecast;
mod forecast_snapshots;
pub(crate) mod inputs;
pub(crate) mod invoice_locks;
pub(crate) mod invoices;
pub(crate) mod ledger;
mod reports;
mod tags;
mod training;
mod verify;
