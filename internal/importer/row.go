package importer

import (
	"runtime"
	"strings"
	"sync"

	"touchbase/internal/contact"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// row is one data row that passed every check not needing the database.
// Its nil fields are the empty cells, which leave stored values alone.
type row struct {
	line     int
	customer storage.ImportCustomer
	// setsCustomer tells whether any customer cell besides the code is set.
	setsCustomer bool
	// contact is nil when the row has no contact cells.
	contact *storage.ImportContact
}

// checker turns records into rows with the contact package's validators,
// so the rules are those of the UI.
type checker struct {
	layout *layout
	region string
	users  userIndex
}

// rowFaults collects the faults of one record.
type rowFaults struct {
	rec  []string
	l    *layout
	line int
	errs []RowError
}

func (f *rowFaults) add(col column, code, msg string) {
	f.errs = append(f.errs, newRowError(f.line, col.String(), f.l.cell(f.rec, col), code, msg))
}

// check validates one record and returns its row, or every fault found.
func (c *checker) check(rec []string, line int) (*row, []RowError) {
	l := c.layout
	f := &rowFaults{rec: rec, l: l, line: line}
	for col := range numColumns {
		if v := l.cell(rec, col); !model.IsText(v) {
			f.add(col, "invalid_text", "not valid text (binary data or a wrong encoding)")
		}
	}
	if len(f.errs) > 0 {
		return nil, f.errs
	}
	r := &row{line: line}
	c.checkCustomer(r, f)
	if hasContact(rec, l) {
		c.checkContact(r, f)
	}
	if len(f.errs) > 0 {
		return nil, f.errs
	}
	return r, nil
}

// checkCustomer fills r.customer from the customer cells.
func (c *checker) checkCustomer(r *row, f *rowFaults) {
	cust := model.Customer{
		Code:     f.l.cell(f.rec, colCode),
		Name:     f.l.cell(f.rec, colName),
		Level:    f.l.cell(f.rec, colLevel),
		Industry: f.l.cell(f.rec, colIndustry),
		Address:  f.l.cell(f.rec, colAddress),
		Notes:    f.l.cell(f.rec, colNotes),
	}
	if strings.TrimSpace(cust.Notes) == "" {
		cust.Notes = ""
	}
	for _, fe := range fieldErrors(contact.ValidateCustomer(&cust)) {
		col := fieldColumn(customerFields, fe.Field, colCode)
		if col == colName && fe.Code == "required" {
			continue // only a new customer needs a name: decided when writing
		}
		f.add(col, fe.Code, fe.Message)
	}
	if cust.Code == "" {
		f.add(colCode, "required", "customer code is required")
	}
	r.customer.Code = cust.Code
	r.customer.Name = r.set(cust.Name)
	r.customer.Level = r.set(cust.Level)
	r.customer.Industry = r.set(cust.Industry)
	r.customer.Address = r.set(cust.Address)
	r.customer.Notes = r.set(cust.Notes)
	if v := strings.TrimSpace(f.l.cell(f.rec, colRep)); v != "" {
		if id, ok := c.users.lookup(v); ok {
			r.customer.RepID, r.setsCustomer = &id, true
		} else {
			f.add(colRep, "not_found", "no user has this username")
		}
	}
	r.customer.DoNotContact = flag(f, colDoNotContact)
	r.setsCustomer = r.setsCustomer || r.customer.DoNotContact != nil
}

// checkContact fills r.contact from the contact cells.
func (c *checker) checkContact(r *row, f *rowFaults) {
	ct := model.Contact{
		Name:    f.l.cell(f.rec, colContactName),
		Title:   f.l.cell(f.rec, colContactTitle),
		Mobile:  f.l.cell(f.rec, colMobile),
		Email:   f.l.cell(f.rec, colEmail),
		WeComID: f.l.cell(f.rec, colWeCom),
	}
	for _, fe := range fieldErrors(contact.ValidateContact(&ct, c.region)) {
		col := fieldColumn(contactFields, fe.Field, colContactName)
		if col == colContactName && fe.Code == "required" {
			continue // only a new contact needs a name: decided when writing
		}
		f.add(col, fe.Code, fe.Message)
	}
	r.contact = &storage.ImportContact{
		Name:        nonEmpty(ct.Name),
		Title:       nonEmpty(ct.Title),
		Mobile:      nonEmpty(ct.Mobile),
		Email:       nonEmpty(ct.Email),
		WeComID:     nonEmpty(ct.WeComID),
		OptOutSMS:   flag(f, colOptOutSMS),
		OptOutEmail: flag(f, colOptOutEmail),
		Primary:     flag(f, colPrimary),
	}
}

// hasContact reports whether any contact cell of rec is filled.
func hasContact(rec []string, l *layout) bool {
	for _, col := range l.contactCols {
		if strings.TrimSpace(l.cell(rec, col)) != "" {
			return true
		}
	}
	return false
}

// set returns a pointer to v when it is not empty, noting that the row
// changes its customer.
func (r *row) set(v string) *string {
	if v == "" {
		return nil
	}
	r.setsCustomer = true
	return &v
}

func nonEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// flag parses a yes/no cell; an empty cell gives nil.
func flag(f *rowFaults, col column) *bool {
	v := strings.ToLower(strings.TrimSpace(f.l.cell(f.rec, col)))
	var b bool
	switch v {
	case "":
		return nil
	case "true", "1", "yes", "y", "是", "t":
		b = true
	case "false", "0", "no", "n", "否", "f":
		b = false
	default:
		f.add(col, "invalid_boolean", "must be true/false, 1/0, yes/no or 是/否")
		return nil
	}
	return &b
}

// customerFields and contactFields map the validators' field names to
// columns.
var (
	customerFields = map[string]column{
		"code": colCode, "name": colName, "level": colLevel, "industry": colIndustry,
		"address": colAddress, "notes": colNotes,
	}
	contactFields = map[string]column{
		"name": colContactName, "title": colContactTitle, "mobile": colMobile, "email": colEmail,
		"wecom_id": colWeCom,
	}
)

func fieldColumn(m map[string]column, field string, fallback column) column {
	if c, ok := m[field]; ok {
		return c
	}
	return fallback
}

// fieldErrors flattens a validator's error.
func fieldErrors(err error) model.ValidationErrors {
	if err == nil {
		return nil
	}
	if ve, ok := model.AsValidation(err); ok {
		return ve
	}
	return model.ValidationErrors{model.NewFieldError("", "invalid", err.Error())}
}

// checkAll checks the records of a batch on every CPU.
func checkAll(chk *checker, batch []item, recs []record) {
	workers := runtime.GOMAXPROCS(0)
	per := (len(recs) + workers - 1) / workers
	var wg sync.WaitGroup
	for start := 0; start < len(recs); start += per {
		end := min(start+per, len(recs))
		wg.Go(func() {
			for i := start; i < end; i++ {
				if recs[i].fields != nil {
					batch[i].row, batch[i].errs = chk.check(recs[i].fields, recs[i].line)
				}
			}
		})
	}
	wg.Wait()
}
