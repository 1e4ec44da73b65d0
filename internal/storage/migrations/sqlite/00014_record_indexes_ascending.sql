-- +goose Up
-- The records' time-ordered indexes are kept ascending, as on PostgreSQL
-- (where the gain was measured). Lists read them newest first all the
-- same (SQLite walks an index backwards), and new records, whose time and
-- id are the largest so far, are appended at the right end of each key's
-- range instead of being inserted before every earlier one.
DROP INDEX contact_records_time_idx;
DROP INDEX contact_records_customer_idx;
DROP INDEX contact_records_contact_idx;
DROP INDEX contact_records_user_idx;
DROP INDEX contact_records_channel_idx;
DROP INDEX contact_records_source_idx;
CREATE INDEX contact_records_time_idx ON contact_records (contacted_at, id);
CREATE INDEX contact_records_customer_idx ON contact_records (customer_id, contacted_at, id);
CREATE INDEX contact_records_contact_idx ON contact_records (contact_id, contacted_at, id);
CREATE INDEX contact_records_user_idx ON contact_records (user_id, contacted_at, id);
CREATE INDEX contact_records_channel_idx ON contact_records (channel, contacted_at, id);
CREATE INDEX contact_records_source_idx ON contact_records (source, contacted_at, id);

-- +goose Down
DROP INDEX contact_records_time_idx;
DROP INDEX contact_records_customer_idx;
DROP INDEX contact_records_contact_idx;
DROP INDEX contact_records_user_idx;
DROP INDEX contact_records_channel_idx;
DROP INDEX contact_records_source_idx;
CREATE INDEX contact_records_time_idx ON contact_records (contacted_at DESC, id DESC);
CREATE INDEX contact_records_customer_idx ON contact_records (customer_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_contact_idx ON contact_records (contact_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_user_idx ON contact_records (user_id, contacted_at DESC, id DESC);
CREATE INDEX contact_records_channel_idx ON contact_records (channel, contacted_at DESC, id DESC);
CREATE INDEX contact_records_source_idx ON contact_records (source, contacted_at DESC, id DESC);
