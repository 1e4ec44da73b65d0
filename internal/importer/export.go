package importer

import (
	"context"
	"fmt"
	"io"

	"touchbase/internal/csvexport"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// MaxExport is the most customers one export of ticked customers takes.
const MaxExport = 500

// Export writes the customers among ids that the user may see, with their
// contacts, to w as CSV (through csvexport) in the import's own format:
// its columns in its order, headed as the import page names them in lang,
// yes/no in lang. Edited in a spreadsheet, the file imports again. Each
// contact is a row; a customer without contacts is a row with the contact
// columns empty.
func Export(ctx context.Context, store *storage.Store, p permission.Policy, ids []int64, lang string, w io.Writer) error {
	switch {
	case len(ids) == 0:
		return model.NewFieldError("customer_ids", "required", "tick at least one customer")
	case len(ids) > MaxExport:
		return model.NewFieldError("customer_ids", "too_many", fmt.Sprintf("at most %d customers at a time", MaxExport))
	}
	customers, contacts, err := store.CustomersWithContacts(ctx, p, ids)
	if err != nil {
		return err
	}
	byName, err := store.UserIDsByUsername(ctx)
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
	if err := cw.Write(i18n.Headings(lang, "import.col.", columnNames[:])); err != nil {
		return err
	}
	for _, c := range customers {
		var row [numColumns]string
		row[colCode], row[colName], row[colLevel], row[colIndustry] = c.Code, c.Name, c.Level, c.Industry
		row[colAddress], row[colNotes], row[colDoNotContact] = c.Address, c.Notes, flag(c.DoNotContact)
		if c.RepID != nil {
			row[colRep] = usernames[*c.RepID]
		}
		cts := contacts[c.ID]
		if len(cts) == 0 {
			if err := cw.Write(row[:]); err != nil {
				return err
			}
		}
		for _, ct := range cts {
			row[colContactName], row[colContactTitle], row[colMobile], row[colEmail] = ct.Name, ct.Title, ct.Mobile, ct.Email
			row[colWeCom], row[colOptOutSMS], row[colOptOutEmail] = ct.WeComID, flag(ct.OptOutSMS), flag(ct.OptOutEmail)
			row[colPrimary] = flag(ct.Primary)
			if err := cw.Write(row[:]); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}
