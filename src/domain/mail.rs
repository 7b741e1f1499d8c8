//! What mail the service sends and who may turn which kind off: pure rules, no I/O.

use crate::domain::permissions::Role;

crate::words! {
    /// The kinds of message; stored in `outbox.kind` (see `db::enums`) and in people's opt-out lists.
    pub enum Kind {
        /// New tasks of a published directive, to the lead and coordinating units.
        Assigned = "assigned",
        /// Before the due date and every week while overdue.
        Reminder = "reminder",
        /// One daily summary instead of single reminders.
        Digest = "digest",
        /// A unit reported completion: to the secretariat.
        Reported = "reported",
        /// The secretariat confirmed a completion: to the unit.
        Confirmed = "confirmed",
        /// The secretariat returned a completion for more work: to the unit.
        Returned = "returned",
        /// A unit asked for a later due date: to the secretariat.
        ExtensionRequested = "extension_requested",
        /// The request was approved or rejected: to the unit.
        ExtensionDecided = "extension_decided",
        /// A link to set a new password, to the person who asked.
        PasswordReset = "password_reset",
        /// Đôn đốc: the secretariat or a leader chases the lead unit.
        Chased = "chased",
        /// Giải trình asked (or asked again): to the lead unit.
        ExplanationAsked = "explanation_asked",
        /// The unit answered: to the person who asked.
        ExplanationAnswered = "explanation_answered",
        /// The answer was accepted: to the lead unit.
        ExplanationAccepted = "explanation_accepted",
        /// Late work climbing (domain::escalation): to the unit head, the leader in charge, the
        /// unit, or those who decide.
        Escalated = "escalated",
        /// A leader's Monday summary of the units in their charge.
        WeeklySummary = "weekly_summary",
        /// The head handed a task to a person of the unit: to that person.
        AssignedInUnit = "assigned_in_unit",
        /// The lead unit asks a coordinating unit for its part by a date: to that unit.
        CoordinationAsked = "coordination_asked",
        /// Before and after the date of a part asked for and not yet given: to the coordinating unit.
        CoordinationReminder = "coordination_reminder",
        /// A coordinating unit recorded its part: to the lead unit.
        CoordinationRecorded = "coordination_recorded",
        /// The lead unit sent a task back as outside its remit: to the secretariat.
        SentBack = "sent_back",
        /// A task moved to another lead unit: to the new lead unit.
        Transferred = "transferred",
        /// A task sent back stays with the unit: to that unit, with the secretariat's note.
        KeptWithUnit = "kept_with_unit",
        /// The notice, the item or the task corrected after publishing: to its units, saying what.
        Corrected = "corrected",
    }
}

impl Kind {
    /// An instruction to a unit (an assignment, a return, a decision, a chase, a question): the
    /// unit must have it in writing, so it cannot be turned off. Every kind is named, so a new
    /// kind must be placed.
    fn is_instruction(self) -> bool {
        match self {
            Kind::Assigned
            | Kind::Returned
            | Kind::ExtensionDecided
            | Kind::Chased
            | Kind::ExplanationAsked
            | Kind::ExplanationAccepted
            | Kind::AssignedInUnit
            | Kind::CoordinationAsked
            | Kind::CoordinationReminder
            | Kind::Transferred
            | Kind::KeptWithUnit
            | Kind::Corrected => true,
            Kind::Reminder
            | Kind::Digest
            | Kind::Confirmed
            | Kind::CoordinationRecorded
            | Kind::Reported
            | Kind::ExtensionRequested
            | Kind::SentBack
            | Kind::ExplanationAnswered
            | Kind::Escalated
            | Kind::WeeklySummary
            | Kind::PasswordReset => false,
        }
    }

    /// Whether a person of this role receives this kind at all.
    pub fn reaches(self, role: Role) -> bool {
        match self {
            Kind::Reported | Kind::ExtensionRequested | Kind::SentBack => role == Role::Secretariat,
            Kind::ExplanationAnswered => matches!(role, Role::Secretariat | Role::Leader),
            Kind::Escalated => role != Role::Admin,
            Kind::WeeklySummary => role == Role::Leader,
            Kind::PasswordReset => true,
            // Instructions, and the unit's own reminders, digests, confirmations and records.
            _ => role.is_unit_role(),
        }
    }

    /// Why a person of this role cannot turn this kind off (an i18n key), or None when they may.
    pub fn mandatory_because(self, role: Role) -> Option<&'static str> {
        match self {
            k if k.is_instruction() => Some("mail.why.instruction"),
            // Late work reaching a unit is an instruction too; a leader may rely on the lists.
            Kind::Escalated if role.is_unit_role() => Some("mail.why.instruction"),
            // The head answers for the unit's deadlines; staff may rely on the head and digest.
            Kind::Reminder | Kind::Digest if role == Role::UnitHead => Some("mail.why.head"),
            Kind::PasswordReset => Some("mail.why.security"),
            _ => None,
        }
    }

    /// The kinds a person of this role may turn off, in the order the settings page shows them.
    pub fn optional_for(role: Role) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|k| k.reaches(role) && k.mandatory_because(role).is_none())
            .filter(|k| *k != Kind::Digest)
            .collect()
    }
}

