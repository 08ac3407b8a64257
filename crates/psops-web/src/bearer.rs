//! Who is calling and what they may do: the bearer-token check in front of every
//! `/api/v1` route, and the one policy function every request passes through.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use psops_core::Error;
use psops_core::auth::{Actor, TokenScope};
use psops_core::policy::Subject;
use time::OffsetDateTime;

use crate::AppState;
use crate::problem::ApiResult;
use psops_core::credentials::token_hash;

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Finds the actor behind the bearer token, checks the policy, and puts the actor in
/// the request for the handlers.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> ApiResult<Response> {
    let secret = bearer(req.headers()).ok_or(Error::Unauthorized)?;
    let now = OffsetDateTime::now_utc();
    let hash = token_hash(secret);
    let (actor, subject) = match state.known.get(&hash, now) {
        Some(known) => known,
        None => {
            let (user, token) = state
                .store
                .authenticate_token(&hash, now)
                .await?
                .ok_or(Error::Unauthorized)?;
            if !token.is_live(now) || user.disabled_at.is_some() {
                return Err(Error::Unauthorized.into());
            }
            let actor = Actor {
                user,
                scope: token.scope,
            };
            let subject = subject(&state, &actor).await?;
            state.known.put(&hash, token.expires_at, &actor, &subject);
            (actor, subject)
        }
    };
    authorize(&actor, req.method())?;
    req.extensions_mut().insert(actor);
    req.extensions_mut().insert(subject);
    Ok(next.run(req).await)
}

/// The actor as the authorization policy sees them: roles, their person and that
/// person's employer.
pub async fn subject(state: &AppState, actor: &Actor) -> psops_core::Result<Subject> {
    let partner_id = match actor.user.person_id {
        Some(p) => match state.store.get(p).await {
            Ok(person) => person.fields.partner_id,
            Err(Error::NotFound { .. }) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    Ok(Subject {
        user_id: actor.user.id,
        roles: actor.user.roles.clone(),
        person_id: actor.user.person_id,
        partner_id,
        read_only: actor.scope == TokenScope::Read,
    })
}

/// A read-only token may only read, whatever the route; role rules are applied per
/// record by [`crate::authorize`].
pub fn authorize(actor: &Actor, method: &Method) -> psops_core::Result<()> {
    let reads = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if actor.scope == TokenScope::Read && !reads {
        return Err(Error::Forbidden(
            "this API token is read-only; writes need a read_write token".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_the_bearer_scheme_only() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }
}
