//! A webhook subscription: where events go, which ones, and whether it still receives
//! them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::events::EventKind;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Result};

/// A subscription's id.
pub type SubscriptionId = crate::Id<Subscription>;

/// The longest URL taken.
pub const URL_CHARS: usize = 2000;

/// A receiver of events. Its secret signs every delivery; it is shown once, when the
/// subscription is created, and never answered again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Subscription {
    #[schema(value_type = i64)]
    pub id: SubscriptionId,
    /// Where deliveries are POSTed: an `http://` or `https://` URL.
    pub url: String,
    pub description: Option<String>,
    /// The events it receives.
    pub events: Vec<EventKind>,
    /// False once disabled, by a person or after too many failed tries in a row; a
    /// disabled subscription gets no new deliveries and its waiting ones are not sent.
    pub active: bool,
    /// Failed tries since its last successful delivery.
    pub failures: i64,
    /// Why it was disabled, when it was disabled for failing.
    pub disabled_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Subscription {
    pub fn wants(&self, kind: EventKind) -> bool {
        self.active && self.events.contains(&kind)
    }
}

/// What a subscription may ask for, as the document states it: one or more event kinds,
/// none of them `ping`.
fn events_schema(nullable: bool) -> serde_json::Value {
    use strum::VariantArray;
    let kinds: Vec<&'static str> = EventKind::VARIANTS
        .iter()
        .filter(|k| **k != EventKind::Ping)
        .map(|k| k.into())
        .collect();
    let array = if nullable {
        serde_json::json!(["array", "null"])
    } else {
        serde_json::json!("array")
    };
    serde_json::json!({"type": array, "minItems": 1, "items": {"type": "string", "enum": kinds}})
}

fn subscribed_events_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    serde_json::from_value(events_schema(false)).unwrap_or_else(|_| <Vec<EventKind> as utoipa::PartialSchema>::schema())
}

fn subscribed_events_or_null_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    serde_json::from_value(events_schema(true)).unwrap_or_else(|_| <Vec<EventKind> as utoipa::PartialSchema>::schema())
}

/// A subscription to create; psops generates its secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    /// At least one event kind (not `ping`, which goes to one subscription on request).
    #[schema(schema_with = subscribed_events_schema)]
    pub events: Vec<EventKind>,
    /// Receives events at once (the default) or only once enabled.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A subscription's fields to change; what is left out stays. Enabling a disabled
/// subscription counts its failures afresh.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPatch {
    pub url: Option<String>,
    /// A new description; an empty one removes it.
    pub description: Option<String>,
    #[schema(schema_with = subscribed_events_or_null_schema)]
    pub events: Option<Vec<EventKind>>,
    pub active: Option<bool>,
}

/// A new subscription and its secret, answered once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CreatedSubscription {
    #[serde(flatten)]
    pub subscription: Subscription,
    /// Signs every delivery (see the `Psops-Signature` header). Keep it: it is not
    /// shown again.
    pub secret: String,
}

/// Checks a subscription's URL: http or https, with a host, no spaces, at most
/// [`URL_CHARS`].
pub fn check_url(c: &mut Checks, url: &str) {
    c.text(url, "url", URL_CHARS);
    let u = url.trim().to_ascii_lowercase();
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    c.check(
        host.is_some_and(|h| !h.is_empty() && !h.starts_with(':')) && !u.contains(char::is_whitespace),
        "url",
        Rule::Scheme,
        "url must be an http:// or https:// URL with a host",
    );
}

fn check_events(c: &mut Checks, events: &[EventKind]) {
    c.check(
        !events.is_empty(),
        "events",
        Rule::Required,
        "events must name at least one event kind",
    );
    c.check(
        !events.contains(&EventKind::Ping),
        "events",
        Rule::OneOf,
        "events cannot include ping: a ping goes to one subscription when asked for",
    );
}

impl NewSubscription {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        check_url(&mut c, &self.url);
        c.optional_text(self.description.as_deref(), "description", 500);
        check_events(&mut c, &self.events);
        c.into_result()
    }
}

impl SubscriptionPatch {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        if let Some(url) = &self.url {
            check_url(&mut c, url);
        }
        c.optional_text(
            self.description.as_deref().filter(|d| !d.trim().is_empty()),
            "description",
            500,
        );
        if let Some(events) = &self.events {
            check_events(&mut c, events);
        }
        c.into_result()
    }
}

/// A new signing secret: `whsec_` and 64 random hex digits.
pub fn new_secret() -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(format!("whsec_{}", hex::encode(buf)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(url: &str, events: Vec<EventKind>) -> NewSubscription {
        NewSubscription {
            url: url.into(),
            description: None,
            events,
            active: true,
        }
    }

    #[test]
    fn webhook_url_must_be_http_or_https_naming_the_field() {
        for ok in [
            "https://hooks.example.com/psops",
            "http://127.0.0.1:9000/in",
            "HTTPS://x.example",
        ] {
            assert!(new(ok, vec![EventKind::InvoiceIssued]).validate().is_ok(), "{ok}");
        }
        for bad in [
            "ftp://x.example",
            "hooks.example.com",
            "https://",
            "http:// x.example",
            "https://:80/",
            "",
        ] {
            let err = new(bad, vec![EventKind::InvoiceIssued]).validate().unwrap_err();
            let Error::Invalid(fields) = &err else {
                panic!("{bad}: {err}")
            };
            assert!(fields.iter().any(|f| f.field == "url"), "{bad}: {err}");
        }
    }

    #[test]
    fn webhook_needs_events_and_not_ping() {
        let err = new("https://x.example", vec![]).validate().unwrap_err();
        assert!(err.to_string().contains("events must name at least one"), "{err}");
        let err = new("https://x.example", vec![EventKind::Ping]).validate().unwrap_err();
        assert!(err.to_string().contains("cannot include ping"), "{err}");
        let patch = SubscriptionPatch {
            url: Some("mailto:a@b.c".into()),
            ..SubscriptionPatch::default()
        };
        assert!(patch.validate().is_err());
        assert!(SubscriptionPatch::default().validate().is_ok());
    }

    #[test]
    fn webhook_secrets_are_random_and_prefixed() {
        let a = new_secret().unwrap();
        assert!(a.starts_with("whsec_") && a.len() == 70);
        assert_ne!(a, new_secret().unwrap());
    }

    #[test]
    fn webhook_new_subscription_is_active_unless_told() {
        let s: NewSubscription =
            serde_json::from_str(r#"{"url":"https://x.example","events":["sow_signed"]}"#).unwrap();
        assert!(s.active);
        assert!(serde_json::from_str::<NewSubscription>(r#"{"url":"https://x.example","events":["nope"]}"#).is_err());
    }
}
