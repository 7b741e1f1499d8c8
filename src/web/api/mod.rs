//! The JSON API, version 1: the task list and the task page as JSON, and the changes a program
//! makes to tasks, with the same use cases and permissions as the pages. A person signs in with
//! a personal token (`Authorization: Bearer …`; read-only or read-write) or, from a script in
//! their own browser, with their session and its CSRF token in `X-CSRF-Token`. Errors are
//! problem details (RFC 9457); a retried write with the same `Idempotency-Key` is done once.
//! `/api/v1/openapi.json` describes it all, generated from the handlers.

/// The description every read shares (a GET with a bearer token) around its handler: the path,
/// the tag, the parameters, what it answers (with the task's version in `ETag`, where it says
/// so) and the problems it may answer instead.
macro_rules! read_route {
    ($path:literal, $tag:literal, params($($p:tt)+), ok($body:ty, $ok:literal, ETag), $problems:ty, $item:item) => {
        read_route!(@ $path, $tag, ($($p)+), (status = 200, description = $ok, body = $body,
            headers(("ETag" = String, description = "The task's version, for If-Match"))), $problems, $item);
    };
    ($path:literal, $tag:literal, params($($p:tt)+), ok($body:ty, $ok:literal), $problems:ty, $item:item) => {
        read_route!(@ $path, $tag, ($($p)+), (status = 200, description = $ok, body = $body), $problems, $item);
    };
    (@ $path:literal, $tag:literal, ($($p:tt)+), ($($ok:tt)+), $problems:ty, $item:item) => {
        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            params($($p)+),
            responses(($($ok)+), $problems),
            security(("bearer" = []))
        )]
        $item
    };
}

mod answer;
mod directives;
mod figures;
mod input;
pub mod openapi;
pub mod problem;
mod read;
mod task_writes;

use actix_web::web;

use problem::ApiError;

/// The routes, written once: registered by `routes`, listed in `ROUTES` for the test that
/// holds the description to them.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path),+ $(,)?) => {
        /// Every route of the API but its description, as (method, path).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),+];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            // A path whose number does not read is no such thing, said as a problem.
            let path_config = web::PathConfig::default()
                .error_handler(|_, _| ApiError::Web(crate::web::error::WebError::NotFound).into());
            // A query string that does not read is a bad request, said as a problem.
            let query_config = web::QueryConfig::default().error_handler(|e, _| {
                ApiError::Web(crate::web::error::WebError::BadRequest(e.to_string())).into()
            });
            cfg.service(
                web::scope("/api/v1")
                    .app_data(path_config)
                    .app_data(query_config)
                    .route("/openapi.json", web::get().to(openapi::document))
                    $(.route(
                        $path.strip_prefix("/api/v1").unwrap_or($path),
                        web::$method().to($handler),
                    ))+
                    .default_service(web::to(no_such_route)),
            );
        }
    };
}

api_routes! {
    get "/api/v1/tasks" => read::tasks,
    get "/api/v1/tasks/{id}" => read::task,
    post "/api/v1/tasks/{id}/start" => task_writes::start,
    post "/api/v1/tasks/{id}/progress" => task_writes::report_progress,
    post "/api/v1/tasks/{id}/complete" => task_writes::complete,
    post "/api/v1/tasks/{id}/confirm" => task_writes::confirm,
    post "/api/v1/tasks/{id}/return" => task_writes::return_completion,
    post "/api/v1/tasks/{id}/cancel" => task_writes::cancel,
    post "/api/v1/tasks/{id}/comments" => task_writes::comment,
    post "/api/v1/tasks/{id}/extensions" => task_writes::request_extension,
    post "/api/v1/extensions/{id}/decision" => task_writes::decide_extension,
    get "/api/v1/units" => directives::units,
    get "/api/v1/directives" => directives::list,
    post "/api/v1/directives" => directives::publish,
    get "/api/v1/directives/{id}" => directives::show,
    get "/api/v1/dashboard" => figures::figures,
}

/// Anything else under `/api/v1`: not found, as a problem rather than a page.
async fn no_such_route() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::Web(crate::web::error::WebError::NotFound))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each route is described, and nothing is described that is not a route.
    #[test]
    fn the_description_has_every_route_and_only_them() {
        let doc: serde_json::Value = serde_json::from_str(openapi::json()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut described: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                described.push((method.clone(), path.clone()));
            }
        }
        described.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        routes.sort();
        assert_eq!(described, routes);
        // Every operation says who may call it and what its problems look like.
        for (method, path) in &routes {
            let op = &doc["paths"][path][method];
            assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{path}");
            assert!(op["responses"]["401"].is_object(), "{method} {path}");
        }
    }
}
