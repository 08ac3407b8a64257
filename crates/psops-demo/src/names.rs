//! The words the demo organisation is made of: people's names, customers, offerings
//! from the handbook's catalog, notes and rejection reasons, and the three regions with
//! their time zones and public holidays.

use std::collections::BTreeMap;

use time::{Date, Duration, Month, Weekday};

use psops_core::capacity::TimeOffKind;
use psops_core::dates::DateRange;

pub const FIRST_NAMES: &[&str] = &[
    "Olivia", "Liam", "Amara", "Noah", "Sofia", "Mateo", "Priya", "Ethan", "Yuki", "Lucas", "Chiara", "Kwame",
    "Hannah", "Arjun", "Elena", "Tomás", "Mei", "Jonas", "Fatima", "Oscar", "Ingrid", "Diego", "Aisha", "Felix",
    "Zara", "Mikael", "Leila", "Samuel", "Nadia", "Hugo", "Ana", "Ravi", "Clara", "Emeka", "Sakura", "Jakob", "Lucía",
    "Kenji", "Maya", "Omar", "Freya", "Daniel", "Isabel", "Wei", "Astrid", "Rafael", "Keiko", "Malik",
];

pub const LAST_NAMES: &[&str] = &[
    "Chen",
    "Okafor",
    "Müller",
    "García",
    "Patel",
    "Nakamura",
    "Johansson",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Silva",
    "Nguyen",
    "Schmidt",
    "O'Brien",
    "Haddad",
    "Tanaka",
    "Andersen",
    "Costa",
    "Fischer",
    "Mensah",
    "Kim",
    "Novak",
    "Larsen",
    "Moreau",
    "Ibrahim",
    "Sato",
    "Fernández",
    "Walsh",
    "Kumar",
    "Berg",
    "Romero",
    "Lindqvist",
    "Adeyemi",
    "Hoffmann",
    "Ito",
    "Rahman",
    "Byrne",
    "Santos",
    "Weber",
    "Park",
];

pub const ACCOUNTS: &[(&str, &str)] = &[
    ("Northwind Logistics", "Transportation"),
    ("Helios Energy", "Energy"),
    ("Bluebird Bank", "Financial services"),
    ("Contoso Health", "Healthcare"),
    ("Fabrikam Motors", "Automotive"),
    ("Tailspin Airways", "Aviation"),
    ("Litware Software", "Software"),
    ("Proseware Insurance", "Insurance"),
    ("Adatum Telecom", "Telecommunications"),
    ("Woodgrove Retail", "Retail"),
    ("Lucerne Publishing", "Media"),
    ("Margie's Travel", "Travel"),
    ("Trey Research", "Life sciences"),
    ("Alpine Ski House", "Hospitality"),
    ("Coho Vineyard", "Consumer goods"),
    ("Fourth Coffee", "Food and beverage"),
    ("Wide World Importers", "Wholesale"),
    ("Humongous Insurance", "Insurance"),
    ("Graphic Design Institute", "Education"),
    ("Southridge Video", "Media"),
    ("Nod Publishers", "Media"),
    ("City Power & Light", "Utilities"),
    ("VanArsdel Foods", "Food and beverage"),
    ("Relecloud", "Software"),
    ("Wingtip Toys", "Consumer goods"),
];

pub const CONTACT_TITLES: &[&str] = &[
    "VP Engineering",
    "Director of DevOps",
    "Platform Engineering Lead",
    "Head of Developer Experience",
    "CISO",
    "Engineering Manager",
];

/// Consulting offerings (handbook catalog) and whether they are sold fixed fee.
pub const CONSULTING: &[&str] = &[
    "GitLab migration",
    "Implementation",
    "CI/CD integration",
    "Advisory",
    "Dedicated engineer",
    "Consulting block",
    "Security and compliance rollout",
    "Kubernetes integration",
];

pub const EDUCATION: &[&str] = &[
    "GitLab with Git basics training",
    "CI/CD training",
    "DevSecOps training",
    "Custom education program",
];

