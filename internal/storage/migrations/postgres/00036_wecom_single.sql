-- +goose Up
-- A single contact's WeCom message goes out as a customer mass-message
-- task of the rep's own member with one receiver: WeCom sends it when the
-- rep confirms it in the WeCom client. Until then its delivery is
-- "awaiting", naming the member who is to confirm it (sender), the time
-- after which it is withdrawn (deadline) and the record written when it
-- goes (pending, JSON). Sent WeCom deliveries count towards a customer's
-- monthly share of mass messages, found by their WeChat identity.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('sending', 'awaiting', 'sent', 'failed'));
ALTER TABLE deliveries ADD COLUMN sender TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN deadline TIMESTAMPTZ;
ALTER TABLE deliveries ADD COLUMN pending TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_wecom_sent_idx ON deliveries (address) WHERE kind = 'wecom' AND status = 'sent';

-- +goose Down
DROP INDEX deliveries_wecom_sent_idx;
ALTER TABLE deliveries DROP COLUMN pending;
ALTER TABLE deliveries DROP COLUMN deadline;
ALTER TABLE deliveries DROP COLUMN sender;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('sending', 'sent', 'failed'));
