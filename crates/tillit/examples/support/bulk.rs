//! What the benchmark seeds share: a deterministic generator and bulk inserts of rows of text
//! and whole numbers on either database.
#![allow(dead_code)]

use sqlx::AnyPool;

/// A small deterministic generator (the data is the same on every run and both databases).
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A value to bind: text or a whole number (PostgreSQL wants the column's type), either may be null.
#[derive(Clone)]
pub enum V {
    T(Option<String>),
    I(Option<i64>),
}

pub type Row = Vec<V>;

/// Inserts rows in multi-row statements inside one transaction.
pub async fn bulk(
    pool: &AnyPool,
    table: &str,
    cols: &[&str],
    rows: Vec<Row>,
) -> Result<(), String> {
    let per = (30_000 / cols.len()).min(1000);
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..cols.len() {
                if c > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::T(x) => q.bind(x.clone()),
                    V::I(x) => q.bind(*x),
                };
            }
        }
        q.execute(&mut *tx)
            .await
            .map_err(|e| format!("{table}: {e}"))?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

pub fn s(v: impl ToString) -> V {
    V::T(Some(v.to_string()))
}

pub fn int(v: u64) -> V {
    V::I(Some(i64::try_from(v).unwrap_or(i64::MAX)))
}

pub const NULL: V = V::T(None);
pub const NULL_INT: V = V::I(None);
