//! Where a coordinating unit's part (phần phối hợp) stands: pure, from the request and the last
//! part given.

use chrono::{NaiveDate, NaiveDateTime};

crate::words! {
    /// The state the lead unit and the secretariat see for each coordinating unit.
    pub enum State {
        /// Chưa phối hợp: nothing given, nothing asked.
        NotYet = "not_yet",
        /// Asked by a date not yet past, and not given since.
        Asked = "asked",
        /// Asked, the date past, not given since.
        Late = "late",
        /// Đã phối hợp: given, and not asked again since.
        Done = "done",
    }
}

/// The request (when and by what date) and the last part given decide the state on `today`.
/// A part given before a later request does not answer it.
pub fn state(
    asked_at: Option<NaiveDateTime>,
    asked_due: Option<NaiveDate>,
    done_at: Option<NaiveDateTime>,
    today: NaiveDate,
) -> State {
    let answered = match (done_at, asked_at) {
        (Some(done), Some(asked)) => done >= asked,
        (Some(_), None) => true,
        (None, _) => false,
    };
    match asked_due {
        _ if answered => State::Done,
        Some(due) if due < today => State::Late,
        Some(_) => State::Asked,
        None => State::NotYet,
    }
}

/// Whether a part may be asked by `due`: from today on, and no later than the task's own date
/// (the lead unit needs the part before it reports).
pub fn date_fits(due: NaiveDate, today: NaiveDate, task_due: Option<NaiveDate>) -> bool {
    due >= today && task_due.is_none_or(|t| due <= t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn at(day: u32) -> NaiveDateTime {
        d(day).and_hms_opt(9, 0, 0).unwrap()
    }

    #[test]
    fn a_part_answers_the_request_before_it_not_a_later_one() {
        let today = d(10);
        assert_eq!(state(None, None, None, today), State::NotYet);
        assert_eq!(state(None, None, Some(at(2)), today), State::Done);
        assert_eq!(state(Some(at(3)), Some(d(12)), None, today), State::Asked);
        assert_eq!(state(Some(at(3)), Some(d(10)), None, today), State::Asked);
        assert_eq!(state(Some(at(3)), Some(d(9)), None, today), State::Late);
        assert_eq!(
            state(Some(at(3)), Some(d(9)), Some(at(4)), today),
            State::Done
        );
        // Given on the 2nd, asked again on the 3rd: waiting again.
        assert_eq!(
            state(Some(at(3)), Some(d(12)), Some(at(2)), today),
            State::Asked
        );
    }

    #[test]
    fn a_part_is_asked_from_today_up_to_the_task_date() {
        assert!(date_fits(d(10), d(10), Some(d(20))));
        assert!(date_fits(d(20), d(10), Some(d(20))));
        assert!(!date_fits(d(21), d(10), Some(d(20))));
        assert!(!date_fits(d(9), d(10), None));
        assert!(date_fits(d(31), d(10), None));
    }
}
