-- Webhooks: subscriptions, the events outbox (written in the transaction of the change
-- each event reports) and the delivery log. An event is fanned out to one delivery per
-- subscription that wants it, in that same transaction.
CREATE TABLE webhook_subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL,
    description     TEXT,
    events          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    failures        BIGINT NOT NULL DEFAULT 0,
    disabled_reason TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_row       BIGINT NOT NULL REFERENCES webhook_events (id),
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_status     BIGINT,
    last_error      TEXT,
    next_try_at     TEXT,
    claimed_by      TEXT,
    claimed_at      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (status, next_try_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);

CREATE TABLE webhook_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id   BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at  TEXT NOT NULL,
    node          TEXT NOT NULL,
    status_code   BIGINT,
    response_body TEXT,
    duration_ms   BIGINT NOT NULL,
    error         TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
