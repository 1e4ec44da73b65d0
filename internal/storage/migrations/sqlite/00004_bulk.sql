-- +goose Up
CREATE TABLE bulk_sends (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    sms_text      TEXT NOT NULL DEFAULT '',
    email_subject TEXT NOT NULL DEFAULT '',
    email_body    TEXT NOT NULL DEFAULT '',
    selection     TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'running', 'done', 'cancelled')),
    scheduled_at  TIMESTAMP NOT NULL,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX bulk_sends_user_idx ON bulk_sends (user_id, id DESC);
CREATE INDEX bulk_sends_status_idx ON bulk_sends (status, scheduled_at);

CREATE TABLE bulk_send_topics (
    bulk_send_id INTEGER NOT NULL REFERENCES bulk_sends(id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (bulk_send_id, topic_id)
);

CREATE TABLE bulk_recipients (
    id                  INTEGER PRIMARY KEY,
    bulk_send_id        INTEGER NOT NULL REFERENCES bulk_sends(id) ON DELETE CASCADE,
    contact_id          INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    customer_id         INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    channel             TEXT NOT NULL,
    address             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    reason              TEXT NOT NULL DEFAULT '',
    detail              TEXT NOT NULL DEFAULT '',
    attempts            INTEGER NOT NULL DEFAULT 0,
    provider            TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    next_attempt_at     TIMESTAMP NOT NULL,
    claimed_by          TEXT NOT NULL DEFAULT '',
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (bulk_send_id, channel, contact_id)
);
CREATE INDEX bulk_recipients_work_idx ON bulk_recipients (bulk_send_id, channel, status, next_attempt_at, id);
CREATE INDEX bulk_recipients_status_idx ON bulk_recipients (bulk_send_id, status, id);

-- A bulk record names its recipient; the unique index makes "one record
-- per recipient reached" a property of the schema.
ALTER TABLE contact_records ADD COLUMN bulk_recipient_id INTEGER;
CREATE UNIQUE INDEX contact_records_bulk_recipient_idx ON contact_records (bulk_recipient_id);

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
DROP INDEX contact_records_bulk_recipient_idx;
ALTER TABLE contact_records DROP COLUMN bulk_recipient_id;
DROP TABLE bulk_recipients;
DROP TABLE bulk_send_topics;
DROP TABLE bulk_sends;
