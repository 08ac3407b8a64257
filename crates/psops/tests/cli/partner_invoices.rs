//! `psops partner-invoices import` and `late`: a partner's March CSV is received and
//! reconciled, each line's outcome printed (one over by $100.00, one unknown project);
//! a second invoice for the month is refused naming the rule; the late list names the
//! partners that sent none for a month that is due.

use crate::browser::PASSWORD;
use crate::browser_partners::world;
use crate::support::{Server, TestDb, run, scratch};

#[test]
fn a_partner_invoice_is_imported_and_reconciled_from_the_command_line() {
    let db = TestDb::sqlite();
    run(&db, &["migrate"], None).assert_ok();
    let admin = [
        "user",
        "create",
        "--email",
        "admin@example.com",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    run(&db, &admin, Some(&format!("{PASSWORD}\n"))).assert_ok();
    let token = crate::create_token(&db, "admin@example.com", "partners");
    let server = Server::start(&db, &[]);
    world(&db, &server, &token);
    drop(server);
    let csv = "partner,po,from,to,consultant,project,hours,rate,total\n\
               Meridian Cloud,WA Meridian Cloud,2026-03-01,2026-03-31,mia@meridian.example,CR-1,8,100.00,800.00\n\
               Meridian Cloud,WA Meridian Cloud,2026-03-01,2026-03-31,max@meridian.example,Contoso rollout,9,100.00,900.00\n";
    let file = scratch("meridian-2026-03.csv", csv);
    let path = file.to_string_lossy().to_string();
    let args = [
        "partner-invoices",
        "import",
        &path,
        "--number",
        "MER-0326",
        "--month",
        "2026-03",
        "--received-on",
        "2026-04-03",
    ];
    let out = run(&db, &args, None);
    out.assert_ok();
    assert!(
        out.stdout.contains("billed $1,700.00, expected $1,600.00"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("line 1: matched $0.00"), "{}", out.stdout);
    assert!(out.stdout.contains("line 2: over +$100.00"), "{}", out.stdout);
    assert!(out.stdout.contains("needs a reason"), "{}", out.stdout);
    // One live invoice per partner and month.
    let again = [
        "partner-invoices",
        "import",
        &path,
        "--number",
        "MER-0326b",
        "--month",
        "2026-03",
    ];
    let refused = run(&db, &again, None);
    assert_ne!(refused.code, Some(0), "{}", refused.stdout);
    assert!(refused.stderr.contains("month (unique)"), "{}", refused.stderr);
    // A bad cell is named by its line.
    let bad = scratch(
        "bad.csv",
        "partner,po,from,to,consultant,project,hours,rate,total\nMeridian Cloud,WA,2026-04-01,2026-04-30,mia@meridian.example,CR-1,x,100.00,0\n",
    );
    let bad_path = bad.to_string_lossy().to_string();
    let refused = run(
        &db,
        &[
            "partner-invoices",
            "import",
            &bad_path,
            "--number",
            "X",
            "--month",
            "2026-04",
        ],
        None,
    );
    assert_ne!(refused.code, Some(0));
    assert!(refused.stderr.contains("line 2: hours"), "{}", refused.stderr);
    // In May both partners owe April's invoice (and those before March: their work
    // authorizations run all year); March's were received.
    let late = run(&db, &["partner-invoices", "late", "--on", "2026-05-16"], None);
    late.assert_ok();
    assert!(
        late.stdout.contains("Cascade DevOps\t2026-04\tdue by 2026-05-15"),
        "{}",
        late.stdout
    );
    assert!(late.stdout.contains("Meridian Cloud\t2026-04"), "{}", late.stdout);
    assert!(late.stdout.contains("Meridian Cloud\t2026-01"), "{}", late.stdout);
    assert!(!late.stdout.contains("\t2026-03\t"), "{}", late.stdout);
}
