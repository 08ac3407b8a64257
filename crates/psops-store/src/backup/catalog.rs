//! What a backup copies, read from the database's own catalog (sqlite_master and its
//! pragmas, information_schema and pg_catalog) rather than from a list kept by hand:
//! every table but the bookkeeping ones, its columns with their portable types, its
//! primary key, the tables it refers to, and the column an id sequence fills.

use std::collections::{BTreeMap, BTreeSet};

use psops_core::{Error, Result};
use rusqlite::Connection;

use super::format::Kind;
use crate::db::{Row, Tx, sql, statement};

/// Tables that are not the organisation's data: the migrations' ledger (a backup records
/// the migration number instead), and the counts and log the in-memory caches are
/// stamped with, which describe one database's history and differ in shape between the
/// backends (PostgreSQL spreads the rollup count over 32 rows). A restore moves every
/// count instead, so nothing kept before it is served after it.
pub(crate) const BOOKKEEPING: [&str; 3] = ["schema_migrations", "change_counts", "change_log"];

/// Tables the migrations fill with starting rows (the invoice number counters): a
/// restore replaces their rows with the backup's, and they do not make a database
/// "not empty".
pub(crate) const SEEDED: [&str; 1] = ["invoice_counters"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, by index into `columns`, in key order.
    pub key: Vec<usize>,
    /// Other tables this one refers to.
    pub parents: BTreeSet<String>,
    /// Columns that refer to this same table (a person's manager), by index.
    pub self_refs: Vec<usize>,
    /// The column an id sequence fills (AUTOINCREMENT, identity or serial).
    pub identity: Option<usize>,
}

impl Table {
    /// `ORDER BY` for reading the rows in one order on both backends: by the primary key,
    /// or every column when there is none; text in byte order, NULLs first.
    pub fn order_by(&self, postgres: bool) -> String {
        let cols: Vec<usize> = if self.key.is_empty() {
            (0..self.columns.len()).collect()
        } else {
            self.key.clone()
        };
        let terms: Vec<String> = cols
            .iter()
            .map(|&i| {
                let c = &self.columns[i];
                let collate = if postgres && c.kind == Kind::Text {
                    " COLLATE \"C\""
                } else {
                    ""
                };
                // Qualified: on PostgreSQL a bare name would be the select list's
                // column of that name, which the backup reads cast to text.
                format!("{}.{}{collate} ASC NULLS FIRST", self.name, c.name)
            })
            .collect();
        terms.join(", ")
    }

    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every table a backup copies, in an order where each comes after those it refers to
/// (ties by name, so the order is the same on both backends).
pub(crate) fn ordered(tables: BTreeMap<String, Table>) -> Result<Vec<Table>> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    let mut left = tables;
    while !left.is_empty() {
        let ready: Vec<String> = left
            .values()
            .filter(|t| t.parents.iter().all(|p| done.contains(p) || !left.contains_key(p)))
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            let names: Vec<&str> = left.keys().map(String::as_str).collect();
            return Err(Error::internal(format!(
                "the tables {} refer to each other in a cycle: no order inserts them",
                names.join(", ")
            )));
        }
        for name in ready {
            if let Some(t) = left.remove(&name) {
                done.insert(name);
                out.push(t);
            }
        }
    }
    Ok(out)
}

fn copied(name: &str) -> bool {
    !name.starts_with("sqlite_") && !BOOKKEEPING.contains(&name)
}

/// A SQLite column's portable type from its declared type. SQLite keeps dates and
/// timestamps as TEXT, so they are text here; a restore reads them by the target's types.
fn sqlite_kind(table: &str, column: &str, declared: &str) -> Result<Kind> {
    let d = declared.to_ascii_uppercase();
    if d.contains("BOOL") {
        Ok(Kind::Boolean)
    } else if d.contains("INT") {
        Ok(Kind::Integer)
    } else if d.contains("TEXT") || d.contains("CHAR") || d.contains("CLOB") {
        Ok(Kind::Text)
    } else {
        Err(Error::internal(format!(
            "{table}.{column} is declared {declared:?}, which backups do not know"
        )))
    }
}

fn pg_kind(table: &str, column: &str, data_type: &str) -> Result<Kind> {
    Ok(match data_type {
        "bigint" | "integer" | "smallint" => Kind::Integer,
        "boolean" => Kind::Boolean,
        "text" | "character varying" | "character" => Kind::Text,
        "date" => Kind::Date,
        "timestamp with time zone" => Kind::Timestamp,
        other => {
            return Err(Error::internal(format!(
                "{table}.{column} is of type {other}, which backups do not know"
            )));
        }
    })
}

fn rows(conn: &Connection, q: crate::db::Sql) -> Result<Vec<Row>> {
    Ok(statement::all(conn, &q)?.into_iter().map(Row::Sqlite).collect())
}

