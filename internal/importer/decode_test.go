package importer

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	ascii := strings.Repeat("C0001,Acme,13800138000\n", 3500) // beyond the sniffing window
	chinese := "客户编码,客户名称\nC1,深圳华强电子\n"
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"ASCII", []byte("customer_code\nA\n"), "customer_code\nA\n"},
		{"UTF-8", []byte(chinese), chinese},
		{"UTF-8 with BOM", append([]byte("\uFEFF"), chinese...), chinese},
		{"GBK", encode(t, simplifiedchinese.GBK, chinese), chinese},
		{"GB18030", encode(t, simplifiedchinese.GB18030, chinese+"𠀀"), chinese + "𠀀"},
		{"GBK after a long ASCII start", append([]byte(ascii), encode(t, simplifiedchinese.GBK, chinese)...), ascii + chinese},
		{"UTF-8 cut by the sniffing window", []byte("x" + strings.Repeat("中", 30000)), "x" + strings.Repeat("中", 30000)},
		{"UTF-16LE with BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), chinese), chinese},
		{"UTF-16BE with BOM", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), chinese), chinese},
		{"empty", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := io.ReadAll(decode(bytes.NewReader(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("decoded %d bytes, want %d: %.60q", len(got), len(tc.want), got)
			}
		})
	}
}

func TestLooksUTF8(t *testing.T) {
	zhong := []byte("中")
	cases := []struct {
		in    []byte
		atEOF bool
		want  bool
	}{
		{[]byte("abc中"), true, true},
		{append([]byte("abc"), zhong[:2]...), false, true}, // cut by the window
		{append([]byte("abc"), zhong[:2]...), true, false}, // cut for good
		{[]byte{0xD6, 0xD0, 0xCE, 0xC4}, false, false},     // 中文 in GBK
		{[]byte{0xC1, 0xAA}, false, false},                 // 联 in GBK, an overlong UTF-8 form
	}
	for _, c := range cases {
		if got := looksUTF8(c.in, c.atEOF); got != c.want {
			t.Errorf("looksUTF8(% x, %v) = %v, want %v", c.in, c.atEOF, got, c.want)
		}
	}
}

func TestDetectSeparator(t *testing.T) {
	cases := map[string]rune{
		"customer_code,customer_name\nA,B\n":         ',',
		"customer_code;customer_name\nA;B\n":         ';',
		"\n\n客户编码\t客户名称\nA\tB\n":                     '\t',
		"\"customer_code\";\"a,b\"\n":                ';',
		"name;notes,more\n":                          ',', // no code column: the header error names it
		"customer_code;x\n":                          ';',
		"\"customer code\",\"customer name\"\r\nA,B": ',',
	}
	for in, want := range cases {
		if got := detectSeparator(bufioReader(in)); got != want {
			t.Errorf("detectSeparator(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]column{
		"Customer Code": colCode, " 客户编码* ": colCode, "\uFEFFcustomer_code": colCode, "CUSTOMER-NAME": colName,
		"手机号码": colMobile, "E-mail": colEmail, "opt_out_SMS": colOptOutSMS, "主联系人": colPrimary,
	} {
		if got, ok := headerIndex[normalizeHeader(in)]; !ok || got != want {
			t.Errorf("header %q maps to %v (%v), want %v", in, got, ok, want)
		}
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), sniffSize) }
