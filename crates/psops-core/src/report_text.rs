//! Reports as text cells — hours with two decimals, percentages with one — so the CSV
//! the API serves and the tables and CSV the CLI prints say the same thing the same way.
//! An absent figure (a ratio over nothing, a function without a target) is an empty cell.

use crate::Minutes;
use crate::capacity::HandbookRow;
use crate::code::Code;
use crate::dates::format_date;
use crate::ratio::percent_text;
use crate::reporting::ComplianceRow;
use crate::utilization::UtilizationRow;

pub const UTILIZATION_HEADERS: [&str; 15] = [
    "key",
    "name",
    "available_policy_h",
    "available_calendar_h",
    "worked_h",
    "billable_h",
    "target_h",
    "utilization",
    "billable_utilization",
    "calendar_utilization",
    "calendar_billable_utilization",
    "billable_mix",
    "target",
    "attainment",
    "to_target_h",
];

pub fn hours(m: Minutes) -> String {
    m.hours_text()
}

pub fn percent(bp: Option<i64>) -> String {
    bp.map(percent_text).unwrap_or_default()
}

/// One utilization line, in the order of [`UTILIZATION_HEADERS`].
pub fn utilization_cells(key: &str, name: &str, r: &UtilizationRow) -> Vec<String> {
    vec![
        key.to_string(),
        name.to_string(),
        hours(r.available_policy_minutes),
        hours(r.available_calendar_minutes),
        hours(r.worked_minutes),
        hours(r.billable_minutes),
        hours(r.target_minutes),
        percent(r.utilization_bp),
        percent(r.billable_utilization_bp),
        percent(r.calendar_utilization_bp),
        percent(r.calendar_billable_utilization_bp),
        percent(r.billable_mix_bp),
        percent(r.target_bp),
        percent(r.attainment_bp),
        hours(r.to_target_minutes),
    ]
}

pub const HANDBOOK_HEADERS: [&str; 4] = ["item", "formula", "hours", "key"];

pub fn handbook_cells(r: &HandbookRow) -> Vec<String> {
    vec![r.item.clone(), r.formula.clone(), hours(r.minutes), r.key.clone()]
}

pub const COMPLIANCE_HEADERS: [&str; 6] = [
    "person_id",
    "name",
    "manager_id",
    "submitted_on",
    "approved_on",
    "status",
];

pub fn compliance_cells(r: &ComplianceRow) -> Vec<String> {
    vec![
        r.person_id.to_string(),
        r.name.clone(),
        r.manager_id.map(|m| m.to_string()).unwrap_or_default(),
        r.submitted_on.map(format_date).unwrap_or_default(),
        r.approved_on.map(format_date).unwrap_or_default(),
        r.status.code().to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::CapacityRules;
    use crate::utilization::utilization_row;

    #[test]
    fn the_handbook_reads_in_hours_with_two_decimals() {
        let rows = CapacityRules::handbook().handbook_table();
        let hours: Vec<String> = rows.iter().map(|r| handbook_cells(r)[2].clone()).collect();
        for want in [
            "88.00", "256.00", "40.00", "384.00", "2080.00", "1696.00", "424.00", "296.80", "233.20",
        ] {
            assert!(hours.iter().any(|h| h == want), "{want} in {hours:?}");
        }
    }

    #[test]
    fn utilization_cells_round_once_and_leave_unknowns_empty() {
        let r = utilization_row(Minutes(25_440), Minutes(24_000), Minutes(20_000), Minutes(15_000), 7000);
        let cells = utilization_cells("7", "Ada", &r);
        assert_eq!(cells.len(), UTILIZATION_HEADERS.len());
        assert_eq!(cells[2], "424.00");
        assert_eq!(cells[6], "296.80");
        assert_eq!(cells[7], "78.6%");
        assert_eq!(cells[8], "59.0%");
        assert_eq!(cells[11], "75.0%");
        let none = utilization_row(Minutes(0), Minutes(0), Minutes(0), Minutes(0), 0);
        assert_eq!(utilization_cells("x", "", &none)[7], "");
    }
}
