-- +goose Up
-- Opt-outs remember when they were set and by what (manual, reply,
-- unsubscribe, import, api); clearing the flag clears both.
ALTER TABLE contacts ADD COLUMN opt_out_sms_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN opt_out_sms_source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN opt_out_email_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN opt_out_email_source TEXT NOT NULL DEFAULT '';

-- Records of the customer's own messages have the source "inbound".
-- SQLite cannot alter a CHECK constraint; widening one is the change its
-- documentation allows through writable_schema (every existing row still
-- holds). The ALTER TABLE that follows re-reads the edited schema and
-- bumps the schema version, so every connection reloads it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (source IN (''manual'', ''single'', ''bulk'', ''plan''))',
    'CHECK (source IN (''manual'', ''single'', ''bulk'', ''plan'', ''inbound''))')
    WHERE type = 'table' AND name = 'contact_records';
PRAGMA writable_schema = RESET;

-- A record is something we did (outbound) or something the customer sent
-- us (inbound: an unsubscribe, a reply). The default keeps every existing
-- insert, the bulk records insert among them, as it is.
ALTER TABLE contact_records ADD COLUMN direction TEXT NOT NULL DEFAULT 'outbound'
    CHECK (direction IN ('outbound', 'inbound'));
-- Inbound records are few: a partial index keeps the direction filter
-- fast and costs outbound inserts (bulk sends) nothing.
CREATE INDEX contact_records_inbound_idx ON contact_records (contacted_at, id) WHERE direction = 'inbound';

-- +goose Down
DROP INDEX contact_records_inbound_idx;
DELETE FROM contact_records WHERE source = 'inbound';
ALTER TABLE contact_records DROP COLUMN direction;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (source IN (''manual'', ''single'', ''bulk'', ''plan'', ''inbound''))',
    'CHECK (source IN (''manual'', ''single'', ''bulk'', ''plan''))')
    WHERE type = 'table' AND name = 'contact_records';
PRAGMA writable_schema = RESET;
ALTER TABLE contacts DROP COLUMN opt_out_email_source;
ALTER TABLE contacts DROP COLUMN opt_out_email_at;
ALTER TABLE contacts DROP COLUMN opt_out_sms_source;
ALTER TABLE contacts DROP COLUMN opt_out_sms_at;
