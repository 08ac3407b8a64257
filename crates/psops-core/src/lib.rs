//! psops-core: the domain of a professional-services organisation — its vocabulary,
//! its records, the rules they obey and the store contract. No I/O lives here.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod calendars;
pub mod capacity;
pub mod catalog;
pub mod certifications;
pub mod code;
pub mod credentials;
mod csv_file;
pub mod csv_writer;
pub mod dates;
pub mod delivery;
pub mod education;
pub mod error;
pub mod finance;
pub mod fiscal;
pub mod health;
pub mod ical;
pub mod id;
pub mod imports;
pub mod interchange;
pub mod meta;
pub mod minutes;
pub mod money;
pub mod notify;
pub mod page;
pub mod partner_funds;
pub mod partner_invoices;
pub mod partnering;
pub mod partners;
pub mod patch;
pub mod people;
pub mod plan;
pub mod policy;
pub mod projects;
pub mod rates;
pub mod ratio;
pub mod record;
pub mod report_text;
pub mod reporting;
pub mod rule;
pub mod scope;
pub mod scoping;
pub mod sessions;
pub mod settings;
pub mod skills;
pub mod sort;
pub mod staffing;
pub mod store;
pub mod time_entries;
pub mod timesheet;
pub mod utilization;
pub mod utilization_weeks;
pub mod validate;
pub mod webhooks;

/// Fuzz targets for every parser of outside input, as property tests.
#[cfg(test)]
mod fuzz;

pub use error::{Error, FieldError, Result};
pub use id::Id;
pub use minutes::Minutes;
pub use money::{Currency, Money};
