package importer

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much text after the first non-ASCII byte decides
// between UTF-8 and GB18030.
const sniffSize = 64 << 10

// decode returns r as UTF-8 text. A UTF-8 byte-order mark is dropped and a
// UTF-16 one selects UTF-16. Without a mark, the bytes from the first
// non-ASCII one onwards decide: valid UTF-8 is kept as it is, anything else
// is decoded as GB18030 (a superset of GBK, as Excel saves CSV in China).
func decode(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	}
	return &sniffReader{br: br}
}

// sniffReader passes ASCII through until the first non-ASCII byte, then
// settles on UTF-8 or GB18030 for the rest of the stream.
type sniffReader struct {
	br      *bufio.Reader
	decided io.Reader
}

func (s *sniffReader) Read(p []byte) (int, error) {
	if s.decided != nil {
		return s.decided.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if s.br.Buffered() == 0 {
		if _, err := s.br.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := s.br.Peek(s.br.Buffered())
	ascii := len(buf)
	for i, b := range buf {
		if b >= utf8.RuneSelf {
			ascii = i
			break
		}
	}
	if ascii > 0 {
		n := copy(p, buf[:ascii])
		_, _ = s.br.Discard(n)
		return n, nil
	}
	window, err := s.br.Peek(sniffSize)
	if looksUTF8(window, err != nil) {
		s.decided = s.br
	} else {
		s.decided = transform.NewReader(s.br, simplifiedchinese.GB18030.NewDecoder())
	}
	return s.decided.Read(p)
}

// looksUTF8 reports whether b is valid UTF-8, allowing a rune cut at the
// end of the window unless the window reaches the end of the input.
func looksUTF8(b []byte, atEOF bool) bool {
	if !atEOF {
		// Drop a trailing rune that the window may have cut in half.
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}
