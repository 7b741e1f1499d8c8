//! Grading how far a unit completed its tasks (xếp loại mức độ hoàn thành nhiệm vụ): a score
//! out of 100 from the outcomes of its tasks in a period, and the grade its thresholds give.
//! There is no national formula; the rule is the admin's, versioned, and a period is graded by
//! the rule in force when its report is issued.

use serde::{Deserialize, Serialize};

use crate::domain::status::Counts;

/// Points per task for each outcome, on a scale where 100 is a task done on time, and the
/// lowest score of each grade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub on_time: f64,
    pub late: f64,
    /// Tasks still within their deadline: None leaves them out of the score (the default:
    /// nothing can be said of them yet).
    pub open_within: Option<f64>,
    pub overdue: f64,
    /// Overdue by more than `long_days` days: usually worth less than a fresh overdue task.
    pub long_overdue: f64,
    pub long_days: i32,
    /// Points taken off the score for each request for an explanation left unanswered past
    /// its date.
    pub unanswered: f64,
    pub excellent: f64,
    pub good: f64,
    pub pass: f64,
}

impl Default for Rule {
    /// The defaults stated in the README: on time 100, late 50, overdue 0, open within the
    /// deadline not counted, 2 points off per unanswered explanation; 95 / 85 / 70.
    fn default() -> Rule {
        Rule {
            on_time: 100.0,
            late: 50.0,
            open_within: None,
            overdue: 0.0,
            long_overdue: 0.0,
            long_days: 30,
            unanswered: 2.0,
            excellent: 95.0,
            good: 85.0,
            pass: 70.0,
        }
    }
}

