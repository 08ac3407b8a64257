//! (filled by the acceptance work)
