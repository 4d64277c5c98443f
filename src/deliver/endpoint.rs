//! The endpoint and the credentials: checked before anything is sent.
//!
//! - `--endpoint` is the full URL of the customer endpoint. HTTPS is verified by rustls
//!   against the system's roots, or only `--ca-file`'s when given. Plain HTTP is refused
//!   unless the host is a loopback address (`localhost`, `127.0.0.0/8`, `::1`: a local
//!   emulator or tunnel) or `--allow-insecure-http` says so: leads are personal data.
//! - Credentials never come from the command line (where `ps` and shell histories show
//!   them): `--token-file FILE` (a Bearer token; refused unless the file is readable by its
//!   owner only), else `LEADBATCH_TOKEN` (Bearer), else `LEADBATCH_USER` and
//!   `LEADBATCH_PASSWORD` (Basic). A URL with `user:password@` is refused. With none, no
//!   `Authorization` header is sent (deployments without authentication exist, spec §8).
//!   They are never printed: `Debug` masks them and no message quotes them.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use ureq::http::Uri;

/// The checked endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The URL as given (it holds no credentials: they are refused).
    pub url: String,
    pub https: bool,
}

impl Endpoint {
    /// Checks `--endpoint`.
    pub fn parse(url: &str, allow_insecure_http: bool) -> Result<Endpoint, String> {
        let uri: Uri = url
            .parse()
            .map_err(|e| format!("--endpoint {url:?} is not a URL: {e}"))?;
        let https = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => true,
            Some(s) if s.eq_ignore_ascii_case("http") => false,
            _ => {
                return Err(format!(
                    "--endpoint {url:?} must be an http:// or https:// URL"
                ));
            }
        };
        let authority = uri
            .authority()
            .ok_or_else(|| format!("--endpoint {url:?} names no host"))?;
        if authority.as_str().contains('@') {
            return Err(
                "--endpoint must not hold credentials (user:password@): use LEADBATCH_USER and \
                 LEADBATCH_PASSWORD, LEADBATCH_TOKEN or --token-file"
                    .into(),
            );
        }
        if !https && !allow_insecure_http && !is_loopback(authority.host()) {
            return Err(format!(
                "--endpoint {url:?} is plain HTTP to a host that is not this machine: leads are \
                 personal data; use https:// (or --allow-insecure-http on a network you trust)"
            ));
        }
        Ok(Endpoint {
            url: url.to_string(),
            https,
        })
    }
}

/// Whether `host` is this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    None,
    Bearer(String),
    Basic { user: String, password: String },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

impl Credentials {
    /// From `--token-file`, else the environment (`env` reads a variable).
    pub fn load(
        token_file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Credentials, String> {
        if let Some(path) = token_file {
            return read_token_file(path).map(Credentials::Bearer);
        }
        let get = |k: &str| env(k).filter(|v| !v.is_empty());
        match (
            get("LEADBATCH_TOKEN"),
            get("LEADBATCH_USER"),
            get("LEADBATCH_PASSWORD"),
        ) {
            (Some(_), Some(_), _) => {
                Err("both LEADBATCH_TOKEN and LEADBATCH_USER are set: say which one to use".into())
            }
            (Some(token), None, _) => Ok(Credentials::Bearer(token)),
            (None, Some(user), Some(password)) => Ok(Credentials::Basic { user, password }),
            (None, Some(_), None) => {
                Err("LEADBATCH_USER is set but LEADBATCH_PASSWORD is not".into())
            }
            (None, None, Some(_)) => {
                Err("LEADBATCH_PASSWORD is set but LEADBATCH_USER is not".into())
            }
            (None, None, None) => Ok(Credentials::None),
        }
    }

    /// The `Authorization` header's value.
    pub fn header(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Bearer(t) => Some(format!("Bearer {t}")),
            Credentials::Basic { user, password } => Some(format!(
                "Basic {}",
                base64(format!("{user}:{password}").as_bytes())
            )),
        }
    }

    /// `none`, `bearer` or `basic`: what the summary may say about them.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Bearer(_) => "bearer",
            Credentials::Basic { .. } => "basic",
        }
    }
}

/// The token of `--token-file`: its first line, the file readable by its owner only.
fn read_token_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("--token-file {shown}: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "--token-file {shown} has mode {mode:03o}: others may read it; chmod 600 it"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(|e| format!("--token-file {shown}: {e}"))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(format!("--token-file {shown} is empty"));
    }
    Ok(token)
}

/// Standard base64 with padding (RFC 4648), for Basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The root certificates of `--ca-file` (PEM).
pub fn read_ca_file(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("--ca-file {shown}: {e}"))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(format!("--ca-file {shown}: {e}")),
        }
    }
    if certs.is_empty() {
        return Err(format!("--ca-file {shown} holds no PEM certificate"));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "http://127.0.0.1:8080/amlyze-ws-rest/customer",
            "http://localhost/amlyze-ws-rest/customer",
            "http://[::1]:9/amlyze-ws-rest/customer",
            "https://amlyze.example/amlyze-ws-rest/customer",
        ] {
            assert!(Endpoint::parse(ok, false).is_ok(), "{ok}");
        }
        let remote = "http://amlyze.example/amlyze-ws-rest/customer";
        assert!(
            Endpoint::parse(remote, false)
                .unwrap_err()
                .contains("plain HTTP")
        );
        assert!(Endpoint::parse(remote, true).is_ok());
        assert!(Endpoint::parse("ftp://x/y", true).is_err());
        let creds = Endpoint::parse("https://u:secret@amlyze.example/c", false).unwrap_err();
        assert!(creds.contains("must not hold credentials") && !creds.contains("secret"));
    }

    #[test]
    fn credentials_from_the_environment() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Credentials::load(None, &env(&[("LEADBATCH_TOKEN", "t0k")]))
                .unwrap()
                .header(),
            Some("Bearer t0k".into())
        );
        let basic = Credentials::load(
            None,
            &env(&[
                ("LEADBATCH_USER", "Aladdin"),
                ("LEADBATCH_PASSWORD", "open sesame"),
            ]),
        )
        .unwrap();
        assert_eq!(
            basic.header(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into())
        );
        assert_eq!(format!("{basic:?}"), "basic");
        assert!(Credentials::load(None, &env(&[("LEADBATCH_USER", "u")])).is_err());
        assert_eq!(
            Credentials::load(None, &env(&[])).unwrap(),
            Credentials::None
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "s3cret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Credentials::load(Some(&path), &|_| None).unwrap_err();
        assert!(e.contains("mode 644") && !e.contains("s3cret"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            Credentials::load(Some(&path), &|_| None).unwrap(),
            Credentials::Bearer("s3cret".into())
        );
    }
}
