//! (filled by the raid work)
