//! The ledger's checks for `psops verify`: each is a query answering the rows that do not
//! add up as (subject, expected, stored); a new check is one more entry in [`CHECKS`].

use psops_core::Result;
use psops_core::finance::ledger::LedgerDifference;

use crate::db::{Pools, sql};

struct Check {
    name: &'static str,
    /// Rows of `subject` (text), `expected` and `stored` (whole numbers) that differ.
    query: &'static str,
}

const SOURCE_SUMS: &str = "SELECT line_id, CAST(SUM(amount_minor) AS BIGINT) AS amount, \
     CAST(SUM(reporting_minor) AS BIGINT) AS reporting FROM ledger_sources GROUP BY line_id";

const CHECKS: &[Check] = &[
    Check {
        name: "line amount = sum of its sources",
        query: "SELECT 'line ' || CAST(l.id AS TEXT) AS subject, COALESCE(s.amount, 0) AS expected, \
                l.amount_minor AS stored FROM ledger_lines l LEFT JOIN (SOURCES) s ON s.line_id = l.id \
                WHERE l.amount_minor <> COALESCE(s.amount, 0)",
    },
    Check {
        name: "line reporting amount = sum of its sources",
        query: "SELECT 'line ' || CAST(l.id AS TEXT) AS subject, COALESCE(s.reporting, 0) AS expected, \
                l.reporting_minor AS stored FROM ledger_lines l LEFT JOIN (SOURCES) s ON s.line_id = l.id \
                WHERE l.reporting_minor <> COALESCE(s.reporting, 0)",
    },
    Check {
        name: "frozen line is in a closed month",
        query: "SELECT 'line ' || CAST(l.id AS TEXT) AS subject, CAST(1 AS BIGINT) AS expected, CAST(0 AS BIGINT) AS stored FROM ledger_lines l \
                WHERE l.frozen AND NOT EXISTS (SELECT 1 FROM period_closes c WHERE c.month = l.month \
                AND c.reopened_at IS NULL)",
    },
    Check {
        name: "project margin = revenue - cost",
        query: "SELECT 'project ' || CAST(l.project_id AS TEXT) AS subject, \
                CAST(SUM(CASE WHEN l.kind = 'revenue' THEN COALESCE(s.reporting, 0) ELSE -COALESCE(s.reporting, 0) END) AS BIGINT) AS expected, \
                CAST(SUM(CASE WHEN l.kind = 'revenue' THEN l.reporting_minor ELSE -l.reporting_minor END) AS BIGINT) AS stored \
                FROM ledger_lines l LEFT JOIN (SOURCES) s ON s.line_id = l.id GROUP BY l.project_id \
                HAVING SUM(CASE WHEN l.kind = 'revenue' THEN COALESCE(s.reporting, 0) ELSE -COALESCE(s.reporting, 0) END) \
                <> SUM(CASE WHEN l.kind = 'revenue' THEN l.reporting_minor ELSE -l.reporting_minor END)",
    },
    Check {
        name: "invoice total = sum of its lines",
        query: "SELECT 'invoice ' || CAST(i.id AS TEXT) AS subject, COALESCE(s.amount, 0) AS expected, \
                i.total_minor AS stored FROM invoices i LEFT JOIN (SELECT invoice_id, \
                CAST(SUM(amount_minor) AS BIGINT) AS amount FROM invoice_lines GROUP BY invoice_id) s \
                ON s.invoice_id = i.id WHERE i.total_minor <> COALESCE(s.amount, 0)",
    },
    Check {
        name: "invoice numbers have no gaps",
        query: "SELECT c.kind AS subject, CAST(COUNT(i.id) AS BIGINT) AS expected, c.last AS stored \
                FROM invoice_counters c LEFT JOIN invoices i ON i.kind = c.kind AND i.number IS NOT NULL \
                GROUP BY c.kind, c.last HAVING COUNT(i.id) <> c.last",
    },
];

pub(crate) async fn verify(pools: &Pools) -> Result<Vec<LedgerDifference>> {
    let mut out = Vec::new();
    for c in CHECKS {
        let q = c.query.replace("SOURCES", SOURCE_SUMS);
        for r in pools.all(sql(q)).await? {
            out.push(LedgerDifference {
                check: c.name.to_string(),
                subject: r.get("subject")?,
                expected: r.get("expected")?,
                stored: r.get("stored")?,
            });
        }
    }
    Ok(out)
}
