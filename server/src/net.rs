//! Connections: accepting (HTTP/1.1 and HTTP/2, with TLS when configured), closing idle ones,
//! and draining on shutdown: `/readyz` 503 for a while, then no new connections while requests
//! in flight finish.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use crate::state::Shared;

/// Serves until `shutdown` completes; then drains as load balancers expect: for `drain`,
/// `/readyz` answers 503 while every request is still served (new connections too), so that a
/// balancer sees the replica leave before its listener goes; then the listener closes, idle
/// connections are closed, and requests in flight finish, for at most `grace`.
pub async fn serve(
    shared: Arc<Shared>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
    grace: Duration,
) {
    let drain_state = Arc::clone(&shared);
    let shutdown = async move {
        shutdown.await;
        drain_state.draining.store(true, Ordering::Relaxed);
        if !drain.is_zero() {
            eprintln!(
                "edict serve: draining: /readyz answers 503 for {drain:?} while requests are served"
            );
            tokio::time::sleep(drain).await;
        }
    };
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(shared.config.limits.max_connections));
    let idle = shared.config.limits.idle_timeout;
    let epoch = Instant::now();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little and go on.
                    eprintln!("edict serve: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        shared.metrics.connections.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(AtomicU64::new(epoch.elapsed().as_millis() as u64));
        let tracked = Tracked {
            inner: stream,
            activity: Arc::clone(&activity),
            epoch,
        };
        let svc_shared = Arc::clone(&shared);
        let service = service_fn(move |req| crate::api::handle(Arc::clone(&svc_shared), req));
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let builder = auto::Builder::new(TokioExecutor::new());
            let idle_watch = idle_watch(activity, epoch, idle);
            match tls {
                Some(acceptor) => {
                    let Ok(Ok(stream)) = tokio::time::timeout(idle, acceptor.accept(tracked)).await
                    else {
                        return;
                    };
                    let conn =
                        builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    let conn = watcher.watch(conn.into_owned());
                    tokio::select! { _ = conn => {}, () = idle_watch => {} }
                }
                None => {
                    let conn =
                        builder.serve_connection_with_upgrades(TokioIo::new(tracked), service);
                    let conn = watcher.watch(conn.into_owned());
                    tokio::select! { _ = conn => {}, () = idle_watch => {} }
                }
            }
        });
    }
    shared.draining.store(true, Ordering::Relaxed);
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            eprintln!("edict serve: requests still running after {grace:?}; stopping anyway");
        }
    }
}

/// Completes when a connection has seen no traffic for `idle`.
async fn idle_watch(activity: Arc<AtomicU64>, epoch: Instant, idle: Duration) {
    loop {
        let last = Duration::from_millis(activity.load(Ordering::Relaxed));
        let quiet = epoch.elapsed().saturating_sub(last);
        if quiet >= idle {
            return;
        }
        tokio::time::sleep(idle - quiet + Duration::from_millis(10)).await;
    }
}

/// A stream that notes the time of its last read or write.
struct Tracked<S> {
    inner: S,
    activity: Arc<AtomicU64>,
    epoch: Instant,
}

impl<S> Tracked<S> {
    fn touch(&self) {
        self.activity
            .store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A TLS acceptor from PEM files (certificate chain, private key), offering HTTP/2 and
/// HTTP/1.1.
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, String> {
    use tokio_rustls::rustls;
    let read = |p: &std::path::Path| {
        std::fs::read(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
    };
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut cert_pem.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("`{}` is not a PEM certificate chain: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("`{}` holds no certificate", cert.display()));
    }
    let key = rustls_pemfile::private_key(&mut key_pem.as_slice())
        .map_err(|e| format!("`{}` is not a PEM private key: {e}", key.display()))?
        .ok_or_else(|| format!("`{}` holds no private key", key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("TLS: {e}"))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("TLS: the certificate and key do not fit together: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
