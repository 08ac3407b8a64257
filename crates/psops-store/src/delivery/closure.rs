//! (filled by the closure work)
