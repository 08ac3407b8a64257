//! Plain record kinds in SQL, written once: a kind describes its table and columns in a
//! [`Stored`] impl, and every create, read, update, archive, list, audit entry and bulk
//! load of it is derived from that description here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::bulk::Seeded;
use psops_core::page::{Page, PageRequest};
use psops_core::record::{ListFilter, NewRecord, Record};
use psops_core::rule::Rule;
use psops_core::sort::{Numbered, Sorted};
use psops_core::store::{Created, IfVersion, RecordStore, WriteCtx};
use psops_core::{Error, Id, Result};

use crate::bulk_copy::copy_rows;
use crate::common::{Table, check_version};
use crate::db::{DbError, Pools, Row, Sql, Tx, Value, now, sql};
use crate::{Db, idempotency};

/// Ids per `IN (…)` list, far below both drivers' parameter limits.
const ID_CHUNK: usize = 500;

/// The columns every plain record carries after its own.
const META: &str = "version, created_at, updated_at, archived_at";

/// How one kind of record is stored. Column names appear here once, in the order
/// `fixed` and `values` bind them; the migrations create them.
#[async_trait]
pub(crate) trait Stored: Record {
    const TABLE: &'static str;
    /// Columns a create sets once and no update changes (a parent's id).
    const FIXED: &'static [&'static str] = &[];
    /// The columns of the fields, in the order `values` binds them.
    const COLUMNS: &'static [&'static str];
    /// The field named when a write hits a unique index, and what to say.
    const UNIQUE: Option<(&'static str, &'static str)> = None;
    /// The SQL expression of what a record goes by in lists and reports.
    const LABEL: &'static str = "name";
    /// The counts every change to what a list of the table reads moves (projects:
    /// migration 12; people and assignments: migration 13), so that its names and large
    /// lists can be kept until they move rather than until any commit; none: until any
    /// commit.
    const COUNTED: crate::follow::Kinds = &[];
    /// The SQL expression (never NULL) that tells apart records sharing a label, added in
    /// brackets to their names ("Alex Kim (alex.kim@…)").
    const TWINS: Option<&'static str> = None;

    /// A row of `SELECT <columns>` as the record.
    fn read(r: &Row) -> Result<Self>;
    /// The fields as values for [`Self::COLUMNS`], normalised as stored (trimmed names).
    fn values(f: &Self::Fields) -> Vec<Value>;
    /// Values for [`Self::FIXED`].
    fn fixed(_new: &Self::New) -> Vec<Value> {
        Vec::new()
    }
    /// Whether restoring an archived record checks it again, for kinds whose rule an
    /// archived record stops counting in (a rate's period, which a newer rate may fill).
    const CHECK_ON_RESTORE: bool = false;
    /// Rules that need stored data — references, uniqueness — inside the write.
    async fn check(_tx: &mut Tx, _f: &Self::Fields, _me: Option<Id<Self>>) -> Result<()> {
        Ok(())
    }
    /// Rules about a change as a whole (a status moving along its edges, a gate) and what
    /// the kind keeps beside its row about it (the dated move), in the update's
    /// transaction before the row is rewritten.
    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, _before: &Self, _after: &Self::Fields) -> Result<()> {
        Ok(())
    }
    /// Rules about archiving a live record (a decided invoice stays in force), checked on
    /// the locked row before it is archived; a refusal writes nothing.
    fn archiving(_current: &Self) -> Result<()> {
        Ok(())
    }
    /// Checks a create's parent, which comes from the path: a missing one is a 404.
    async fn check_new(_tx: &mut Tx, _new: &Self::New) -> Result<()> {
        Ok(())
    }
    /// The list filter's conditions (archived is applied by the caller).
    fn filter(q: &mut Sql, f: &Self::Filter);
    /// What a sort column orders by. Text sorts case-blind (`LOWER`) so both backends
    /// agree whatever their collation.
    fn order(key: Self::Sort) -> Order;
    /// What rows that sort alike are ordered by before their id: their name, A to Z (the
    /// people of one employer, the projects of one manager); none where the label is not
    /// a column of the table.
    const TIES: Option<&'static str> = Some("LOWER(name)");
}

