//! Identity mapping: e-mail, then full name, then names or codes, then the mapping file.

use psops_core::Id;
use psops_core::interchange::mapping::{Directory, EntityKind, Mapping, Unmatched, resolve};
use psops_core::interchange::{Format, Options};
use psops_core::rule::Rule;
use psops_core::time_entries::InternalCategory;

use crate::support::{read, where_what};

const HARVEST: &[u8] = include_bytes!("../fixtures/interchange/harvest_detailed.csv");
const TOGGL: &[u8] = include_bytes!("../fixtures/interchange/toggl_detailed.csv");
const KIMAI: &[u8] = include_bytes!("../fixtures/interchange/kimai_en.csv");

fn directory() -> Directory {
    let mut d = Directory::default();
    d.add_person(Id::new(1), "zoe@example.com", "Zoë Müller");
    d.add_person(Id::new(2), "lukasz@example.com", "Łukasz Nowak");
    d.add_person(Id::new(3), "jose@example.com", "José da Silva");
    d.add_account(Id::new(10), "Acme, Inc.", Some("C-001"));
    d.add_account(Id::new(11), "Globex Corporation", Some("GLX"));
    d.add_project(Id::new(100), Some(Id::new(10)), "Cloud Migration", Some("ACME-MIG"));
    d.add_project(Id::new(101), Some(Id::new(11)), "Data Platform", Some("GLX-DP"));
    // Two accounts each have an "Implementation" project: only the account tells them apart.
    d.add_project(Id::new(102), Some(Id::new(10)), "Implementation", None);
    d.add_project(Id::new(103), Some(Id::new(11)), "Implementation", None);
    d
}

#[test]
fn harvest_rows_match_by_name_and_code_and_report_the_unknown() {
    let r = read(Format::Harvest, HARVEST, Options::default());
    let dir = directory();
    let mapping = Mapping::default();
    let first = resolve(&r.rows[0], &dir, &mapping).unwrap();
    assert_eq!(
        (first.person_id, first.project_id, first.account_id),
        (Id::new(1), Some(Id::new(100)), Some(Id::new(10)))
    );
    // "Globex" is not the account's name, but the project's code decides.
    let globex = resolve(&r.rows[2], &dir, &mapping).unwrap();
    assert_eq!(
        (globex.person_id, globex.project_id, globex.account_id),
        (Id::new(3), Some(Id::new(101)), Some(Id::new(11)))
    );
    // Priya is not in psops and "Admin Training" is no project: both are named.
    let priya = resolve(&r.rows[4], &dir, &mapping).unwrap_err();
    assert_eq!(
        where_what(&priya.errors),
        [
            (8, "First Name".to_string(), Rule::UnmatchedPerson),
            (8, "Project".to_string(), Rule::UnmatchedProject),
            (8, "Client".to_string(), Rule::UnmatchedAccount),
        ]
    );
    assert!(priya.only_missing());
    assert_eq!(
        priya.missing,
        [
            Unmatched::Person {
                email: None,
                name: Some("Priya Raman".into())
            },
            Unmatched::Project {
                account: Some("Initech".into()),
                name: Some("Admin Training".into()),
                code: Some("INI-TR".into())
            },
            Unmatched::Account {
                name: Some("Initech".into()),
                code: None
            },
        ]
    );
}

#[test]
fn the_mapping_file_resolves_the_rest() {
    let file = "\u{feff}kind,source,target\n\
                person,Priya Raman,jose@example.com\n\
                project,INI-TR,Data Platform\n\
                project,Internal,admin\n\
                account,Initech,GLX\n";
    let mapping = Mapping::parse(file.as_bytes()).unwrap();
    assert_eq!(mapping.len(), 4);
    assert_eq!(
        mapping.target(EntityKind::Person, "PRIYA RAMAN"),
        Some("jose@example.com")
    );
    let r = read(Format::Harvest, HARVEST, Options::default());
    let priya = resolve(&r.rows[4], &directory(), &mapping).unwrap();
    assert_eq!((priya.person_id, priya.project_id), (Id::new(3), Some(Id::new(101))));
    assert_eq!(priya.account_id, Some(Id::new(11)));

    // Toggl's "Internal" project is mapped to a category, not a project.
    let mut row = read(Format::Toggl, TOGGL, Options::default()).rows.remove(0);
    row.project = Some("Internal".into());
    let internal = resolve(&row, &directory(), &mapping).unwrap();
    assert_eq!(
        (internal.project_id, internal.category),
        (None, Some(InternalCategory::Admin))
    );
}

#[test]
fn people_by_email_first_then_name() {
    let r = read(Format::Toggl, TOGGL, Options::default());
    let dir = directory();
    // zoe.mueller@… is not her psops e-mail, so her full name matches.
    let zoe = resolve(&r.rows[0], &dir, &Mapping::default()).unwrap();
    assert_eq!(zoe.person_id, Id::new(1));
    let lukasz = resolve(&r.rows[2], &dir, &Mapping::default()).unwrap();
    assert_eq!(lukasz.person_id, Id::new(2));
    // A row without project or category is an error naming the project column.
    let expenses = resolve(&r.rows[5], &dir, &Mapping::default()).unwrap_err();
    assert_eq!(
        where_what(&expenses.errors),
        [(8, "Project".to_string(), Rule::ProjectOrCategory)]
    );
    assert!(!expenses.only_missing());
}

