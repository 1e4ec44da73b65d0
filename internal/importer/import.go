package importer

import (
	"context"
	"fmt"
	"io"

	"touchbase/internal/storage"
)

// batchSize is the number of rows written per transaction.
const batchSize = 2000

// item is one data row as read: checked, or rejected with its faults.
type item struct {
	row  *row
	errs []RowError
}

// Import reads customers and their contacts from r, a CSV file with a
// header row, and writes them to store in transactions of 2,000 rows.
//
// A row's customer is found by its code, and created when the code is new
// (it then needs a name). Its contact, if the row has one, is matched
// among that customer's contacts on mobile, else e-mail, else name, and
// created when none matches (it then needs a name). An empty cell leaves
// the stored value alone; an import never clears a field.
//
// Import checks no permissions: it is an administrator's operation and
// callers decide who may run it.
//
// A fault of the file as a whole (no header, no customer code column, a
// column given twice, a row larger than 1 MiB, an unknown default rep) is
// returned as an error carrying a *model.FieldError. Faults of single rows
// are listed in the report and those rows skipped. When an error comes
// after some batches were written (a database failure, a cancelled
// context), the report returned with it counts what was committed.
func Import(ctx context.Context, store *storage.Store, r io.Reader, opts Options) (*Report, error) {
	byName, err := store.UserIDsByUsername(ctx)
	if err != nil {
		return nil, err
	}
	users := newUserIndex(byName)
	if opts.DefaultRepID != nil && !users.ids[*opts.DefaultRepID] {
		return nil, fileError("rep", "not_found", fmt.Sprintf("the default rep (user %d) does not exist", *opts.DefaultRepID))
	}
	src, err := newSource(r)
	if err != nil {
		return nil, err
	}
	l, warnings, err := parseHeader(src.header, src.headerLine)
	if err != nil {
		return nil, err
	}
	codes, err := store.CustomerCodes(ctx)
	if err != nil {
		return nil, err
	}
	run := &run{
		opts: opts,
		st:   newState(codes, opts),
		rep:  &Report{Warnings: warnings},
		dry:  &dryWriter{reader: store},
	}
	if !opts.DryRun {
		if run.w, err = store.NewImportWriter(ctx); err != nil {
			return nil, err
		}
		defer run.w.Close()
	}
	chk := &checker{layout: l, region: opts.DefaultRegion, users: users}

	// Reading and checking rows runs beside writing them.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []item, 2)
	var readErr error
	go func() {
		defer close(batches)
		readErr = src.readBatches(ctx, chk, batches)
	}()
	committed := *run.rep
	for batch := range batches {
		if err := run.applyBatch(ctx, batch); err != nil {
			cancel()
			for range batches { // let the reader finish
			}
			committed.Stopped = true
			return &committed, err
		}
		run.rep.WrittenThrough = lastLine(batch)
		committed = *run.rep
	}
	if readErr != nil {
		run.rep.Stopped = run.rep.Rows > 0
		return run.rep, readErr
	}
	return run.rep, nil
}

// lastLine is the line of the file where batch's last row starts.
func lastLine(batch []item) int {
	if len(batch) == 0 {
		return 0
	}
	it := batch[len(batch)-1]
	if it.row != nil {
		return it.row.line
	}
	if len(it.errs) > 0 {
		return it.errs[0].Line
	}
	return 0
}

// run is one import in progress.
type run struct {
	w    *storage.ImportWriter // nil in a dry run
	opts Options
	st   *state
	rep  *Report
	dry  *dryWriter
}

// applyBatch writes one batch in a transaction (or pretends to, in a dry
// run).
func (r *run) applyBatch(ctx context.Context, batch []item) error {
	if r.opts.DryRun {
		return r.st.writeBatch(ctx, r.dry, batch, r.rep)
	}
	return r.w.InTx(ctx, func(tx *storage.ImportTx) error {
		return r.st.writeBatch(ctx, tx, batch, r.rep)
	})
}
