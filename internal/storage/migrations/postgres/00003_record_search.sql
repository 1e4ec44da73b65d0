-- +goose Up
-- Keyword search over records: a trigram index on the searched text lets
-- "contains" searches of three or more characters (Chinese included) use an
-- index instead of reading every record.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contact_records_text_trgm_idx ON contact_records
    USING gin ((lower(title || ' ' || summary || ' ' || content)) gin_trgm_ops);

-- +goose Down
DROP INDEX contact_records_text_trgm_idx;
