//! Accepted connections with a lifetime: the hard end of `server.max_connection_age_secs` plus
//! `server.max_connection_age_grace_secs`.
//!
//! At the maximum age tonic sends an HTTP/2 GOAWAY: the client opens a new connection (through the
//! balancer, possibly to another replica) for its next requests while those in flight finish on
//! the old one. A request that never finishes (a stream kept open) would keep the old connection
//! forever, so at age + grace the socket itself is closed. tonic's own grace setting cannot be
//! used: in 0.14.9 it replaces the GOAWAY by the hard close instead of following it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// A TCP connection that fails every read and write once its lifetime is over, which makes the
/// HTTP/2 server drop it.
#[derive(Debug)]
pub struct LimitedConnection {
    inner: TcpStream,
    /// None: no limit.
    end: Option<Pin<Box<Sleep>>>,
}

/// Gives every accepted connection of `incoming` the lifetime `lifetime` (none: unlimited).
pub fn with_lifetime<S>(incoming: S, lifetime: Option<Duration>) -> impl Stream<Item = io::Result<LimitedConnection>>
where
    S: Stream<Item = io::Result<TcpStream>>,
{
    incoming.map(move |accepted| {
        accepted.map(|inner| LimitedConnection { inner, end: lifetime.map(|l| Box::pin(tokio::time::sleep(l))) })
    })
}

impl LimitedConnection {
    /// An error once the lifetime is over; otherwise registers the waker for that moment (the
    /// server always has a read pending, so the connection is woken and closed on time).
    fn expired(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        let end = self.end.as_mut()?;
        end.as_mut()
            .poll(cx)
            .is_ready()
            .then(|| io::Error::new(io::ErrorKind::TimedOut, "server.max_connection_age_secs + grace reached"))
    }
}

impl AsyncRead for LimitedConnection {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.expired(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for LimitedConnection {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(error) = self.expired(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
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
        if let Some(error) = self.expired(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

impl Connected for LimitedConnection {
    // The TCP peer, as without the wrapper (auth.rs reads it, wrapped in TLS info, for certificates).
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.inner.connect_info()
    }
}
