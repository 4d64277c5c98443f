//! An AMLYZE emulator for the delivery tests: a small HTTP/1.1 server on 127.0.0.1, started
//! in-process, that behaves as the vendor documents `POST /amlyze-ws-rest/customer`
//! (spec §8) and injects faults on demand. Nothing leaves loopback; it stops when dropped.
//!
//! As documented: a valid payload is stored once per communicationNumber (200
//! `REQUEST_ACCEPTED`); a number seen before is refused with 400 `O001` "CommunicationNumber
//! already used in amlyze"; a payload without a number gets 400 `{"errors": [...]}`; an
//! UPDATE of a customerExtId no CREATE made is refused with `C004`; another path gets the
//! framework's 404; a missing or wrong `Authorization` gets 401.
//!
//! Faults (`Fault`), drawn for a share of the requests from a seeded generator: bursts of
//! 500 (the documented body) and 503 (an HTML page), 429 with `Retry-After` (seconds or an
//! HTTP-date), an answer slower than the client's timeout after the lead was stored, a
//! connection reset after the lead was stored ("landed, answer lost") and before it, a
//! 200 with a body that is not JSON, and the 2023 status codes (202 for success, 200 for
//! a refusal). Also: 401 after N requests, and chosen numbers refused with a vendor code.
//!
//! With `Config::tls` it serves HTTPS with the test certificate of `tests/fixtures/tls/`.
//!
//! It checks what the client must never do: two requests in flight for one number
//! (`overlaps`) and an UPDATE before its CREATE (answered `C004`, counted by code).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

pub const PATH: &str = "/amlyze-ws-rest/customer";

/// A fault the emulator can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// 500 with the documented body, for this and the next few requests.
    Burst500,
    /// 503 with an HTML page, for this and the next few requests.
    Burst503,
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// 429 with `Retry-After` as an HTTP-date a second ahead.
    TooManyDate,
    /// Stores the lead, then answers after `Config::slow` (longer than the client waits).
    SlowAfterStore,
    /// Stores the lead, then resets the connection: landed, answer lost.
    ResetAfterStore,
    /// Resets the connection without storing.
    ResetBefore,
    /// 200 with an HTML body, not stored.
    NotJson,
    /// Processes the lead normally but answers with the 2023 codes (202, or 200 refusals).
    Status2023,
}

/// Every fault kind.
pub const ALL_FAULTS: [Fault; 9] = [
    Fault::Burst500,
    Fault::Burst503,
    Fault::TooMany,
    Fault::TooManyDate,
    Fault::SlowAfterStore,
    Fault::ResetAfterStore,
    Fault::ResetBefore,
    Fault::NotJson,
    Fault::Status2023,
];

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `Authorization` header it requires (None: no authentication).
    pub auth: Option<String>,
    /// Time before each answer.
    pub latency: Duration,
    /// Share of requests that get a fault drawn from `faults`.
    pub fault_rate: f64,
    pub faults: Vec<Fault>,
    pub seed: u64,
    /// How late a `SlowAfterStore` answer comes.
    pub slow: Duration,
    /// Every request after this many gets 401.
    pub unauthorized_after: Option<u64>,
    /// Serve HTTPS with `tests/fixtures/tls/cert.pem` (signed by `ca.pem` there).
    pub tls: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            auth: None,
            latency: Duration::ZERO,
            fault_rate: 0.0,
            faults: Vec::new(),
            seed: 1,
            slow: Duration::from_secs(2),
            unauthorized_after: None,
            tls: false,
        }
    }
}

