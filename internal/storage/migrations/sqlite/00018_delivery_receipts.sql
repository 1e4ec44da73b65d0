-- +goose Up
-- Delivery receipts (状态报告) as the providers sent them, each kept once:
-- a receipt pushed again (providers retry, Aliyun's are not idempotent)
-- inserts nothing. A receipt names what it matched, or nothing yet: one
-- that arrives before its message is settled as sent waits as "pending"
-- until the matcher finds it; one that never matches becomes "unknown"
-- and stays for audit.
CREATE TABLE delivery_receipts (
    id                  INTEGER PRIMARY KEY,
    provider            TEXT NOT NULL,
    provider_message_id TEXT NOT NULL DEFAULT '',
    ref                 TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('delivered', 'undelivered')),
    code                TEXT NOT NULL DEFAULT '',
    provider_time       TIMESTAMP,
    received_at         TIMESTAMP NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'matched', 'unknown')),
    record_id           BIGINT,
    recipient_id        BIGINT,
    delivery_id         BIGINT,
    UNIQUE (provider, provider_message_id, address, ref, status, code)
);
CREATE INDEX delivery_receipts_pending_idx ON delivery_receipts (received_at, id) WHERE state = 'pending';

-- The delivery state of a sent recipient: '' (awaiting a receipt),
-- delivered, undelivered (delivery_code is the provider's code) or
-- no_receipt. Receipts change only these columns, which no index holds.
ALTER TABLE bulk_recipients ADD COLUMN delivery TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_recipients ADD COLUMN delivery_code TEXT NOT NULL DEFAULT '';

-- A sent record's status moves on to delivered, undelivered or
-- no_receipt; receipts without our reference find their record by the
-- provider's message id.
ALTER TABLE contact_records ADD COLUMN delivery_code TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_records ADD COLUMN receipt_at TIMESTAMP;
CREATE INDEX contact_records_provider_message_idx ON contact_records (provider_message_id, address) WHERE provider_message_id <> '';

-- +goose Down
DROP INDEX contact_records_provider_message_idx;
ALTER TABLE contact_records DROP COLUMN receipt_at;
ALTER TABLE contact_records DROP COLUMN delivery_code;
ALTER TABLE bulk_recipients DROP COLUMN delivery_code;
ALTER TABLE bulk_recipients DROP COLUMN delivery;
DROP TABLE delivery_receipts;
