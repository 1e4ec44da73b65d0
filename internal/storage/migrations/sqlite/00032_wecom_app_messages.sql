-- +goose Up
-- A user mapped to a WeCom member may have their notifications sent to
-- their WeCom as application messages (应用消息). Each one to send is
-- queued here, and sent alone or, in a burst, merged with the others
-- into one digest, so that WeCom's per-member limit never drops one.
ALTER TABLE wecom_members ADD COLUMN app_notify BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE wecom_app_messages (
    notification_id BIGINT PRIMARY KEY,
    userid          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    digest          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX wecom_app_messages_member_idx ON wecom_app_messages (userid, sent_at);

-- +goose Down
DROP TABLE wecom_app_messages;
ALTER TABLE wecom_members DROP COLUMN app_notify;
