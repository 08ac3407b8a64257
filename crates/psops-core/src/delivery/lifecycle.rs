//! (filled by the lifecycle work)
