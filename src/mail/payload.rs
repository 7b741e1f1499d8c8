//! What each kind of message carries in `outbox.payload`, as a type: the code that queues a
//! message writes one of these, the composer reads it back. A row whose payload does not fit its
//! kind is skipped with a reason, never guessed at.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::ids::{TaskId, UnitId};
use crate::domain::mail::Kind;

/// A published directive's tasks for one recipient: those their unit leads, those it
/// coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assigned {
    pub lead: Vec<TaskId>,
    pub coordinate: Vec<TaskId>,
}

/// The day's reminder of a unit's tasks (one task: the row's task).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub day: NaiveDate,
    #[serde(default)]
    pub tasks: Vec<TaskId>,
}

/// A unit's daily digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    pub day: NaiveDate,
    pub unit: UnitId,
}

/// A status move (reported, confirmed, returned) of the row's task, with the note given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    #[serde(default)]
    pub note: String,
}

/// An extension request made or decided, about the row's task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub request: i64,
}

/// Đôn đốc: which time the task is chased, and the chaser's note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chased {
    pub count: i64,
    #[serde(default)]
    pub note: String,
}

/// A round of giải trình asked, answered or decided, about the row's task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub explanation: i64,
}

/// Late work climbing: which rule, its threshold, about the row's task (and the request or
/// round waiting, for those rules), and who is in copy (on one row of the several a mail may
/// have, so the copy arrives once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalated {
    pub rule: crate::domain::escalation::Rule,
    pub days: i32,
    #[serde(default)]
    pub cc: Vec<String>,
}

/// A leader's week: the figures counted when it was queued, so that next week's can say what
/// changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklySummary {
    pub day: NaiveDate,
    pub leader: crate::domain::ids::UserId,
    pub counts: [i64; 4],
}

/// A password-reset link; the token is emptied once sent or used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordReset {
    #[serde(default)]
    pub token: String,
}

/// A row's payload, read as its kind says.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Assigned(Assigned),
    Reminder(Reminder),
    Digest(Digest),
    Moved(Moved),
    Extension(Extension),
    PasswordReset(PasswordReset),
    Chased(Chased),
    Explanation(Explanation),
    Escalated(Escalated),
    WeeklySummary(WeeklySummary),
}

impl Payload {
    /// The payload stored with a row of `kind`, or None when it does not fit.
    pub fn read(kind: Kind, json: &str) -> Option<Payload> {
        fn as_<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
            serde_json::from_str(json).ok()
        }
        Some(match kind {
            Kind::Assigned => Payload::Assigned(as_(json)?),
            Kind::Reminder => Payload::Reminder(as_(json)?),
            Kind::Digest => Payload::Digest(as_(json)?),
            Kind::Reported
            | Kind::Confirmed
            | Kind::Returned
            | Kind::AssignedInUnit
            | Kind::CoordinationAsked
            | Kind::CoordinationReminder
            | Kind::CoordinationRecorded
            | Kind::SentBack
            | Kind::Transferred
            | Kind::KeptWithUnit
            | Kind::Corrected => Payload::Moved(as_(json)?),
            Kind::ExtensionRequested | Kind::ExtensionDecided => Payload::Extension(as_(json)?),
            Kind::PasswordReset => Payload::PasswordReset(as_(json)?),
            Kind::Chased => Payload::Chased(as_(json)?),
            Kind::ExplanationAsked | Kind::ExplanationAnswered | Kind::ExplanationAccepted => {
                Payload::Explanation(as_(json)?)
            }
            Kind::Escalated => Payload::Escalated(as_(json)?),
            Kind::WeeklySummary => Payload::WeeklySummary(as_(json)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{TaskId, UnitId};

    #[test]
    fn each_kind_reads_back_what_was_written_and_refuses_a_stranger() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let cases = [
            (
                Kind::Assigned,
                serde_json::to_string(&Assigned {
                    lead: vec![TaskId(1)],
                    coordinate: vec![TaskId(2), TaskId(3)],
                }),
            ),
            (
                Kind::Reminder,
                serde_json::to_string(&Reminder {
                    day,
                    tasks: vec![TaskId(4)],
                }),
            ),
            (
                Kind::Digest,
                serde_json::to_string(&Digest {
                    day,
                    unit: UnitId(5),
                }),
            ),
            (
                Kind::Returned,
                serde_json::to_string(&Moved {
                    note: "Bổ sung".into(),
                }),
            ),
            (
                Kind::ExtensionDecided,
                serde_json::to_string(&Extension { request: 6 }),
            ),
        ];
        for (kind, json) in cases {
            let json = json.unwrap();
            assert!(Payload::read(kind, &json).is_some(), "{kind}: {json}");
        }
        assert_eq!(
            Payload::read(Kind::Digest, r#"{"day":"2026-12-01","unit":5}"#),
            Some(Payload::Digest(Digest {
                day,
                unit: UnitId(5)
            }))
        );
        // A digest's payload is not a reminder's, nor an assignment's; broken JSON is nothing.
        assert_eq!(Payload::read(Kind::Digest, r#"{"day":"2026-12-01"}"#), None);
        assert_eq!(
            Payload::read(Kind::Assigned, r#"{"day":"2026-12-01"}"#),
            None
        );
        assert_eq!(Payload::read(Kind::Reminder, "{"), None);
        // A spent reset link reads as an empty token, which the composer skips.
        assert_eq!(
            Payload::read(Kind::PasswordReset, "{}"),
            Some(Payload::PasswordReset(PasswordReset {
                token: String::new()
            }))
        );
    }
}
