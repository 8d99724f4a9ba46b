use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use lshub_storage::uploads::Uploads;
use lshub_web::auth::mail::Mailer;
use lshub_web::auth::rate_limit::RateLimits;
use lshub_web::{AccountsConfig, AppState, OidcSettings, SiteConfig};
use tokio::net::TcpListener;

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "LSHUB_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The address the public reaches the hub at (for feeds and links); defaults to http://ADDR.
    #[arg(long, env = "LSHUB_PUBLIC_URL")]
    public_url: Option<String>,
    /// OpenID Connect provider for "sign in with your institution" (its issuer URL).
    #[arg(long, env = "LSHUB_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret"])]
    oidc_issuer: Option<String>,
    /// The hub's client id at the OpenID Connect provider.
    #[arg(long, env = "LSHUB_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// The hub's client secret at the OpenID Connect provider.
    #[arg(long, env = "LSHUB_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// SMTP relay for outgoing mail, e.g. smtps://USER:PASSWORD@smtp.example.org or
    /// smtp://USER:PASSWORD@smtp.example.org:587?tls=required. Without it, mail is written
    /// to DATA_DIR/mail/.
    #[arg(long, env = "LSHUB_SMTP_URL", hide_env_values = true, requires = "mail_from")]
    smtp_url: Option<String>,
    /// The sender of outgoing mail, e.g. "LSH Hub <hub@example.org>".
    #[arg(long, env = "LSHUB_MAIL_FROM")]
    mail_from: Option<String>,
    /// Behind a reverse proxy: take each client's address (for rate limits and the audit log)
    /// from the last X-Forwarded-For entry. Only set this when a proxy always adds it.
    #[arg(long, env = "LSHUB_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// The e-mail address of the office that runs the hub, given as the data catalogue's
    /// contact point (catalogues that harvest the hub require one). Without it, the address
    /// in --mail-from.
    #[arg(long, env = "LSHUB_CONTACT_EMAIL")]
    contact_email: Option<String>,
    /// The largest document that can be attached to an access request, in megabytes.
    #[arg(long, env = "LSHUB_ATTACHMENT_MAX_MB", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    attachment_max_mb: u64,
    /// The largest photo of a space that can be uploaded, in megabytes.
    #[arg(long, env = "LSHUB_PHOTO_MAX_MB", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10))]
    photo_max_mb: u64,
    /// The region this hub serves, shown in titles.
    #[arg(long, env = "LSHUB_REGION", default_value = "Amsterdam")]
    region: String,
    /// Seconds a request may take before it is answered with 503 Service Unavailable.
    #[arg(long, env = "LSHUB_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Seconds a client has to send a request's headers, counted from when the connection
    /// opens or its previous answer was sent; idle keep-alive connections close after it too.
    /// Behind a proxy that keeps connections to the hub open, set its idle limit below this.
    #[arg(long, env = "LSHUB_HEADER_TIMEOUT", default_value_t = lshub_web::DEFAULT_HEADER_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Serve /metrics to every client; without this only clients on the loopback interface
    /// get it (behind a proxy, judged by the address from --trust-forwarded-for).
    #[arg(long, env = "LSHUB_METRICS_FOR_EVERYONE")]
    metrics_for_everyone: bool,
    /// Fetch organisations' calendar feeds from loopback and private network addresses too
    /// (an intranet calendar server); off, so that a feed address cannot reach the hub's own
    /// network.
    #[arg(long, env = "LSHUB_FEEDS_FROM_PRIVATE_HOSTS")]
    feeds_from_private_hosts: bool,
    /// Sign-in attempts a client address may make per minute.
    #[arg(long, env = "LSHUB_LOGIN_RATE_LIMIT", default_value_t = RateLimits::default().login, value_parser = per_minute())]
    login_rate_limit: u32,
    /// Registrations a client address may submit per minute.
    #[arg(long, env = "LSHUB_REGISTRATION_RATE_LIMIT", default_value_t = RateLimits::default().registration, value_parser = per_minute())]
    registration_rate_limit: u32,
    /// Password-reset requests a client address may make per minute.
    #[arg(long, env = "LSHUB_PASSWORD_RESET_RATE_LIMIT", default_value_t = RateLimits::default().password_reset, value_parser = per_minute())]
    password_reset_rate_limit: u32,
    /// Requests for another verification mail a client address may make per minute.
    #[arg(long, env = "LSHUB_VERIFICATION_RATE_LIMIT", default_value_t = RateLimits::default().verification_mail, value_parser = per_minute())]
    verification_rate_limit: u32,
    /// Searches (page and API) a client address may make per minute.
    #[arg(long, env = "LSHUB_SEARCH_RATE_LIMIT", default_value_t = RateLimits::default().search, value_parser = per_minute())]
    search_rate_limit: u32,
    /// Inquiries about spaces, and messages in them, a client address may send per minute.
    #[arg(long, env = "LSHUB_INQUIRY_RATE_LIMIT", default_value_t = RateLimits::default().inquiry, value_parser = per_minute())]
    inquiry_rate_limit: u32,
    /// Megabytes for the cache of public answers to anonymous visitors; 0 turns it off.
    #[arg(long, env = "LSHUB_PUBLIC_CACHE_MB", default_value_t = lshub_web::public_cache::DEFAULT_MAX_BYTES / MIB)]
    public_cache_mb: usize,
}

