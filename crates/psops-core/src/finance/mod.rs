//! Money: what the organisation earns and spends on its projects, and how finance closes
//! its books. Revenue is recognised by each billing type's rule, cost is every hour at
//! the person's cost rate, both held in the project's currency and converted into the
//! reporting currency at the FX rate of the day; invoices bill what was earned; a closed
//! month freezes its figures.

pub mod burn;
pub mod close;
pub mod forecast;
pub mod forecast_accuracy;
pub mod forecast_store;
pub mod invoices;
pub mod ledger;
pub mod margin;
pub mod month;
pub mod pricing;
pub mod recognition;
pub mod reports;
pub mod settings;
pub mod training;

pub use month::Month;
pub use pricing::{Books, Priced};
pub use reports::FinanceStore;
pub use settings::FinanceSettings;
