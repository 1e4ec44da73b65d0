-- +goose Up
-- Access tokens of providers that hand out short-lived ones (WeCom's
-- gettoken), shared by every process: one row per corp and secret, the
-- token sealed with the install key. A process refreshes it holding the
-- row's lock, so one expiry costs one provider call.
CREATE TABLE provider_tokens (
    key        TEXT PRIMARY KEY,
    token      TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);

-- WeCom members (企业微信成员) and the user each one is.
CREATE TABLE wecom_members (
    userid     TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    mobile     TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    user_id    BIGINT UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    matched_by TEXT NOT NULL DEFAULT '', -- hand, mobile, email
    updated_at TIMESTAMP NOT NULL
);

-- Customers' WeChat identities (外部联系人) and the contact each one is;
-- matched_by '' with contact_id NULL waits in the admin's review list.
CREATE TABLE wecom_externals (
    external_userid TEXT PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT '',
    unionid         TEXT NOT NULL DEFAULT '',
    corp_name       TEXT NOT NULL DEFAULT '',
    contact_id      BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    matched_by      TEXT NOT NULL DEFAULT '', -- remark_mobile, unionid, hand
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX wecom_externals_contact_idx ON wecom_externals (contact_id);

-- Which members follow (added as a friend) which external contact.
-- changed_at is the WeCom time of the last change applied, so an older
-- callback arriving late does not undo a newer one.
CREATE TABLE wecom_follows (
    external_userid TEXT NOT NULL REFERENCES wecom_externals(external_userid) ON DELETE CASCADE,
    userid          TEXT NOT NULL,
    remark          TEXT NOT NULL DEFAULT '',
    remark_mobiles  TEXT NOT NULL DEFAULT '',
    added_at        TIMESTAMP,
    changed_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (external_userid, userid)
);
CREATE INDEX wecom_follows_userid_idx ON wecom_follows (userid);

-- Callback events received, by a key of their content: WeCom retries
-- (three times) and a retry is acknowledged without being applied again.
CREATE TABLE wecom_events (
    key         TEXT PRIMARY KEY,
    change_type TEXT NOT NULL,
    userid      TEXT NOT NULL DEFAULT '',
    external_userid TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    applied_at  TIMESTAMP
);

-- +goose Down
DROP TABLE wecom_events;
DROP TABLE wecom_follows;
DROP TABLE wecom_externals;
DROP TABLE wecom_members;
DROP TABLE provider_tokens;
