//! What nearly every handler needs together: the server's state and who is asking. One
//! extractor for the two (`Call`), so handlers and the page helpers they share take one value;
//! the same with a record's id and what was posted (`Posted`); and, for the pages read most,
//! the two with the person looked up inside the page's own trip to the database (`LazyCall`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::db::DbConn;
use crate::web::auth::{Auth, Credentials};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::AppState;

pub struct Call {
    pub state: web::Data<AppState>,
    pub auth: Auth,
}

impl FromRequest for Call {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Call, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let auth = Auth::from_request(req, payload);
        Box::pin(async move {
            let state = state.ok_or_else(|| WebError::Internal("no state".into()))?;
            Ok(Call {
                state,
                auth: auth.await?,
            })
        })
    }
}

/// A form posted about one record: who asks, the record's id from the path and the body (a
/// page's `Form`; the API's `Body`). They are read as the handler's own arguments would be (a
/// path that does not parse is not found), so a posting handler takes one value.
pub struct Posted<I, B = Form> {
    pub call: Call,
    pub id: I,
    pub form: B,
}

impl<I, B> FromRequest for Posted<I, B>
where
    I: DeserializeOwned + 'static,
    B: FromRequest + 'static,
    B::Error: Into<actix_web::Error>,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(Call, web::Path<I>, B)>::from_request(req, payload);
        Box::pin(async move {
            let (call, path, form) = parts.await?;
            Ok(Posted {
                call,
                id: path.into_inner(),
                form,
            })
        })
    }
}

/// The server's state and who is asking, not looked up yet: the pages read most look the
/// person up inside their own trip to the database (`run`), one trip where `Call` takes two.
pub struct LazyCall {
    pub state: web::Data<AppState>,
    creds: Credentials,
}

impl FromRequest for LazyCall {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(web::Data<AppState>, Credentials)>::from_request(req, payload);
        Box::pin(async move {
            let (state, creds) = parts.await?;
            Ok(LazyCall { state, creds })
        })
    }
}

impl LazyCall {
    /// Runs `f` on the blocking pool with the person looked up first, in the same trip.
    pub async fn run<T, F>(self, f: F) -> WebResult<T>
    where
        F: FnOnce(&mut DbConn, Auth) -> WebResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let LazyCall { state, creds } = self;
        crate::web::error::run(&state.pool, move |conn| {
            let auth = creds.resolve(conn)?;
            f(conn, auth)
        })
        .await
    }
}
