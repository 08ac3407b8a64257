//! A class's roster as a CSV file, one learner a row under exactly this header —
//! `name,email,organisation,attended` — with the learner's name and e-mail (how an
//! existing learner is found), their organisation (`employee`, `partner_consultant` or
//! `customer_contact`) and the class days they attended (YYYY-MM-DD, separated by `;`,
//! empty for none). Each row is read on its own: a bad row is reported with its line and
//! the others still count.

use time::Date;

use crate::code::Code;
use crate::csv_file::{CsvFile, Delimiter};
use crate::education::learners::LearnerOrg;
use crate::rule::Rule;
use crate::{Error, FieldError, Result};

/// The header a roster CSV carries, in this order.
pub const HEADER: [&str; 4] = ["name", "email", "organisation", "attended"];

/// One row read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// The file's line it was on.
    pub line: u64,
    pub name: String,
    pub email: String,
    pub organisation: LearnerOrg,
    pub attended: Vec<Date>,
}

/// The rows of a roster file: each a row or what is wrong with it (naming its line). A
/// file whose header is wrong, or that cannot be read as CSV, is refused whole.
pub fn read(text: &str) -> Result<Vec<std::result::Result<RosterRow, String>>> {
    let whole = |line: u64, rule: Rule, message: String| {
        Error::Invalid(vec![FieldError::new("csv", rule, format!("line {line}: {message}"))])
    };
    let mut file =
        CsvFile::open(text.as_bytes(), Delimiter::Sniff, true).map_err(|e| whole(e.line, e.rule, e.message))?;
    let header = file.header().map_err(|e| whole(e.line, e.rule, e.message))?;
    let names: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    if names != HEADER {
        return Err(whole(
            1,
            Rule::Header,
            format!("the header must be exactly: {}", HEADER.join(",")),
        ));
    }
    let mut out = Vec::new();
    for rec in file {
        let (line, r) = match rec {
            Ok(x) => x,
            Err(e) => {
                out.push(Err(format!("line {}: {}", e.line, e.message)));
                continue;
            }
        };
        let cell = |i: usize| r.get(i).unwrap_or("").trim().to_string();
        out.push(row(line, &cell(0), &cell(1), &cell(2), &cell(3)));
    }
    if out.is_empty() {
        return Err(whole(1, Rule::Required, "the file has no learners".into()));
    }
    Ok(out)
}

fn row(
    line: u64,
    name: &str,
    email: &str,
    organisation: &str,
    attended: &str,
) -> std::result::Result<RosterRow, String> {
    let mut why = Vec::new();
    if name.is_empty() {
        why.push("name is empty".to_string());
    }
    if !email.contains('@') {
        why.push(format!("'{email}' is not an e-mail address"));
    }
    let org = LearnerOrg::from_code(&organisation.to_lowercase());
    if org.is_err() {
        why.push(format!(
            "'{organisation}' is not an organisation: employee, partner_consultant or customer_contact"
        ));
    }
    let mut days = Vec::new();
    for d in attended.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        match crate::dates::parse_date("attended", d) {
            Ok(day) => days.push(day),
            Err(_) => why.push(format!("'{d}' is not a day like 2026-03-02")),
        }
    }
    match org {
        Ok(organisation) if why.is_empty() => Ok(RosterRow {
            line,
            name: name.to_string(),
            email: email.to_lowercase(),
            organisation,
            attended: days,
        }),
        _ => Err(format!("line {line}: {}", why.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_row_is_read_on_its_own() {
        let text = "name,email,organisation,attended\n\
                    Ada Lovelace,Ada@Example.com,customer_contact,2026-03-02;2026-03-03\n\
                    ,nobody,visitor,yesterday\n\
                    Bob,bob@example.com,employee,\n";
        let rows = read(text).unwrap();
        let ada = rows[0].as_ref().unwrap();
        assert_eq!(ada.email, "ada@example.com");
        assert_eq!(ada.attended, [date!(2026 - 03 - 02), date!(2026 - 03 - 03)]);
        let bad = rows[1].as_ref().unwrap_err();
        assert!(bad.starts_with("line 3:"), "{bad}");
        assert!(
            bad.contains("name is empty") && bad.contains("visitor") && bad.contains("yesterday"),
            "{bad}"
        );
        assert!(rows[2].as_ref().unwrap().attended.is_empty());
        assert!(read("who,when\nx,y\n").is_err(), "a wrong header is refused whole");
    }
}
