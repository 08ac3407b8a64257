//! Pieces every record shares: reading the meta columns, version checks, archiving,
//! reference checks and list paging.

use std::borrow::Cow;
use std::future::Future;

use psops_core::audit::AuditAction;
use psops_core::meta::Meta;
use psops_core::page::{Page, PageRequest};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scope::{ListKind, ListScope};
use psops_core::sort::{Direction, Numbered, Sorted};
use psops_core::store::{Created, IfVersion, WriteCtx};
use psops_core::{Error, Result};

use crate::db::{DbError, Pools, Row, Sql, Tx, now, sql};

/// Reads through a pool or inside a transaction.
pub(crate) trait Exec: Send {
    fn all(&mut self, s: Sql) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send;
}

impl Exec for &Pools {
    fn all(&mut self, s: Sql) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send {
        Pools::all(self, s)
    }
}

impl Exec for Tx {
    fn all(&mut self, s: Sql) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send {
        Tx::all(self, s)
    }
}

/// How one kind of record is stored: its table, its columns and how a row reads back.
pub(crate) struct Table<T> {
    pub table: &'static str,
    pub entity: Entity,
    pub columns: Cow<'static, str>,
    pub read: fn(&Row) -> Result<T>,
    /// The record's id, for paging and the audit entry.
    pub id: fn(&T) -> i64,
}

