//! Why a delivery stops before its end, and the SIGINT/SIGTERM handler.
//!
//! The first signal stops sending: no new request leaves, the requests in flight end within
//! `--timeout` (their answers are journaled), the report is written, and the process exits
//! 2; the next `submit` resumes. A second signal exits 2 at once: the journal is consistent
//! at every instant (an intent is durable before its request leaves), so a request whose
//! answer is lost that way is sent again by the next `submit` and reconciled.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first SIGINT/SIGTERM.
static SIGNALLED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process).
pub fn install_signal_handler() {
    let _ = ctrlc::set_handler(|| {
        if SIGNALLED.swap(true, Ordering::SeqCst) {
            eprintln!("leadbatch: stopped at once; the next submit resumes");
            std::process::exit(2);
        }
        eprintln!(
            "leadbatch: stopping: no new request is sent; waiting for those in flight \
             (signal again to exit at once)"
        );
    });
}

/// What stopped a delivery (exit status 2, resumable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// SIGINT or SIGTERM.
    Interrupted,
    /// 401 or 403: the credentials were refused.
    Auth(u16),
    /// The endpoint is not the customer endpoint.
    Endpoint(String),
    /// The journal could not be written.
    Journal(String),
    /// The payloads could not be read.
    Io(String),
}

impl Reason {
    /// The summary's word for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::Interrupted => "interrupted",
            Reason::Auth(_) => "authentication",
            Reason::Endpoint(_) => "endpoint",
            Reason::Journal(_) => "journal",
            Reason::Io(_) => "io",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Interrupted => f.write_str("interrupted"),
            Reason::Auth(s) => write!(
                f,
                "the endpoint refused the credentials (HTTP {s}): check LEADBATCH_TOKEN, \
                 LEADBATCH_USER/LEADBATCH_PASSWORD or --token-file"
            ),
            Reason::Endpoint(m) => f.write_str(m),
            Reason::Journal(m) => write!(f, "cannot write the delivery journal: {m}"),
            Reason::Io(m) => write!(f, "cannot read the payloads: {m}"),
        }
    }
}

/// The delivery's stop flag: the first reason raised wins.
#[derive(Default)]
pub struct Stop {
    raised: AtomicBool,
    reason: Mutex<Option<Reason>>,
}

impl Stop {
    /// Stops the delivery for `reason` (a later reason is ignored).
    pub fn raise(&self, reason: Reason) {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        r.get_or_insert(reason);
        self.raised.store(true, Ordering::SeqCst);
    }

    /// Whether the delivery must stop sending (a reason, or a signal).
    pub fn is_set(&self) -> bool {
        if SIGNALLED.load(Ordering::Relaxed) && !self.raised.load(Ordering::Relaxed) {
            self.raise(Reason::Interrupted);
        }
        self.raised.load(Ordering::Relaxed)
    }

    pub fn reason(&self) -> Option<Reason> {
        self.is_set();
        self.reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
