//! The security headers every response carries: a Content-Security-Policy that lets
//! pages run only psops's own script and style files (htmx is told not to inject its
//! indicator styles, and no page has inline script, event handlers or style attributes)
//! and forbids framing; `X-Frame-Options: DENY` for browsers that predate
//! `frame-ancestors`; `nosniff`; a referrer policy that keeps paths on psops; and, when
//! psops is served over HTTPS, HSTS.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of every page (and, harmlessly, of every other response).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn set(router: Router, name: HeaderName, value: &'static str) -> Router {
    router.layer(SetResponseHeaderLayer::if_not_present(
        name,
        HeaderValue::from_static(value),
    ))
}

/// Adds the headers to every response of `router`; HSTS only with `https`.
pub fn add(router: Router, https: bool) -> Router {
    let router = set(router, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    let router = set(router, header::X_FRAME_OPTIONS, "DENY");
    let router = set(router, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let router = set(router, header::REFERRER_POLICY, "same-origin");
    let router = set(
        router,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if https {
        set(router, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")
    } else {
        router
    }
}

#[cfg(test)]
mod tests {
    /// The CSP allows no inline script, event handler or style attribute: no template may
    /// hold one, or the browser would refuse it.
    #[test]
    fn no_template_needs_inline_script_or_style() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("the templates") {
            let path = entry.expect("a template").path();
            let text = std::fs::read_to_string(&path).expect("a readable template");
            let lower = text.to_ascii_lowercase();
            let name = path.display();
            for (i, _) in lower.match_indices("<script") {
                let tag = &lower[i..lower[i..].find('>').map_or(lower.len(), |e| i + e)];
                assert!(tag.contains(" src="), "{name}: inline <script>");
            }
            assert!(!lower.contains("<style"), "{name}: a <style> element");
            assert!(!lower.contains(" style="), "{name}: a style attribute");
            assert!(!lower.contains("javascript:"), "{name}: a javascript: URL");
            assert!(!lower.contains("hx-on"), "{name}: an hx-on handler");
            for word in lower.split(|c: char| c.is_whitespace()) {
                let handler = word.starts_with("on")
                    && word.contains('=')
                    && word[2..]
                        .split('=')
                        .next()
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase()));
                assert!(!handler, "{name}: an inline event handler {word}");
            }
            seen += 1;
        }
        assert!(seen > 20, "read {seen} templates");
    }
}
