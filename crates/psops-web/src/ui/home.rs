//! The home page: who is signed in, with their roles and where to go next.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::code::Code;
use serde::Serialize;

use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;

#[derive(Serialize)]
struct UserView {
    name: String,
    email: String,
    roles: Vec<&'static str>,
}

#[derive(Serialize)]
struct Link {
    href: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct Card {
    title: &'static str,
    text: &'static str,
    href: &'static str,
    action: &'static str,
}

#[derive(Serialize)]
struct HomePage {
    user: UserView,
    csrf: String,
    nav: Vec<Link>,
    cards: Vec<Card>,
}

pub async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = super::filters::subject(&state, &me).await?;
    let frame = super::layout::frame(&me, &s);
    let mut cards: Vec<Card> = super::layout::cards(&s)
        .into_iter()
        .map(|c| Card {
            title: c.title,
            text: c.text,
            href: c.href,
            action: c.action,
        })
        .collect();
    cards.push(Card {
        title: "REST API",
        text: "Everything psops does is in its API, described by an OpenAPI 3.1 document.",
        href: "/api/v1/openapi.json",
        action: "Open the API document",
    });
    let page = HomePage {
        user: UserView {
            name: me.user.name.clone(),
            email: me.user.email.clone(),
            roles: me.user.roles.iter().map(|r| r.code()).collect(),
        },
        csrf: me.session.csrf_token.clone(),
        nav: frame
            .nav
            .into_iter()
            .map(|l| Link {
                href: l.href,
                label: l.label,
            })
            .collect(),
        cards,
    };
    Ok(render("home.html", page)?.into_response())
}
