-- +goose Up
CREATE TABLE channel_configs (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('sms', 'email', 'wecom', 'call')),
    provider    TEXT NOT NULL,
    config      TEXT NOT NULL DEFAULT '{}',
    rate_limit  INTEGER NOT NULL DEFAULT 0,
    updated_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE contact_records (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    contact_id          INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    user_id             INTEGER REFERENCES users(id) ON DELETE SET NULL,
    channel             TEXT NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('manual', 'single', 'bulk', 'plan')),
    status              TEXT NOT NULL DEFAULT 'done',
    title               TEXT NOT NULL DEFAULT '',
    summary             TEXT NOT NULL DEFAULT '',
    subject             TEXT NOT NULL DEFAULT '',
    content             TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    provider            TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    bulk_send_id        INTEGER,
    plan_id             INTEGER,
    contacted_at        TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX contact_records_time_idx ON contact_records (contacted_at DESC, id DESC);
CREATE INDEX contact_records_customer_idx ON contact_records (customer_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_contact_idx ON contact_records (contact_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_user_idx ON contact_records (user_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_channel_idx ON contact_records (channel, contacted_at DESC, id DESC);
CREATE INDEX contact_records_source_idx ON contact_records (source, contacted_at DESC, id DESC);
CREATE INDEX contact_records_bulk_idx ON contact_records (bulk_send_id) WHERE bulk_send_id IS NOT NULL;

CREATE TABLE record_topics (
    record_id INTEGER NOT NULL REFERENCES contact_records(id) ON DELETE CASCADE,
    topic_id  INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (record_id, topic_id)
);
CREATE INDEX record_topics_topic_idx ON record_topics (topic_id, record_id);

CREATE TABLE deliveries (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL,
    provider            TEXT NOT NULL,
    address             TEXT NOT NULL,
    customer_id         INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    contact_id          INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    user_id             INTEGER REFERENCES users(id) ON DELETE SET NULL,
    subject             TEXT NOT NULL DEFAULT '',
    body                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    reason              TEXT NOT NULL DEFAULT '',
    detail              TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    record_id           INTEGER REFERENCES contact_records(id) ON DELETE SET NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_contact_idx ON deliveries (contact_id, id DESC);
CREATE INDEX deliveries_status_idx ON deliveries (status, id);

CREATE TABLE outbox_messages (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    html       TEXT NOT NULL DEFAULT '',
    ref        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_messages_time_idx ON outbox_messages (created_at DESC, id DESC);

-- +goose Down
DROP TABLE outbox_messages;
DROP TABLE deliveries;
DROP TABLE record_topics;
DROP TABLE contact_records;
DROP TABLE channel_configs;
