//! The one stand-in HTTP server of the tests and the benchmark: plain or TLS, on 127.0.0.1 only,
//! a thread per connection (so it serves sync and async tests alike). It records every request
//! (head and body) and answers with a fixed [`Reply`] or one computed from the request: bytes
//! then close, bytes on a kept-alive connection, silence, bytes before any request, or bytes
//! dripped one at a time.
//!
//! `benches/perf.rs` includes this file on its own (`#[path]`), so it uses nothing else from
//! `tests/support`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the stand-in waits for each piece of a request before giving up on it.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// A head longer than this is recorded as it is, unfinished.
const HEAD_LIMIT: usize = 64 * 1024;
/// A body longer than this is recorded cut.
const BODY_LIMIT: usize = 1024 * 1024;

/// What the stand-in does on a connection.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Read the request, write these bytes, close.
    Raw(Vec<u8>),
    /// Read the request, write these bytes, then serve the next request on the same connection.
    KeepAlive(Vec<u8>),
    /// Read the request, then say nothing until the client goes away.
    Hang,
    /// Write these bytes at once without reading anything (a server that speaks first), close.
    /// From [`Server::start_with`], the request is read first.
    Blurt(Vec<u8>),
    /// Read the request, then write these bytes one at a time, `every` apart.
    Drip { bytes: Vec<u8>, every: Duration },
}

/// A TLS server configuration for [`Server::start_tls`].
pub type Tls = Arc<rustls::ServerConfig>;

type Answer = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

#[derive(Clone)]
enum Source {
    Fixed(Reply),
    Computed(Answer),
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<String>>,
    /// The peer of every connection accepted, in order.
    accepted: Mutex<Vec<SocketAddr>>,
    /// Connections not yet closed by the stand-in.
    open: AtomicUsize,
    /// Connections whose first request is still being read (and not yet recorded).
    reading: AtomicUsize,
}

/// A running stand-in. It lives until the test process ends; dropping this handle only stops
/// looking at it.
pub struct Server {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub url: String,
    pub port: u16,
    state: Arc<State>,
}

impl Server {
    /// Answers every request with `reply`.
    pub fn start(reply: Reply) -> Self {
        Self::launch(Source::Fixed(reply), None)
    }

    /// Answers every request with `reply`, over TLS.
    pub fn start_tls(reply: Reply, tls: Tls) -> Self {
        Self::launch(Source::Fixed(reply), Some(tls))
    }

    /// Answers each request with what `answer` makes of it (the request as text: head and body).
    pub fn start_with(answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        Self::launch(Source::Computed(Arc::new(answer)), None)
    }

    fn launch(source: Source, tls: Option<Tls>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        let scheme = if tls.is_some() { "https" } else { "http" };
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Ok(peer) = stream.peer_addr() {
                    shared.accepted.lock().unwrap().push(peer);
                }
                // Counted here, before the thread starts, so `settle` never misses one.
                shared.open.fetch_add(1, Ordering::SeqCst);
                shared.reading.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&shared);
                let source = source.clone();
                let tls = tls.clone();
                std::thread::spawn(move || {
                    let mut reading = Reading(Some(&state));
                    let _open = Open(&state);
                    let Some(conn) = Conn::new(stream, tls) else {
                        return;
                    };
                    serve(conn, &source, &state, &mut reading);
                });
            }
        });
        Self {
            url: format!("{scheme}://127.0.0.1:{port}"),
            port,
            state,
        }
    }

    /// Every request (head and body as text), in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The first request's head and body.
    pub fn head(&self) -> String {
        self.requests()
            .into_iter()
            .next()
            .expect("the server got a request")
    }

    /// Connections accepted so far (with the one [`Server::settle`] opens).
    pub fn connections(&self) -> usize {
        self.state.accepted.lock().unwrap().len()
    }

    /// Connections accepted and not yet closed.
    pub fn open_connections(&self) -> usize {
        self.state.open.load(Ordering::SeqCst)
    }

    /// Waits until every connection opened before this call has been accepted and its request
    /// read and recorded (or found to have none), so that `requests()` is final for whatever
    /// the client did before. It opens one connection of its own, which the stand-in accepts
    /// after all earlier ones, and waits (10 s at most) for that one and for every earlier
    /// request to be read.
    pub fn settle(&self) {
        let probe = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the stand-in");
        let me = probe.local_addr().expect("local address");
        let _ = probe.shutdown(Shutdown::Both);
        drop(probe);
        let deadline = Instant::now() + READ_TIMEOUT * 2;
        loop {
            let accepted = self.state.accepted.lock().unwrap().contains(&me);
            if accepted && self.state.reading.load(Ordering::SeqCst) == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the stand-in did not settle: {} connection(s) still being read",
                self.state.reading.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Marks the first request of a connection as read (once) when dropped or done.
struct Reading<'a>(Option<&'a State>);

impl Reading<'_> {
    fn done(&mut self) {
        if let Some(state) = self.0.take() {
            state.reading.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.done();
    }
}

struct Open<'a>(&'a State);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve(mut conn: Conn, source: &Source, state: &State, reading: &mut Reading<'_>) {
    if let Source::Fixed(Reply::Blurt(bytes)) = source {
        reading.done();
        let _ = conn.write_all(bytes);
        conn.finish();
        return;
    }
    loop {
        let request = read_request(&mut conn);
        let Some(request) = request else {
            return;
        };
        let text = String::from_utf8_lossy(&request).into_owned();
        let reply = match source {
            Source::Fixed(reply) => reply.clone(),
            Source::Computed(answer) => answer(&text),
        };
        state.requests.lock().unwrap().push(text);
        reading.done();
        match reply {
            Reply::Raw(bytes) | Reply::Blurt(bytes) => {
                let _ = conn.write_all(&bytes);
                conn.finish();
                return;
            }
            Reply::KeepAlive(bytes) => {
                if conn.write_all(&bytes).and_then(|()| conn.flush()).is_err() {
                    return;
                }
            }
            Reply::Hang => {
                let _ = conn.tcp().set_read_timeout(None);
                let mut buf = [0u8; 4096];
                while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
                return;
            }
            Reply::Drip { bytes, every } => {
                for b in bytes {
                    if conn.write_all(&[b]).and_then(|()| conn.flush()).is_err() {
                        return;
                    }
                    std::thread::sleep(every);
                }
                conn.finish();
                return;
            }
        }
    }
}