/// Why a rule is refused: the word of the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// A task's points outside 0–100.
    Points(&'static str),
    /// Thresholds not strictly falling (excellent > good > pass) or outside 0–100.
    Thresholds,
    /// A negative deduction or day count.
    Negative(&'static str),
}

impl Rule {
    pub fn check(&self) -> Result<(), Invalid> {
        let points = [
            ("on_time", Some(self.on_time)),
            ("late", Some(self.late)),
            ("open_within", self.open_within),
            ("overdue", Some(self.overdue)),
            ("long_overdue", Some(self.long_overdue)),
        ];
        for (name, p) in points {
            if p.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
                return Err(Invalid::Points(name));
            }
        }
        let t = [self.excellent, self.good, self.pass];
        if t.iter().any(|x| !(0.0..=100.0).contains(x)) || !(t[0] > t[1] && t[1] > t[2]) {
            return Err(Invalid::Thresholds);
        }
        if !self.unanswered.is_finite() || self.unanswered < 0.0 {
            return Err(Invalid::Negative("unanswered"));
        }
        if self.long_days < 0 {
            return Err(Invalid::Negative("long_days"));
        }
        Ok(())
    }

    /// Whether tasks overdue for long score differently from other overdue ones: if not, they
    /// need not be counted apart.
    pub fn long_counts(&self) -> bool {
        self.long_overdue != self.overdue
    }

    /// The score out of 100, to one decimal; None when none of the unit's tasks counts yet.
    pub fn score(&self, r: &Record) -> Option<f64> {
        let c = &r.counts;
        let long = r.long_overdue.min(c.open_overdue);
        let within = self.open_within.map(|p| (c.open_within, p));
        let counted = c.done_on_time + c.done_late + c.open_overdue + within.map_or(0, |w| w.0);
        if counted == 0 {
            return None;
        }
        let points = c.done_on_time as f64 * self.on_time
            + c.done_late as f64 * self.late
            + (c.open_overdue - long) as f64 * self.overdue
            + long as f64 * self.long_overdue
            + within.map_or(0.0, |(n, p)| n as f64 * p);
        let score = points / counted as f64 - r.unanswered as f64 * self.unanswered;
        // To one decimal, as it is shown, so that a grade never turns on an invisible digit.
        Some(((score.clamp(0.0, 100.0)) * 10.0).round() / 10.0)
    }

    pub fn grade(&self, score: f64) -> Grade {
        if score >= self.excellent {
            Grade::Excellent
        } else if score >= self.good {
            Grade::Good
        } else if score >= self.pass {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }

    /// The score and its grade together; None for a unit with nothing counted.
    pub fn judge(&self, r: &Record) -> Option<(f64, Grade)> {
        self.score(r).map(|s| (s, self.grade(s)))
    }
}

/// What a unit's score is made of for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Record {
    pub counts: Counts,
    /// Of the overdue tasks, those overdue by more than the rule's `long_days`.
    pub long_overdue: i64,
    /// Requests for an explanation left unanswered past their date.
    pub unanswered: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Fail];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Pass => "pass",
            Grade::Fail => "fail",
        }
    }

    /// The grade's official name, as reports and the emulation council use it.
    pub fn official(self) -> &'static str {
        match self {
            Grade::Excellent => "Hoàn thành xuất sắc",
            Grade::Good => "Hoàn thành tốt",
            Grade::Pass => "Hoàn thành",
            Grade::Fail => "Không hoàn thành",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(on_time: i64, late: i64, within: i64, overdue: i64) -> Record {
        Record {
            counts: Counts {
                done_on_time: on_time,
                done_late: late,
                open_within: within,
                open_overdue: overdue,
            },
            ..Record::default()
        }
    }

    #[test]
    fn default_rule_scores_as_the_readme_says() {
        let r = Rule::default();
        assert_eq!(r.check(), Ok(()));
        // 19 on time of 20 counted: exactly 95, the lowest "excellent".
        assert_eq!(
            r.judge(&record(19, 0, 7, 1)),
            Some((95.0, Grade::Excellent))
        );
        // 18 on time, 1 late, 1 overdue: (18 + 0,5) / 20 = 92,5.
        assert_eq!(r.judge(&record(18, 1, 0, 1)), Some((92.5, Grade::Good)));
        // Exactly 85 and exactly 70 are the grades they open.
        assert_eq!(r.judge(&record(17, 0, 0, 3)), Some((85.0, Grade::Good)));
        assert_eq!(r.judge(&record(7, 0, 0, 3)), Some((70.0, Grade::Pass)));
        // Just below: 69,x is "not completed".
        assert_eq!(r.grade(69.9), Grade::Fail);
        assert_eq!(r.grade(94.9), Grade::Good);
        // Nothing counted (only tasks still within their deadline): no score, no grade.
        assert_eq!(r.judge(&record(0, 0, 5, 0)), None);
    }

    #[test]
    fn unanswered_explanations_and_long_overdue_take_points() {
        let rule = Rule {
            long_overdue: 0.0,
            overdue: 20.0,
            ..Rule::default()
        };
        let mut rec = record(8, 0, 0, 2);
        // Two overdue at 20 points: (800 + 40) / 10 = 84.
        assert_eq!(rule.score(&rec), Some(84.0));
        rec.long_overdue = 1;
        assert_eq!(rule.score(&rec), Some(82.0));
        rec.unanswered = 3;
        assert_eq!(rule.score(&rec), Some(76.0));
        // Never below zero.
        rec.unanswered = 100;
        assert_eq!(rule.score(&rec), Some(0.0));
    }

    #[test]
    fn counting_tasks_within_their_deadline_is_a_choice() {
        let rule = Rule {
            open_within: Some(100.0),
            ..Rule::default()
        };
        assert_eq!(rule.score(&record(1, 0, 1, 2)), Some(50.0));
        assert_eq!(Rule::default().score(&record(1, 0, 1, 2)), Some(33.3));
    }

    #[test]
    fn bad_rules_are_refused() {
        let bad = |f: fn(&mut Rule)| {
            let mut r = Rule::default();
            f(&mut r);
            r.check()
        };
        assert_eq!(bad(|r| r.late = 120.0), Err(Invalid::Points("late")));
        assert_eq!(bad(|r| r.good = 96.0), Err(Invalid::Thresholds));
        assert_eq!(bad(|r| r.pass = 85.0), Err(Invalid::Thresholds));
        assert_eq!(
            bad(|r| r.unanswered = -1.0),
            Err(Invalid::Negative("unanswered"))
        );
        assert_eq!(
            bad(|r| r.long_days = -1),
            Err(Invalid::Negative("long_days"))
        );
    }
}
