package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxRecordBytes bounds one record, so an unterminated quote cannot make
// the reader hold the rest of a huge file in memory.
const maxRecordBytes = 1 << 20

var errRecordTooLarge = errors.New("record too large")

// source reads the records of a CSV file, whatever its encoding and
// separator, with the physical line each starts on.
type source struct {
	csv        *csv.Reader
	lim        *recordLimiter
	header     []string
	headerLine int
}

// newSource prepares r and reads its header, the first non-blank record.
func newSource(r io.Reader) (*source, error) {
	br := bufio.NewReaderSize(decode(r), sniffSize)
	lim := &recordLimiter{r: br, limit: maxRecordBytes}
	cr := csv.NewReader(lim)
	cr.Comma = detectSeparator(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	s := &source{csv: cr, lim: lim}
	for {
		rec, line, err := s.next()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, fileError("file", "empty", "the file has no header row")
		case errors.As(err, &pe):
			return nil, fileError("file", "invalid_header", fmt.Sprintf("line %d: %v", pe.StartLine, pe.Err))
		case err != nil:
			return nil, err
		case blank(rec):
			continue
		}
		s.header, s.headerLine = slices.Clone(rec), line
		return s, nil
	}
}

// next returns the next record and its line. The record is valid until
// the following call.
func (s *source) next() ([]string, int, error) {
	rec, err := s.csv.Read()
	defer func() { s.lim.limit = s.csv.InputOffset() + maxRecordBytes }()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errRecordTooLarge):
		line := 0
		if len(rec) > 0 {
			line, _ = s.csv.FieldPos(0)
		}
		return nil, line, fileError("file", "record_too_large",
			fmt.Sprintf("line %d: a row is larger than %d bytes (is a quote left open?)", line, maxRecordBytes))
	case errors.As(err, &pe):
		return rec, pe.StartLine, err
	case err != nil:
		return nil, 0, err
	}
	line, _ := s.csv.FieldPos(0)
	return rec, line, nil
}

// blank reports whether every field of rec is empty or spaces, like the
// trailing ",,,," lines spreadsheets leave.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// detectSeparator picks the separator that makes the first line of the
// file name the customer code column: comma, else semicolon (Excel in
// much of Europe), else tab. It falls back to comma.
func detectSeparator(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		for _, sep := range []rune{',', ';', '\t'} {
			cr := csv.NewReader(bytes.NewReader(line))
			cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = sep, -1, true
			if rec, err := cr.Read(); err == nil && findsCode(rec) {
				return sep
			}
		}
		break
	}
	return ','
}

// recordLimiter fails reads that go further than limit bytes.
type recordLimiter struct {
	r     io.Reader
	read  int64
	limit int64
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.read >= l.limit {
		return 0, errRecordTooLarge
	}
	if rest := l.limit - l.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
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