#[derive(Default)]
struct State {
    config: Mutex<Config>,
    /// communicationNumber -> the payload stored, and how many times it was stored.
    leads: Mutex<HashMap<String, (Vec<u8>, u32)>>,
    customers: Mutex<HashSet<String>>,
    in_flight: Mutex<HashSet<String>>,
    overlaps: AtomicU64,
    requests: AtomicU64,
    /// Numbers to refuse: (errorCode, errorDescription).
    refuse: Mutex<HashMap<String, (String, String)>>,
    /// Answers by label (`accepted`, `O001`, `C004`, `fault:Burst500`, ...).
    answers: Mutex<BTreeMap<String, u64>>,
    /// Requests still to answer with a burst's status.
    burst: Mutex<Option<(Fault, u32)>>,
    /// (communicationNumber, when it arrived), in arrival order.
    arrivals: Mutex<Vec<(String, Instant)>>,
    /// Faults for the next requests of a number, in order (no burst follows them).
    scripted: Mutex<HashMap<String, std::collections::VecDeque<Fault>>>,
}

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Emulator {
    pub fn start(config: Config) -> Emulator {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        *state.config.lock().unwrap() = config;
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        let accept = std::thread::spawn(move || accept_loop(listener, s, st));
        Emulator {
            addr,
            state,
            stop,
            accept: Some(accept),
        }
    }

    /// The customer endpoint's URL.
    pub fn url(&self) -> String {
        self.url_of(PATH)
    }

    /// Any path on the emulator.
    pub fn url_of(&self, path: &str) -> String {
        let tls = self.state.config.lock().unwrap().tls;
        format!(
            "{}://{}{path}",
            if tls { "https" } else { "http" },
            self.addr
        )
    }

    pub fn configure(&self, f: impl FnOnce(&mut Config)) {
        f(&mut self.state.config.lock().unwrap());
    }

    /// Refuses `cn` with a vendor code.
    pub fn refuse(&self, cn: &str, code: &str, description: &str) {
        self.state
            .refuse
            .lock()
            .unwrap()
            .insert(cn.into(), (code.into(), description.into()));
    }

    /// The next requests for `cn` get these faults, one each, then it is served normally.
    pub fn script(&self, cn: &str, faults: &[Fault]) {
        self.state
            .scripted
            .lock()
            .unwrap()
            .insert(cn.into(), faults.iter().copied().collect());
    }

    /// Stores a lead as if another system had sent it.
    pub fn preload(&self, cn: &str, payload: &[u8]) {
        self.state
            .leads
            .lock()
            .unwrap()
            .insert(cn.into(), (payload.to_vec(), 1));
    }

    /// The leads stored: communicationNumber -> (payload, times stored).
    pub fn leads(&self) -> HashMap<String, (Vec<u8>, u32)> {
        self.state.leads.lock().unwrap().clone()
    }

    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Requests that arrived while another for the same number was being processed.
    pub fn overlaps(&self) -> u64 {
        self.state.overlaps.load(Ordering::SeqCst)
    }

    pub fn answers(&self) -> BTreeMap<String, u64> {
        self.state.answers.lock().unwrap().clone()
    }

    /// When each request for `cn` arrived.
    pub fn arrivals_of(&self, cn: &str) -> Vec<Instant> {
        let a = self.state.arrivals.lock().unwrap();
        a.iter().filter(|(c, _)| c == cn).map(|(_, t)| *t).collect()
    }

    /// The numbers in arrival order (first arrival of each).
    pub fn first_arrivals(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let a = self.state.arrivals.lock().unwrap();
        a.iter()
            .filter(|(c, _)| seen.insert(c.clone()))
            .map(|(c, _)| c.clone())
            .collect()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(listener: TcpListener, state: Arc<State>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let (s, st) = (state.clone(), stop.clone());
                std::thread::spawn(move || serve(stream, s, st));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

/// One request as read.
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// Serves one connection's requests (keep-alive) until it closes or the emulator stops.
fn serve(stream: TcpStream, state: Arc<State>, stop: Arc<AtomicBool>) {
    use std::os::unix::io::AsRawFd;
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = stream.set_nodelay(true);
    let fd = stream.as_raw_fd();
    if state.config.lock().unwrap().tls {
        let conn = rustls::ServerConnection::new(tls_config()).unwrap();
        serve_on(
            BufReader::new(rustls::StreamOwned::new(conn, stream)),
            fd,
            &state,
            &stop,
        );
    } else {
        serve_on(BufReader::new(stream), fd, &state, &stop);
    }
}

/// The emulator's TLS configuration: the test certificate.
fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/");
    let certs = CertificateDer::pem_file_iter(format!("{dir}cert.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}key.pem")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    Arc::new(config)
}

/// The request loop over a plain or TLS stream; `fd` is the socket's, for a reset.
fn serve_on<S: Read + Write>(
    mut reader: BufReader<S>,
    fd: std::os::unix::io::RawFd,
    state: &State,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::SeqCst) {
        let req = match read_request(&mut reader, stop) {
            Some(r) => r,
            None => return,
        };
        match handle(state, &req) {
            Reply::Answer(status, body, extra) => {
                if write_answer(reader.get_mut(), status, &body, &extra).is_err() {
                    return;
                }
            }
            Reply::Reset => {
                reset(fd);
                return;
            }
        }
    }
}

fn read_request<S: Read>(r: &mut BufReader<S>, stop: &AtomicBool) -> Option<Request> {
    let mut line = String::new();
    loop {
        match r.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line.trim().is_empty() => line.clear(),
            Ok(_) => break,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if stop.load(Ordering::SeqCst) {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

enum Reply {
    /// Status, JSON or HTML body, extra headers.
    Answer(u16, String, Vec<(String, String)>),
    Reset,
}

fn count(state: &State, label: &str) {
    *state
        .answers
        .lock()
        .unwrap()
        .entry(label.to_string())
        .or_default() += 1;
}

fn vendor(code: &str, description: &str) -> String {
    serde_json::json!({"resultType": "REQUEST_REJECTED", "errorCode": code, "errorDescription": description}).to_string()
}

const ACCEPTED: &str = r#"{"resultType": "REQUEST_ACCEPTED"}"#;

/// Decides the answer to one request.
fn handle(state: &State, req: &Request) -> Reply {
    let seq = state.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let config = state.config.lock().unwrap().clone();
    if req.path != PATH {
        count(state, "404");
        let body = format!(
            r#"{{"timestamp": "2024-01-01T00:00:00.000+00:00", "status": 404, "error": "Not Found", "path": "{}"}}"#,
            req.path
        );
        return Reply::Answer(404, body, vec![]);
    }
    let unauthorized = config.unauthorized_after.is_some_and(|n| seq > n)
        || config
            .auth
            .as_ref()
            .is_some_and(|a| req.headers.get("authorization") != Some(a));
    if req.method != "POST" || unauthorized {
        count(state, "401");
        return Reply::Answer(401, String::new(), vec![]);
    }
    let payload: serde_json::Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(_) => return Reply::Answer(400, r#"{"errors": ["Malformed JSON"]}"#.into(), vec![]),
    };
    let Some(cn) = payload["communicationNumber"].as_str().map(str::to_string) else {
        count(state, "errors");
        return Reply::Answer(
            400,
            r#"{"errors": ["CommunicationNumber is mandatory"]}"#.into(),
            vec![],
        );
    };
    state
        .arrivals
        .lock()
        .unwrap()
        .push((cn.clone(), Instant::now()));
    if !state.in_flight.lock().unwrap().insert(cn.clone()) {
        state.overlaps.fetch_add(1, Ordering::SeqCst);
    }
    let scripted = state
        .scripted
        .lock()
        .unwrap()
        .get_mut(&cn)
        .and_then(|q| q.pop_front());
    let fault = scripted.or_else(|| draw_fault(state, &config, seq));
    let reply = answer(state, &config, fault, &cn, &payload, &req.body);
    state.in_flight.lock().unwrap().remove(&cn);
    std::thread::sleep(config.latency);
    if fault == Some(Fault::SlowAfterStore) {
        std::thread::sleep(config.slow);
    }
    reply
}

/// The fault of request `seq`, if any: the rest of a burst, or a fresh draw.
fn draw_fault(state: &State, config: &Config, seq: u64) -> Option<Fault> {
    let mut burst = state.burst.lock().unwrap();
    if let Some((kind, left)) = burst.as_mut() {
        let kind = *kind;
        *left -= 1;
        if *left == 0 {
            *burst = None;
        }
        return Some(kind);
    }
    let r = splitmix(config.seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    if config.faults.is_empty() || (r >> 11) as f64 / (1u64 << 53) as f64 >= config.fault_rate {
        return None;
    }
    let kind = config.faults[(splitmix(r) % config.faults.len() as u64) as usize];
    if matches!(kind, Fault::Burst500 | Fault::Burst503) {
        *burst = Some((kind, 2 + (r % 4) as u32));
    }
    Some(kind)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The answer under `fault`.
fn answer(
    state: &State,
    _config: &Config,
    fault: Option<Fault>,
    cn: &str,
    payload: &serde_json::Value,
    body: &[u8],
) -> Reply {
    if let Some(f) = fault {
        count(state, &format!("fault:{f:?}"));
    }
    match fault {
        Some(Fault::Burst500) => {
            let b = r#"{"resultType": "REQUEST_REJECTED", "status": 500, "error": "Internal Server Error"}"#;
            return Reply::Answer(500, b.into(), vec![]);
        }
        Some(Fault::Burst503) => {
            return Reply::Answer(
                503,
                "<html><body>Service Unavailable</body></html>".into(),
                vec![],
            );
        }
        Some(Fault::TooMany) => {
            return Reply::Answer(429, String::new(), vec![("Retry-After".into(), "1".into())]);
        }
        Some(Fault::TooManyDate) => {
            let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
            return Reply::Answer(429, String::new(), vec![("Retry-After".into(), at)]);
        }
        Some(Fault::ResetBefore) => return Reply::Reset,
        Some(Fault::NotJson) => {
            return Reply::Answer(200, "<html><body>OK</body></html>".into(), vec![]);
        }
        _ => {}
    }
    let (status, text) = process(state, cn, payload, body);
    match fault {
        Some(Fault::ResetAfterStore) => Reply::Reset,
        Some(Fault::Status2023) => {
            let status = if status == 200 { 202 } else { 200 };
            Reply::Answer(status, text, vec![])
        }
        _ => Reply::Answer(status, text, vec![]),
    }
}

/// What AMLYZE does with a lead: refuse it, or store it once.
fn process(state: &State, cn: &str, payload: &serde_json::Value, body: &[u8]) -> (u16, String) {
    if let Some((code, d)) = state.refuse.lock().unwrap().get(cn) {
        count(state, code);
        return (400, vendor(code, d));
    }
    let mut leads = state.leads.lock().unwrap();
    if leads.contains_key(cn) {
        count(state, "O001");
        return (
            400,
            vendor("O001", "CommunicationNumber already used in amlyze"),
        );
    }
    let ext = payload["customerExtId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut customers = state.customers.lock().unwrap();
    if payload["action"] == "UPDATE" && !customers.contains(&ext) {
        count(state, "C004");
        return (400, vendor("C004", "Cannot update not existing customer"));
    }
    customers.insert(ext);
    leads.insert(cn.to_string(), (body.to_vec(), 1));
    count(state, "accepted");
    (200, ACCEPTED.to_string())
}

fn write_answer(
    s: &mut impl Write,
    status: u16,
    body: &str,
    extra: &[(String, String)],
) -> std::io::Result<()> {
    let kind = if body.starts_with('<') {
        "text/html"
    } else {
        "application/json"
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body.as_bytes())?;
    s.flush()
}

/// Closes with a TCP reset (SO_LINGER 0), as a crashed server or a proxy does.
fn reset(fd: std::os::unix::io::RawFd) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on the socket of the connection being served (closed right after,
    // when its stream is dropped), with a value of the right size.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}
