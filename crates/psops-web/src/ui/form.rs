//! Form bodies for pages: a body that cannot be read becomes a readable error page, not
//! the framework's plain-text rejection.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::render::UiError;

pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = UiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) => Err(UiError::new(
                StatusCode::BAD_REQUEST,
                "The form could not be read",
                format!("Send the form from its page again ({e})."),
            )),
        }
    }
}
