-- +goose Up
-- One row per bulk message that counts against the frequency caps of its
-- contact, channel and kind: written when the message is claimed (under
-- the channel's cap lock, so concurrent sends see each other), removed if
-- it finally fails. Rows older than the longest window a cap may have are
-- pruned as the contact is sent to again.
CREATE TABLE frequency_marks (
    bulk_recipient_id BIGINT PRIMARY KEY,
    contact_id        BIGINT NOT NULL,
    channel           TEXT NOT NULL,
    marketing         BOOLEAN NOT NULL,
    sent_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX frequency_marks_contact_idx ON frequency_marks (contact_id, channel, marketing, sent_at);

-- +goose Down
DROP TABLE frequency_marks;
