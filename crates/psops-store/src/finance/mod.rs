//! Money in SQL: the books pricing reads, the ledger of recognised revenue and cost,
//! period close, invoices and forecasts.

pub(crate) mod books;
pub(crate) mod forecast;
mod forecast_snapshots;
