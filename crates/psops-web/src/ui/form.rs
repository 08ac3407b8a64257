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
            // Over the body limit is the sender's size, not a broken form: say so, as 413.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(UiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is too large",
                "The form is larger than psops reads at once; send less text or a smaller file.",
            )),
            Err(e) => Err(UiError::new(
                StatusCode::BAD_REQUEST,
                "The form could not be read",
                format!("Send the form from its page again ({e})."),
            )),
        }
    }
}
