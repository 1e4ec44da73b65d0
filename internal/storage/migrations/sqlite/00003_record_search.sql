-- +goose Up
-- Keyword search over records: an FTS5 trigram index (contentless, kept in
-- step by triggers) lets "contains" searches of three or more characters,
-- Chinese included, find records without reading every one.
CREATE VIRTUAL TABLE record_search USING fts5(body, content='', contentless_delete=1, tokenize='trigram');

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_insert AFTER INSERT ON contact_records BEGIN
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_delete AFTER DELETE ON contact_records BEGIN
    DELETE FROM record_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_update AFTER UPDATE OF title, summary, content ON contact_records BEGIN
    DELETE FROM record_search WHERE rowid = old.id;
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content);
END;
-- +goose StatementEnd

INSERT INTO record_search (rowid, body) SELECT id, title || ' ' || summary || ' ' || content FROM contact_records;

-- +goose Down
DROP TRIGGER contact_records_search_update;
DROP TRIGGER contact_records_search_delete;
DROP TRIGGER contact_records_search_insert;
DROP TABLE record_search;
