//! The HTTP client: one blocking `POST` per lead (ureq 3 over rustls), on the delivery's
//! own worker threads, never on the rayon pool.
//!
//! Every status comes back as an answer (non-2xx bodies are read too: they carry the
//! vendor's verdict); redirects are not followed (a POST must not be replayed elsewhere);
//! each request has one time limit, `--timeout`, from connecting to the last byte of the
//! answer. Connections are kept alive and shared by the workers.

use std::time::{Duration, SystemTime};

use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig};

use super::endpoint::{Credentials, Endpoint};
use super::retry::parse_retry_after;

/// The largest answer body read; the vendor's answers are a few hundred bytes.
const MAX_BODY: u64 = 1 << 20;

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Connection refused or reset, timeout, a broken answer: worth another try.
    Transient(String),
    /// The server's certificate was refused (or TLS could not agree): retrying cannot
    /// help; the endpoint or `--ca-file` is wrong.
    Tls(String),
}

/// An answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

/// Sends payloads to the endpoint.
#[derive(Clone)]
pub struct Client {
    agent: Agent,
    url: String,
    authorization: Option<String>,
}

impl Client {
    /// A client for `endpoint`, trusting `roots` (`None`: the system's), for `workers`
    /// concurrent requests.
    pub fn new(
        endpoint: &Endpoint,
        credentials: &Credentials,
        roots: Option<Vec<ureq::tls::Certificate<'static>>>,
        timeout: Duration,
        workers: usize,
    ) -> Client {
        let roots = match roots {
            Some(certs) => RootCerts::new_with_certs(&certs),
            None => RootCerts::PlatformVerifier,
        };
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .max_idle_connections(workers * 2)
            .max_idle_connections_per_host(workers * 2)
            .user_agent(format!("leadbatch/{}", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build();
        Client {
            agent: config.new_agent(),
            url: endpoint.url.clone(),
            authorization: credentials.header(),
        }
    }

    /// POSTs one payload. `Err` is a failure to get an answer, described without the
    /// credentials.
    pub fn post(&self, payload: &[u8]) -> Result<Reply, Failure> {
        let mut request = self
            .agent
            .post(&self.url)
            .content_type("application/json")
            .header("Accept", "application/json");
        if let Some(auth) = &self.authorization {
            request = request.header("Authorization", auth);
        }
        let mut response = request.send(payload).map_err(describe)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(describe)?;
        Ok(Reply {
            status,
            body,
            retry_after,
        })
    }
}

/// A transport failure in words (ureq's errors name no header).
fn describe(e: ureq::Error) -> Failure {
    match e {
        ureq::Error::Timeout(_) => Failure::Transient("no answer within --timeout".into()),
        ureq::Error::Io(io) => {
            let tls = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>());
            match tls {
                Some(t) if is_configuration(t) => Failure::Tls(format!("TLS: {t}")),
                _ => Failure::Transient(format!("connection failed: {io}")),
            }
        }
        ureq::Error::Rustls(t) if is_configuration(&t) => Failure::Tls(format!("TLS: {t}")),
        other => Failure::Transient(other.to_string()),
    }
}

/// TLS errors that another try cannot mend: the certificate, or no common protocol.
fn is_configuration(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
            | rustls::Error::PeerIncompatible(_)
    )
}