pub const NON_BILLABLE_NOTES: &[&str] = &[
    "tools enablement: set up a demo runner fleet to reproduce the customer's pipeline",
    "tools enablement: learning the customer's SSO provider before the migration dry run",
    "tools enablement: congregate migration tooling upgrade",
    "tools enablement: building the import scripts for the customer's legacy SCM",
    "rework of the runbook after review, agreed as not billable with the PM",
    "internal handover to the new engineer on the engagement",
];

pub const REJECTION_REASONS: &[&str] = &[
    "Thursday's hours exceed the 6 h/day cap in the SOW; please move the overflow to Friday",
    "Workshop preparation should be logged separately from delivery hours",
    "Non-billable tools enablement time needs a note that says what was enabled",
    "This project was on hold that week; please move the hours to the internal project",
    "Hours are on the wrong milestone; please log them against the migration phase",
];

pub const PTO_NOTES: &[&str] = &["Vacation", "Family visit", "Long weekend", "Doctor's appointment"];

/// A region: its code, holiday-calendar name, time zones and customer currency.
pub struct Region {
    pub code: &'static str,
    pub calendar: &'static str,
    pub zones: &'static [&'static str],
    pub currency: &'static str,
}

pub const REGIONS: [Region; 3] = [
    Region {
        code: "AMER",
        calendar: "AMER public holidays (United States)",
        zones: &[
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Toronto",
        ],
        currency: "USD",
    },
    Region {
        code: "EMEA",
        calendar: "EMEA public holidays (United Kingdom and Germany)",
        zones: &[
            "Europe/London",
            "Europe/Berlin",
            "Europe/Paris",
            "Europe/Amsterdam",
            "Europe/Dublin",
        ],
        currency: "EUR",
    },
    Region {
        code: "APAC",
        calendar: "APAC public holidays (Australia and Singapore)",
        zones: &[
            "Australia/Sydney",
            "Asia/Singapore",
            "Asia/Tokyo",
            "Australia/Melbourne",
        ],
        currency: "AUD",
    },
];

fn nth_weekday(year: i32, month: Month, weekday: Weekday, n: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, 1).ok().map(|first| {
        let offset =
            (7 + weekday.number_days_from_monday() as i64 - first.weekday().number_days_from_monday() as i64) % 7;
        first + Duration::days(offset + 7 * (i64::from(n) - 1))
    })
}

fn last_weekday(year: i32, month: Month, weekday: Weekday) -> Option<Date> {
    let last = Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()?;
    let back = (7 + last.weekday().number_days_from_monday() as i64 - weekday.number_days_from_monday() as i64) % 7;
    Some(last - Duration::days(back))
}

/// Easter Sunday (the anonymous Gregorian computus).
pub fn easter(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_calendar_date(year, Month::try_from(month as u8).ok()?, day as u8).ok()
}

/// Lunar New Year's day, for the years the demo is likely to cover.
fn lunar_new_year(year: i32) -> Option<Date> {
    const DAYS: &[(i32, u8, u8)] = &[
        (2020, 1, 25),
        (2021, 2, 12),
        (2022, 2, 1),
        (2023, 1, 22),
        (2024, 2, 10),
        (2025, 1, 29),
        (2026, 2, 17),
        (2027, 2, 6),
        (2028, 1, 26),
        (2029, 2, 13),
        (2030, 2, 3),
        (2031, 1, 23),
        (2032, 2, 11),
        (2033, 1, 31),
        (2034, 2, 19),
        (2035, 2, 8),
    ];
    let &(_, m, d) = DAYS.iter().find(|(y, _, _)| *y == year)?;
    Date::from_calendar_date(year, Month::try_from(m).ok()?, d).ok()
}

