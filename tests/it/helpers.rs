//! Shared test fixtures: snapshots loaded once per test binary and `spawn_server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use tokio::sync::oneshot;
use tonic::transport::Channel;
use vaardig::engine::{Engines, LiveEngines};
use vaardig::ontology::{self, SourceSpec};
use vaardig::proto::v1::concept_service_client::ConceptServiceClient;
use vaardig::settings::Settings;

/// `../shared/data`, beside the repository (CI has it there too).
pub fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

pub fn esco_dir() -> PathBuf {
    shared_data().join("esco-v1.1.1")
}

/// The embedded default ontology with its engines, built once per test binary.
pub fn embedded() -> Arc<Engines> {
    static ENGINES: OnceLock<Arc<Engines>> = OnceLock::new();
    ENGINES
        .get_or_init(|| {
            let snapshot = ontology::load(&[SourceSpec::Embedded]).expect("embedded ontology loads").0;
            Arc::new(Engines::build(Arc::new(snapshot)))
        })
        .clone()
}

fn esco_loaded() -> &'static (Arc<Engines>, ontology::Report) {
    static LOADED: OnceLock<(Arc<Engines>, ontology::Report)> = OnceLock::new();
    LOADED.get_or_init(|| {
        let (snapshot, report) = ontology::load(&[SourceSpec::Path(esco_dir())]).expect("ESCO loads");
        (Arc::new(Engines::build(Arc::new(snapshot))), report)
    })
}

/// Full ESCO v1.1.1 with its engines, built once per test binary.
pub fn esco() -> Arc<Engines> {
    esco_loaded().0.clone()
}

/// Full ESCO v1.1.1 with the embedded Dutch bundle layered on it (the service's usual sources),
/// built once per test binary.
pub fn esco_and_embedded() -> Arc<Engines> {
    static ENGINES: OnceLock<Arc<Engines>> = OnceLock::new();
    ENGINES
        .get_or_init(|| {
            let sources = [SourceSpec::Path(esco_dir()), SourceSpec::Embedded];
            let snapshot = ontology::load(&sources).expect("ESCO and the embedded bundle load").0;
            Arc::new(Engines::build(Arc::new(snapshot)))
        })
        .clone()
}

/// The load report of [`esco`].
pub fn esco_report() -> &'static ontology::Report {
    &esco_loaded().1
}

/// A server running on an ephemeral port until the value is dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url()).unwrap().connect().await.expect("connect to test server")
    }

    pub async fn concepts(&self) -> ConceptServiceClient<Channel> {
        ConceptServiceClient::new(self.channel().await)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A free port on the loopback interface (bound and released; the server binds it next).
///
/// Taken below the kernel's ephemeral range (32768–60999 by default), one after another: a port
/// the kernel handed out for `127.0.0.1:0` could be handed out again to another test's listener
/// between its release here and the server's bind (seen once as `AddrInUse` for a metrics port).
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    const SPAN: u16 = 2_500;
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 400) as u16 * 25;
    (0..SPAN)
        .map(|_| base + NEXT.fetch_add(1, Ordering::Relaxed) % SPAN)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free loopback port below the ephemeral range")
}

/// Default settings, with a short drain so that dropped test servers stop quickly.
pub fn test_settings() -> Settings {
    let mut settings = Settings::default();
    settings.server.drain_timeout_secs = 2;
    settings
}

/// Starts the real server (all services) on 127.0.0.1:0 in the current runtime.
pub async fn spawn_server(engines: Arc<Engines>) -> TestServer {
    spawn_server_with(engines, test_settings()).await
}

/// [`spawn_server`] with explicit settings (limits, TLS, auth, …).
pub async fn spawn_server_with(engines: Arc<Engines>, settings: Settings) -> TestServer {
    spawn_server_live(LiveEngines::new(engines), settings).await
}

/// [`spawn_server`] on engines the test keeps a handle to (to swap them, as a reload does).
pub async fn spawn_server_live(live: Arc<LiveEngines>, settings: Settings) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        vaardig::server::serve(listener, live, Arc::new(settings), shutdown).await.unwrap();
    });
    TestServer { addr, stop: Some(stop) }
}

/// Starts a server in a runtime of its own thread, for tests that run the CLI binary (which
/// blocks the test thread while it talks to the server).
pub fn spawn_server_thread(engines: Arc<Engines>) -> (SocketAddr, oneshot::Sender<()>) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let shutdown = async {
                let _ = stopped.await;
            };
            vaardig::server::serve(listener, LiveEngines::new(engines), Arc::new(test_settings()), shutdown)
                .await
                .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), stop)
}
