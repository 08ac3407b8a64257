//! Numbered, sorted lists: both backends order by the same column the same way (text
//! case-blind, related names through their record, blanks last either way, ties by name
//! and then id),
//! count the filtered and scoped list, and page without repeating or skipping a row.

use psops_core::Id;
use psops_core::accounts::AccountFields;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::{Fte, PersonFilter, PersonSort};
use psops_core::projects::{ProjectFilter, ProjectSort};
use psops_core::scope::ListScope;
use psops_core::sort::{Direction, Sorted};
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::{ctx, new, person, person_fields, project_fields};

crate::stories!(people_sort_by_every_column_and_count, projects_sort_by_related_names);

fn at<K>(key: K, direction: Direction, page: u32, size: u32) -> Sorted<K> {
    Sorted {
        key,
        direction,
        page,
        size,
    }
}

async fn names(db: &Db, filter: &PersonFilter, s: Sorted<PersonSort>) -> (Vec<String>, u64) {
    let page = db.sorted(filter, s).await.expect("sorted people");
    (page.items.into_iter().map(|p| p.fields.name).collect(), page.total)
}

async fn people_sort_by_every_column_and_count(db: &Db) {
    let partner = new(db
        .create(
            &ctx(),
            PartnerFields {
                name: "Zeta Partners".into(),
                partner_type: PartnerType::Direct,
                region: None,
                notes: None,
                training_since: None,
            },
        )
        .await
        .expect("partner"));
    for (name, fte_bp, partner_id) in [
        ("carol", 10_000, None),
        ("Bob", 5_000, Some(partner.id)),
        ("alice", 8_000, None),
        ("Dave", 10_000, None),
    ] {
        let mut f = person_fields(&format!("{}@x.example", name.to_lowercase()));
        f.name = name.into();
        f.fte = Fte::from_basis_points(fte_bp).expect("fte");
        f.partner_id = partner_id;
        new(db.create(&ctx(), f).await.expect("person"));
    }
    let all = PersonFilter::default();
    let (up, total) = names(db, &all, at(PersonSort::Name, Direction::Asc, 1, 10)).await;
    assert_eq!(up, ["alice", "Bob", "carol", "Dave"], "case-blind on both backends");
    assert_eq!(total, 4);
    let (down, _) = names(db, &all, at(PersonSort::Name, Direction::Desc, 1, 10)).await;
    assert_eq!(down, ["Dave", "carol", "Bob", "alice"]);
    // Equal FTEs tie by name, A to Z whichever way the sort goes (then by id).
    let (fte, _) = names(db, &all, at(PersonSort::Fte, Direction::Desc, 1, 10)).await;
    assert_eq!(fte, ["carol", "Dave", "alice", "Bob"]);
    let (employer, _) = names(db, &all, at(PersonSort::Employer, Direction::Asc, 1, 10)).await;
    assert_eq!(
        employer,
        ["alice", "carol", "Dave", "Bob"],
        "the company's own first, each employer's people by name"
    );
    // Pages of two: no row twice, none left out; past the end is empty with the total.
    let (p1, _) = names(db, &all, at(PersonSort::Email, Direction::Asc, 1, 2)).await;
    let (p2, _) = names(db, &all, at(PersonSort::Email, Direction::Asc, 2, 2)).await;
    let (p3, t3) = names(db, &all, at(PersonSort::Email, Direction::Asc, 3, 2)).await;
    assert_eq!([p1, p2].concat(), ["alice", "Bob", "carol", "Dave"]);
    assert!(p3.is_empty());
    assert_eq!(t3, 4);
    // The count follows the filter, the scope and archiving.
    let engineers_of_zeta = PersonFilter {
        partner_id: Some(partner.id),
        ..Default::default()
    };
    assert_eq!(
        names(db, &engineers_of_zeta, Sorted::default()).await,
        (vec!["Bob".to_string()], 1)
    );
    let scoped = PersonFilter {
        scope: ListScope::Limited {
            own: None,
            managed_by: None,
            assigned: None,
            partner: Some(partner.id),
        },
        ..Default::default()
    };
    assert_eq!(names(db, &scoped, Sorted::default()).await.1, 1);
    // A region typed in another case finds the same people (everyone here is EMEA).
    let typed = PersonFilter {
        region: Some(" emea ".into()),
        ..Default::default()
    };
    assert_eq!(names(db, &typed, Sorted::default()).await.1, 4);
    let dave = db
        .sorted(&all, at(PersonSort::Name, Direction::Desc, 1, 1))
        .await
        .expect("dave")
        .items
        .remove(0);
    db.archive(&ctx(), dave.id, None, true).await.expect("archive");
    assert_eq!(names(db, &all, Sorted::default()).await.1, 3);
    // Many by id in one read: archived ones too, missing ones left out.
    let mut many: Vec<String> = db
        .names(&[dave.id, partner_person(db, &all).await, Id::new(999_999)])
        .await
        .expect("names")
        .values()
        .cloned()
        .collect();
    many.sort();
    assert_eq!(many, ["Bob", "Dave"]);
    // People who share a name are told apart by their e-mail wherever they are named.
    let mut twin = person_fields("bob.two@x.example");
    twin.name = "Bob".into();
    let twin = new(db.create(&ctx(), twin).await.expect("second Bob"));
    let bob = partner_person(db, &all).await;
    let named = db.names(&[bob, twin.id, dave.id]).await.expect("names");
    assert_eq!(named[&twin.id.get()], "Bob (bob.two@x.example)");
    assert!(named[&bob.get()].starts_with("Bob (") && named[&bob.get()] != named[&twin.id.get()]);
    assert_eq!(named[&dave.id.get()], "Dave", "a name nobody shares stays plain");
    // Many at once are kept, and follow every change to a person: a rename, a new twin.
    let mut wide: Vec<Id<psops_core::people::Person>> = (0..200).map(|i| Id::new(1_000_000 + i)).collect();
    wide.extend([bob, twin.id, dave.id]);
    assert_eq!(db.names(&wide).await.expect("names")[&dave.id.get()], "Dave");
    let renamed = psops_core::people::PersonPatch {
        name: Some("Bob".into()),
        ..Default::default()
    };
    db.update(&ctx(), dave.id, None, renamed).await.expect("rename");
    let named = db.names(&wide).await.expect("names");
    assert!(named[&dave.id.get()].starts_with("Bob ("), "{named:?}");
    assert_eq!(named.len(), 3);
}

