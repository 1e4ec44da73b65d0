-- +goose Up
-- A record written by a bulk send (bulk_recipient_id set) is indexed after
-- it is written instead of in the transaction that marks its recipient
-- sent: it goes to record_search_queue, and the indexer
-- (IndexQueuedRecords) later moves queued records into the FTS5 index, a
-- batch per transaction. A keyword search narrowed by the index also reads
-- every queued record, and a LIKE on the record's text always decides, so
-- a record is found whether or not it has been indexed yet.
CREATE TABLE record_search_queue (
    record_id INTEGER PRIMARY KEY
);

DROP TRIGGER contact_records_search_insert;
DROP TRIGGER contact_records_search_update;
DROP TRIGGER contact_records_search_delete;

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_insert AFTER INSERT ON contact_records WHEN new.bulk_recipient_id IS NULL BEGIN
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content || '  ');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_queue AFTER INSERT ON contact_records WHEN new.bulk_recipient_id IS NOT NULL BEGIN
    INSERT INTO record_search_queue (record_id) VALUES (new.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_update AFTER UPDATE OF title, summary, content ON contact_records BEGIN
    DELETE FROM record_search_queue WHERE record_id = old.id;
    DELETE FROM record_search WHERE rowid = old.id;
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content || '  ');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_delete AFTER DELETE ON contact_records BEGIN
    DELETE FROM record_search_queue WHERE record_id = old.id;
    DELETE FROM record_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER contact_records_search_delete;
DROP TRIGGER contact_records_search_update;
DROP TRIGGER contact_records_search_queue;
DROP TRIGGER contact_records_search_insert;

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_insert AFTER INSERT ON contact_records BEGIN
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content || '  ');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_update AFTER UPDATE OF title, summary, content ON contact_records BEGIN
    DELETE FROM record_search WHERE rowid = old.id;
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content || '  ');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_delete AFTER DELETE ON contact_records BEGIN
    DELETE FROM record_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

INSERT INTO record_search (rowid, body)
    SELECT r.id, r.title || ' ' || r.summary || ' ' || r.content || '  ' FROM contact_records r
    JOIN record_search_queue q ON q.record_id = r.id;
DROP TABLE record_search_queue;
