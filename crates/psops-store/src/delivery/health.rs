//! (filled by the health work)
