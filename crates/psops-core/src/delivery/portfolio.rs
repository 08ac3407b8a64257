//! (filled by the portfolio work)
