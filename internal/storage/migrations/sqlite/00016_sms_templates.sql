-- +goose Up
-- SMS signatures and templates of the template providers (Aliyun, Tencent
-- Cloud), synced from the provider or entered by hand; a template's
-- variables map to what fills them. A bulk send on such a channel names
-- its template and the values the rep filled.
CREATE TABLE sms_signatures (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    name        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('approved', 'reviewing', 'rejected', 'withdrawn')),
    review_note TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL CHECK (origin IN ('synced', 'manual')),
    synced_at   TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (provider, name)
);

CREATE TABLE sms_templates (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('verification', 'notice', 'marketing', 'international')),
    content     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('approved', 'reviewing', 'rejected', 'withdrawn')),
    review_note TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL CHECK (origin IN ('synced', 'manual')),
    sign_name   TEXT NOT NULL DEFAULT '',
    variables   TEXT NOT NULL DEFAULT '{}',
    synced_at   TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (provider, code)
);

ALTER TABLE bulk_sends ADD COLUMN sms_template_id INTEGER REFERENCES sms_templates(id);
ALTER TABLE bulk_sends ADD COLUMN sms_params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE bulk_sends ADD COLUMN marketing BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE bulk_sends DROP COLUMN marketing;
ALTER TABLE bulk_sends DROP COLUMN sms_params;
ALTER TABLE bulk_sends DROP COLUMN sms_template_id;
DROP TABLE sms_templates;
DROP TABLE sms_signatures;