/// A person's stored choices: `mail_mode` and the comma-separated `mail_off` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefs {
    /// Reminders come as one daily digest instead of one mail each.
    pub digest: bool,
    pub off: Vec<Kind>,
}

impl Prefs {
    pub fn parse(mode: &str, off: &str) -> Prefs {
        Prefs {
            digest: mode == "digest",
            off: off
                .split(',')
                .filter_map(|s| Kind::parse(s.trim()))
                .collect(),
        }
    }

    pub fn mode_str(&self) -> &'static str {
        if self.digest {
            "digest"
        } else {
            "each"
        }
    }

    /// The `mail_off` column: only kinds this role may turn off are ever stored.
    pub fn off_str(&self, role: Role) -> String {
        let allowed = Kind::optional_for(role);
        let kept: Vec<&str> = allowed
            .iter()
            .filter(|k| self.off.contains(k))
            .map(|k| k.as_str())
            .collect();
        kept.join(",")
    }

    /// Whether a person with these choices gets a message of this kind.
    pub fn wants(&self, kind: Kind, role: Role) -> bool {
        if !kind.reaches(role) {
            return false;
        }
        let wanted = match kind {
            Kind::Reminder => !self.digest,
            Kind::Digest => self.digest,
            _ => true,
        };
        wanted && (kind.mandatory_because(role).is_some() || !self.off.contains(&kind))
    }
}

/// The addresses in a unit's contact field: separated by commas, semicolons or spaces.
pub fn split_addresses(s: &str) -> Vec<String> {
    s.split([',', ';', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|a| a.contains('@'))
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandatory_kinds_cannot_be_turned_off() {
        let p = Prefs::parse("each", "assigned,returned,reminder,confirmed,bogus");
        assert!(p.wants(Kind::Assigned, Role::UnitStaff));
        assert!(p.wants(Kind::Returned, Role::UnitHead));
        assert!(!p.wants(Kind::Confirmed, Role::UnitStaff));
        // staff may silence reminders, a head may not
        assert!(!p.wants(Kind::Reminder, Role::UnitStaff));
        assert!(p.wants(Kind::Reminder, Role::UnitHead));
        assert_eq!(p.off_str(Role::UnitStaff), "reminder,confirmed");
        assert_eq!(p.off_str(Role::UnitHead), "confirmed");
    }

    #[test]
    fn digest_replaces_single_reminders() {
        let p = Prefs::parse("digest", "");
        assert!(!p.wants(Kind::Reminder, Role::UnitHead));
        assert!(p.wants(Kind::Digest, Role::UnitHead));
        assert!(!Prefs::parse("each", "").wants(Kind::Digest, Role::UnitStaff));
    }

    #[test]
    fn kinds_reach_only_their_audience() {
        let p = Prefs::parse("each", "");
        assert!(!p.wants(Kind::Reminder, Role::Leader));
        assert!(p.wants(Kind::Reported, Role::Secretariat));
        assert!(!p.wants(Kind::Reported, Role::UnitHead));
        assert!(p.wants(Kind::PasswordReset, Role::Admin));
        assert_eq!(
            Kind::optional_for(Role::Secretariat),
            vec![
                Kind::Reported,
                Kind::ExtensionRequested,
                Kind::ExplanationAnswered,
                Kind::Escalated,
                Kind::SentBack
            ]
        );
        assert_eq!(
            Kind::optional_for(Role::Leader),
            vec![
                Kind::ExplanationAnswered,
                Kind::Escalated,
                Kind::WeeklySummary
            ]
        );
        // The unit must have in writing what it is asked to explain.
        assert!(Kind::optional_for(Role::UnitHead).iter().all(|k| !matches!(
            k,
            Kind::ExplanationAsked
                | Kind::ExplanationAccepted
                | Kind::Escalated
                | Kind::CoordinationAsked
                | Kind::Transferred
        )));
        // A coordinating unit's part given is news to the lead unit, not an instruction.
        assert!(Kind::optional_for(Role::UnitStaff).contains(&Kind::CoordinationRecorded));
    }

    #[test]
    fn unit_contact_field_splits_into_addresses() {
        assert_eq!(
            split_addresses("VP@a.vn; b@b.vn,  c@c.vn\nnot-an-address"),
            vec!["vp@a.vn", "b@b.vn", "c@c.vn"]
        );
    }
}
