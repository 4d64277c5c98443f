//! What an answer of the customer endpoint means for the lead: by its body first, by its
//! status second (spec §8).
//!
//! - 401 and 403 stop the whole delivery, whatever the body: every other request would get
//!   the same answer, and thousands of per-record failures would hide the one cause.
//! - 429 and every 5xx are server faults to retry, whatever the body says (the documented
//!   500 body says `REQUEST_REJECTED` too).
//! - On any other status, the vendor's JSON decides: `REQUEST_ACCEPTED` on a 2xx is
//!   success (200, or 202 as the 2023 API answered); `REQUEST_REJECTED` with an `errorCode`,
//!   or an `{"errors": [...]}` list, on a 2xx or 4xx is a verdict on the lead (200 with
//!   `REQUEST_REJECTED` is how the 2023 API refused); "already used" (`O001` from the single
//!   endpoint, `O005` from the batch pages, or that description) goes to reconciliation.
//! - **(decision)** Without the vendor's JSON: a 404 or 405 means the URL is not the
//!   customer endpoint (the framework's own 404 body), and a 3xx a moved endpoint (a POST is
//!   never redirected): configuration errors that stop the delivery. Anything else (an
//!   empty or HTML body on a 2xx or 4xx, `REQUEST_REJECTED` without a code) is not an
//!   answer about the lead: it is retried, and if it was a success after all, the resend is
//!   answered "already used" and reconciled.

use serde_json::Value;

/// What an answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// AMLYZE created the lead.
    Accepted,
    /// "CommunicationNumber already used": ours or someone else's (see `reconcile`).
    AlreadyUsed {
        code: Option<String>,
        description: Option<String>,
    },
    /// A final refusal of the lead.
    Rejected {
        code: Option<String>,
        description: Option<String>,
    },
    /// Send the same payload again later.
    Retry(String),
    /// The credentials were refused: stop everything.
    Auth,
    /// The endpoint is not the customer endpoint: stop everything.
    Config(String),
}

/// The vendor codes of "CommunicationNumber already used in amlyze".
const ALREADY_USED_CODES: [&str; 2] = ["O001", "O005"];

