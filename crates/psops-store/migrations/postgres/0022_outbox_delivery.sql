-- Delivery of the notification outbox: a node claims a message (status 'sending') by a
-- conditional update before mailing it, so of several nodes exactly one mails each; a
-- claim older than a timeout belongs to a node that stopped and is taken over.
ALTER TABLE notifications ADD COLUMN claimed_by TEXT;
ALTER TABLE notifications ADD COLUMN claimed_at TIMESTAMPTZ;
-- A timesheet reminder is mailed through the outbox: the notification that carries it.
ALTER TABLE reminders ADD COLUMN notification_id BIGINT REFERENCES notifications (id);
CREATE INDEX notifications_kind ON notifications (kind, id);
