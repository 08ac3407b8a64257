//! Working with partner organisations: their status and onboarding checklist, their
//! contacts, and the vetting of their consultants before customer work. The partner
//! record itself is `crate::partners`; the per-person skills and certifications vetting
//! reads are `crate::skills`, which every person has.

pub mod contacts;
pub mod onboarding;
pub mod report;
pub mod roles;
pub mod vetting;
pub mod vetting_state;
