//! (filled by the escalations work)
