//! Cell values as exports write them: dates in three conventions, 12- and 24-hour times,
//! durations as `h:mm`, `hh:mm:ss` or decimal hours, booleans in English and German, and
//! amounts with either decimal mark — all parsed exactly, without floating point.

use time::{Date, Month, Time};

use super::DateOrder;
use crate::Minutes;
use crate::money::{Currency, Money};

/// `YYYY-MM-DD` (or with `/`), `DD.MM.YYYY` (a dot always means day first) and
/// `a/b/YYYY` or `a-b-YYYY`, read in `order`. A time after the date is ignored. Only
/// dates between 1900-01-01 and 2200-12-31 are dates to psops (see `dates::EARLIEST`).
pub fn parse_date(s: &str, order: DateOrder) -> Option<Date> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 {
        (a, b, c)
    } else if c.len() == 4 {
        match (sep, order) {
            ('.', _) | (_, DateOrder::DayFirst) => (c, b, a),
            (_, DateOrder::MonthFirst) => (c, a, b),
        }
    } else {
        return None;
    };
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let month = Month::try_from(u8::try_from(num(m)?).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(num(y)?).ok()?, month, u8::try_from(num(d)?).ok()?)
        .ok()
        .filter(|d| crate::dates::in_bounds(*d))
}

/// `9:30`, `09:30:00`, `01:30 PM`, `1:30pm`, and the time part of `2026-03-02T09:30:00+01:00`.
pub fn parse_time(s: &str) -> Option<Time> {
    let mut s = s.trim();
    if let Some(i) = s.find('T').or_else(|| s.find(' ').filter(|&i| s[..i].contains('-'))) {
        s = &s[i + 1..];
        // An offset after the time says nothing about the wall-clock time that was logged.
        let end = s.find(['+', '-', 'Z', 'z']).unwrap_or(s.len());
        s = &s[..end];
    }
    let lower = s.trim().to_ascii_lowercase().replace('.', "");
    let (clock, meridiem) = if let Some(c) = lower.strip_suffix("am") {
        (c.trim(), Some(false))
    } else if let Some(c) = lower.strip_suffix("pm") {
        (c.trim(), Some(true))
    } else {
        (lower.as_str(), None)
    };
    let num = |t: &str| -> Option<u8> {
        (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if m.len() == 2 => (num(h)?, num(m)?, 0),
        [h, m, sec] if m.len() == 2 => (num(h)?, num(m)?, num(sec)?),
        _ => return None,
    };
    let h = match meridiem {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    Time::from_hms(h, m, sec).ok()
}

/// A duration as exports write it: [`Minutes::parse_rounded`], so `0.33` hours is 20 minutes.
pub fn parse_duration(s: &str) -> Option<Minutes> {
    Minutes::parse_rounded(s).ok()
}

/// A count of minutes (`90`), as psops's CSV and Kantata write durations: digits only.
pub fn whole_minutes(s: &str) -> Option<Minutes> {
    let s = s.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok().map(Minutes))?
}

/// Yes/No, true/false, 1/0, y/n, Ja/Nein (and a spreadsheet's `x` tick), case-insensitive.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "ja" | "j" | "wahr" | "x" | "billable" => Some(true),
        "no" | "n" | "false" | "f" | "0" | "nein" | "falsch" | "non-billable" | "not billable" => Some(false),
        _ => None,
    }
}

/// An amount as exports print it — `1,234.50`, `$150`, `150.00 USD`, or `1.234,50 €` with
/// `decimal_comma` — in exact minor units. More decimals than the currency has is an error,
/// not a rounding, and a thousands mark must group by three, so `12,5` is never read as 125.
pub fn parse_money(s: &str, currency: Currency, decimal_comma: bool) -> Option<Money> {
    let s = s.trim();
    let code = currency.as_str();
    let s = s.strip_suffix(code).or_else(|| s.strip_prefix(code)).unwrap_or(s);
    let body: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '$' | '€' | '£' | '¥' | '\''))
        .collect();
    let (neg, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.as_str()),
    };
    let (thousands, mark) = if decimal_comma { ('.', ',') } else { (',', '.') };
    let (int, frac) = body.split_once(mark).unwrap_or((body, ""));
    let groups: Vec<&str> = int.split(thousands).collect();
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let ok_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if body.is_empty() || !grouped || !groups.iter().all(|g| ok_digits(g)) || !ok_digits(frac) {
        return None;
    }
    let sign = if neg { "-" } else { "" };
    Money::parse(&format!("{sign}{}.{frac}", groups.concat()), currency).ok()
}

