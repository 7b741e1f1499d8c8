//! Who may do what: one pure function of (user, action, target), DESIGN.md §4.
//!
//! A unit user who may not see a task gets `NotFound`, so that the existence of other units'
//! tasks is not revealed; one who may see it but not act gets `Forbidden`.

use crate::domain::dates::Moment;
use crate::domain::ids::{UnitId, UserId};

crate::words! {
    /// What a person is to the service; the permission function reads it (DESIGN.md §4).
    pub enum Role {
        Admin = "admin",
        Secretariat = "secretariat",
        Leader = "leader",
        UnitHead = "unit_head",
        UnitStaff = "unit_staff",
    }
}

impl Role {
    /// Those who see every unit's work, and the one who holds the keys: the roles a setting can
    /// require two-factor login of.
    pub fn needs_two_factor(self) -> bool {
        matches!(self, Role::Admin | Role::Leader | Role::Secretariat)
    }
}

impl Role {
    /// Unit roles belong to a unit and see only that unit's tasks.
    pub fn is_unit_role(self) -> bool {
        matches!(self, Role::UnitHead | Role::UnitStaff)
    }
}

/// The signed-in person as the rules see them; built from the session, never from a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub unit_id: Option<UnitId>,
}

/// Who does something and when: what every use case is given besides what it acts on (the
/// journal, the notices and the records it writes carry both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Act {
    pub actor: Actor,
    pub at: Moment,
}

impl Act {
    pub fn new(actor: Actor, at: Moment) -> Act {
        Act { actor, at }
    }

    /// `actor`, now (a request's or a command's moment).
    pub fn now(actor: Actor) -> Act {
        Act::new(actor, Moment::now())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See every unit's tasks, not only one's own.
    ViewAllTasks,
    CreateDirective,
    ViewDirectives,
    ManageUnits,
    ManageUsers,
    ViewTask,
    StartTask,
    AddProgress,
    ReportCompletion,
    ConfirmCompletion,
    ReturnCompletion,
    CancelTask,
    EditTask,
    Comment,
    /// The list of pending extension requests.
    ViewExtensions,
    /// The working calendar's yearly schedules.
    ManageCalendar,
    /// The outbox: what was sent, what failed, sending again.
    ManageMail,
    RequestExtension,
    DecideExtension,
    /// Đôn đốc: chase the lead unit of an open task.
    Chase,
    /// Chase many tasks at once: those chosen on a list, or every overdue task of a unit.
    ChaseMany,
    /// Giải trình: ask the lead unit to explain an overdue or at-risk task.
    AskExplanation,
    /// Answer a request for an explanation, for the lead unit.
    AnswerExplanation,
    /// Accept an explanation, or ask again.
    DecideExplanation,
    /// Hand a task to people of the lead unit (người thực hiện).
    AssignPeople,
    /// Record a coordinating unit's part (ý kiến / kết quả phối hợp), for that unit.
    RecordCoordination,
    /// Ask a coordinating unit for its part by a date, for the lead unit.
    AskCoordination,
    /// Send a task back as outside the unit's remit (trả lại: không đúng chức năng).
    SendBack,
    /// Move a task to another lead unit, or keep it where a unit sent it back from.
    TransferTask,
    /// Change many tasks in one step from a list: their due date, or cancel them.
    BulkChange,
    /// Correct a published notice: its particulars, signed scan and items.
    CorrectDirective,
    /// Keep the steps inside a task (add, tick, let them drive progress), for the lead unit.
    ManageSteps,
    /// Draft the completion report for the head to send, for the lead unit.
    DraftCompletion,
    /// Read the periodic reports and the units' grades, drafted or issued.
    ViewReports,
    /// Issue a periodic report (and a new version of one).
    IssueReport,
    /// Set the grading rule.
    ManageGrading,
    /// Make, reset or stop a unit's calendar feed of deadlines.
    ManageUnitFeed,
    /// Register the endpoints of other systems told of events, and read their deliveries.
    ManageWebhooks,
}

impl Action {
    pub const ALL: [Action; 38] = [
        Action::ViewAllTasks,
        Action::CreateDirective,
        Action::ViewDirectives,
        Action::ManageUnits,
        Action::ManageUsers,
        Action::ViewTask,
        Action::StartTask,
        Action::AddProgress,
        Action::ReportCompletion,
        Action::ConfirmCompletion,
        Action::ReturnCompletion,
        Action::CancelTask,
        Action::EditTask,
        Action::Comment,
        Action::ViewExtensions,
        Action::ManageCalendar,
        Action::ManageMail,
        Action::RequestExtension,
        Action::DecideExtension,
        Action::Chase,
        Action::ChaseMany,
        Action::AskExplanation,
        Action::AnswerExplanation,
        Action::DecideExplanation,
        Action::AssignPeople,
        Action::RecordCoordination,
        Action::AskCoordination,
        Action::SendBack,
        Action::TransferTask,
        Action::BulkChange,
        Action::CorrectDirective,
        Action::ManageSteps,
        Action::DraftCompletion,
        Action::ViewReports,
        Action::IssueReport,
        Action::ManageGrading,
        Action::ManageUnitFeed,
        Action::ManageWebhooks,
    ];

