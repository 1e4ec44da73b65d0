package importer

import (
	"context"
	"encoding/csv"
	"errors"
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
// header row, and writes them to store, batch after batch.
//
// A fault in the file as a whole (no header, no customer code column, a
// column given twice, a row larger than 1 MiB) is returned as an error
// carrying a *model.FieldError; faults of single rows are listed in the
// report and those rows skipped. When an error happens after some batches
// were written (a database failure, a cancelled context), the report
// returned with it counts what was committed.
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
		store: store,
		opts:  opts,
		st:    newState(codes),
		rep:   &Report{Warnings: warnings},
		dry:   &dryWriter{store: store},
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
			return &committed, err
		}
		committed = *run.rep
	}
	if readErr != nil {
		return run.rep, readErr
	}
	return run.rep, nil
}

// readBatches reads and checks the data rows, sending them in batches.
func (s *source) readBatches(ctx context.Context, chk *checker, out chan<- []item) error {
	batch := make([]item, 0, batchSize)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]item, 0, batchSize)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		rec, line, err := s.next()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			if len(batch) > 0 {
				return send()
			}
			return nil
		case errors.As(err, &pe):
			batch = append(batch, item{errs: []RowError{newRowError(line, "", "", "invalid_csv", pe.Err.Error())}})
		case err != nil:
			return err
		case blank(rec):
			continue
		default:
			r, errs := chk.check(rec, line)
			batch = append(batch, item{row: r, errs: errs})
		}
		if len(batch) == batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// run is one import in progress.
type run struct {
	store *storage.Store
	opts  Options
	st    *state
	rep   *Report
	dry   *dryWriter
}

// applyBatch writes one batch in a transaction (or pretends to, in a dry
// run).
func (r *run) applyBatch(ctx context.Context, batch []item) error {
	do := func(w writer) error {
		if err := r.st.loadContacts(ctx, w, batch); err != nil {
			return err
		}
		for _, it := range batch {
			r.rep.Rows++
			if it.row == nil {
				r.rep.reject(it.errs)
				continue
			}
			errs, err := r.st.apply(ctx, w, it.row, r.opts.DefaultRepID, r.rep)
			if err != nil {
				return fmt.Errorf("import: line %d: %w", it.row.line, err)
			}
			if errs != nil {
				r.rep.reject(errs)
			}
		}
		return nil
	}
	if r.opts.DryRun {
		return do(r.dry)
	}
	// The database is the truth between batches: forget the cache.
	defer clear(r.st.contacts)
	return r.store.InImportTx(ctx, func(tx *storage.ImportTx) error { return do(tx) })
}
