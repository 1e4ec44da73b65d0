package record

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"touchbase/internal/csvexport"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// exportColumns names the columns of a records export, in order; each
// column's heading is the message export.record.<name>. Channel, source,
// status and direction are worded in the user's language, and repeated as
// their codes in the last four columns for whoever processes the file.
var exportColumns = []string{"id", "contacted_at", "customer", "contact", "rep", "channel", "source", "status",
	"title", "topics", "summary", "subject", "content", "address", "provider", "provider_message_id", "direction",
	"channel_code", "source_code", "status_code", "direction_code"}

// exportRow turns a record into the cells of one export row.
func exportRow(r *model.Record, topics map[int64]*model.Topic, lang string, loc *time.Location) []string {
	names := make([]string, 0, len(r.TopicIDs))
	for _, id := range r.TopicIDs {
		if t, ok := topics[id]; ok {
			names = append(names, t.Label(lang))
		}
	}
	return []string{
		strconv.FormatInt(r.ID, 10), r.ContactedAt.In(loc).Format("2006-01-02 15:04:05"), r.CustomerName, r.ContactName,
		r.UserName, i18n.Label(lang, "medium.", r.Channel), i18n.Label(lang, "source.", r.Source),
		i18n.Label(lang, "recstatus.", r.Status), r.Title, strings.Join(names, "、"), r.Summary, r.Subject, r.Content,
		r.Address, r.Provider, r.ProviderMessageID, i18n.Label(lang, "direction.", r.Direction),
		r.Channel, r.Source, r.Status, r.Direction,
	}
}

// Export writes every record matching f that the user may see to w, as CSV
// (through csvexport: a byte-order mark, cells that cannot run as
// formulas) or XLSX (text cells). Rows are streamed a page at a time; memory stays flat
// whatever the number of records.
func (s *Service) Export(ctx context.Context, p permission.Policy, f storage.RecordFilter, format, lang string, loc *time.Location, w io.Writer) error {
	if lang != i18n.EN {
		lang = i18n.ZhCN
	}
	if loc == nil {
		loc = time.UTC
	}
	topicList, err := s.store.ListTopics(ctx, false)
	if err != nil {
		return err
	}
	topics := make(map[int64]*model.Topic, len(topicList))
	for _, t := range topicList {
		topics[t.ID] = t
	}
	row := func(r *model.Record) []string { return exportRow(r, topics, lang, loc) }
	header := i18n.Headings(lang, "export.record.", exportColumns)
	switch format {
	case FormatCSV:
		return s.exportCSV(ctx, p, f, w, row, header)
	case FormatXLSX:
		return s.exportXLSX(ctx, p, f, w, row, header)
	}
	return model.NewFieldError("format", "invalid", "format must be csv or xlsx")
}

func (s *Service) exportCSV(ctx context.Context, p permission.Policy, f storage.RecordFilter, w io.Writer,
	row func(*model.Record) []string, header []string) error {
	cw, err := csvexport.NewWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	err = s.store.EachRecord(ctx, p, f, func(r *model.Record) error { return cw.Write(row(r)) })
	if err != nil {
		return err
	}
	return cw.Flush()
}

func (s *Service) exportXLSX(ctx context.Context, p permission.Policy, f storage.RecordFilter, w io.Writer,
	row func(*model.Record) []string, header []string) error {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells := func(vals []string) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out
	}
	if err := sw.SetRow("A1", cells(header)); err != nil {
		return err
	}
	n := 1
	err = s.store.EachRecord(ctx, p, f, func(r *model.Record) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells(row(r)))
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	// excelize assembles the archive in a memory buffer; a zip writer on w
	// makes it stream straight out instead (the sheet itself comes from
	// the stream writer's temporary file).
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := x.WriteToBuffer(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}
