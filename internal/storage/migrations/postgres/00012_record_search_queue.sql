-- +goose Up
-- The keyword index leaves the records table for a table of its own, so
-- that a bulk send's records are indexed after they are written instead of
-- in the transaction that marks each recipient sent: the character-pair
-- index costs more to keep than every other part of a record together.
--
-- record_search holds each indexed record's searched text (lower-cased
-- title, summary and content) and time, with the pair index and a time
-- index over them. A record written by a bulk send (bulk_recipient_id set)
-- goes to record_search_queue instead, in the same statement; the indexer
-- (IndexQueuedRecords) later moves queued records into record_search, a
-- batch per transaction. A keyword search narrowed by the index also reads
-- every queued record, and a LIKE on the record's own text always decides,
-- so a record is found whether or not it has been indexed yet.
CREATE TABLE record_search (
    record_id    BIGINT PRIMARY KEY REFERENCES contact_records(id) ON DELETE CASCADE,
    contacted_at TIMESTAMPTZ NOT NULL,
    body         TEXT NOT NULL
);
INSERT INTO record_search (record_id, contacted_at, body)
    SELECT id, contacted_at, lower(title || ' ' || summary || ' ' || content) FROM contact_records;
CREATE INDEX record_search_bigram_idx ON record_search USING gin (record_bigrams(body));
CREATE INDEX record_search_time_idx ON record_search (contacted_at);
DROP INDEX contact_records_text_bigram_idx;
-- As for the records (migration 11): parallel workers cost more to start
-- than any search reads here.
ALTER TABLE record_search SET (parallel_workers = 0);

-- No foreign key: checking one would lock the record in the send's
-- transaction. A queued id whose record was deleted is dropped by the
-- indexer.
CREATE TABLE record_search_queue (
    record_id BIGINT PRIMARY KEY
);

-- +goose StatementBegin
CREATE FUNCTION record_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_search (record_id, contacted_at, body)
        SELECT id, contacted_at, lower(title || ' ' || summary || ' ' || content) FROM new_records
        WHERE bulk_recipient_id IS NULL;
    INSERT INTO record_search_queue (record_id)
        SELECT id FROM new_records WHERE bulk_recipient_id IS NOT NULL;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER contact_records_search_insert AFTER INSERT ON contact_records
    REFERENCING NEW TABLE AS new_records FOR EACH STATEMENT EXECUTE FUNCTION record_search_insert();

-- +goose StatementBegin
CREATE FUNCTION record_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM record_search_queue WHERE record_id = NEW.id;
    INSERT INTO record_search (record_id, contacted_at, body)
        VALUES (NEW.id, NEW.contacted_at, lower(NEW.title || ' ' || NEW.summary || ' ' || NEW.content))
        ON CONFLICT (record_id) DO UPDATE SET contacted_at = EXCLUDED.contacted_at, body = EXCLUDED.body;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER contact_records_search_update AFTER UPDATE OF title, summary, content, contacted_at ON contact_records
    FOR EACH ROW EXECUTE FUNCTION record_search_update();

-- +goose Down
DROP TRIGGER contact_records_search_update ON contact_records;
DROP FUNCTION record_search_update();
DROP TRIGGER contact_records_search_insert ON contact_records;
DROP FUNCTION record_search_insert();
DROP TABLE record_search_queue;
CREATE INDEX contact_records_text_bigram_idx ON contact_records
    USING gin (record_bigrams(lower(title || ' ' || summary || ' ' || content)));
DROP TABLE record_search;
