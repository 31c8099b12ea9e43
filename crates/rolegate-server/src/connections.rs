//! Connections: one acceptor hands each accepted connection to one of N worker threads, each
//! running its own single-threaded runtime, where the connection stays until it closes.
//!
//! Why not one work-stealing runtime: a request here is a few tens of microseconds of CPU,
//! and with tokio's multi-threaded scheduler most of them made one worker wake another (an
//! eventfd write or a futex, and an interprocessor interrupt) — 0.6 wake-ups per AssumeRole,
//! measured. A connection that never leaves its thread costs none.
//!
//! Each connection also writes its response one scheduler round late ([`Connection`]), so the
//! responses to the requests that arrived together leave together, and a client waiting on
//! several connections is woken once for them rather than once each.
//!
//! Idle and half-sent connections cannot pile up: a connection that has not sent a whole
//! request head within [`ConnectionLimits::header_timeout`] of being ready for one (idle
//! keep-alive included) is closed, and the acceptor turns connections away beyond
//! [`ConnectionLimits::max_connections`], so idle sockets cannot exhaust the process's file
//! descriptors.

use std::io::IoSlice;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt as _;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// How long connections may idle, and how many there may be.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// How long a connection may take to send a request head, counted from when it is ready
    /// for one.
    pub header_timeout: Duration,
    /// Connections served at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(20),
            max_connections: 4096,
        }
    }
}

/// A connection on its way from the acceptor to a worker.
type Handoff = (std::net::TcpStream, SocketAddr, LiveGuard);

/// The worker threads, and how to reach them.
pub struct Workers {
    workers: Vec<Worker>,
    next: usize,
    max_connections: usize,
    stop: watch::Sender<bool>,
}

struct Worker {
    connections: mpsc::UnboundedSender<Handoff>,
    /// Connections this worker is serving now.
    live: Arc<AtomicUsize>,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

impl Workers {
    /// Starts `count` worker threads (at least one), each serving `router`.
    pub fn start(
        count: usize,
        router: &axum::Router,
        limits: ConnectionLimits,
    ) -> std::io::Result<Self> {
        let (stop, stopped) = watch::channel(false);
        let workers = (0..count.max(1))
            .map(|index| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let (connections, incoming) = mpsc::unbounded_channel();
                let router = router.clone();
                let stopped = stopped.clone();
                let thread = std::thread::Builder::new()
                    .name(format!("rolegate-worker-{index}"))
                    .spawn(move || {
                        serve_connections(&runtime, router, Incoming(incoming), stopped, limits)
                    })?;
                Ok(Worker {
                    connections,
                    live: Arc::default(),
                    thread,
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self {
            workers,
            next: 0,
            max_connections: limits.max_connections,
            stop,
        })
    }

    /// Accepts connections until `shutdown` completes, giving each to the worker serving the
    /// fewest (ties go round-robin).
    pub async fn accept_until(
        &mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => return,
                accepted = listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, peer)) => self.hand_off(stream, peer),
                Err(error) => accept_failed(error).await,
            }
        }
    }

    fn hand_off(&mut self, stream: TcpStream, peer: SocketAddr) {
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(error) => {
                tracing::warn!(%error, "cannot hand a connection over");
                return;
            }
        };
        let count = self.workers.len();
        let live: usize = self
            .workers
            .iter()
            .map(|w| w.live.load(Ordering::Relaxed))
            .sum();
        if count == 0 || live >= self.max_connections {
            tracing::warn!(live, "connection refused: too many connections");
            return;
        }
        let start = self.next;
        self.next = (self.next + 1) % count;
        let Some(worker) = (0..count)
            .filter_map(|offset| self.workers.get((start + offset) % count))
            .min_by_key(|worker| worker.live.load(Ordering::Relaxed))
        else {
            return;
        };
        let guard = LiveGuard::new(&worker.live);
        if worker.connections.send((stream, peer, guard)).is_err() {
            tracing::error!("a worker thread has stopped");
        }
    }

    /// Lets every worker finish its in-flight requests, then waits for the threads to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for worker in self.workers {
            drop(worker.connections);
            let thread = worker.thread;
            match tokio::task::spawn_blocking(move || thread.join()).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(error))) => tracing::error!(%error, "worker failed"),
                Ok(Err(_)) | Err(_) => tracing::error!("worker panicked"),
            }
        }
    }
}

