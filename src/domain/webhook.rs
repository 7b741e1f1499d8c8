//! Webhooks in the abstract: the events another system can be told of, and how a delivery is
//! signed so the receiver knows it came from us and was not replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

crate::words! {
    pub enum Event {
        TaskAssigned = "task.assigned",
        StatusChanged = "task.status_changed",
        Overdue = "task.overdue",
        Chased = "task.chased",
        ExplanationAsked = "explanation.asked",
        ExplanationAnswered = "explanation.answered",
        ExtensionDecided = "extension.decided",
        ReportIssued = "report.issued",
    }
}

/// The events a stored list names (comma-separated words); unknown words are dropped.
pub fn parse_events(s: &str) -> Vec<Event> {
    s.split(',')
        .filter_map(|w| Event::parse(w.trim()))
        .collect()
}

pub fn format_events(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
/// receiver recomputes it with the shared secret and refuses an old `t`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_what_they_write() {
        let all = Event::ALL.to_vec();
        assert_eq!(parse_events(&format_events(&all)), all);
        assert_eq!(
            parse_events("task.chased, nonsense ,report.issued"),
            [Event::Chased, Event::ReportIssued]
        );
    }

    /// Checked against Python's hmac module: HMAC-SHA256(key "Jefe", "0.what do ya want for
    /// nothing?"), the data of RFC 4231's test case 2 behind the timestamp.
    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        assert_eq!(
            signature("Jefe", 0, "what do ya want for nothing?"),
            "t=0,v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc"
        );
        assert_ne!(
            signature("Jefe", 1, "what do ya want for nothing?"),
            signature("Jefe", 0, "what do ya want for nothing?")
        );
    }
}
