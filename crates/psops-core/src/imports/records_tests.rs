//! Unit tests of the psops record CSV shapes.

use super::*;

use crate::rule::Rule;

#[test]
fn people_parse_with_defaults_and_report_every_bad_cell() {
    let csv = "\u{feff}name,email,function,region,fte,employment_start,manager_email\n\
               Zoë Müller,Zoe@Example.com,engineer,EMEA,0.8,2024-01-15,\n\
               Bad,not-an-email,wizard,EMEA,1.5,2024-13-01,\n";
    let errors = read_people(csv.as_bytes()).unwrap_err();
    let cells: Vec<(u64, &str, Rule)> = errors.iter().map(|e| (e.line, e.column.as_str(), e.rule)).collect();
    assert_eq!(
        cells,
        [
            (3, "function", Rule::OneOf),
            (3, "fte", Rule::Range),
            (3, "employment_start", Rule::Date)
        ]
    );
    let ok = read_people(&csv.as_bytes()[..csv.find("Bad").unwrap_or(0)]).unwrap();
    assert_eq!(ok[0].email, "zoe@example.com");
    assert_eq!(ok[0].fte.basis_points(), 8000);
    assert_eq!(ok[0].time_zone, "UTC");
}

#[test]
fn fte_is_exact() {
    assert_eq!(fte("0.8").map(Fte::basis_points), Some(8000));
    assert_eq!(fte("80%").map(Fte::basis_points), Some(8000));
    assert_eq!(fte("1").map(Fte::basis_points), Some(10_000));
    assert_eq!(fte(".5").map(Fte::basis_points), Some(5000));
    assert!(fte("0").is_none() && fte("1.00001").is_none() && fte("x").is_none());
}

#[test]
fn projects_need_an_account_unless_internal() {
    let csv = "name,code,account,project_type,billing_type,budget_hours,budget_amount,currency\n\
               Migration,ACME-MIG,Acme,consulting,time_and_materials,120.5,12500.00,usd\n\
               Bench,,,internal,non_billable,,,\n\
               Orphan,,,consulting,fixed_fee,,100,\n";
    let errors = read_projects(csv.as_bytes()).unwrap_err();
    let rules: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
    assert_eq!(rules, [(4, "currency"), (4, "account")]);
    let two: String = csv.lines().take(3).collect::<Vec<_>>().join("\n");
    let ok = read_projects(two.as_bytes()).unwrap();
    assert_eq!(ok[0].budget_minutes, Some(Minutes(7230)));
    assert_eq!(ok[0].budget, Some(Money::new(1_250_000, Currency::USD)));
    assert_eq!(ok[0].status, ProjectStatus::Active);
    assert_eq!(ok[1].project_type, ProjectType::Internal);
}

#[test]
fn a_missing_required_column_is_one_header_error() {
    let errors = read_accounts("code,region\nA,EMEA\n".as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].column.as_str(), errors[0].rule),
        ("name", Rule::MissingColumn)
    );
}

#[test]
fn windows_files_report_the_lines_a_spreadsheet_shows() {
    let csv = "name,code,region\r\nAcme,ACME,EMEA\r\n\r\n,,\r\nGlobex,GLX,\r\n,NONAME,EMEA\r\n";
    let error = &read_accounts(csv.as_bytes()).unwrap_err()[..];
    let [e] = error else { panic!("one error: {error:?}") };
    assert_eq!(
        (e.line, e.column.as_str(), e.rule),
        (6, "name", Rule::Required),
        "blank rows are skipped, lines still count"
    );
}
