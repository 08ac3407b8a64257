//! Closed vocabularies (functions, statuses, types) stored and sent as snake_case codes.

/// A closed set of values, each with a stable code used in the API and the database.
pub trait Code: Sized + Copy + 'static {
    const ALL: &'static [Self];
    /// The field name used in error messages when a code is not recognised.
    const FIELD: &'static str;
    fn code(&self) -> &'static str;

    fn from_code(s: &str) -> crate::Result<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| {
            let all: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
            crate::Error::invalid(
                Self::FIELD,
                "one_of",
                format!("{} must be one of: {}", Self::FIELD, all.join(", ")),
            )
        })
    }
}
