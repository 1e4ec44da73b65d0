package contact

import (
	"context"
	"fmt"
	"io"

	"touchbase/internal/csvexport"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// MaxExportCustomers is the most customers one export of ticked customers
// takes.
const MaxExportCustomers = 500

// exportColumns are the importer's columns, in its order: an exported file,
// edited in a spreadsheet, imports again (the headings are the import's,
// in the user's language). Each contact is a row; a customer without
// contacts is a row with the contact columns empty.
var exportColumns = []string{"customer_code", "customer_name", "level", "industry", "address", "notes", "rep",
	"do_not_contact", "contact_name", "contact_title", "mobile", "email", "wecom_id", "opt_out_sms", "opt_out_email",
	"primary"}

// ExportCustomers writes the customers among ids that the user may see,
// with their contacts, to w as CSV (through csvexport) in the import's
// format, headings and yes/no in lang.
func (s *Service) ExportCustomers(ctx context.Context, p permission.Policy, ids []int64, lang string, w io.Writer) error {
	switch {
	case len(ids) == 0:
		return model.NewFieldError("customer_ids", "required", "tick at least one customer")
	case len(ids) > MaxExportCustomers:
		return model.NewFieldError("customer_ids", "too_many", fmt.Sprintf("at most %d customers at a time", MaxExportCustomers))
	}
	customers, contacts, err := s.store.CustomersWithContacts(ctx, p, ids)
	if err != nil {
		return err
	}
	byName, err := s.store.UserIDsByUsername(ctx)
	if err != nil {
		return err
	}
	usernames := make(map[int64]string, len(byName))
	for name, id := range byName {
		usernames[id] = name
	}
	yes, no := i18n.T(lang, "export.yes"), i18n.T(lang, "export.no")
	flag := func(b bool) string {
		if b {
			return yes
		}
		return no
	}
	cw, err := csvexport.NewWriter(w)
	if err != nil {
		return err
	}
	header := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = i18n.T(lang, "import.col."+c)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range customers {
		rep := ""
		if c.RepID != nil {
			rep = usernames[*c.RepID]
		}
		head := []string{c.Code, c.Name, c.Level, c.Industry, c.Address, c.Notes, rep, flag(c.DoNotContact)}
		cts := contacts[c.ID]
		if len(cts) == 0 {
			if err := cw.Write(append(head, make([]string, len(exportColumns)-len(head))...)); err != nil {
				return err
			}
		}
		for _, ct := range cts {
			row := append(append([]string(nil), head...), ct.Name, ct.Title, ct.Mobile, ct.Email, ct.WeComID,
				flag(ct.OptOutSMS), flag(ct.OptOutEmail), flag(ct.Primary))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}
