-- +goose Up
-- Keywords of one or two characters through the FTS5 trigram index: the
-- indexed text gains two trailing spaces, so every one- and two-character
-- substring of a record begins at least one of its trigrams, and an
-- fts5vocab table lists each trigram with the records holding it. A short
-- keyword looks up the trigrams it begins (a range of terms) instead of
-- reading every record.
DROP TRIGGER contact_records_search_insert;
DROP TRIGGER contact_records_search_update;

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

INSERT INTO record_search (record_search) VALUES ('delete-all');
INSERT INTO record_search (rowid, body) SELECT id, title || ' ' || summary || ' ' || content || '  ' FROM contact_records;

CREATE VIRTUAL TABLE record_search_terms USING fts5vocab(record_search, 'instance');

-- +goose Down
DROP TABLE record_search_terms;
DROP TRIGGER contact_records_search_insert;
DROP TRIGGER contact_records_search_update;

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_insert AFTER INSERT ON contact_records BEGIN
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER contact_records_search_update AFTER UPDATE OF title, summary, content ON contact_records BEGIN
    DELETE FROM record_search WHERE rowid = old.id;
    INSERT INTO record_search (rowid, body) VALUES (new.id, new.title || ' ' || new.summary || ' ' || new.content);
END;
-- +goose StatementEnd

INSERT INTO record_search (record_search) VALUES ('delete-all');
INSERT INTO record_search (rowid, body) SELECT id, title || ' ' || summary || ' ' || content FROM contact_records;
