use super::*;

fn offerings(f: &CatalogFile) -> Vec<(String, String, Maturity)> {
    f.categories
        .iter()
        .flat_map(|c| c.types.iter())
        .flat_map(|t| {
            t.offerings
                .iter()
                .map(move |o| (t.name.clone(), o.name.clone(), o.maturity))
        })
        .collect()
}

#[test]
fn the_handbook_has_every_offering_with_its_maturity() {
    let f = handbook();
    let all = offerings(&f);
    assert_eq!(all.len(), 22, "{all:?}");
    let maturity = |name: &str| all.iter().find(|(_, o, _)| o == name).map(|(.., m)| *m);
    for (name, want) in [
        ("Instructor-led training", Maturity::Lovable),
        ("eLearning", Maturity::Minimal),
        ("Certification", Maturity::Viable),
        ("Custom content", Maturity::Complete),
        ("Rapid Results, self-managed", Maturity::Viable),
        ("Rapid Results, SaaS", Maturity::Viable),
        ("Custom implementation", Maturity::Complete),
        ("Readiness assessment / health check", Maturity::Complete),
        ("SCM migration", Maturity::Complete),
        ("CI migration", Maturity::Minimal),
        ("Migration+", Maturity::Viable),
        ("Jenkins integration", Maturity::Complete),
        ("LDAP/SAML/SSO integration", Maturity::Complete),
        ("Jira integration", Maturity::Complete),
        ("General advisory", Maturity::Minimal),
        ("Agile/Plan workflow", Maturity::Minimal),
        ("CI/CD transformation", Maturity::Planned),
        ("Dedicated services (CoE)", Maturity::Planned),
        ("DevSecOps", Maturity::Planned),
        ("Development", Maturity::Planned),
    ] {
        assert_eq!(maturity(name), Some(want), "{name}");
    }
    // Every entry is valid, and the only price is the $500 add-on seat.
    let r = resolve(&f, &HashSet::new(), &HashSet::new()).unwrap_or_else(|e| panic!("{e:?}"));
    let priced: Vec<_> = r.skus.iter().filter(|s| !s.3.is_empty()).collect();
    assert_eq!(priced.len(), 1);
    assert_eq!(
        (priced[0].1.code.as_str(), priced[0].3[0].1.amount_minor),
        ("EDU-SEAT", 50_000)
    );
    let plus = r.skus.iter().find(|s| s.1.code == "PS-MIG-PLUS").map(|s| &s.1).unwrap();
    assert_eq!(plus.bounds.iter().map(|b| b.max).collect::<Vec<_>>(), [500, 1000]);
    assert_eq!(plus.bounds_note.as_deref(), Some("SCM only"));
    assert_eq!(f.bundles.len(), 3);
}

#[test]
fn printing_and_parsing_give_the_same_file() {
    let f = handbook();
    let text = print(&f);
    assert_eq!(parse(&text).unwrap(), f);
    assert_eq!(print(&parse(&text).unwrap()), text);
}

#[test]
fn hours_read_exactly_from_numbers_and_text() {
    let f = parse(
        "categories:\n- name: C\n  types:\n  - name: T\n    offerings:\n    - name: O\n      maturity: planned\n      effort:\n      - {role: engineer, hours: 37.5}\n      - {role: trainer, hours: '2:20'}\n      - {role: project_manager, hours: 8}\n",
    )
    .unwrap();
    let e = &f.categories[0].types[0].offerings[0].effort;
    let minutes: Vec<i64> = e.iter().map(|x| x.hours.minutes().unwrap().get()).collect();
    assert_eq!(minutes, [2250, 140, 480]);
    assert_eq!(Hours::of(Minutes(140)), Hours::Text("2:20".into()));
    assert_eq!(Hours::of(Minutes(2250)), Hours::Text("37.5".into()));
    assert_eq!(Hours::of(Minutes(39)), Hours::Text("0.65".into()));
    assert_eq!(Hours::of(Minutes(480)), Hours::Whole(8));
}

#[test]
fn errors_name_their_line_or_entry_and_field() {
    let bad = parse("categories:\n- name: C\n  colour: red\n").unwrap_err();
    assert!(bad[0].field.starts_with("line "), "{bad:?}");
    let f = parse(
        "categories:\n- name: C\n  types:\n  - name: T\n    offerings:\n    - name: O\n      maturity: viable\n      skus:\n      - {code: A, name: A, unit: hours_block, currency: USD, channel: web_direct, prices: [{from: 2026-01-01, amount: '1.234'}]}\n      - {code: a, name: B, unit: hourly, currency: USD, channel: web_direct, addon_sku: NOPE}\nbundles:\n- {name: X, offerings: [T / Missing]}\n",
    )
    .unwrap();
    let errors = resolve(&f, &HashSet::new(), &HashSet::new()).unwrap_err();
    let got: Vec<(String, Rule)> = errors.into_iter().map(|e| (e.field, e.rule)).collect();
    let at = "categories[0].types[0].offerings[0].skus";
    assert_eq!(
        got,
        [
            (format!("{at}[0].block_hours"), Rule::DependsOn),
            (format!("{at}[0].prices[0].amount"), Rule::Money),
            (format!("{at}[1].addon_sku"), Rule::DependsOn),
            (format!("{at}[1].code"), Rule::Duplicate),
            (format!("{at}[1].addon_sku"), Rule::Exists),
            ("bundles[0].offerings[0]".to_string(), Rule::Exists),
        ]
    );
}

#[test]
fn amounts_print_with_the_currencys_decimals() {
    assert_eq!(
        Amount::of(Money::new(50_000, Currency::USD)),
        Amount::Text("500.00".into())
    );
    let jpy: Currency = "JPY".parse().unwrap();
    assert_eq!(Amount::of(Money::new(1200, jpy)), Amount::Text("1200".into()));
    assert_eq!(
        Amount::Text("500".into()).money(Currency::USD).unwrap().amount_minor,
        50_000
    );
}
