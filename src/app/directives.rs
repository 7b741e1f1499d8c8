//! Directives (thông báo kết luận): published with their items, one task per lead unit.

use crate::db::{self, DbConn};
use crate::domain::ids::DirectiveId;
use crate::domain::permissions::{Act, Action, Target};
use crate::error::AppResult;
use crate::mail::notices;
use crate::models::directive::{self, NewDirective};

/// Publishes the directive and tells every unit that leads or coordinates one of its tasks; the
/// draft it was reviewed from goes. Returns its id and whether it was created now (false: this
/// form was already submitted, and nothing is sent twice).
pub fn publish(conn: &mut DbConn, act: Act, d: &NewDirective) -> AppResult<(DirectiveId, bool)> {
    let (actor, at) = (&act.actor, act.at);
    super::allow(actor, Action::CreateDirective, Target::System)?;
    db::write(conn, |conn| {
        let (id, created) = directive::publish(conn, d, actor.user_id, at.now)?;
        if created {
            notices::assigned(conn, id, at)?;
        }
        directive::delete_draft(conn, &d.form_token)?;
        Ok((id, created))
    })
}
