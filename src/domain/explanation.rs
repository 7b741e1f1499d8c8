//! Where a round of explanation (giải trình) stands: the words it is stored and sent as.

crate::words! {
    /// Where a round stands.
    pub enum State {
        /// Waiting for the unit's answer.
        Asked = "asked",
        /// Answered; waiting for the asker's decision.
        Answered = "answered",
        /// Accepted: the round is over.
        Accepted = "accepted",
        /// Asked again: this round is over and the next one waits for an answer.
        AskedAgain = "asked_again",
    }
}