/// The tables of a SQLite database, read on `conn` (inside the caller's transaction).
pub(crate) fn sqlite(conn: &Connection) -> Result<BTreeMap<String, Table>> {
    let mut tables = BTreeMap::new();
    let names = rows(
        conn,
        sql("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"),
    )?;
    for r in names {
        let name: String = r.get("name")?;
        if !copied(&name) {
            continue;
        }
        let ddl: Option<String> = r.get("sql")?;
        let autoincrement = ddl.is_some_and(|d| d.to_ascii_uppercase().contains("AUTOINCREMENT"));
        let mut columns = Vec::new();
        let mut key: Vec<(i64, usize)> = Vec::new();
        let info = rows(
            conn,
            sql("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid").bind(name.clone()),
        )?;
        for (i, c) in info.iter().enumerate() {
            let col: String = c.get("name")?;
            let declared: String = c.get("type")?;
            let pk: i64 = c.get("pk")?;
            if pk > 0 {
                key.push((pk, i));
            }
            columns.push(Column {
                kind: sqlite_kind(&name, &col, &declared)?,
                name: col,
            });
        }
        key.sort();
        let key: Vec<usize> = key.into_iter().map(|(_, i)| i).collect();
        let mut parents = BTreeSet::new();
        let mut self_refs = Vec::new();
        let fks = rows(
            conn,
            sql("SELECT \"table\" AS parent, \"from\" AS col FROM pragma_foreign_key_list($1)").bind(name.clone()),
        )?;
        for f in fks {
            let parent: String = f.get("parent")?;
            let col: String = f.get("col")?;
            if parent == name {
                if let Some(i) = columns.iter().position(|c| c.name == col) {
                    self_refs.push(i);
                }
            } else if copied(&parent) {
                parents.insert(parent);
            }
        }
        let identity = (autoincrement && key.len() == 1).then(|| key[0]);
        tables.insert(
            name.clone(),
            Table {
                name,
                columns,
                key,
                parents,
                self_refs,
                identity,
            },
        );
    }
    Ok(tables)
}

/// The highest id each AUTOINCREMENT table has handed out (`sqlite_sequence`).
pub(crate) fn sqlite_id_highs(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let exists = rows(
        conn,
        sql("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"),
    )?;
    let mut out = BTreeMap::new();
    if exists.is_empty() {
        return Ok(out);
    }
    for r in rows(conn, sql("SELECT name, seq FROM sqlite_sequence"))? {
        out.insert(r.get::<String>("name")?, r.get::<i64>("seq")?);
    }
    Ok(out)
}

/// The tables of the PostgreSQL schema psops uses (the connection's current schema),
/// read in the caller's transaction.
pub(crate) async fn postgres(tx: &mut Tx) -> Result<BTreeMap<String, Table>> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let names = tx
        .all(sql("SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"))
        .await?;
    for r in names {
        let name: String = r.get("name")?;
        if copied(&name) {
            tables.insert(
                name.clone(),
                Table {
                    name,
                    columns: Vec::new(),
                    key: Vec::new(),
                    parents: BTreeSet::new(),
                    self_refs: Vec::new(),
                    identity: None,
                },
            );
        }
    }
    let cols = tx
        .all(sql("SELECT table_name AS t, column_name AS c, data_type AS ty, \
             (is_identity = 'YES' OR COALESCE(column_default, '') LIKE 'nextval(%') AS seq \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             ORDER BY table_name, ordinal_position"))
        .await?;
    for r in cols {
        let t: String = r.get("t")?;
        let Some(table) = tables.get_mut(&t) else { continue };
        let c: String = r.get("c")?;
        let ty: String = r.get("ty")?;
        if r.get::<Option<bool>>("seq")?.unwrap_or(false) {
            table.identity = Some(table.columns.len());
        }
        table.columns.push(Column {
            kind: pg_kind(&t, &c, &ty)?,
            name: c,
        });
    }
    let keys = tx
        .all(sql(
            "SELECT cl.relname AS t, a.attname AS c, CAST(array_position(k.conkey, a.attnum) AS BIGINT) AS pos \
             FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid \
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
             WHERE k.contype = 'p' AND cl.relnamespace = CAST(current_schema() AS regnamespace) \
             ORDER BY cl.relname, pos",
        ))
        .await?;
    for r in keys {
        let t: String = r.get("t")?;
        let Some(table) = tables.get_mut(&t) else { continue };
        let c: String = r.get("c")?;
        if let Some(i) = table.columns.iter().position(|x| x.name == c) {
            table.key.push(i);
        }
    }
    let fks = tx
        .all(sql("SELECT cl.relname AS t, p.relname AS parent, a.attname AS c \
             FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid \
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
             WHERE k.contype = 'f' AND cl.relnamespace = CAST(current_schema() AS regnamespace)"))
        .await?;
    for r in fks {
        let t: String = r.get("t")?;
        let parent: String = r.get("parent")?;
        let c: String = r.get("c")?;
        let Some(table) = tables.get_mut(&t) else { continue };
        if parent == t {
            if let Some(i) = table.columns.iter().position(|x| x.name == c) {
                table.self_refs.push(i);
            }
        } else if copied(&parent) {
            table.parents.insert(parent);
        }
    }
    for t in tables.values_mut() {
        if t.key.len() != 1 {
            t.identity = None;
        }
    }
    Ok(tables)
}

/// The highest id each table's sequence has handed out, or written ahead (a cached
/// sequence may be ahead of its last id, which only leaves a gap).
pub(crate) async fn postgres_id_highs(tx: &mut Tx, tables: &[Table]) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for t in tables {
        let Some(i) = t.identity else { continue };
        let q = sql("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence($1, $2) AS regclass)) AS last")
            .bind(t.name.clone())
            .bind(t.columns[i].name.clone());
        if let Some(last) = tx.one(q).await.map_err(Error::from)?.get::<Option<i64>>("last")? {
            out.insert(t.name.clone(), last);
        }
    }
    Ok(out)
}

/// The tables of the database `tx` writes to.
pub(crate) async fn read(tx: &mut Tx) -> Result<BTreeMap<String, Table>> {
    match tx {
        Tx::Sqlite(t) => sqlite(t.conn().map_err(Error::from)?),
        Tx::Pg(_) => postgres(tx).await,
    }
}