async fn partner_person(db: &Db, all: &PersonFilter) -> Id<psops_core::people::Person> {
    let page = db
        .sorted(all, at(PersonSort::Employer, Direction::Desc, 1, 1))
        .await
        .expect("bob");
    page.items[0].id
}

async fn projects_sort_by_related_names(db: &Db) {
    let pm = person(db, "zed@x.example").await;
    let account = |name: &str| AccountFields {
        name: name.into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    let acme = new(db.create(&ctx(), account("acme")).await.expect("account"));
    let bolt = new(db.create(&ctx(), account("Bolt")).await.expect("account"));
    let mut one = project_fields(bolt.id.get(), "One");
    one.project_manager_id = Some(pm.id);
    new(db.create(&ctx(), one).await.expect("project"));
    let mut two = project_fields(acme.id.get(), "Two");
    two.end_date = None;
    new(db.create(&ctx(), two).await.expect("project"));
    let list = |key, dir| {
        let filter = ProjectFilter::default();
        async move {
            db.sorted(&filter, at(key, dir, 1, 10))
                .await
                .expect("projects")
                .items
                .into_iter()
                .map(|p| p.fields.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(ProjectSort::Account, Direction::Asc).await, ["Two", "One"]);
    // A project without a PM or an end sorts last whichever way.
    assert_eq!(list(ProjectSort::Pm, Direction::Asc).await, ["One", "Two"]);
    assert_eq!(list(ProjectSort::Pm, Direction::Desc).await, ["One", "Two"]);
    assert_eq!(list(ProjectSort::End, Direction::Desc).await, ["One", "Two"]);
    // Two managers who share a name: each one's projects stay together, by name.
    let mut namesake = person_fields("zed.two@x.example");
    namesake.name = pm.fields.name.clone();
    let namesake = new(db.create(&ctx(), namesake).await.expect("namesake"));
    for (name, manager) in [("Alpha", namesake.id), ("Beta", pm.id), ("Gamma", namesake.id)] {
        let mut f = project_fields(acme.id.get(), name);
        f.project_manager_id = Some(manager);
        new(db.create(&ctx(), f).await.expect("project"));
    }
    assert_eq!(
        list(ProjectSort::Pm, Direction::Asc).await,
        ["Beta", "One", "Alpha", "Gamma", "Two"]
    );
    // The related names are joined: the filters' columns still mean the project's own
    // (a search on its name, the archived ones left out).
    let searched = ProjectFilter {
        q: Some("two".into()),
        ..Default::default()
    };
    let found = db
        .sorted(&searched, at(ProjectSort::Pm, Direction::Asc, 1, 10))
        .await
        .expect("projects");
    let names: Vec<String> = found.items.into_iter().map(|p| p.fields.name).collect();
    assert_eq!((names, found.total), (vec!["Two".to_string()], 1));
}
