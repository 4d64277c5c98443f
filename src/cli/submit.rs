//! The flags of `leadbatch submit`, resolved into `deliver::Settings`.

use std::path::PathBuf;

use clap::Args;

/// The flags of `submit`. Credentials are not among them: they come from the environment
/// (`LEADBATCH_TOKEN`, or `LEADBATCH_USER` and `LEADBATCH_PASSWORD`) or `--token-file`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Output directory of the runs [default: output].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// The committed run to send [default: the one OUT/latest names].
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,
    /// Full URL of the customer endpoint (https://HOST/amlyze-ws-rest/customer).
    #[arg(long, value_name = "URL")]
    pub endpoint: String,
    /// SQLite ledger holding the delivery journal (what was sent, what AMLYZE answered).
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Requests in flight at most.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Requests per second at most [default: no limit].
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Time limit of one request, from connecting to the end of the answer.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    pub timeout: std::time::Duration,
    /// Give up retrying after this long; payloads not answered by then are pending.
    #[arg(long, value_name = "SECONDS", default_value = "21600", value_parser = seconds)]
    pub deadline: std::time::Duration,
    /// Trust only these root certificates (PEM) [default: the system's].
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Allow plain http:// to a host other than this machine.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// File holding a Bearer token (mode 0600).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print delivery-summary.json on stdout instead of the one-line summary.
    #[arg(long)]
    pub json: bool,
}

/// A positive number of seconds, fractions allowed (`0.5`).
fn seconds(s: &str) -> Result<std::time::Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v < 1e9)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| format!("{s:?} is not a positive number of seconds"))
}

impl SubmitArgs {
    pub fn settings(&self) -> Result<crate::deliver::Settings, String> {
        if self.concurrency == 0 {
            return Err("--concurrency must be 1 or more".into());
        }
        if let Some(r) = self.rate.filter(|r| !(r.is_finite() && *r > 0.0)) {
            return Err(format!("--rate {r} must be a positive number"));
        }
        Ok(crate::deliver::Settings {
            out: self.out.clone().unwrap_or_else(|| PathBuf::from("output")),
            run: self.run.clone(),
            endpoint: self.endpoint.clone(),
            ledger: self.ledger.clone(),
            concurrency: self.concurrency,
            rate: self.rate,
            timeout: self.timeout,
            deadline: self.deadline,
            ca_file: self.ca_file.clone(),
            allow_insecure_http: self.allow_insecure_http,
            token_file: self.token_file.clone(),
            progress: !self.quiet,
        })
    }
}
