//! Time zones for staffing: how many hours two people's working days share. Offsets come
//! from the IANA database compiled into the binary, on the day asked (so daylight saving
//! time counts as it will be then).

use time::Date;

/// A working day, 09:00 to 17:00 local time, in minutes.
pub const WORKDAY_MINUTES: i64 = 8 * 60;

/// The zone's offset from UTC in minutes at noon of `on`; none for a name the database
/// does not know.
pub fn offset_minutes(zone: &str, on: Date) -> Option<i64> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let day = jiff::civil::Date::new(
        i16::try_from(on.year()).ok()?,
        u8::from(on.month()) as i8,
        on.day() as i8,
    )
    .ok()?;
    let zoned = day.at(12, 0, 0, 0).to_zoned(tz).ok()?;
    Some(i64::from(zoned.offset().seconds()) / 60)
}

/// Minutes between two zones' clocks on `on`, the short way round the day (at most 12 h).
pub fn apart_minutes(a: &str, b: &str, on: Date) -> Option<i64> {
    let d = (offset_minutes(a, on)? - offset_minutes(b, on)?).rem_euclid(24 * 60);
    Some(d.min(24 * 60 - d))
}

/// Minutes of a 09:00–17:00 working day two zones share on `on`.
pub fn shared_minutes(a: &str, b: &str, on: Date) -> Option<i64> {
    apart_minutes(a, b, on).map(|d| (WORKDAY_MINUTES - d).max(0))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn offsets_follow_daylight_saving_time() {
        assert_eq!(offset_minutes("Europe/Berlin", date!(2026 - 01 - 15)), Some(60));
        assert_eq!(offset_minutes("Europe/Berlin", date!(2026 - 07 - 15)), Some(120));
        assert_eq!(offset_minutes("UTC", date!(2026 - 07 - 15)), Some(0));
        assert_eq!(offset_minutes("Mars/Olympus", date!(2026 - 07 - 15)), None);
    }

    #[test]
    fn apart_is_the_short_way_round() {
        let d = date!(2026 - 01 - 15);
        assert_eq!(apart_minutes("America/New_York", "Europe/London", d), Some(300));
        // Tokyo is UTC+9, Los Angeles UTC−8: 17 h one way, 7 h the other.
        assert_eq!(apart_minutes("Asia/Tokyo", "America/Los_Angeles", d), Some(7 * 60));
        assert_eq!(shared_minutes("America/New_York", "Europe/London", d), Some(180));
        assert_eq!(shared_minutes("Asia/Tokyo", "Europe/London", d), Some(0));
        assert_eq!(shared_minutes("Asia/Kolkata", "Asia/Kolkata", d), Some(480));
    }
}
