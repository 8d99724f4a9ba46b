//! The accept loop: every connection served by hyper's HTTP/1 with a limit on how long a
//! client may take to send a request's headers.
//!
//! The limit runs from the moment a connection is ready for a request — when it opens, and
//! again when the previous answer has been sent — until that request's headers are complete.
//! So it cuts off both a client that trickles header lines to keep a connection (and its
//! memory) busy, and a keep-alive connection that sits idle. It does not limit handlers or
//! uploads: the request time limit does (see [`crate::operations`]).

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::Service;

/// How long a client has for a request's headers by default; also how long a keep-alive
/// connection may stay idle.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(20);

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and waits
/// for the requests in flight (idle connections close at once).
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let connections = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection that failed while queued:
                    // pause instead of spinning, and go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        // The client's address feeds the rate limits and the audit log, as `ConnectInfo`.
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(client));
            router.clone().call(request.map(Body::new))
        });
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and clients that hang up: theirs to worry about, not the hub's.
                tracing::debug!(error = %e, client = %client, "connection ended early");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
    Ok(())
}
