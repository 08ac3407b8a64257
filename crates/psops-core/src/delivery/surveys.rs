//! (filled by the surveys work)
