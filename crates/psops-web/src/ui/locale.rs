//! Dates as the reader writes them. A page's dates follow the browser's first language
//! (`Accept-Language`): `Dec 8, 2026` in American English, `8 Dec 2026` in other
//! English, `8.12.2026` in German and its neighbours, `08/12/2026` in French, Spanish,
//! Italian and Portuguese, ISO `2026-12-08` otherwise and for clients that send none
//! (scripts, tests). Inputs, links, CSV and the API always use ISO dates.

use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dates {
    #[default]
    Iso,
    MonthFirst,
    DayFirst,
    Dotted,
    Slashed,
}

tokio::task_local! {
    static DATES: Dates;
}

impl Dates {
    /// The style of the first language of an `Accept-Language` header.
    pub fn of(accept_language: &str) -> Dates {
        let first = accept_language
            .split([',', ';'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let (language, region) = first.split_once('-').unwrap_or((first.as_str(), ""));
        match (language, region) {
            ("en", "" | "us") => Dates::MonthFirst,
            ("en", _) => Dates::DayFirst,
            ("de" | "da" | "fi" | "nb" | "no" | "pl" | "cs" | "ru" | "tr", _) => Dates::Dotted,
            ("fr" | "es" | "it" | "pt" | "el", _) => Dates::Slashed,
            _ => Dates::Iso,
        }
    }

    pub fn write(self, d: Date) -> String {
        let month = d.month().to_string();
        let short = &month[..3];
        let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
        match self {
            Dates::Iso => psops_core::dates::format_date(d),
            Dates::MonthFirst => format!("{short} {day}, {y}"),
            Dates::DayFirst => format!("{day} {short} {y}"),
            Dates::Dotted => format!("{day}.{m}.{y}"),
            Dates::Slashed => format!("{day:02}/{m:02}/{y}"),
        }
    }

    /// A day of a week or month shown without its year: `Dec 8`, `8 Dec`, `8.12.`,
    /// `08/12`, `12-08`.
    pub fn write_short(self, d: Date) -> String {
        let month = d.month().to_string();
        let short = &month[..3];
        let (m, day) = (u8::from(d.month()), d.day());
        match self {
            Dates::Iso => format!("{m:02}-{day:02}"),
            Dates::MonthFirst => format!("{short} {day}"),
            Dates::DayFirst => format!("{day} {short}"),
            Dates::Dotted => format!("{day}.{m}."),
            Dates::Slashed => format!("{day:02}/{m:02}"),
        }
    }

    /// The style of the request being served (ISO outside one).
    pub fn current() -> Dates {
        DATES.try_with(|d| *d).unwrap_or_default()
    }

    /// Runs `f` with this style for every date it shows.
    pub async fn scope<F: std::future::Future>(self, f: F) -> F::Output {
        DATES.scope(self, f).await
    }
}

/// A date to show on a page, in the reader's style, kept on one line (its spaces do not
/// break: a narrow table column wraps around it, not through it).
pub fn shown(d: Date) -> String {
    Dates::current().write(d).replace(' ', "\u{a0}")
}

/// A date without its year, in the reader's style, kept on one line.
pub fn shown_short(d: Date) -> String {
    Dates::current().write_short(d).replace(' ', "\u{a0}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_language_writes_its_dates() {
        let d = date!(2026 - 12 - 08);
        let cases = [
            ("en-US,en;q=0.9", "Dec 8, 2026"),
            ("en", "Dec 8, 2026"),
            ("en-GB,en;q=0.8", "8 Dec 2026"),
            ("de-DE", "8.12.2026"),
            ("fr-FR,fr;q=0.9", "08/12/2026"),
            ("ja", "2026-12-08"),
            ("", "2026-12-08"),
        ];
        for (header, shown) in cases {
            assert_eq!(Dates::of(header).write(d), shown, "{header}");
        }
        assert_eq!(Dates::MonthFirst.write_short(d), "Dec 8");
        assert_eq!(Dates::Iso.write_short(d), "12-08");
    }

    #[tokio::test]
    async fn a_request_shows_its_own_style() {
        let d = date!(2026 - 01 - 05);
        assert_eq!(shown(d), "2026-01-05", "outside a request: ISO");
        let inside = Dates::DayFirst.scope(async { shown(d) }).await;
        assert_eq!(inside, "5\u{a0}Jan\u{a0}2026", "one line");
    }
}
