//! Each request runs inside the store's [`ReportStore::request`]: a page that asks for
//! a few dozen kept results (names, lists, sums) checks whether they are current once,
//! not once each — on PostgreSQL a round trip each.
//!
//! [`ReportStore::request`]: psops_core::store::ReportStore::request

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::problem::ApiError;

pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let answer = std::sync::Mutex::new(None);
    let work = Box::pin(async {
        let res = next.run(req).await;
        if let Ok(mut slot) = answer.lock() {
            *slot = Some(res);
        }
        Ok(())
    });
    let ran = st.store.request(work).await;
    match (ran, answer.into_inner().ok().flatten()) {
        (Ok(()), Some(res)) => res,
        // The work always runs and answers; should a store's wrapper fail instead, the
        // caller gets the usual problem answer rather than nothing.
        (Err(e), _) => ApiError::from(e).into_response(),
        (Ok(()), None) => ApiError::from(psops_core::Error::internal("the request gave no answer")).into_response(),
    }
}
