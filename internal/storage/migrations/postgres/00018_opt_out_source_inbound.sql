-- +goose Up
-- Opt-outs remember when they were set and by what (manual, reply,
-- unsubscribe, import, api); clearing the flag clears both.
ALTER TABLE contacts
    ADD COLUMN opt_out_sms_at       TIMESTAMPTZ,
    ADD COLUMN opt_out_sms_source   TEXT NOT NULL DEFAULT '',
    ADD COLUMN opt_out_email_at     TIMESTAMPTZ,
    ADD COLUMN opt_out_email_source TEXT NOT NULL DEFAULT '';

-- A record is something we did (outbound) or something the customer sent
-- us (inbound: an unsubscribe, a reply). The default keeps every existing
-- insert, the bulk records insert among them, as it is; with a constant
-- default PostgreSQL adds the column without rewriting the table.
ALTER TABLE contact_records ADD COLUMN direction TEXT NOT NULL DEFAULT 'outbound'
    CHECK (direction IN ('outbound', 'inbound'));
-- Records of the customer's own messages have the source "inbound". The
-- wider CHECK holds for every existing row, so it is validated without
-- blocking writes for long.
ALTER TABLE contact_records DROP CONSTRAINT contact_records_source_check;
ALTER TABLE contact_records ADD CONSTRAINT contact_records_source_check
    CHECK (source IN ('manual', 'single', 'bulk', 'plan', 'inbound')) NOT VALID;
ALTER TABLE contact_records VALIDATE CONSTRAINT contact_records_source_check;
-- Inbound records are few: a partial index keeps the direction filter
-- fast and costs outbound inserts (bulk sends) nothing.
CREATE INDEX contact_records_inbound_idx ON contact_records (contacted_at, id) WHERE direction = 'inbound';

-- +goose Down
DROP INDEX contact_records_inbound_idx;
DELETE FROM contact_records WHERE source = 'inbound';
ALTER TABLE contact_records DROP CONSTRAINT contact_records_source_check;
ALTER TABLE contact_records ADD CONSTRAINT contact_records_source_check
    CHECK (source IN ('manual', 'single', 'bulk', 'plan'));
ALTER TABLE contact_records DROP COLUMN direction;
ALTER TABLE contacts DROP COLUMN opt_out_email_source, DROP COLUMN opt_out_email_at,
    DROP COLUMN opt_out_sms_source, DROP COLUMN opt_out_sms_at;