/// What a list is sorted by.
pub(crate) enum Order {
    /// An SQL expression over the table's own row.
    By(&'static str),
    /// The name of the related record a column refers to: `(table, column)`; rows
    /// without one last. Joined, not a subquery per row, which PostgreSQL runs once for
    /// each of thousands of rows before it can take a page.
    Name(&'static str, &'static str),
    /// Like `Name`, rows without a related record first (as if named '').
    NameOrFirst(&'static str, &'static str),
}

impl Order {
    /// What follows `FROM <table>` and the expression to order by.
    fn sql(&self, table: &str) -> (String, String) {
        match self {
            Order::By(e) => (String::new(), e.to_string()),
            Order::Name(related, column) | Order::NameOrFirst(related, column) => {
                // Only the join's own column names are visible: the list's filters and
                // columns still mean the table's.
                let join = format!(
                    " LEFT JOIN (SELECT id AS sort_id, LOWER(name) AS sort_key FROM {related}) sorted \
                     ON sorted.sort_id = {table}.{column}"
                );
                let key = match self {
                    Order::NameOrFirst(..) => "COALESCE(sort_key, '')",
                    _ => "sort_key",
                };
                (join, key.to_string())
            }
        }
    }

    /// Whether the order reads nothing outside these counted tables.
    fn reads_only(&self, counted: crate::follow::Kinds) -> bool {
        match self {
            Order::By(_) => true,
            Order::Name(related, _) | Order::NameOrFirst(related, _) => counted.contains(related),
        }
    }

