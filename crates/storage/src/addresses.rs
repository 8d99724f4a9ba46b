//! Addresses stored before [`Email`] had its one form (NFKC, an ASCII local part, the domain
//! as DNS has it) are brought into that form when the schema is brought up to date, so that
//! the keys lookups compute find them, and mail goes to the address the key stands for.

use lshub_domain::account::Email;
use sqlx::{AnyConnection, Row};

use crate::accounts::sql;
use crate::error::{QueryContext, StorageError};
use crate::Backend;

/// Rewrites every stored address that is not in its normal form. When only the domain's
/// spelling changes (`bücher.example` to `xn--bcher-kva.example`) the account stays verified;
/// when the local part changes (a KELVIN SIGN became a K), the mailbox that was verified may
/// not be the one mail now goes to, so it must be verified again. An address that has no
/// normal form, or whose normal form another account already has, is left as it is and
/// logged: no lookup finds it any more, so it cannot be mistaken for another address.
pub(crate) async fn normalise_stored(backend: Backend, conn: &mut AnyConnection) -> Result<(), StorageError> {
    let rows = sqlx::query("SELECT id, email, email_key FROM users")
        .fetch_all(&mut *conn)
        .await
        .context("reading stored addresses")?;
    let update = sql(
        backend,
        "UPDATE users SET email = ?, email_key = ?, \
         email_verified_at = CASE WHEN ? = 'kept' THEN email_verified_at ELSE NULL END \
         WHERE id = ? AND NOT EXISTS (SELECT 1 FROM users other WHERE other.email_key = ? AND other.id <> ?)",
    );
    for row in rows {
        let id: String = row.try_get("id").context("reading stored addresses")?;
        let stored: String = row.try_get("email").context("reading stored addresses")?;
        let key: String = row.try_get("email_key").context("reading stored addresses")?;
        let Ok(normal) = Email::parse(&stored) else {
            tracing::warn!(user = id, "an account's address has no normal form: it can no longer sign in by address");
            continue;
        };
        if normal.as_str() == stored && normal.lookup_key() == key {
            continue;
        }
        let local = |address: &str| address.rsplit_once('@').map(|(local, _)| local.to_owned());
        let verification = if local(&stored) == local(normal.as_str()) { "kept" } else { "dropped" };
        let changed = sqlx::query(&update)
            .bind(normal.as_str().to_owned())
            .bind(normal.lookup_key())
            .bind(verification)
            .bind(id.clone())
            .bind(normal.lookup_key())
            .bind(id.clone())
            .execute(&mut *conn)
            .await
            .context("normalising a stored address")?
            .rows_affected();
        if changed == 0 {
            tracing::warn!(user = id, "an account's address is a look-alike of another account's: left as it is");
        } else {
            tracing::info!(user = id, verification, "stored an account's address in its normal form");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use lshub_domain::account::Email;

    use crate::Database;

    /// Rows as an older hub stored them: the address as typed, the key lower-cased.
    async fn store_as_before(db: &Database, id: &str, email: &str) {
        let verified = "2026-01-01T00:00:00.000000Z";
        db.query_rows(
            "INSERT INTO users (id, email, email_key, display_name, role, email_verified_at, created_at) \
             VALUES (?, ?, ?, 'Someone', 'member', ?, ?) RETURNING id",
            crate::accounts::binds![
                id.to_owned(),
                email.to_owned(),
                email.to_lowercase(),
                verified.to_owned(),
                verified.to_owned()
            ],
            "storing a user as before",
        )
        .await
        .expect("insert");
    }

    #[tokio::test]
    async fn stored_addresses_get_their_normal_form() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        store_as_before(&db, "kelvin", "\u{212A}im@example.nl").await;
        store_as_before(&db, "unicode-domain", "ann@b\u{fc}cher.example").await;
        store_as_before(&db, "fullwidth", "\u{FF4B}im@example.nl").await;
        store_as_before(&db, "dotless", "k\u{0131}m@example.nl").await;
        db.migrate().await.expect("migrate again");

        let found = |text: &str| {
            let email = Email::parse(text).expect("address");
            let db = &db;
            async move { db.user_by_email(&email).await.expect("lookup").map(|c| c.user) }
        };
        let kim = found("kim@example.nl").await.expect("the K-sign account, under its key");
        assert_eq!((kim.id.as_str(), kim.email.as_str()), ("kelvin", "Kim@example.nl"), "mail goes to ASCII");
        assert!(!kim.email_verified, "the mailbox verified was the look-alike's");
        let ann = found("ann@B\u{fc}cher.example").await.expect("the account at a Unicode domain");
        assert_eq!((ann.id.as_str(), ann.email.as_str()), ("unicode-domain", "ann@xn--bcher-kva.example"));
        assert!(ann.email_verified, "the same mailbox, spelled as DNS does");
        let fullwidth = db.user_by_id("fullwidth").await.expect("read").expect("kept");
        assert_eq!(fullwidth.email, "\u{FF4B}im@example.nl", "a look-alike of another account is left alone");
        assert!(db.user_by_id("dotless").await.expect("read").is_some(), "no normal form: left alone");
    }
}