/// One worker: its single-threaded runtime serves the connections handed to it until told to
/// stop, then lets the requests in flight finish.
fn serve_connections(
    runtime: &tokio::runtime::Runtime,
    router: axum::Router,
    mut incoming: Incoming,
    mut stopped: watch::Receiver<bool>,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    runtime.block_on(async move {
        let graceful = GracefulShutdown::new();
        loop {
            let (connection, peer) = tokio::select! {
                accepted = incoming.next() => accepted,
                _ = stopped.wait_for(|stop| *stop) => break,
            };
            // Responses are written whole; Nagle would only hold the last segment of a
            // response back until the client's delayed ACK, adding latency to every
            // keep-alive request.
            if let Err(error) = connection.stream.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
            let service = router.clone().map_request(
                move |request: axum::http::Request<hyper::body::Incoming>| {
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                },
            );
            let served =
                http.serve_connection(TokioIo::new(connection), TowerToHyperService::new(service));
            let served = graceful.watch(served);
            tokio::spawn(async move {
                if let Err(error) = served.await {
                    tracing::debug!(%error, "connection closed");
                }
            });
        }
        graceful.shutdown().await;
    });
    Ok(())
}

/// An accept error: a connection that failed before it was accepted is skipped; anything else
/// (out of file descriptors, say) is logged and retried a moment later.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept failed; retrying in a second");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// The connections handed to one worker.
struct Incoming(mpsc::UnboundedReceiver<Handoff>);

impl Incoming {
    async fn next(&mut self) -> (Connection, SocketAddr) {
        loop {
            // The acceptor is gone only when the server stops; graceful shutdown ends the
            // serve loop then, so waiting forever here is never observed.
            let Some((stream, peer, live)) = self.0.recv().await else {
                std::future::pending::<()>().await;
                continue;
            };
            match TcpStream::from_std(stream) {
                Ok(stream) => {
                    return (
                        Connection {
                            stream,
                            write_deferred: false,
                            _live: live,
                        },
                        peer,
                    );
                }
                Err(error) => tracing::warn!(%error, "cannot take a connection over"),
            }
        }
    }
}

/// Counts a connection as live on its worker until dropped.
struct LiveGuard(Arc<AtomicUsize>);

impl LiveGuard {
    fn new(live: &Arc<AtomicUsize>) -> Self {
        live.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(live))
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP connection that yields once before each write: the task goes to the back of its
/// worker's queue, the other requests that are ready run first, and the responses are then
/// written back to back.
pub struct Connection {
    stream: TcpStream,
    write_deferred: bool,
    _live: LiveGuard,
}

impl Connection {
    /// True the first time it is asked for a given write (and wakes the task to come back
    /// for it); false the second time, when the write goes ahead.
    fn defer_write(&mut self, cx: &Context<'_>) -> bool {
        self.write_deferred = !self.write_deferred;
        if self.write_deferred {
            cx.waker().wake_by_ref();
        }
        self.write_deferred
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.defer_write(cx) {
            return Poll::Pending;
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        if self.defer_write(cx) {
            return Poll::Pending;
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read as _, Write as _};

    use axum::routing::get;
    use tokio::sync::oneshot;

    use super::*;

    /// Four keep-alive clients, two requests each: every request is answered, in order, and the
    /// connections end up two per worker.
    #[tokio::test]
    async fn connections_are_answered_and_spread_evenly() {
        let router = axum::Router::new().route(
            "/{n}",
            get(|axum::extract::Path(n): axum::extract::Path<u32>| async move { format!("r{n}") }),
        );
        let mut workers = Workers::start(2, &router, ConnectionLimits::default()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (answered, all_answered) = oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let clients = std::thread::spawn(move || {
            let mut streams: Vec<_> = (0..4)
                .map(|_| std::net::TcpStream::connect(address).unwrap())
                .collect();
            for round in 0..2 {
                for (index, stream) in streams.iter_mut().enumerate() {
                    let n = round * 10 + index;
                    write!(stream, "GET /{n} HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
                    let mut response = vec![0; 1024];
                    let read = stream.read(&mut response).unwrap();
                    let response = String::from_utf8_lossy(&response[..read]).into_owned();
                    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
                    assert!(response.ends_with(&format!("\r\n\r\nr{n}")), "{response}");
                }
            }
            answered.send(()).unwrap();
            // Hold the connections open until the test has counted them.
            released.recv().unwrap();
        });
        workers
            .accept_until(listener, async {
                all_answered.await.unwrap();
            })
            .await;
        let live: Vec<_> = workers
            .workers
            .iter()
            .map(|worker| worker.live.load(Ordering::Relaxed))
            .collect();
        assert_eq!(live, [2, 2]);
        release.send(()).unwrap();
        clients.join().unwrap();
        workers.stop().await;
    }
}
