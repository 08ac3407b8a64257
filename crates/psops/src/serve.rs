//! `psops serve`: open and migrate the database, serve the web app, and on SIGINT or
//! SIGTERM stop accepting, let in-flight requests finish, then close the database.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use psops_web::AppState;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::cli::ServeArgs;
use crate::config;

/// How long in-flight requests get to finish after a shutdown signal; a load balancer
/// has stopped sending new ones by then, and an orchestrator's kill is not far off.
const GRACE: Duration = Duration::from_secs(25);

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let db = config::open_db(&args.db.database_url).await?;
    let served = serve(&args, db.clone()).await;
    db.close().await;
    tracing::info!("database closed");
    served
}

async fn serve(args: &ServeArgs, db: psops_store::Db) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr().context("cannot read the listening address")?;
    let store: Arc<dyn psops_core::store::Store> = Arc::new(db.clone());
    let mut state = AppState::new(store.clone());
    state.web.secure_cookies = args.secure_cookies;
    state.web.limits.request = Duration::from_secs(args.request_timeout);
    state.public_url = args.public_url.as_deref().map(Arc::from);
    state.metrics_token = args.metrics_token.as_deref().filter(|t| !t.is_empty()).map(Arc::from);
    state.metrics_probe = Some(pool_gauges(db.clone()));
    let setup = psops_web::setup_link(&state).await?;
    let app = psops_web::app(state).into_make_service_with_connect_info::<SocketAddr>();

    let (stop, stopped) = watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let mut stopped = stopped;
        // An error means the sender is gone, which also means: stop.
        let _ = stopped.wait_for(|s| *s).await;
    });
    let delivery = crate::mail::Delivery {
        store: store.clone(),
        mailer: args.smtp.mailer()?,
        policy: args.smtp.retry_policy(),
        node: crate::jobs::node(),
    };
    let hooks = crate::webhooks::spawn(args.webhooks.delivery(store.clone()), stop.subscribe());
    let jobs = crate::jobs::spawn(store, stop.subscribe());
    let mail = crate::mail::spawn(delivery, stop.subscribe());
    let mut server = std::pin::pin!(server.into_future());
    let mut signals = Signals::install()?;

    tracing::info!("listening on http://{addr}");
    // Tests and scripts read the address (with the real port when binding port 0); a
    // closed stdout must not stop a server that logs elsewhere.
    let _ = crate::stdout_line(format_args!("listening on http://{addr}"));
    if let Some(path) = setup {
        // No user exists yet: this one-time link creates the first administrator.
        tracing::info!("no users yet: open the one-time setup link printed on stdout");
        let _ = crate::stdout_line(format_args!("set up psops: http://{addr}{path}"));
    }

    tokio::select! {
        ended = &mut server => ended.context("the server stopped")?,
        signal = signals.recv() => {
            tracing::info!(signal = signal?, "shutting down: finishing in-flight requests");
            // The receiver lives inside the server future, which is still running.
            let _ = stop.send(true);
            match tokio::time::timeout(GRACE, &mut server).await {
                Ok(ended) => ended.context("the server failed while shutting down")?,
                Err(_) => tracing::warn!(
                    grace_seconds = GRACE.as_secs(),
                    "requests still running after the grace period; closing anyway"
                ),
            }
        }
    }
    let _ = stop.send(true);
    let _ = jobs.await;
    let _ = mail.await;
    let _ = hooks.await;
    tracing::info!("server stopped");
    Ok(())
}

/// Sets the database pool's gauges; `/metrics` runs it before each answer.
fn pool_gauges(db: psops_store::Db) -> psops_web::prometheus::Probe {
    use psops_web::prometheus::{DB_CONNECTIONS, DB_IDLE, DB_MAX};
    Arc::new(move || {
        let pool = db.pool_status();
        metrics::gauge!(DB_CONNECTIONS).set(pool.size as f64);
        metrics::gauge!(DB_IDLE).set(pool.idle as f64);
        metrics::gauge!(DB_MAX).set(pool.max as f64);
    })
}

/// The shutdown signals, registered before the address is announced so that a signal
/// sent the moment a caller sees it is already handled, never fatal.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                int: signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?,
                term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves with the signal's name on SIGINT (Ctrl-C) or SIGTERM (what service
    /// managers and container runtimes send).
    async fn recv(&mut self) -> anyhow::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => Ok("SIGINT"),
                _ = self.term.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.context("cannot listen for Ctrl-C")?;
            Ok("SIGINT")
        }
    }
}
