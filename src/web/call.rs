//! What nearly every handler needs together: the server's state and who is asking. One
//! extractor for the two, so handlers and the page helpers they share take one value.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::web::auth::Auth;
use crate::web::error::WebError;
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
