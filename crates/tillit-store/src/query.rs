//! Filtered, paginated lists: a WHERE clause built from optional conditions with numbered
//! placeholders (valid on both backends), and one function that counts and fetches a page.

use crate::row::i;
use crate::StoreError;
use sqlx::any::AnyRow;
use sqlx::AnyPool;
use tillit_domain::paging::{Page, PageRequest};

/// A WHERE clause that always starts with the tenant condition.
pub(crate) struct Filter {
    sql: String,
    binds: Vec<String>,
}

impl Filter {
    /// `tenant_column = $1`, the condition every list of an organisation's data starts with.
    pub(crate) fn tenant(column: &str, tenant_id: &str) -> Self {
        Filter {
            sql: format!("{column} = $1"),
            binds: vec![tenant_id.to_string()],
        }
    }

    /// Adds `AND {condition} $n`, binding `value` as `$n`.
    pub(crate) fn and(&mut self, condition: &str, value: String) -> &mut Self {
        self.binds.push(value);
        self.sql
            .push_str(&format!(" AND {condition} ${}", self.binds.len()));
        self
    }

    /// Binds `value` and returns its placeholder (`$n`), for a condition with more than one.
    pub(crate) fn bind(&mut self, value: String) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// The WHERE clause without the keyword.
    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The values of the placeholders, in order.
    pub(crate) fn binds(&self) -> &[String] {
        &self.binds
    }

    /// Adds a fixed condition with no value.
    pub(crate) fn and_sql(&mut self, condition: &str) -> &mut Self {
        self.sql.push_str(&format!(" AND {condition}"));
        self
    }

    /// Adds a case-insensitive "contains" match on a lower-cased column.
    pub(crate) fn and_contains(&mut self, lowered_column: &str, needle: &str) -> &mut Self {
        self.and(
            &format!("{lowered_column} LIKE"),
            tillit_domain::text::like_contains(needle),
        );
        self.sql.push_str(" ESCAPE '\\'");
        self
    }
}

/// Counts the rows of `from` (tables and joins) matching `filter`, and fetches one page of
/// `select` columns in `order` as row structs `R`, turning each into a view with `view`.
pub(crate) async fn fetch_page<R, T>(
    pool: &AnyPool,
    select: &str,
    from: &str,
    filter: &Filter,
    order: &str,
    page: PageRequest,
    view: fn(R) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    let count_sql = format!("SELECT COUNT(*) AS n FROM {from} WHERE {}", filter.sql);
    let mut q = sqlx::query(&count_sql);
    for b in &filter.binds {
        q = q.bind(b);
    }
    let total = i(&q.fetch_one(pool).await?, "n")?;
    let n = filter.binds.len();
    let list_sql = format!(
        "SELECT {select} FROM {from} WHERE {} ORDER BY {order} LIMIT ${} OFFSET ${}",
        filter.sql,
        n + 1,
        n + 2
    );
    let mut q = sqlx::query_as::<_, R>(&list_sql);
    for b in &filter.binds {
        q = q.bind(b);
    }
    let rows = q
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let items = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, page, total))
}

/// `(id, name)` of every row a query over one organisation returns: the choices of a form.
/// `sql` selects `id` and `name` with the tenant bound as `$1`, in the order to show them.
pub(crate) async fn id_names(
    pool: &AnyPool,
    sql: &str,
    tenant_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    sqlx::query(sql)
        .bind(tenant_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((crate::row::s(r, "id")?, crate::row::s(r, "name")?)))
        .collect()
}

/// An object a form can link to: what the form shows of it, and whether it is archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linkable {
    pub id: String,
    pub name: String,
    pub archived: bool,
}

/// Every object of one of the organisation's registers, archived ones included (a form keeps
/// the links it already has to them): `table` has `id`, `name` and `archived_at` columns.
pub(crate) async fn linkables(
    pool: &AnyPool,
    table: &'static str,
    tenant_id: &str,
) -> Result<Vec<Linkable>, StoreError> {
    let sql = format!(
        "SELECT id, name, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived \
         FROM {table} WHERE org_id = $1 ORDER BY name, id"
    );
    sqlx::query(&sql)
        .bind(tenant_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Linkable {
                id: crate::row::s(r, "id")?,
                name: crate::row::s(r, "name")?,
                archived: i(r, "archived")? != 0,
            })
        })
        .collect()
}