    fn on_task(self) -> bool {
        !matches!(
            self,
            Action::ViewAllTasks
                | Action::CreateDirective
                | Action::ViewDirectives
                | Action::ManageUnits
                | Action::ManageUsers
                | Action::ViewExtensions
                | Action::ManageCalendar
                | Action::ManageMail
                | Action::ChaseMany
                | Action::BulkChange
                | Action::CorrectDirective
                | Action::ViewReports
                | Action::IssueReport
                | Action::ManageGrading
                | Action::ManageUnitFeed
                | Action::ManageWebhooks
        )
    }
}

/// The facts about a task that decide access.
#[derive(Debug, Clone, Copy)]
pub struct TaskScope<'a> {
    pub lead_unit_id: UnitId,
    pub coordinating_unit_ids: &'a [UnitId],
}

#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    System,
    Task(TaskScope<'a>),
    /// One unit's own things (its calendar feed).
    Unit(UnitId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Forbidden,
    NotFound,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    Lead,
    Coordinating,
    None,
}

fn relation(actor: &Actor, task: &TaskScope) -> Relation {
    match actor.unit_id {
        Some(u) if u == task.lead_unit_id => Relation::Lead,
        Some(u) if task.coordinating_unit_ids.contains(&u) => Relation::Coordinating,
        _ => Relation::None,
    }
}

pub fn decide(actor: &Actor, action: Action, target: Target) -> Decision {
    use Action::*;
    use Role::*;
    let allow = |yes: bool| {
        if yes {
            Decision::Allow
        } else {
            Decision::Forbidden
        }
    };
    match target {
        Target::System => {
            if action.on_task() {
                // A task action needs a task; asking without one is a programming error that
                // must fail closed.
                return Decision::Forbidden;
            }
            allow(match action {
                ViewAllTasks | ViewDirectives => matches!(actor.role, Admin | Secretariat | Leader),
                CreateDirective => actor.role == Secretariat,
                ManageUnits | ManageUsers | ManageCalendar | ManageMail => actor.role == Admin,
                ViewExtensions | ChaseMany => matches!(actor.role, Secretariat | Leader),
                BulkChange | CorrectDirective => actor.role == Secretariat,
                // The periodic report is the ministry's: its leaders and secretariat read it,
                // the secretariat files it; the grading rule is a setting.
                ViewReports => matches!(actor.role, Admin | Secretariat | Leader),
                IssueReport => actor.role == Secretariat,
                ManageGrading | ManageWebhooks => actor.role == Admin,
                _ => false,
            })
        }
        Target::Unit(unit) => {
            // A unit's people see only their own unit.
            if actor.role.is_unit_role() && actor.unit_id != Some(unit) {
                return Decision::NotFound;
            }
            allow(match action {
                // The head answers for the unit's deadlines; the secretariat and the
                // administrator set feeds up for units whose head cannot.
                ManageUnitFeed => matches!(actor.role, UnitHead | Secretariat | Admin),
                _ => false,
            })
        }
        Target::Task(task) => {
            if !action.on_task() {
                return Decision::Forbidden;
            }
            let rel = relation(actor, &task);
            let sees = match actor.role {
                Admin | Secretariat | Leader => true,
                UnitHead | UnitStaff => rel != Relation::None,
            };
            if !sees {
                return Decision::NotFound;
            }
            let lead = rel == Relation::Lead;
            allow(match action {
                ViewTask => true,
                StartTask | AddProgress => actor.role.is_unit_role() && lead,
                ReportCompletion => actor.role == UnitHead && lead,
                ConfirmCompletion | ReturnCompletion | CancelTask | EditTask => {
                    actor.role == Secretariat
                }
                Comment => actor.role != Admin,
                // Only the head of the lead unit asks for more time: it commits the unit.
                RequestExtension => actor.role == UnitHead && lead,
                DecideExtension => matches!(actor.role, Secretariat | Leader),
                // Those who follow the work chase it; a unit does not chase itself.
                Chase => matches!(actor.role, Secretariat | Leader),
                // Those who follow the work ask a unit to explain and judge the answer; the
                // head of the lead unit answers for it.
                AskExplanation | DecideExplanation => matches!(actor.role, Secretariat | Leader),
                AnswerExplanation => actor.role == UnitHead && lead,
                // The head hands the unit's work to its people.
                AssignPeople => actor.role == UnitHead && lead,
                // A coordinating unit records its own part; the lead unit's people ask for it.
                RecordCoordination => actor.role.is_unit_role() && rel == Relation::Coordinating,
                AskCoordination => actor.role.is_unit_role() && lead,
                // Sending a task back commits the unit, as an extension does; where it goes
                // next is the secretariat's call.
                SendBack => actor.role == UnitHead && lead,
                TransferTask => actor.role == Secretariat,
                // The unit's own work: its people keep the checklist and draft the report the
                // head sends.
                ManageSteps | DraftCompletion => actor.role.is_unit_role() && lead,
                _ => false,
            })
        }
    }
}

pub fn allowed(actor: &Actor, action: Action, target: Target) -> bool {
    decide(actor, action, target) == Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{UnitId, UserId};
    use Decision::{Allow as A, Forbidden as F, NotFound as N};

    const LEAD: UnitId = UnitId(1);
    const COORD: UnitId = UnitId(2);
    const OTHER: UnitId = UnitId(3);

    fn actor(role: Role, unit: Option<UnitId>) -> Actor {
        Actor {
            user_id: UserId(7),
            role,
            unit_id: unit,
        }
    }

    /// The whole table: every role (and, for unit roles, every relation to the task) against
    /// every action. Each row lists the decision for Action::ALL in order.
    #[test]
    fn full_table() {
        let coords = [COORD];
        let task = Target::Task(TaskScope {
            lead_unit_id: LEAD,
            coordinating_unit_ids: &coords,
        });
        #[rustfmt::skip]
        let rows: Vec<(&str, Actor, [Decision; 38])> = vec![
            //                                  all dirC dirV unit user | view start prog compl conf ret  canc edit comm | extV cal | extR extD chase manyC | askX ansX decX assign | coordR coordA back move bulk fix | steps draft | repV repI grad feed(system) hooks
            ("admin", actor(Role::Admin, None),               [A, F, A, A, A, A, F, F, F, F, F, F, F, F, F, A, A, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, A, F, A, F, A]),
            ("secretariat", actor(Role::Secretariat, None),   [A, A, A, F, F, A, F, F, F, A, A, A, A, A, A, F, F, F, A, A, A, A, F, A, F, F, F, F, A, A, A, F, F, A, A, F, F, F]),
            ("leader", actor(Role::Leader, None),             [A, F, A, F, F, A, F, F, F, F, F, F, F, A, A, F, F, F, A, A, A, A, F, A, F, F, F, F, F, F, F, F, F, A, F, F, F, F]),
            ("head/lead", actor(Role::UnitHead, Some(LEAD)),  [F, F, F, F, F, A, A, A, A, F, F, F, F, A, F, F, F, A, F, F, F, F, A, F, A, F, A, A, F, F, F, A, A, F, F, F, F, F]),
            ("head/coord", actor(Role::UnitHead, Some(COORD)),[F, F, F, F, F, A, F, F, F, F, F, F, F, A, F, F, F, F, F, F, F, F, F, F, F, A, F, F, F, F, F, F, F, F, F, F, F, F]),
            ("head/other", actor(Role::UnitHead, Some(OTHER)),[F, F, F, F, F, N, N, N, N, N, N, N, N, N, F, F, F, N, N, N, F, N, N, N, N, N, N, N, N, F, F, N, N, F, F, F, F, F]),
            ("staff/lead", actor(Role::UnitStaff, Some(LEAD)),[F, F, F, F, F, A, A, A, F, F, F, F, F, A, F, F, F, F, F, F, F, F, F, F, F, F, A, F, F, F, F, A, A, F, F, F, F, F]),
            ("staff/coord", actor(Role::UnitStaff, Some(COORD)),[F, F, F, F, F, A, F, F, F, F, F, F, F, A, F, F, F, F, F, F, F, F, F, F, F, A, F, F, F, F, F, F, F, F, F, F, F, F]),
            ("staff/other", actor(Role::UnitStaff, Some(OTHER)),[F, F, F, F, F, N, N, N, N, N, N, N, N, N, F, F, F, N, N, N, F, N, N, N, N, N, N, N, N, F, F, N, N, F, F, F, F, F]),
            ("head/no unit", actor(Role::UnitHead, None),     [F, F, F, F, F, N, N, N, N, N, N, N, N, N, F, F, F, N, N, N, F, N, N, N, N, N, N, N, N, F, F, N, N, F, F, F, F, F]),
        ];
        for (name, who, expected) in rows {
            for (i, action) in Action::ALL.into_iter().enumerate() {
                let target = if action.on_task() {
                    task
                } else {
                    Target::System
                };
                assert_eq!(
                    decide(&who, action, target),
                    expected[i],
                    "{name} {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_units_feed_is_its_heads_the_secretariats_and_the_admins() {
        let rows = [
            (actor(Role::Admin, None), A),
            (actor(Role::Secretariat, None), A),
            (actor(Role::Leader, None), F),
            (actor(Role::UnitHead, Some(LEAD)), A),
            (actor(Role::UnitStaff, Some(LEAD)), F),
            (actor(Role::UnitHead, Some(OTHER)), N),
            (actor(Role::UnitHead, None), N),
        ];
        for (who, expected) in rows {
            let got = decide(&who, Action::ManageUnitFeed, Target::Unit(LEAD));
            assert_eq!(got, expected, "{who:?}");
            // Nothing else is done to a unit this way.
            if expected == A {
                assert_eq!(decide(&who, Action::ViewTask, Target::Unit(LEAD)), F);
            }
        }
    }

    #[test]
    fn task_actions_without_a_task_and_system_actions_on_a_task_fail_closed() {
        let task = Target::Task(TaskScope {
            lead_unit_id: LEAD,
            coordinating_unit_ids: &[],
        });
        for role in Role::ALL {
            let a = actor(role, Some(LEAD));
            assert_eq!(decide(&a, Action::ViewTask, Target::System), F);
            assert_eq!(decide(&a, Action::ManageUsers, task), F);
        }
    }
}