const MIB: usize = 1024 * 1024;

/// The office's address: the one given, else the one in the sender of outgoing mail
/// (`LSH Hub <hub@example.org>`), in the one form the hub keeps addresses in.
fn contact_email(given: Option<&str>, mail_from: Option<&str>) -> anyhow::Result<Option<String>> {
    let from_sender =
        mail_from.map(|from| from.rsplit_once('<').and_then(|(_, rest)| rest.strip_suffix('>')).unwrap_or(from).trim());
    let Some(address) = given.or(from_sender) else { return Ok(None) };
    let email = lshub_domain::account::Email::parse(address)
        .map_err(|e| anyhow::anyhow!("--contact-email {address:?} is not an e-mail address: {e}"))?;
    Ok(Some(email.as_str().to_owned()))
}

/// A rate limit is a positive number of requests per minute; switching one off is not offered.
fn per_minute() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..)
}

pub async fn run(
    database_url: &str,
    data_dir: &std::path::Path,
    args: ServeArgs,
    model: &crate::ModelSetting,
    clock: lshub_service::clock::Clock,
    log_format: crate::LogFormat,
) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    let encoder = model.load()?;
    let listener = TcpListener::bind(args.addr).await.with_context(|| format!("listening on {}", args.addr))?;
    let address = listener.local_addr().context("reading the listening address")?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{address}")).trim_end_matches('/').to_owned();
    let contact_email = contact_email(args.contact_email.as_deref(), args.mail_from.as_deref())?;
    if contact_email.is_none() {
        tracing::warn!(
            "no --contact-email: the data catalogue has no contact point, which Health-RI's profile requires"
        );
    }
    let site = SiteConfig {
        region: args.region,
        public_url: public_url.clone(),
        contact_email,
        attachment_max_bytes: args.attachment_max_mb as usize * 1024 * 1024,
        clock,
        feeds_from_private_hosts: args.feeds_from_private_hosts,
        uploads: Uploads::new(lshub_web::uploads_dir(data_dir)),
        photo_max_bytes: args.photo_max_mb as usize * 1024 * 1024,
    };
    let state = AppState::open_with_model(db.clone(), site, encoder.clone())
        .await
        .context("starting the hub")?
        .with_request_timeout(std::time::Duration::from_secs(args.request_timeout))
        .with_header_timeout(std::time::Duration::from_secs(args.header_timeout))
        .with_metrics_for_everyone(args.metrics_for_everyone)
        .with_public_cache(args.public_cache_mb.saturating_mul(MIB))
        .with_accounts(AccountsConfig {
            trust_forwarded_for: args.trust_forwarded_for,
            mailer: match (&args.smtp_url, &args.mail_from) {
                (Some(url), Some(from)) => Mailer::smtp(url, from).map_err(anyhow::Error::msg).context("--smtp-url")?,
                _ => Mailer::Files(data_dir.join("mail")),
            },
            oidc: match (args.oidc_issuer, args.oidc_client_id, args.oidc_client_secret) {
                (Some(issuer), Some(client_id), Some(client_secret)) => {
                    Some(OidcSettings { issuer, client_id, client_secret })
                }
                _ => None,
            },
            limits: RateLimits {
                login: args.login_rate_limit,
                registration: args.registration_rate_limit,
                password_reset: args.password_reset_rate_limit,
                verification_mail: args.verification_rate_limit,
                search: args.search_rate_limit,
                inquiry: args.inquiry_rate_limit,
                ..RateLimits::default()
            },
            ..AccountsConfig::with_data_dir(data_dir)
        });
    if let Some(encoder) = encoder {
        // Vectors the database lacks (records imported without the model) are computed in
        // the background; every node picks them up as the database's content changes.
        let db = db.clone();
        let today = state.today();
        tokio::spawn(async move {
            if let Err(e) = super::reindex::embed(&db, &encoder, today).await {
                tracing::error!(error = format!("{e:#}"), "computing missing sentence vectors failed");
            }
        });
    }
    tracing::info!(backend = db.backend().name(), "LSH Hub is running at {public_url}");
    if log_format == crate::LogFormat::Text {
        // For the person who started it; JSON logs keep standard error machine-readable.
        eprintln!("LSH Hub is running: open {public_url} in your browser (Ctrl+C stops it).");
    }
    lshub_web::serve(listener, state, shutdown_signal()).await.context("serving")?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl+C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