/// Reads one request: the head, then as much of the body as its `Content-Length` announces.
/// `None` when the client sent no head (it closed, or stayed silent past the timeout).
fn read_request(conn: &mut Conn) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() >= HEAD_LIMIT {
            return Some(buf);
        }
        match conn.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    };
    let length = header(&String::from_utf8_lossy(&buf[..head_end]), "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(BODY_LIMIT);
    while buf.len() < head_end + length {
        match conn.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    Some(buf)
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn new(stream: TcpStream, tls: Option<Tls>) -> Option<Self> {
        stream.set_read_timeout(Some(READ_TIMEOUT)).ok()?;
        Some(match tls {
            None => Self::Plain(stream),
            Some(config) => {
                let conn = rustls::ServerConnection::new(config).ok()?;
                Self::Tls(Box::new(rustls::StreamOwned::new(conn, stream)))
            }
        })
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Self::Plain(s) => s,
            Self::Tls(s) => &s.sock,
        }
    }

    /// Flushes, says goodbye (TLS `close_notify`) and shuts the sending side.
    fn finish(&mut self) {
        if let Self::Tls(s) = self {
            s.conn.send_close_notify();
        }
        let _ = self.flush();
        let _ = self.tcp().shutdown(Shutdown::Write);
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(s) => s.read(buf),
            Self::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(s) => s.write(buf),
            Self::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Plain(s) => s.flush(),
            Self::Tls(s) => s.flush(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers.

/// `HTTP/1.1 {status_line}` with a `Content-Length`, these headers, `Connection: close`, and
/// the body.
pub fn http(status_line: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {status_line}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(text, "{k}: {v}\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    text.push_str(body);
    text.into_bytes()
}

/// Like [`http`] without `Connection: close`, for [`Reply::KeepAlive`].
pub fn http_keep_alive(status_line: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {status_line}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(text, "{k}: {v}\r\n");
    }
    text.push_str("\r\n");
    text.push_str(body);
    text.into_bytes()
}

/// An answer with this status (reason phrase `Test`), headers and body; then close.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply::Raw(http(&format!("{status} Test"), headers, body))
}

/// A JSON answer with this status line (`401 Unauthorized`) and body; then close.
pub fn json(status_line: &str, body: &str) -> Reply {
    Reply::Raw(http(
        status_line,
        &[("Content-Type", "application/json")],
        body,
    ))
}

/// An Anthropic-shaped error answer with a request id.
pub fn api_error(status: u16, kind: &str, message: &str) -> Reply {
    let body = format!(
        r#"{{"type":"error","error":{{"type":"{kind}","message":"{message}"}},"request_id":"req_011TEST"}}"#
    );
    response(
        status,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "req_011TEST"),
            ("x-should-retry", "false"),
        ],
        &body,
    )
}

/// The Anthropic 401 for a refused key (no request id).
pub const INVALID_KEY_BODY: &str =
    r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;

/// A 200 with a one-model list and a request id.
pub fn ok_models() -> Reply {
    response(
        200,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "req_ok"),
        ],
        r#"{"data":[{"type":"model","id":"claude-test"}],"has_more":true}"#,
    )
}

/// An HTML page with this title (a proxy's or a sign-in page).
pub fn html(status: u16, title: &str) -> Reply {
    response(
        status,
        &[("Content-Type", "text/html")],
        &format!("<html><head><title>{title}</title></head><body>nope</body></html>"),
    )
}

// ---------------------------------------------------------------------------------------------
// Reading what arrived.

/// The value of a header in a recorded request (case-insensitive name; the request line is
/// skipped).
pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// The request line of a recorded request.
pub fn request_line(head: &str) -> String {
    head.lines().next().unwrap_or("").to_string()
}

/// A port on 127.0.0.1 that nothing listens on (bound, then let go).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("local address").port()
}

// ---------------------------------------------------------------------------------------------
// TLS.

/// A TLS configuration serving `cert` with `key`.
pub fn tls_config(cert: rustls::pki_types::CertificateDer<'static>, key: &rcgen::KeyPair) -> Tls {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    Arc::new(config)
}

/// A self-signed certificate for 127.0.0.1 that no store trusts.
pub fn self_signed() -> Tls {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    tls_config(certified.cert.der().clone(), &certified.signing_key)
}

/// A CA (its PEM) named `ca_name`, and a TLS configuration for a 127.0.0.1 leaf it signed
/// (valid, or expired in 2021).
pub fn ca_and_leaf_named(ca_name: &str, expired: bool) -> (String, Tls) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, ca_name);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let mut leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    if expired {
        leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &ca).unwrap();
    (ca.pem(), tls_config(cert.der().clone(), &key))
}

/// A valid leaf for 127.0.0.1 signed by a fresh CA (its PEM returned).
pub fn ca_and_leaf() -> (String, Tls) {
    ca_and_leaf_named("Test Corp System CA", false)
}
