-- +goose Up
-- Keyword search by character pairs: every record's searched text is
-- indexed by the pairs of characters it holds (and its last character), so
-- a keyword of one or two characters — a Chinese word is often two — is
-- found through the index like a longer one, instead of reading every
-- record as the trigram index it replaces had to. A keyword is looked up by
-- all its pairs (one character: the pairs it begins); a LIKE on the text
-- then decides. record_bigrams cuts the text into pairs at even and at odd
-- offsets with built-in functions (a control character \x01 separates
-- them), which costs about half the trigram index's time per insert more.
-- The function is PL/pgSQL with a high cost so the planner knows not to
-- compute it for every row when the index can answer.
-- +goose StatementBegin
CREATE FUNCTION record_bigrams(t text) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN array_to_tsvector(array_remove(string_to_array(regexp_replace(t, '(..)', E'\\1\x01', 'g'), E'\x01'), ''))
        || array_to_tsvector(array_remove(string_to_array(regexp_replace(substr(t, 2), '(..)', E'\\1\x01', 'g'), E'\x01'), ''));
END
$$;
-- +goose StatementEnd
CREATE INDEX contact_records_text_bigram_idx ON contact_records
    USING gin (record_bigrams(lower(title || ' ' || summary || ' ' || content)));
DROP INDEX contact_records_text_trgm_idx;
-- Records are read by index, a page at a time; starting parallel workers
-- costs more than any such query (tens of milliseconds), and the planner,
-- which cannot know how rare a keyword's pairs are, chose them for rare
-- keywords.
ALTER TABLE contact_records SET (parallel_workers = 0);

-- +goose Down
ALTER TABLE contact_records RESET (parallel_workers);
CREATE INDEX contact_records_text_trgm_idx ON contact_records
    USING gin ((lower(title || ' ' || summary || ' ' || content)) gin_trgm_ops);
DROP INDEX contact_records_text_bigram_idx;
DROP FUNCTION record_bigrams(text);
