//! Partner onboarding, contacts, people's skills and certifications, and vetting in SQL.

mod onboarding;
mod records;
pub(crate) mod report;
pub(crate) mod vetting;