    /// What breaks ties before the id: rows that share a related name (two managers
    /// called Ann Lee) stay together by the related record, then read by their own name.
    fn ties(&self, own: Option<&str>) -> Option<String> {
        match (self, own) {
            (Order::By(_), own) => own.map(str::to_string),
            (_, Some(own)) => Some(format!("sort_id ASC, {own}")),
            (_, None) => Some("sort_id".to_string()),
        }
    }
}

/// `id, <fixed>, <columns>, <meta>`: what every read selects.
fn select_list<R: Stored>() -> String {
    let mut cols = vec!["id"];
    cols.extend(R::FIXED);
    cols.extend(R::COLUMNS);
    cols.push(META);
    cols.join(", ")
}

/// The kind as the older [`Table`] helper sees it (paging, archiving, audit).
pub(crate) fn table<R: Stored>() -> Table<R> {
    Table {
        table: R::TABLE,
        entity: R::ENTITY,
        columns: Cow::Owned(select_list::<R>()),
        read: R::read,
        id: |r| r.id().get(),
    }
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Maps a unique violation to the kind's field, other driver errors as usual.
fn unique<R: Stored>(e: DbError) -> Error {
    match (e, R::UNIQUE) {
        (DbError::Unique, Some((field, message))) => Error::conflict(field, Rule::Unique, message),
        (e, _) => e.into(),
    }
}

/// Inserts a record; the caller has validated and checked it.
pub(crate) async fn insert<R: Stored>(tx: &mut Tx, new: &R::New) -> Result<R> {
    let mut values = R::fixed(new);
    values.extend(R::values(new.fields()));
    let t = now();
    let n = values.len();
    let mut cols: Vec<&str> = R::FIXED.to_vec();
    cols.extend(R::COLUMNS);
    let mut q = sql(format!(
        "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}, ${}, ${}) RETURNING {}",
        R::TABLE,
        cols.join(", "),
        placeholders(1, n),
        n + 1,
        n + 1,
        select_list::<R>()
    ));
    for v in values {
        q = q.bind(v);
    }
    R::read(&tx.one(q.bind(t)).await.map_err(unique::<R>)?)
}

/// Rewrites a record's fields and bumps its version; the caller has checked them.
pub(crate) async fn rewrite<R: Stored>(tx: &mut Tx, id: Id<R>, f: &R::Fields) -> Result<R> {
    let values = R::values(f);
    let n = values.len();
    let sets: Vec<String> = R::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let mut q = sql(format!(
        "UPDATE {} SET {}, version = version + 1, updated_at = ${} WHERE id = ${} RETURNING {}",
        R::TABLE,
        sets.join(", "),
        n + 1,
        n + 2,
        select_list::<R>()
    ));
    for v in values {
        q = q.bind(v);
    }
    R::read(&tx.one(q.bind(now()).bind(id.get())).await.map_err(unique::<R>)?)
}

/// Creates a record with the kind's checks and an audit entry — the one create path
/// every interface shares (imports included). Runs inside the caller's transaction.
pub(crate) async fn create_in<R: Stored>(tx: &mut Tx, ctx: &WriteCtx, new: &R::New) -> Result<R> {
    R::validate(new.fields())?;
    R::check(tx, new.fields(), None).await?;
    let created = insert::<R>(tx, new).await?;
    crate::audit::record(
        tx,
        ctx,
        R::ENTITY,
        created.id().get(),
        AuditAction::Create,
        None,
        Some(&created),
    )
    .await?;
    Ok(created)
}

/// Rewrites a record's fields with the kind's checks and an audit entry, like [`create_in`].
pub(crate) async fn update_in<R: Stored>(tx: &mut Tx, ctx: &WriteCtx, current: &R, fields: &R::Fields) -> Result<R> {
    R::validate(fields)?;
    R::check(tx, fields, Some(current.id())).await?;
    R::changing(tx, ctx, current, fields).await?;
    let updated = rewrite::<R>(tx, current.id(), fields).await?;
    let action = AuditAction::Update;
    crate::audit::record(
        tx,
        ctx,
        R::ENTITY,
        updated.id().get(),
        action,
        Some(current),
        Some(&updated),
    )
    .await?;
    Ok(updated)
}

/// Writes a record's whole row — the columns its actions own (`FIXED`, in order) and its
/// fields — bumps its version and audits the change from `before`: the one write path of
/// a kind whose state moves by actions (a scoping record, a SOW).
pub(crate) async fn persist<R: Stored>(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &R,
    fixed: Vec<Value>,
    fields: &R::Fields,
) -> Result<R> {
    persist_at(tx, ctx, before, fixed, fields, now()).await
}

/// [`persist`] as of `at`, its `updated_at`: for a change whose other times (a due time
/// counted from it) must agree with the moment it was made.
pub(crate) async fn persist_at<R: Stored>(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &R,
    fixed: Vec<Value>,
    fields: &R::Fields,
    at: time::OffsetDateTime,
) -> Result<R> {
    let mut values = fixed;
    values.extend(R::values(fields));
    let n = values.len();
    let sets: Vec<String> = R::FIXED
        .iter()
        .chain(R::COLUMNS)
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let mut q = sql(format!(
        "UPDATE {} SET {}, version = version + 1, updated_at = ${} WHERE id = ${} RETURNING {}",
        R::TABLE,
        sets.join(", "),
        n + 1,
        n + 2,
        select_list::<R>()
    ));
    for v in values {
        q = q.bind(v);
    }
    let after = R::read(&tx.one(q.bind(at).bind(before.id().get())).await.map_err(unique::<R>)?)?;
    crate::audit::record(
        tx,
        ctx,
        R::ENTITY,
        after.id().get(),
        AuditAction::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Creates (`before` None) or rewrites a record whose create input is its fields.
pub(crate) async fn save<R, F>(tx: &mut Tx, ctx: &WriteCtx, before: Option<&R>, fields: &F) -> Result<R>
where
    R: Stored + Record<New = F, Fields = F>,
{
    match before {
        None => create_in::<R>(tx, ctx, fields).await,
        Some(b) => update_in(tx, ctx, b, fields).await,
    }
}

/// Writes records with their ids as given, in one multi-row statement per batch (COPY on
/// PostgreSQL), without per-row checks: for loading a whole organisation at once.
pub(crate) async fn bulk_insert<R: Stored>(tx: &mut Tx, records: &[Seeded<R::New>]) -> Result<u64> {
    let mut cols = vec!["id"];
    cols.extend(R::FIXED);
    cols.extend(R::COLUMNS);
    cols.extend(["created_at", "updated_at"]);
    let t = now();
    let rows = records
        .iter()
        .map(|r| {
            let mut row = vec![Value::from(r.id)];
            row.extend(R::fixed(&r.fields));
            row.extend(R::values(r.fields.fields()));
            row.extend([Value::from(t), Value::from(t)]);
            row
        })
        .collect();
    copy_rows(tx, R::TABLE, &cols, rows).await
}

/// From how many ids [`RecordStore::names`] (or rows a page of [`RecordStore::list_records`])
/// the answer is kept for the next time.
pub(crate) const KEEP_MANY: usize = 200;

/// Each record's label ([`Stored::LABEL`]) by id, for the ids that exist.
async fn names<R: Stored>(pools: &Pools, ids: &[Id<R>]) -> Result<HashMap<i64, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let mut q = sql(format!(
            "SELECT id, {} AS label FROM {} WHERE id IN (",
            R::LABEL,
            R::TABLE
        ));
        let raw: Vec<i64> = chunk.iter().map(|id| id.get()).collect();
        crate::rollups::push_list(&mut q, &raw);
        q.push(")");
        for row in pools.all(q).await? {
            out.insert(row.get("id")?, row.get("label")?);
        }
    }
    Ok(out)
}

impl Db {
    /// `read`'s result for `key`, kept until one of the table's counts moves
    /// ([`Stored::COUNTED`]), or until any commit for a table without one.
    async fn kept_for<R: Stored, T, F>(&self, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = Result<T>>,
    {
        if R::COUNTED.is_empty() {
            self.memo.get(&self.pools, key, read).await
        } else {
            self.memo.get_counts(&self.pools, R::COUNTED, key, read).await
        }
    }

    /// Each record's label by id, twins told apart (see [`Stored::TWINS`]), kept for
    /// large sets.
    async fn labels<R: Stored>(&self, ids: &[Id<R>]) -> Result<Arc<HashMap<i64, String>>> {
        let read = |ids: &[Id<R>]| {
            let ids = ids.to_vec();
            async move {
                let found = Arc::new(names::<R>(&self.pools, &ids).await?);
                match R::TWINS {
                    Some(column) => self.told_apart::<R>(found, column).await,
                    None => Ok(found),
                }
            }
        };
        if ids.len() < KEEP_MANY {
            return read(ids).await;
        }
        // Whole-organisation reports name thousands of people at a time: kept until the
        // table (or, for a table without a count, the database) changes, under a hash
        // of the ids — sorted, so the same people asked for in any order (a hash map's)
        // share it — and served only for the same ids, with the twins told apart, which
        // at 5,000 people are hundreds to look up.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&ids, &mut h);
        let key = format!("names|{}|{}|{:x}", R::TABLE, ids.len(), std::hash::Hasher::finish(&h));
        let kept = async { Ok((ids.clone(), read(&ids).await?)) };
        let (same, found) = self.kept_for::<R, _, _>(key, kept).await?;
        if same == ids {
            return Ok(found);
        }
        read(&ids).await
    }

    /// Labels that more than one record shares get `column` in brackets. Which labels are
    /// shared is one read of the whole table (an index scan) per database stamp, or per
    /// count of changes to the table where it has one.
    async fn told_apart<R: Stored>(
        &self,
        found: Arc<HashMap<i64, String>>,
        column: &str,
    ) -> Result<Arc<HashMap<i64, String>>> {
        let key = format!("twins|{}", R::TABLE);
        let read = async {
            let q = sql(format!(
                "SELECT {label} AS label FROM {table} GROUP BY {label} HAVING COUNT(*) > 1",
                label = R::LABEL,
                table = R::TABLE
            ));
            let rows = self.pools.all(q).await?;
            rows.iter()
                .map(|r| r.get::<String>("label"))
                .collect::<Result<std::collections::HashSet<String>>>()
        };
        let shared = self.kept_for::<R, _, _>(key, read).await?;
        let twins: Vec<i64> = found
            .iter()
            .filter(|(_, label)| shared.contains(*label))
            .map(|(id, _)| *id)
            .collect();
        if twins.is_empty() {
            return Ok(found);
        }
        let mut named = found.as_ref().clone();
        for chunk in twins.chunks(ID_CHUNK) {
            let mut q = sql(format!("SELECT id, {column} AS apart FROM {} WHERE id IN (", R::TABLE));
            crate::rollups::push_list(&mut q, chunk);
            q.push(")");
            for row in self.pools.all(q).await? {
                let apart: String = row.get("apart")?;
                if let Some(label) = named.get_mut(&row.get::<i64>("id")?) {
                    *label = format!("{label} ({apart})");
                }
            }
        }
        Ok(Arc::new(named))
    }
}

#[async_trait]
impl<R: Stored> RecordStore<R> for Db {
    async fn create_record(&self, ctx: &WriteCtx, new: R::New) -> Result<Created<R>> {
        R::validate(new.fields())?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, R::ENTITY).await? {
            return Ok(Created::Replayed(previous));
        }
        R::check_new(&mut tx, &new).await?;
        let created = create_in::<R>(&mut tx, ctx, &new).await?;
        idempotency::commit(&self.pools, tx, ctx, R::ENTITY, created).await
    }

    async fn get(&self, id: Id<R>) -> Result<R> {
        table::<R>().get(&mut &self.pools, id.get(), "").await
    }

    async fn names(&self, ids: &[Id<R>]) -> Result<Arc<HashMap<i64, String>>> {
        self.labels(ids).await
    }

    async fn update(&self, ctx: &WriteCtx, id: Id<R>, v: IfVersion, patch: R::Patch) -> Result<R> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = table::<R>().get(&mut tx, id.get(), lock).await?;
        check_version(current.meta().version, v)?;
        let updated = update_in(&mut tx, ctx, &current, &current.patched(patch)).await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn archive(&self, ctx: &WriteCtx, id: Id<R>, v: IfVersion, archived: bool) -> Result<R> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = table::<R>().get(&mut tx, id.get(), lock).await?;
        if current.meta().is_archived() != archived {
            // A stale copy is answered as such before any rule is.
            check_version(current.meta().version, v)?;
            if archived {
                R::archiving(&current)?;
            } else if R::CHECK_ON_RESTORE {
                R::check(&mut tx, current.fields(), Some(id)).await?;
            }
        }
        let done = table::<R>().archive_in(&mut tx, ctx, id.get(), v, archived).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn list_records(&self, filter: &R::Filter, page: PageRequest) -> Result<Page<R>> {
        let read = async {
            let t = table::<R>();
            let mut q = t.select();
            R::filter(&mut q, filter);
            t.page(&self.pools, q, filter.archived(), page).await
        };
        // Pages of hundreds (a large project's staffing read whole) are kept; a page
        // of a screen's length costs less to read than to check.
        if (page.limit as usize) < KEEP_MANY {
            return read.await;
        }
        let key = format!("list|{}|{filter:?}|{page:?}", R::TABLE);
        self.kept_for::<R, _, _>(key, read).await
    }

    async fn list_sorted(&self, filter: &R::Filter, at: Sorted<R::Sort>) -> Result<Numbered<R>> {
        let t = table::<R>();
        let mut count = sql(format!("SELECT COUNT(*) AS n FROM {} WHERE 1=1", R::TABLE));
        R::filter(&mut count, filter);
        let by = R::order(at.key);
        let (join, order) = by.sql(R::TABLE);
        let ties = by.ties(R::TIES);
        let mut q = t.select_from(&join);
        R::filter(&mut q, filter);
        let read = t.numbered(
            &self.pools,
            (count, q),
            filter.archived(),
            (&order, ties.as_deref()),
            &at,
        );
        // A page of a counted kind is kept until what it reads moves: its own counts, and
        // the related table it sorts by when that is counted too. Sorting 3,333 projects
        // by their managers' names cost PostgreSQL 4.5 ms a view.
        if R::COUNTED.is_empty() || !by.reads_only(R::COUNTED) {
            return read.await;
        }
        let key = format!("sorted|{}|{filter:?}|{at:?}", R::TABLE);
        self.pages.get_counts(&self.pools, R::COUNTED, key, read).await
    }
}
