-- +goose Up
-- One index instead of two on a bulk send's records: the records of a
-- send (the records list's bulk filter) and the record of one recipient
-- are both found through (bulk_send_id, bulk_recipient_id), which is
-- unique: a recipient belongs to one send, so this still allows one
-- record per recipient reached. Every record a send writes updates one
-- index fewer.
CREATE UNIQUE INDEX contact_records_bulk_send_recipient_idx ON contact_records (bulk_send_id, bulk_recipient_id);
DROP INDEX contact_records_bulk_recipient_idx;
DROP INDEX contact_records_bulk_idx;

-- +goose Down
CREATE INDEX contact_records_bulk_idx ON contact_records (bulk_send_id) WHERE bulk_send_id IS NOT NULL;
CREATE UNIQUE INDEX contact_records_bulk_recipient_idx ON contact_records (bulk_recipient_id);
DROP INDEX contact_records_bulk_send_recipient_idx;
