-- +goose Up
-- Every SMS a customer sent back (上行), as received: kept once per
-- provider and reply id however often the provider pushes it, matched to
-- the contacts with that mobile number, for audit when none matched.
CREATE TABLE sms_replies (
    id            INTEGER PRIMARY KEY,
    provider      TEXT NOT NULL,
    ref           TEXT NOT NULL,
    from_number   TEXT NOT NULL,
    text          TEXT NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    received_at   TIMESTAMP NOT NULL,
    contact_count INTEGER NOT NULL DEFAULT 0,
    opt_out       BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (provider, ref)
);
CREATE INDEX contacts_mobile_idx ON contacts (mobile) WHERE mobile <> '';

-- +goose Down
DROP INDEX contacts_mobile_idx;
DROP TABLE sms_replies;
