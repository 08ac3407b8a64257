//! From opportunity to signed SOW: opportunities with their PS fields, the scoping
//! record's states and gates, service-level clocks, estimates and win rates.

pub mod changes;
pub mod clocks;
pub mod crm;
pub mod estimates;
pub mod opportunities;
pub mod pricing;
pub mod settings;
pub mod sows;
pub mod states;
pub mod store;
pub mod wins;

pub use settings::ScopingSettings;
pub use store::{ChangeStore, ScopingStore, SowStore};
