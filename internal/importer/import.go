package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

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
			return &committed, err
		}
		committed = *run.rep
	}
	if readErr != nil {
		return run.rep, readErr
	}
	return run.rep, nil
}

// readBatches reads the data rows and checks them, several at a time,
// sending them in batches.
func (s *source) readBatches(ctx context.Context, chk *checker, out chan<- []item) error {
	for {
		batch, recs, err := s.readBatch()
		if err != nil && err != io.EOF {
			return err
		}
		checkAll(chk, batch, recs)
		if len(batch) > 0 {
			select {
			case out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// record is a data row waiting to be checked.
type record struct {
	fields []string
	line   int
}

// readBatch reads up to batchSize data rows. Rows the CSV syntax rejects
// come back as items with their fault; the others as records to check,
// whose item is at the same index.
func (s *source) readBatch() ([]item, []record, error) {
	batch := make([]item, 0, batchSize)
	recs := make([]record, 0, batchSize)
	for len(batch) < batchSize {
		rec, line, err := s.next()
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			batch = append(batch, item{errs: []RowError{newRowError(line, "", "", "invalid_csv", pe.Err.Error())}})
			recs = append(recs, record{})
		case err != nil:
			return batch, recs, err
		case blank(rec):
		default:
			batch = append(batch, item{})
			recs = append(recs, record{fields: slices.Clone(rec), line: line})
		}
	}
	return batch, recs, nil
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