impl<T> Table<T> {
    /// Loads one record, or `NotFound`. With `lock`, PostgreSQL holds the row until commit.
    pub async fn get<E: Exec>(&self, e: &mut E, id: i64, lock: &str) -> Result<T> {
        let q = sql(format!(
            "SELECT {} FROM {} WHERE id = $1{lock}",
            self.columns, self.table
        ))
        .bind(id);
        let row = e
            .all(q)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found(self.entity, id))?;
        (self.read)(&row)
    }

    /// `SELECT <columns> FROM <table> WHERE 1=1`, ready for filters.
    pub fn select(&self) -> Sql {
        self.select_from("")
    }

    /// Like `select`, with `join` after the table.
    pub fn select_from(&self, join: &str) -> Sql {
        sql(format!("SELECT {} FROM {}{join} WHERE 1=1", self.columns, self.table))
    }

    /// Runs a filtered select as one page ordered by id.
    pub async fn page(&self, pools: &Pools, mut q: Sql, archived: Option<bool>, page: PageRequest) -> Result<Page<T>> {
        match archived {
            Some(true) => q.push(" AND archived_at IS NOT NULL"),
            _ => q.push(" AND archived_at IS NULL"),
        };
        self.page_any(pools, q, page).await
    }

    /// Runs a filtered count and select as one numbered page ordered by `order`, ties by
    /// `then` (A to Z whichever way the sort goes), then by id, so pages never repeat or
    /// skip a row; absent values sort last either way.
    pub async fn numbered<K>(
        &self,
        pools: &Pools,
        (mut count, mut q): (Sql, Sql),
        archived: Option<bool>,
        (order, then): (&str, Option<&str>),
        at: &Sorted<K>,
    ) -> Result<Numbered<T>> {
        let live = match archived {
            Some(true) => " AND archived_at IS NOT NULL",
            _ => " AND archived_at IS NULL",
        };
        count.push(live);
        q.push(live);
        let dir = match at.direction {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        };
        let then = then.map(|t| format!("{t} ASC, ")).unwrap_or_default();
        q.push(&format!(
            " ORDER BY {order} {dir} NULLS LAST, {then}id {dir} LIMIT {} OFFSET {}",
            at.size,
            at.offset()
        ));
        let total: i64 = pools
            .all(count)
            .await?
            .first()
            .map(|r| r.get("n"))
            .transpose()?
            .unwrap_or(0);
        let rows = pools.all(q).await?;
        let items = rows.iter().map(self.read).collect::<Result<Vec<_>>>()?;
        Ok(Numbered {
            items,
            total: total.max(0) as u64,
        })
    }

    /// Like `page`, for records that are never archived.
    pub async fn page_any(&self, pools: &Pools, q: Sql, page: PageRequest) -> Result<Page<T>> {
        self.page_in_order(pools, q, page, false).await
    }

    /// A page in id order, newest (highest id) first when `newest_first`; the cursor is
    /// the last id shown either way.
    pub async fn page_in_order(
        &self,
        pools: &Pools,
        mut q: Sql,
        page: PageRequest,
        newest_first: bool,
    ) -> Result<Page<T>> {
        let (past, order) = if newest_first {
            (" AND id < ", "DESC")
        } else {
            (" AND id > ", "ASC")
        };
        if let Some(after) = page.after {
            q.push(past).push_bind(after);
        }
        q.push(&format!(" ORDER BY id {order} LIMIT {}", page.limit as i64 + 1));
        let rows = pools.all(q).await?;
        let items = rows.iter().map(self.read).collect::<Result<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, self.id))
    }

    /// Ends a create: audits it, stores the idempotent response and commits.
    pub async fn created(&self, pools: &Pools, mut tx: Tx, ctx: &WriteCtx, value: T) -> Result<Created<T>>
    where
        T: serde::Serialize,
    {
        crate::audit::record(
            &mut tx,
            ctx,
            self.entity,
            (self.id)(&value),
            AuditAction::Create,
            None,
            Some(&value),
        )
        .await?;
        crate::idempotency::commit(pools, tx, ctx, self.entity, value).await
    }

    /// Ends an update: audits the change from `before` and commits.
    pub async fn updated(&self, mut tx: Tx, ctx: &WriteCtx, before: &T, after: T) -> Result<T>
    where
        T: serde::Serialize,
    {
        crate::audit::record(
            &mut tx,
            ctx,
            self.entity,
            (self.id)(&after),
            AuditAction::Update,
            Some(before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives or restores a record inside the caller's transaction, audited, and
    /// returns it.
    pub async fn archive_in(&self, tx: &mut Tx, ctx: &WriteCtx, id: i64, v: IfVersion, archived: bool) -> Result<T>
    where
        T: serde::Serialize,
    {
        let lock = tx.for_update();
        let before = self.get(tx, id, lock).await?;
        if self.set_archived(tx, id, v, archived).await? {
            let after = self.get(tx, id, "").await?;
            let action = if archived {
                AuditAction::Archive
            } else {
                AuditAction::Unarchive
            };
            crate::audit::record(tx, ctx, self.entity, id, action, Some(&before), Some(&after)).await?;
            return Ok(after);
        }
        Ok(before)
    }

    /// Archives or restores a record, checking the caller's version first; tells
    /// whether anything changed.
    pub async fn set_archived(&self, tx: &mut Tx, id: i64, v: IfVersion, archived: bool) -> Result<bool> {
        let q = sql(format!(
            "SELECT version, archived_at FROM {} WHERE id = $1{}",
            self.table,
            tx.for_update()
        ))
        .bind(id);
        let row = tx.optional(q).await?.ok_or_else(|| Error::not_found(self.entity, id))?;
        check_version(row.get("version")?, v)?;
        let is_archived = row.get::<Option<time::OffsetDateTime>>("archived_at")?.is_some();
        if is_archived == archived {
            return Ok(false);
        }
        let t = now();
        let q = sql(format!(
            "UPDATE {} SET archived_at = $2, version = version + 1, updated_at = $3 WHERE id = $1",
            self.table
        ))
        .bind(id)
        .bind(archived.then_some(t))
        .bind(t);
        tx.execute(q).await?;
        Ok(true)
    }
}

pub(crate) fn meta(r: &Row) -> Result<Meta> {
    Ok(Meta {
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        archived_at: r.get("archived_at")?,
    })
}

/// `If-Match` said which version the caller saw; a different stored one means stale.
pub(crate) fn check_version(current: i64, expected: IfVersion) -> Result<()> {
    match expected {
        Some(v) if v != current => Err(Error::PreconditionFailed { current }),
        _ => Ok(()),
    }
}

/// A referenced record must exist (archived ones still count: history keeps them).
pub(crate) async fn ensure_exists(tx: &mut Tx, table: &str, id: Option<i64>, field: &str, what: &str) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let q = sql(format!("SELECT id FROM {table} WHERE id = $1")).bind(id);
    if tx.optional(q).await?.is_none() {
        return Err(Error::invalid(
            field,
            Rule::Exists,
            format!("{field} {id} does not refer to an existing {what}"),
        ));
    }
    Ok(())
}

/// Adds `AND <column> = $n` when the filter value is present.
pub(crate) fn eq(q: &mut Sql, column: &str, v: Option<impl Into<crate::db::Value>>) {
    if let Some(v) = v {
        q.push(" AND ").push(column).push(" = ").push_bind(v);
    }
}

/// Adds an equality on a text column that ignores case and surrounding blanks: a region
/// typed `emea` finds the people of `EMEA`.
pub(crate) fn same_text(q: &mut Sql, column: &str, v: Option<&str>) {
    if let Some(v) = v {
        q.push(" AND lower(")
            .push(column)
            .push(") = lower(")
            .push_bind(v.trim())
            .push(")");
    }
}

/// Adds a case-insensitive substring match over some text columns.
pub(crate) fn search(q: &mut Sql, columns: &[&str], text: Option<&str>) {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return;
    };
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    q.push(" AND (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push("lower(")
            .push(c)
            .push(") LIKE ")
            .push_bind(pattern.as_str())
            .push(" ESCAPE '\\'");
    }
    q.push(")");
}

/// Adds an overlap test between a record's optional date span and the filter range.
pub(crate) fn overlaps(q: &mut Sql, start_col: &str, end_col: &str, from: Option<time::Date>, to: Option<time::Date>) {
    if let Some(from) = from {
        q.push(&format!(" AND ({end_col} IS NULL OR {end_col} >= "))
            .push_bind(from)
            .push(")");
    }
    if let Some(to) = to {
        q.push(&format!(" AND ({start_col} IS NULL OR {start_col} <= "))
            .push_bind(to)
            .push(")");
    }
}

/// Cuts a list to what the one asking may see: the SQL meaning of
/// `psops_core::scope::ListScope::admits`, kept beside the contract test that checks
/// the two agree.
pub(crate) fn scope(q: &mut Sql, scope: &ListScope, kind: ListKind) {
    let ListScope::Limited {
        own,
        managed_by,
        assigned,
        partner,
    } = *scope
    else {
        return;
    };
    let mut alternatives: Vec<(String, Vec<i64>)> = Vec::new();
    let mut alt = |sql: &str, values: Vec<i64>| alternatives.push((sql.to_string(), values));
    let managed_projects = "SELECT id FROM projects WHERE project_manager_id = ?";
    let partner_projects = "SELECT id FROM projects WHERE partner_id = ?";
    match kind {
        ListKind::People => {
            own.inspect(|p| alt("id = ?", vec![p.get()]));
            partner.inspect(|o| alt("partner_id = ?", vec![o.get()]));
        }
        ListKind::Partners => {
            partner.inspect(|o| alt("id = ?", vec![o.get()]));
        }
        ListKind::Accounts => {
            partner.inspect(|o| {
                alt(
                    "id IN (SELECT account_id FROM projects WHERE partner_id = ?)",
                    vec![o.get()],
                )
            });
        }
        ListKind::Projects => {
            managed_by.inspect(|p| alt("project_manager_id = ?", vec![p.get()]));
            assigned.inspect(|p| {
                alt(
                    "id IN (SELECT project_id FROM assignments WHERE person_id = ? AND archived_at IS NULL)",
                    vec![p.get()],
                )
            });
            partner.inspect(|o| alt("partner_id = ?", vec![o.get()]));
        }
        ListKind::Assignments => {
            own.inspect(|p| alt("person_id = ?", vec![p.get()]));
            managed_by.inspect(|p| alt(&format!("project_id IN ({managed_projects})"), vec![p.get()]));
            partner.inspect(|o| {
                let both = format!(
                    "person_id IN (SELECT id FROM people WHERE partner_id = ?) AND project_id IN ({partner_projects})"
                );
                alt(&both, vec![o.get(), o.get()])
            });
        }
        ListKind::TimeEntries => {
            own.inspect(|p| alt("person_id = ?", vec![p.get()]));
            managed_by.inspect(|p| alt(&format!("project_id IN ({managed_projects})"), vec![p.get()]));
            partner.inspect(|o| {
                let both = format!(
                    "person_id IN (SELECT id FROM people WHERE partner_id = ?) AND project_id IN ({partner_projects})"
                );
                alt(&both, vec![o.get(), o.get()])
            });
        }
        ListKind::TimeOff => {
            own.inspect(|p| alt("person_id = ?", vec![p.get()]));
            managed_by.inspect(|p| {
                alt(
                    "person_id IN (SELECT id FROM people WHERE manager_id = ?)",
                    vec![p.get()],
                )
            });
        }
        ListKind::ProjectRates => {
            managed_by.inspect(|p| alt(&format!("project_id IN ({managed_projects})"), vec![p.get()]));
        }
        ListKind::Figures => {
            own.inspect(|p| alt("id = ?", vec![p.get()]));
            managed_by.inspect(|p| alt("manager_id = ?", vec![p.get()]));
            partner.inspect(|o| alt("partner_id = ?", vec![o.get()]));
        }
    }
    if alternatives.is_empty() {
        q.push(" AND 1 = 0");
        return;
    }
    q.push(" AND (");
    for (i, (text, values)) in alternatives.into_iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push("(");
        // Each `?` in our own fragment becomes the next numbered placeholder.
        let mut values = values.into_iter();
        for (j, piece) in text.split('?').enumerate() {
            if j > 0 {
                q.push_bind(values.next().unwrap_or_default());
            }
            q.push(piece);
        }
        q.push(")");
    }
    q.push(")");
}

