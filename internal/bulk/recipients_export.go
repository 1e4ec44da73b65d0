package bulk

import (
	"context"
	"io"
	"strconv"
	"time"

	"touchbase/internal/csvexport"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// exportPage is how many recipients one query of an export reads.
const exportPage = 1000

// recipientColumns names the columns of a recipients export, in order;
// each column's heading is the message export.recipient.<name>. Channel and
// status are worded in the user's language, and repeated as codes at the
// end, beside the reason's code.
var recipientColumns = []string{"id", "contact", "customer", "channel", "address", "status", "reason", "reason_code",
	"detail", "attempts", "provider", "provider_message_id", "record_id", "updated_at", "held_until",
	"channel_code", "status_code"}

// ExportRecipients writes the recipients of a bulk send the user may see,
// narrowed by f (its status and channel; paging fields are ignored), to w
// as CSV (through csvexport: a byte-order mark, cells that cannot run as
// formulas), headers and reasons in lang, times in loc. Rows are read a
// page at a time by id, so memory stays flat whatever the size of the send.
func (s *Service) ExportRecipients(ctx context.Context, p permission.Policy, id int64, f storage.RecipientFilter,
	lang string, loc *time.Location, w io.Writer) error {
	if _, err := s.store.BulkSendByID(ctx, p, id); err != nil {
		return err
	}
	if lang != i18n.EN {
		lang = i18n.ZhCN
	}
	if loc == nil {
		loc = time.UTC
	}
	cw, err := csvexport.NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(i18n.Headings(lang, "export.recipient.", recipientColumns)); err != nil {
		return err
	}
	f.AfterID, f.Limit, f.Viewer = 0, exportPage, &p
	for {
		rows, err := s.store.ListRecipients(ctx, id, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := cw.Write(recipientRow(r, lang, loc)); err != nil {
				return err
			}
		}
		if len(rows) < exportPage {
			break
		}
		f.AfterID = rows[len(rows)-1].ID
	}
	return cw.Flush()
}

func recipientRow(r *model.BulkRecipient, lang string, loc *time.Location) []string {
	record, held := "", ""
	if r.HeldUntil != nil {
		held = r.HeldUntil.In(loc).Format("2006-01-02 15:04:05")
	}
	if r.RecordID != nil {
		record = strconv.FormatInt(*r.RecordID, 10)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.ContactName, r.CustomerName, i18n.Label(lang, "medium.", r.Channel),
		r.Address, i18n.Label(lang, "rcpt.", r.Status), ReasonText(r.Reason, lang), r.Reason, r.Detail,
		strconv.Itoa(r.Attempts), r.Provider, r.ProviderMessageID, record,
		r.UpdatedAt.In(loc).Format("2006-01-02 15:04:05"), held, r.Channel, r.Status}
}
