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

var recipientHeader = map[string][]string{
	i18n.EN: {"ID", "Contact", "Customer", "Channel", "Address", "Status", "Reason", "Reason code", "Detail",
		"Attempts", "Provider", "Provider message ID", "Record ID", "Updated at", "Held until"},
	i18n.ZhCN: {"编号", "联系人", "客户", "渠道", "地址", "状态", "原因", "原因代码", "详情",
		"尝试次数", "服务商", "服务商消息编号", "联系记录编号", "更新时间", "免打扰暂缓至"},
}

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
	if err := cw.Write(recipientHeader[lang]); err != nil {
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
	return []string{strconv.FormatInt(r.ID, 10), r.ContactName, r.CustomerName, r.Channel, r.Address, r.Status,
		ReasonText(r.Reason, lang), r.Reason, r.Detail, strconv.Itoa(r.Attempts), r.Provider, r.ProviderMessageID, record,
		r.UpdatedAt.In(loc).Format("2006-01-02 15:04:05"), held}
}