fn fixed(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

/// The region's public holidays in a year, in date order, one per date.
pub fn holidays(region: usize, year: i32) -> Vec<(Date, &'static str)> {
    use Month::*;
    use Weekday::*;
    let easter = easter(year);
    let from_easter = |days: i64| easter.map(|e| e + Duration::days(days));
    let list: Vec<(Option<Date>, &'static str)> = match region {
        0 => vec![
            (fixed(year, January, 1), "New Year's Day"),
            (nth_weekday(year, January, Monday, 3), "Martin Luther King Jr. Day"),
            (nth_weekday(year, February, Monday, 3), "Presidents' Day"),
            (last_weekday(year, May, Monday), "Memorial Day"),
            (fixed(year, June, 19), "Juneteenth"),
            (fixed(year, July, 4), "Independence Day"),
            (nth_weekday(year, September, Monday, 1), "Labor Day"),
            (nth_weekday(year, October, Monday, 2), "Indigenous Peoples' Day"),
            (fixed(year, November, 11), "Veterans Day"),
            (nth_weekday(year, November, Thursday, 4), "Thanksgiving Day"),
            (fixed(year, December, 25), "Christmas Day"),
        ],
        1 => vec![
            (fixed(year, January, 1), "New Year's Day"),
            (from_easter(-2), "Good Friday"),
            (from_easter(1), "Easter Monday"),
            (fixed(year, May, 1), "Labour Day"),
            (from_easter(39), "Ascension Day"),
            (from_easter(50), "Whit Monday"),
            (last_weekday(year, May, Monday), "Spring bank holiday"),
            (last_weekday(year, August, Monday), "Summer bank holiday"),
            (fixed(year, October, 3), "Day of German Unity"),
            (fixed(year, December, 25), "Christmas Day"),
            (fixed(year, December, 26), "Boxing Day"),
        ],
        _ => vec![
            (fixed(year, January, 1), "New Year's Day"),
            (fixed(year, January, 26), "Australia Day"),
            (lunar_new_year(year), "Lunar New Year"),
            (from_easter(-2), "Good Friday"),
            (from_easter(1), "Easter Monday"),
            (fixed(year, April, 25), "ANZAC Day"),
            (nth_weekday(year, June, Monday, 2), "King's Birthday"),
            (fixed(year, August, 9), "National Day (Singapore)"),
            (nth_weekday(year, October, Monday, 1), "Labour Day"),
            (fixed(year, December, 25), "Christmas Day"),
            (fixed(year, December, 26), "Boxing Day"),
        ],
    };
    let mut out: Vec<(Date, &'static str)> = list.into_iter().filter_map(|(d, n)| d.map(|d| (d, n))).collect();
    out.sort_by_key(|(d, _)| *d);
    out.dedup_by_key(|(d, _)| *d);
    out
}

/// Company-wide days off: four friends-and-family Fridays and the summit week in April.
pub(crate) fn company_days(range: DateRange) -> BTreeMap<Date, TimeOffKind> {
    let mut out = BTreeMap::new();
    for year in range.start.year()..=range.end.year() + 1 {
        for month in [Month::February, Month::May, Month::August, Month::November] {
            if let Some(d) = nth_weekday(year, month, Weekday::Friday, 2) {
                out.insert(d, TimeOffKind::FriendsAndFamily);
            }
        }
        if let Some(monday) = nth_weekday(year, Month::April, Weekday::Monday, 3) {
            for i in 0..5 {
                out.insert(monday + Duration::days(i), TimeOffKind::SummitTraining);
            }
        }
    }
    out
}

/// Finance closes each month once it ended 45 days before the demo's today.
pub(crate) fn locked_months(range: DateRange) -> Vec<DateRange> {
    let mut out = Vec::new();
    let cutoff = range.end - Duration::days(45);
    let mut key = psops_core::reporting::month_key(range.start) + 1;
    while let Some(month) = psops_core::reporting::month_range(key) {
        if month.end > cutoff {
            break;
        }
        out.push(month);
        key += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn holidays_fall_on_their_days() {
        assert_eq!(easter(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter(2025), Some(date!(2025 - 04 - 20)));
        let us = holidays(0, 2026);
        assert_eq!(us.len(), 11);
        assert!(us.contains(&(date!(2026 - 11 - 26), "Thanksgiving Day")));
        assert!(us.contains(&(date!(2026 - 05 - 25), "Memorial Day")));
        assert!(us.contains(&(date!(2026 - 01 - 19), "Martin Luther King Jr. Day")));
        let emea = holidays(1, 2026);
        assert!(emea.contains(&(date!(2026 - 04 - 03), "Good Friday")));
        assert!((10..=11).contains(&emea.len()));
        let apac = holidays(2, 2026);
        assert!(apac.contains(&(date!(2026 - 02 - 17), "Lunar New Year")));
        assert_eq!(apac.len(), 11);
    }
}
