//! The API's description, OpenAPI 3.1, generated from the handlers' annotations and the types
//! they read and answer, served at `/api/v1/openapi.json`. The domain's ids and words are
//! described here, so the domain knows nothing of the description.

use actix_web::HttpResponse;
use std::sync::OnceLock;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::{directives, figures, read, task_writes};

/// Ids travel as whole numbers.
macro_rules! described_id {
    ($($t:ty),+) => {$(
        impl PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .into()
            }
        }
        impl ToSchema for $t {}
    )+};
}

/// Stored words travel as their words, one of a fixed list.
macro_rules! described_words {
    ($($t:ty),+) => {$(
        impl PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(<$t>::ALL.iter().map(|w| w.as_str())))
                    .into()
            }
        }
        impl ToSchema for $t {}
    )+};
}

use crate::domain::ids::{DirectiveId, TaskId, UnitId, UserId};
use crate::domain::status::{ReportKind, Status, Timeliness};
described_id!(TaskId, UnitId, UserId, DirectiveId);
described_words!(Status, Timeliness, ReportKind);

/// Personal tokens, sent as `Authorization: Bearer …`.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chỉ đạo API",
        version = "1",
        description = "Tasks from the ministry's conclusions: read them, report on them, decide \
            on them, with the same permissions as the pages. Sign in with a personal token \
            (made on /me). Errors are problem details (RFC 9457). A write sent again with the \
            same Idempotency-Key is done once."
    ),
    paths(
        read::tasks,
        read::task,
        task_writes::start,
        task_writes::report_progress,
        task_writes::complete,
        task_writes::confirm,
        task_writes::return_completion,
        task_writes::cancel,
        task_writes::comment,
        task_writes::request_extension,
        task_writes::decide_extension,
        directives::units,
        directives::list,
        directives::show,
        directives::publish,
        figures::figures,
    ),
    // Problem answers name the schema by reference (`problem`'s sets), so it is listed here.
    components(schemas(super::problem::Problem)),
    modifiers(&Bearer),
    tags(
        (name = "tasks", description = "Tasks and what is done to them"),
        (name = "directives", description = "Directives, their items and the units named in them"),
        (name = "figures", description = "The dashboard's figures for a period")
    )
)]
pub struct ApiDoc;

/// The description as JSON, made once.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default())
}

/// `GET /api/v1/openapi.json`: open to all, as it tells nothing a token would not.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json())
}
