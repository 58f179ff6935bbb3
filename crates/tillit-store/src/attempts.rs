//! Sign-in attempts counted for the throttle. The counts live in the database, so several
//! instances on one database share them and a restart does not clear them. Each check-and-reserve
//! runs in one unit of work, which holds the audit head's lock (PostgreSQL) or the single writer
//! (SQLite): parallel attempts, on one instance or many, are counted one after the other.

use crate::row::i;
use crate::{new_id, Store, StoreError};
use std::time::Duration;

/// At most this many failures are read per key (the delay is at its ceiling long before).
const READ_PER_KEY: i64 = 1000;

impl Store {
    /// Reads each key's failures since `since_ms` (forgetting older ones), asks `decide` whether
    /// the attempt must wait, and if not, counts the attempt under every key with one reservation.
    /// `Ok(Ok(reservation))`, or `Ok(Err(wait))` when the attempt must wait.
    pub async fn reserve_sign_in(
        &self,
        keys: &[String],
        now_ms: i64,
        since_ms: i64,
        decide: impl FnOnce(&[Vec<i64>]) -> Option<Duration>,
    ) -> Result<Result<String, Duration>, StoreError> {
        let mut tx = self.work().await?;
        let mut lists = Vec::with_capacity(keys.len());
        for k in keys {
            sqlx::query("DELETE FROM sign_in_attempts WHERE attempt_key = $1 AND at_ms < $2")
                .bind(k)
                .bind(since_ms)
                .execute(tx.conn())
                .await?;
            let rows = sqlx::query(
                "SELECT at_ms FROM sign_in_attempts WHERE attempt_key = $1 ORDER BY at_ms DESC LIMIT $2",
            )
            .bind(k)
            .bind(READ_PER_KEY)
            .fetch_all(tx.conn())
            .await?;
            let mut times = rows
                .iter()
                .map(|r| i(r, "at_ms"))
                .collect::<Result<Vec<i64>, _>>()?;
            times.reverse();
            lists.push(times);
        }
        if let Some(wait) = decide(&lists) {
            tx.commit().await?;
            return Ok(Err(wait));
        }
        let reservation = new_id();
        for k in keys {
            sqlx::query(
                "INSERT INTO sign_in_attempts (id, attempt_key, reservation, at_ms) VALUES ($1, $2, $3, $4)",
            )
            .bind(new_id())
            .bind(k)
            .bind(&reservation)
            .bind(now_ms)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(reservation))
    }

    /// A successful sign-in: forgets every failure under `clear` and gives back the attempt's own
    /// reservation under the other keys.
    pub async fn sign_in_succeeded(
        &self,
        clear: &[String],
        reservation: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.work().await?;
        for k in clear {
            sqlx::query("DELETE FROM sign_in_attempts WHERE attempt_key = $1")
                .bind(k)
                .execute(tx.conn())
                .await?;
        }
        sqlx::query("DELETE FROM sign_in_attempts WHERE reservation = $1")
            .bind(reservation)
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }
}
