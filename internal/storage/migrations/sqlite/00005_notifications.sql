-- +goose Up
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    dedupe_key TEXT,
    read_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- A user's latest, and a user's unread (count and list).
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id, id DESC) WHERE read_at IS NULL;
-- NULL keys never clash, so only keyed notifications are deduplicated.
CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (user_id, dedupe_key);

CREATE TABLE bot_webhooks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE, -- NULL: admin-wide
    provider   TEXT NOT NULL CHECK (provider IN ('wecom', 'dingtalk', 'feishu')),
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL
);
-- One per user and one admin-wide.
CREATE UNIQUE INDEX bot_webhooks_owner_idx ON bot_webhooks (COALESCE(user_id, 0));

-- +goose Down
DROP TABLE bot_webhooks;
DROP TABLE notifications;