#[test]
fn internal_categories_come_from_the_activity() {
    let r = read(Format::Kimai, KIMAI, Options::default());
    let admin = resolve(&r.rows[6], &directory(), &Mapping::default()).unwrap();
    assert_eq!(
        (admin.person_id, admin.project_id, admin.category),
        (Id::new(2), None, Some(InternalCategory::Admin))
    );
}

#[test]
fn repeated_names_need_the_account_or_a_code() {
    let dir = directory();
    let mut row = read(Format::Kimai, KIMAI, Options::default()).rows.remove(0);
    row.project = Some("Implementation".into());
    row.project_code = None;
    let acme = resolve(&row, &dir, &Mapping::default()).unwrap();
    assert_eq!(acme.project_id, Some(Id::new(102)));
    row.account = None;
    row.account_code = None;
    let unclear = resolve(&row, &dir, &Mapping::default()).unwrap_err();
    assert_eq!(unclear.errors[0].rule, Rule::AmbiguousProject);
    assert!(unclear.missing.is_empty());
    let mut mapping = Mapping::default();
    mapping.insert(EntityKind::Project, "implementation", "Implementation");
    assert!(
        resolve(&row, &dir, &mapping).is_err(),
        "a mapping to the same repeated name settles nothing"
    );
    let mut d = directory();
    d.add_project(Id::new(102), Some(Id::new(10)), "Implementation", Some("ACME-IMPL"));
    mapping.insert(EntityKind::Project, "Implementation", "acme-impl");
    assert_eq!(resolve(&row, &d, &mapping).unwrap().project_id, Some(Id::new(102)));

    let mut d = directory();
    d.add_person(Id::new(4), "zoe.m@other.example", "Zoë Müller");
    let mut row = read(Format::Harvest, HARVEST, Options::default()).rows.remove(0);
    row.person.email = None;
    assert_eq!(
        resolve(&row, &d, &Mapping::default()).unwrap_err().errors[0].rule,
        Rule::AmbiguousPerson
    );
}

#[test]
fn a_project_of_another_account_is_a_mismatch() {
    let mut row = read(Format::Kimai, KIMAI, Options::default()).rows.remove(0);
    row.account = Some("Globex Corporation".into());
    row.account_code = None;
    let e = resolve(&row, &directory(), &Mapping::default()).unwrap_err();
    assert_eq!(
        where_what(&e.errors),
        [(2, "Customer".to_string(), Rule::AccountMismatch)]
    );
}

#[test]
fn bad_mapping_files_report_every_line() {
    let file = "kind,source,target\n\
                person,Priya,priya@example.com\n\
                team,Ops,ops\n\
                project,,X\n\
                person,priya,someone@example.com\n";
    let errors = Mapping::parse(file.as_bytes()).unwrap_err();
    assert_eq!(
        where_what(&errors),
        [
            (3, "kind".to_string(), Rule::OneOf),
            (4, "source".to_string(), Rule::Required),
            (5, "source".to_string(), Rule::Duplicate),
        ]
    );
    let errors = Mapping::parse("kind,from,to\n".as_bytes()).unwrap_err();
    assert_eq!(where_what(&errors), [(1, "source".to_string(), Rule::MissingColumn)]);
}

/// An error names the column the row took the value from, as the file spells it — the one
/// rule the import report and the matching both use.
#[test]
fn errors_name_the_files_own_columns() {
    let harvest = read(Format::Harvest, HARVEST, Options::default()).rows.remove(0);
    assert_eq!(harvest.column("minutes"), "Hours");
    assert_eq!(harvest.column("date"), "Date");
    assert_eq!(harvest.column("note"), "Notes");
    assert_eq!(harvest.column("billable"), "Billable?");
    assert_eq!(harvest.column("project_id"), "Project");
    assert_eq!(harvest.column("person_id"), "First Name", "Harvest has no e-mail");
    assert_eq!(harvest.column("Client"), "Client");
    let de: &[u8] = include_bytes!("../fixtures/interchange/kimai_de.csv");
    let kimai = read(Format::Kimai, de, Options::default()).rows.remove(0);
    assert_eq!(kimai.column("minutes"), "Dauer");
    assert_eq!(kimai.column("date"), "Datum");
    assert_eq!(kimai.column("person_id"), "E-Mail");
    assert_eq!(kimai.column("Project"), "Projekt");
    let keys: &[u8] = include_bytes!("../fixtures/interchange/kimai_keys.csv");
    let kimai = read(Format::Kimai, keys, Options::default()).rows.remove(0);
    assert_eq!(kimai.column("date"), "begin", "the field-key shape dates by begin");
    let psops = "date,person_email,category,minutes\n2026-03-02,zoe@example.com,admin,60\n";
    let row = read(Format::Psops, psops.as_bytes(), Options::default()).rows.remove(0);
    assert_eq!(row.column("minutes"), "minutes");
    assert_eq!(
        row.column("project_id"),
        "project_code",
        "the file has no project column"
    );
    assert_eq!(row.column(""), "");
}