/// A currency as exports name it: `USD`, `usd`, or Harvest's `United States Dollar - USD`.
pub fn parse_currency(s: &str) -> Option<Currency> {
    let s = s.trim();
    let code = s
        .rsplit([' ', '(', ')', '-'])
        .find(|t| !t.is_empty())
        .unwrap_or(s)
        .to_ascii_uppercase();
    code.parse().ok()
}

/// Tags as one cell: `a, b` or `a;b`.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A note as the file has it, with Windows line ends made plain and blank made absent.
pub fn clean_note(s: Option<&str>) -> Option<String> {
    let s = s?.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// German headers mean German number formatting (`1.234,50`).
pub(crate) fn looks_german(names: &[String]) -> bool {
    names.iter().any(|n| {
        matches!(
            n.trim().to_lowercase().as_str(),
            "datum" | "dauer" | "tätigkeit" | "kunde" | "projekt"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, time};

    #[test]
    fn dates_in_every_convention() {
        let day = DateOrder::DayFirst;
        let month = DateOrder::MonthFirst;
        assert_eq!(parse_date("2026-03-02", month), Some(date!(2026 - 03 - 02)));
        assert_eq!(parse_date("2026/03/02", day), Some(date!(2026 - 03 - 02)));
        assert_eq!(
            parse_date("02.03.2026", month),
            Some(date!(2026 - 03 - 02)),
            "a dot is day-first"
        );
        assert_eq!(parse_date("2.3.2026", day), Some(date!(2026 - 03 - 02)));
        assert_eq!(parse_date("03/02/2026", month), Some(date!(2026 - 03 - 02)));
        assert_eq!(parse_date("03/02/2026", day), Some(date!(2026 - 02 - 03)));
        assert_eq!(parse_date("13/02/2026", month), None, "no 13th month");
        assert_eq!(parse_date("9999-12-31", month), None, "outside the bounds");
        assert_eq!(parse_date("31.12.1899", day), None, "outside the bounds");
        assert_eq!(parse_date("2200-12-31", day), Some(crate::dates::LATEST));
        assert_eq!(parse_date("2026-03-02T09:00:00+0100", day), Some(date!(2026 - 03 - 02)));
        for bad in ["", "2026-02-30", "02-03-26", "yesterday", "2026-3", "1.2.3.2026"] {
            assert_eq!(parse_date(bad, day), None, "{bad}");
        }
    }

    #[test]
    fn times_in_12_and_24_hours() {
        assert_eq!(parse_time("09:30"), Some(time!(09:30)));
        assert_eq!(parse_time("9:30:15"), Some(time!(09:30:15)));
        assert_eq!(parse_time("01:30 PM"), Some(time!(13:30)));
        assert_eq!(parse_time("12:00 PM"), Some(time!(12:00)));
        assert_eq!(parse_time("12:15 am"), Some(time!(00:15)));
        assert_eq!(parse_time("11:59 p.m."), Some(time!(23:59)));
        assert_eq!(parse_time("2026-03-02T09:00:00+0100"), Some(time!(09:00)));
        assert_eq!(parse_time("2026-03-02 17:45:00"), Some(time!(17:45)));
        assert_eq!(parse_time("2026-03-02T08:00:00-05:00"), Some(time!(08:00)));
        for bad in ["", "25:00", "13:00 PM", "0:00 AM", "9", "9:5", "nine"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_in_every_style() {
        let cases = [
            ("1:30", 90),
            ("01:30:00", 90),
            ("00:44:31", 45),
            ("00:44:29", 44),
            ("1.5", 90),
            ("1,5", 90),
            ("0.33", 20),
            ("0.17", 10),
            ("0,083", 5),
            ("2", 120),
            ("90m", 90),
            ("2h", 120),
            ("100:00", 6000),
        ];
        for (text, minutes) in cases {
            assert_eq!(parse_duration(text), Some(Minutes(minutes)), "{text}");
        }
        for bad in [
            "",
            "-1:00",
            "1:5",
            "1:60",
            "1:30:60",
            "1e2",
            "one",
            "1.2.3",
            "1:30:00:00",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn booleans_in_english_and_german() {
        for t in ["Yes", "TRUE", "1", "ja", "J", "y"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["No", "false", "0", "Nein", "n"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn money_exactly_with_either_decimal_mark() {
        let usd = Currency::USD;
        let eur: Currency = "EUR".parse().unwrap();
        let m = |s: &str, c, comma| parse_money(s, c, comma).map(|m| m.amount_minor);
        assert_eq!(m("1,234.50", usd, false), Some(123_450));
        assert_eq!(m("$150", usd, false), Some(15_000));
        assert_eq!(m("150.00 USD", usd, false), Some(15_000));
        assert_eq!(m("-12.5", usd, false), Some(-1_250));
        assert_eq!(m("1.234,50 €", eur, true), Some(123_450));
        assert_eq!(m("0,07", eur, true), Some(7));
        assert_eq!(m("1 234,50", eur, true), Some(123_450));
        assert_eq!(m("12,5", usd, false), None, "a comma that does not group thousands");
        assert_eq!(m("1.234", usd, false), None, "more decimals than cents");
        for bad in ["", "n/a", "1,23,4.00", "12.3.4", "--1"] {
            assert_eq!(m(bad, usd, false), None, "{bad}");
        }
    }

    #[test]
    fn currencies_as_exports_name_them() {
        let usd = Some(Currency::USD);
        assert_eq!(parse_currency("USD"), usd);
        assert_eq!(parse_currency("usd"), usd);
        assert_eq!(parse_currency("United States Dollar - USD"), usd);
        assert_eq!(parse_currency("US Dollar (USD)"), usd);
        assert_eq!(parse_currency("Dollar"), None);
    }

    #[test]
    fn tags_and_notes() {
        assert_eq!(split_tags("onsite, kickoff;;remote "), ["onsite", "kickoff", "remote"]);
        assert_eq!(clean_note(Some("  a\r\nb\rc  ")).as_deref(), Some("a\nb\nc"));
        assert_eq!(clean_note(Some("   ")), None);
    }

    proptest! {
        /// Wherever psops's own parser accepts a duration, the import parser reads the same.
        #[test]
        fn agrees_with_minutes_parse(h in 0i64..200, m in 0i64..60, s in 0i64..60, style in 0u8..5) {
            let text = match style {
                0 => format!("{h}:{m:02}"),
                1 => format!("{h:02}:{m:02}:{s:02}"),
                2 => format!("{h}.{}", [0, 25, 5, 75][(m % 4) as usize]),
                3 => format!("{h},{}", (m % 10)),
                _ => format!("{}m", h * 60 + m),
            };
            if let Ok(expected) = Minutes::parse(&text) {
                prop_assert_eq!(parse_duration(&text), Some(expected), "{}", text);
            }
        }

        /// Two-decimal hours, as Harvest writes them, read back to the same whole minute.
        #[test]
        fn hours_text_reads_back(minutes in 0i64..100_000) {
            prop_assert_eq!(parse_duration(&Minutes(minutes).hours_text()), Some(Minutes(minutes)));
        }

        #[test]
        fn money_text_reads_back(minor in -10_000_000_000i64..10_000_000_000) {
            let m = Money::new(minor, Currency::USD);
            let plain = super::super::export::decimal_text(m);
            prop_assert_eq!(parse_money(&plain, Currency::USD, false), Some(m));
            prop_assert_eq!(parse_money(&plain.replace('.', ","), Currency::USD, true), Some(m));
        }
    }
}