/// Classifies an HTTP answer.
pub fn classify(status: u16, body: &[u8]) -> Verdict {
    if matches!(status, 401 | 403) {
        return Verdict::Auth;
    }
    if status == 429 || status >= 500 {
        return Verdict::Retry(format!("HTTP {status}"));
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(v) = json.as_ref().filter(|v| v.is_object())
        && let Some(verdict) = vendor_verdict(status, v)
    {
        return verdict;
    }
    match status {
        404 | 405 => Verdict::Config(format!(
            "HTTP {status} without an AMLYZE answer: --endpoint is not the customer endpoint \
             (POST /amlyze-ws-rest/customer)"
        )),
        300..=399 => Verdict::Config(format!(
            "HTTP {status}: the endpoint redirects; give its new URL to --endpoint"
        )),
        _ => Verdict::Retry(format!("HTTP {status} without an AMLYZE answer")),
    }
}

/// The verdict of the vendor's JSON on a 2xx, 3xx or 4xx answer, if it gives one.
fn vendor_verdict(status: u16, v: &Value) -> Option<Verdict> {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let success = (200..300).contains(&status);
    let result = v.get("resultType").and_then(Value::as_str);
    if result == Some("REQUEST_ACCEPTED") && success {
        return Some(Verdict::Accepted);
    }
    let refusal = success || (400..500).contains(&status);
    if result == Some("REQUEST_REJECTED") && refusal {
        let code = text("errorCode")?;
        let description = text("errorDescription");
        return Some(refused(Some(code), description));
    }
    if let Some(errors) = v.get("errors").and_then(Value::as_array)
        && refusal
        && !errors.is_empty()
    {
        let description = errors
            .iter()
            .map(|e| match e {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Some(refused(None, Some(description)));
    }
    None
}

/// A refusal: "already used", or any other.
fn refused(code: Option<String>, description: Option<String>) -> Verdict {
    let by_code = code
        .as_deref()
        .is_some_and(|c| ALREADY_USED_CODES.contains(&c));
    let by_text = description
        .as_deref()
        .is_some_and(|d| d.to_ascii_lowercase().contains("already used"));
    if by_code || by_text {
        Verdict::AlreadyUsed { code, description }
    } else {
        Verdict::Rejected { code, description }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(code: &str, d: &str) -> Verdict {
        Verdict::Rejected {
            code: Some(code.into()),
            description: Some(d.into()),
        }
    }

    #[test]
    fn the_documented_answers() {
        assert_eq!(
            classify(200, br#"{"resultType": "REQUEST_ACCEPTED"}"#),
            Verdict::Accepted
        );
        let used = br#"{"resultType": "REQUEST_REJECTED", "errorCode": "O001", "errorDescription": "CommunicationNumber already used in amlyze"}"#;
        assert_eq!(
            classify(400, used),
            Verdict::AlreadyUsed {
                code: Some("O001".into()),
                description: Some("CommunicationNumber already used in amlyze".into())
            }
        );
        let batch =
            br#"{"resultType":"REQUEST_REJECTED","errorCode":"O005","errorDescription":"x"}"#;
        assert!(matches!(classify(400, batch), Verdict::AlreadyUsed { .. }));
        let not_found = br#"{"timestamp": "2023-01-01", "status": 404, "error": "Not Found", "path": "/amlyze-ws-rest/customer"}"#;
        assert!(matches!(classify(404, not_found), Verdict::Config(_)));
        let server = br#"{"resultType": "REQUEST_REJECTED", "status": 500, "error": "Internal Server Error"}"#;
        assert_eq!(classify(500, server), Verdict::Retry("HTTP 500".into()));
        assert_eq!(
            classify(400, br#"{"errors": ["CommunicationNumber is mandatory"]}"#),
            Verdict::Rejected {
                code: None,
                description: Some("CommunicationNumber is mandatory".into())
            }
        );
    }

    #[test]
    fn the_2023_status_codes_and_the_body_first() {
        assert_eq!(
            classify(202, br#"{"resultType":"REQUEST_ACCEPTED"}"#),
            Verdict::Accepted
        );
        let c004 = br#"{"resultType":"REQUEST_REJECTED","errorCode":"C004","errorDescription":"Cannot update not existing customer"}"#;
        assert_eq!(
            classify(200, c004),
            rejected("C004", "Cannot update not existing customer")
        );
        assert_eq!(
            classify(400, c004),
            rejected("C004", "Cannot update not existing customer")
        );
        // A description alone says "already used" too.
        let text = br#"{"resultType":"REQUEST_REJECTED","errorCode":"X1","errorDescription":"communicationNumber ALREADY USED"}"#;
        assert!(matches!(classify(200, text), Verdict::AlreadyUsed { .. }));
    }

    #[test]
    fn faults_are_retried_and_stops_stop() {
        for s in [429, 500, 502, 503, 504] {
            assert!(matches!(classify(s, b""), Verdict::Retry(_)), "{s}");
        }
        assert!(matches!(
            classify(503, br#"{"resultType":"REQUEST_ACCEPTED"}"#),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            classify(200, b"<html>OK</html>"),
            Verdict::Retry(_)
        ));
        assert!(matches!(classify(200, b""), Verdict::Retry(_)));
        assert!(matches!(
            classify(400, br#"{"resultType":"REQUEST_REJECTED"}"#),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            classify(400, br#"{"resultType":"REQUEST_ACCEPTED"}"#),
            Verdict::Retry(_)
        ));
        assert_eq!(classify(401, b""), Verdict::Auth);
        assert_eq!(
            classify(403, br#"{"resultType":"REQUEST_ACCEPTED"}"#),
            Verdict::Auth
        );
        assert!(matches!(classify(404, b"<html>"), Verdict::Config(_)));
        assert!(matches!(classify(301, b""), Verdict::Config(_)));
    }
}
