//! Delivery and the customer: a project's lifecycle and phases, milestone acceptance,
//! weekly health reports, the RAID log, escalations, closure and CSAT surveys, and the
//! portfolio view leadership reads them through.

pub mod acceptance;
pub mod closure;
pub mod escalations;
pub mod health;
pub mod lifecycle;
pub mod portfolio;
pub mod raid;
pub mod settings;
pub mod surveys;
