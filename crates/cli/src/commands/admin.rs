//! `lshub admin`: operator tasks, such as making the first administrator.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use lshub_domain::account::{Email, Role};
use lshub_storage::audit::AuditEvent;

#[derive(Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Give an existing account a role (member, partner or admin).
    Grant {
        /// The account's e-mail address.
        email: String,
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

pub async fn run(database_url: &str, args: AdminArgs) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    match args.command {
        AdminCommand::Grant { email, role } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let Some(role) = Role::from_id(&role) else {
                bail!("unknown role '{role}': use member, partner or admin");
            };
            let Some(stored) = db.user_by_email(&email).await.context("finding the account")? else {
                bail!("no account has the e-mail address {email}; register at /register first");
            };
            let user = stored.user;
            let event = AuditEvent {
                actor_id: None,
                actor_label: "operator (lshub admin grant)",
                action: "role.changed",
                subject: &user.email,
                detail: format!("{} -> {}", user.role, role),
                client: "command line",
            };
            db.set_role(&user.id, role, event).await.context("changing the role")?;
            println!("{} is now {}", user.email, role);
        }
    }
    Ok(())
}