/// SQL for a date column as days since 1970-01-01 (a BIGINT on both backends): read
/// with [`Pools::integers`], thousands of dates cost no text to parse.
pub(crate) fn day_number(backend: crate::db::Backend, column: &str) -> String {
    match backend {
        crate::db::Backend::Sqlite => format!("CAST(julianday({column}) - 2440587.5 AS INTEGER)"),
        crate::db::Backend::Postgres => format!("CAST({column} - DATE '1970-01-01' AS BIGINT)"),
    }
}

/// SQL for a coded column as the code's place in `C::ALL` (-1 for none of them), read back
/// with [`code_at`].
pub(crate) fn code_index<C: psops_core::code::Code>(column: &str) -> String {
    let arms: String = C::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| format!(" WHEN '{}' THEN {i}", c.code()))
        .collect();
    format!("(CASE {column}{arms} ELSE -1 END)")
}

/// The code at a place [`code_index`] gave; an unknown one is refused as stored data
/// psops did not write.
pub(crate) fn code_at<C: psops_core::code::Code>(i: i64) -> Result<C> {
    usize::try_from(i)
        .ok()
        .and_then(|i| C::ALL.get(i).copied())
        .ok_or_else(|| Error::internal(format!("a stored {} psops does not know", C::FIELD)))
}

#[cfg(test)]
mod code_tests {
    use psops_core::capacity::TimeOffKind;
    use psops_core::code::Code;

    #[test]
    fn a_code_comes_back_from_its_place_and_an_unknown_one_is_refused() {
        let sql = super::code_index::<TimeOffKind>("kind");
        for (i, kind) in TimeOffKind::ALL.iter().enumerate() {
            assert!(sql.contains(&format!("WHEN '{}' THEN {i}", kind.code())), "{sql}");
            assert_eq!(super::code_at::<TimeOffKind>(i as i64).unwrap(), *kind);
        }
        assert!(super::code_at::<TimeOffKind>(-1).is_err());
        assert!(super::code_at::<TimeOffKind>(TimeOffKind::ALL.len() as i64).is_err());
    }
}
