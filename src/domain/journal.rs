//! What a task's journal entry records: one word per kind of change.

crate::words! {
    /// What a journal entry records.
    pub enum Kind {
        Created = "created",
        StatusChanged = "status",
        DueDateChanged = "due_date",
        Progress = "progress",
        Comment = "comment",
        Attachment = "attachment",
        UnitMerged = "unit_merged",
        ExtensionRequested = "extension_requested",
        ExtensionApproved = "extension_approved",
        ExtensionRejected = "extension_rejected",
        /// Đôn đốc: the note says which time ("lần 3").
        Chased = "chased",
        /// Giải trình asked, with the date to answer by.
        ExplanationAsked = "explanation_asked",
        /// Answered, with the date the unit proposes.
        ExplanationAnswered = "explanation_answered",
        /// Accepted, with the new due date if it moved.
        ExplanationAccepted = "explanation_accepted",
        /// Asked again, with the new date to answer by.
        ExplanationAskedAgain = "explanation_asked_again",
        /// Handed to people of the lead unit (the note names them), with the unit's date.
        AssigneesChanged = "assignees",
        /// The lead unit asked a coordinating unit (the note names it) for its part by a date.
        CoordinationAsked = "coordination_asked",
        /// A coordinating unit (named in the note) recorded its part.
        CoordinationRecorded = "coordination_recorded",
        /// The lead unit sent the task back as outside its remit, with the reason.
        SentBack = "sent_back",
        /// Moved from one lead unit to another (the names), with the reason.
        Transferred = "transferred",
        /// Sent back, and kept with the unit by the secretariat, with its note.
        KeptWithUnit = "kept_with_unit",
        /// The notice or the item corrected after publishing: the note says what and why.
        Corrected = "corrected",
        /// The coordinating units replaced (the names before and after), with the reason.
        CoordinatorsChanged = "coordinators",
        /// A step added, done or undone (the note says which).
        Steps = "steps",
    }
}
