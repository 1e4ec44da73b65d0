-- +goose Up
-- A single contact's WeCom message goes out as a customer mass-message
-- task of the rep's own member with one receiver: WeCom sends it when the
-- rep confirms it in the WeCom client. Until then its delivery is
-- "awaiting", naming the member who is to confirm it (sender), the time
-- after which it is withdrawn (deadline) and the record written when it
-- goes (pending, JSON). Sent WeCom deliveries count towards a customer's
-- monthly share of mass messages, found by their WeChat identity.
-- SQLite cannot change a CHECK in place: the table is built again (no
-- table refers to it).
CREATE TABLE deliveries_new (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL,
    provider            TEXT NOT NULL,
    address             TEXT NOT NULL,
    customer_id         INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    contact_id          INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    user_id             INTEGER REFERENCES users(id) ON DELETE SET NULL,
    subject             TEXT NOT NULL DEFAULT '',
    body                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('sending', 'awaiting', 'sent', 'failed')),
    reason              TEXT NOT NULL DEFAULT '',
    detail              TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    record_id           INTEGER REFERENCES contact_records(id) ON DELETE SET NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    sender              TEXT NOT NULL DEFAULT '',
    deadline            TIMESTAMP,
    pending             TEXT NOT NULL DEFAULT ''
);
INSERT INTO deliveries_new (id, kind, provider, address, customer_id, contact_id, user_id, subject, body, status, reason,
    detail, provider_message_id, record_id, attempts, created_at, updated_at)
    SELECT id, kind, provider, address, customer_id, contact_id, user_id, subject, body, status, reason,
    detail, provider_message_id, record_id, attempts, created_at, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_contact_idx ON deliveries (contact_id, id DESC);
CREATE INDEX deliveries_status_idx ON deliveries (status, id);
CREATE INDEX deliveries_wecom_sent_idx ON deliveries (address) WHERE kind = 'wecom' AND status = 'sent';

-- +goose Down
DROP INDEX deliveries_wecom_sent_idx;
DELETE FROM deliveries WHERE status = 'awaiting';
ALTER TABLE deliveries DROP COLUMN pending;
ALTER TABLE deliveries DROP COLUMN deadline;
ALTER TABLE deliveries DROP COLUMN sender;
