package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"touchbase/internal/importer"
	"touchbase/internal/model"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

const fullHeader = "customer_code,customer_name,level,industry,address,notes,rep,do_not_contact," +
	"contact_name,contact_title,mobile,email,wecom_id,opt_out_sms,opt_out_email,primary\n"

const english = fullHeader +
	"C001,上海星辰科技,A,软件,上海市浦东新区,,wang,no,李雷,经理,138 0013 8000,li.lei@Example.com,lilei,0,0,1\n" +
	"C001,,,,,,,,韩梅梅,采购,13900139000,,,,,\n" +
	"C002,北京远航物流,B,物流,,,LI,是,王伟,,+86 137-0013-7000,,,yes,,\n"

const englishDump = `C001 上海星辰科技|A|软件|上海市浦东新区|""|rep=wang|dnc=false
  李雷|经理|+8613800138000|li.lei@example.com|lilei|sms=false|email=false|primary=true
  韩梅梅|采购|+8613900139000|||sms=false|email=false|primary=false
C002 北京远航物流|B|物流||""|rep=li|dnc=true
  王伟||+8613700137000|||sms=true|email=false|primary=false
`

const chinese = "客户编码,客户名称,客户等级,专属客服,联系人,职务,手机,邮箱,主联系人,传真\n" +
	"C101,深圳华强电子,VIP,wang,张三,总经理,13512345678,zhangsan@hq.cn,是,\n" +
	"C101,,,,李四,财务,13612345678,,否,0755-1234\n"

const chineseDump = `C101 深圳华强电子|VIP|||""|rep=wang|dnc=false
  张三|总经理|+8613512345678|zhangsan@hq.cn||sms=false|email=false|primary=true
  李四|财务|+8613612345678|||sms=false|email=false|primary=false
`

// badRows has one fault per row after the first, each on a known line.
const badRows = "customer_code,customer_name,rep,contact_name,mobile,email\n" + // 1
	"C1,Good One,wang,Li,13800138001,li@example.com\n" + // 2
	"C2,Bad Mobile,,Wang,12345,\n" + // 3
	"C3,Bad Email,,Zhao,,zhao@@example\n" + // 4
	"C4,Bad Rep,nobody,Qian,,\n" + // 5
	"C5,,,Sun,13800138005,\n" + // 6: a new code needs a name
	"C1,,,Zhou,,zhou@example.com\n" + // 7: C1 exists by now
	"C6,No Contact Name,,,13800138006,\n" + // 8: a new contact needs a name
	"C7,Bad Flag,,,,,\n" // 9: fine, customer only

const badRowsDump = `C1 Good One||||""|rep=wang|dnc=false
  Li||+8613800138001|li@example.com||sms=false|email=false|primary=false
  Zhou|||zhou@example.com||sms=false|email=false|primary=false
C7 Bad Flag||||""|rep=|dnc=false
`

// multiline has a quoted note spanning three lines, then faulty rows.
const multiline = "customer_code,customer_name,notes,contact_name,mobile\n" + // 1
	"C1,Acme,\"first line\n" + // 2
	"second line\n" + // 3
	"third, with \"\"quotes\"\"\",Li,13800138001\n" + // 4
	"C2,Beta,,Wang,999\n" + // 5: bad mobile
	"\"C3\",\"Gamma\nLtd\",,Zhao,13800138003\n" + // 6-7
	"C4,Delta,,Qian,1380013800x\n" + // 8: bad mobile
	"C5,Eps\"ilon,,,\n" + // 9: bare quote
	"\n\n" // trailing blank lines

func TestImport(t *testing.T) {
	type step struct {
		file   []byte
		opts   importer.Options
		want   string // summary of the report
		errIs  string // field of the file-level error, when one is expected
		rep    string // username of the default rep
		before func(t *testing.T, s *storage.Store, users map[string]int64)
	}
	cn := importer.Options{DefaultRegion: "CN"}
	cases := []struct {
		name     string
		steps    []step
		wantDump string
		check    func(t *testing.T, s *storage.Store, reps []*importer.Report)
	}{
		{
			name: "UTF-8 with BOM, CRLF, English headers",
			steps: []step{{file: []byte("\uFEFF" + crlf(english)), opts: cn,
				want: "rows=3 failed=0 customers=+2~0 contacts=+3~0 errors=[]"}},
			wantDump: englishDump,
		},
		{
			name: "UTF-8 without BOM",
			steps: []step{{file: []byte(english), opts: cn,
				want: "rows=3 failed=0 customers=+2~0 contacts=+3~0 errors=[]"}},
			wantDump: englishDump,
		},
		{
			name: "GBK with Chinese headers and an unknown column",
			steps: []step{{file: gbk(t, crlf(chinese)), opts: cn,
				want: "rows=2 failed=0 customers=+1~0 contacts=+2~0 errors=[]"}},
			wantDump: chineseDump,
			check: func(t *testing.T, _ *storage.Store, reps []*importer.Report) {
				w := reps[0].Warnings
				if len(w) != 1 || w[0].Value != "传真" || w[0].Line != 1 {
					t.Errorf("warnings = %+v, want the unknown column 传真 once", w)
				}
			},
		},
		{
			name: "semicolon separated",
			steps: []step{{file: []byte(strings.ReplaceAll(english, ",", ";")), opts: cn,
				want: "rows=3 failed=0 customers=+2~0 contacts=+3~0 errors=[]"}},
			wantDump: englishDump,
		},
		{
			name: "bad rows reported with line and field",
			steps: []step{{file: []byte(badRows), opts: cn,
				want: "rows=8 failed=5 customers=+2~0 contacts=+2~0 errors=[3:mobile 4:email 5:rep 6:customer_name 8:contact_name]"}},
			wantDump: badRowsDump,
			check: func(t *testing.T, _ *storage.Store, reps []*importer.Report) {
				got := reps[0].Errors
				want := []importer.RowError{
					{Line: 3, Field: "mobile", Value: "12345", Code: "invalid_mobile"},
					{Line: 4, Field: "email", Value: "zhao@@example", Code: "invalid_email"},
					{Line: 5, Field: "rep", Value: "nobody", Code: "not_found"},
					{Line: 6, Field: "customer_name", Value: "", Code: "required"},
					{Line: 8, Field: "contact_name", Value: "", Code: "required"},
				}
				for i := range want {
					if got[i].Message == "" {
						t.Errorf("error %d has no message", i)
					}
					got[i].Message = ""
					if got[i] != want[i] {
						t.Errorf("error %d = %+v, want %+v", i, got[i], want[i])
					}
				}
			},
		},
		{
			name: "multi-line quoted fields keep line numbers",
			steps: []step{{file: []byte(crlf(multiline)), opts: cn,
				want: "rows=5 failed=3 customers=+2~0 contacts=+2~0 errors=[5:mobile 8:mobile 9:]"}},
			wantDump: `C1 Acme||||"first line\nsecond line\nthird, with \"quotes\""|rep=|dnc=false
  Li||+8613800138001|||sms=false|email=false|primary=false
C3 Gamma
Ltd||||""|rep=|dnc=false
  Zhao||+8613800138003|||sms=false|email=false|primary=false
`,
		},
		{
			name: "re-import updates instead of duplicating",
			steps: []step{
				{file: []byte(english), opts: cn, want: "rows=3 failed=0 customers=+2~0 contacts=+3~0 errors=[]"},
				{file: []byte(english), opts: cn, want: "rows=3 failed=0 customers=+0~2 contacts=+0~3 errors=[]"},
				{file: gbk(t, "客户编码,客户等级,联系人,手机,邮箱,退订邮件\n"+
					"C001,AAA,,13800138000,new@example.com,是\n"+ // matched on mobile
					"C002,,王伟,,,\n"+ // matched on name
					"C002,,王伟,13700137999,,\n"), // another 王伟: a different mobile
					opts: cn, want: "rows=3 failed=0 customers=+0~1 contacts=+1~2 errors=[]"},
			},
			wantDump: `C001 上海星辰科技|AAA|软件|上海市浦东新区|""|rep=wang|dnc=false
  李雷|经理|+8613800138000|new@example.com|lilei|sms=false|email=true|primary=true
  韩梅梅|采购|+8613900139000|||sms=false|email=false|primary=false
C002 北京远航物流|B|物流||""|rep=li|dnc=true
  王伟||+8613700137000|||sms=true|email=false|primary=false
  王伟||+8613700137999|||sms=false|email=false|primary=false
`,
		},
		{
			name: "a bad row leaves no trace",
			steps: []step{{
				before: func(t *testing.T, s *storage.Store, _ map[string]int64) {
					if err := s.CreateCustomer(context.Background(), &model.Customer{Code: "E1", Name: "Existing"}); err != nil {
						t.Fatal(err)
					}
				},
				file: []byte("customer_code,customer_name,level,contact_name,mobile,email,primary\n" +
					"N1,New Co,A,Li,13800138001,not-an-email,\n" +
					"E1,Renamed,B,Wang,13800138002,,maybe\n"),
				opts: cn, want: "rows=2 failed=2 customers=+0~0 contacts=+0~0 errors=[2:email 3:primary]"}},
			wantDump: "E1 Existing||||\"\"|rep=|dnc=false\n",
		},
		{
			name: "dry run writes nothing",
			steps: []step{{file: []byte(badRows), opts: importer.Options{DefaultRegion: "CN", DryRun: true},
				want: "rows=8 failed=5 customers=+2~0 contacts=+2~0 errors=[3:mobile 4:email 5:rep 6:customer_name 8:contact_name]"}},
			wantDump: "",
		},
		{
			name: "dry run of a re-import sees the database",
			steps: []step{
				{file: []byte(english), opts: cn, want: "rows=3 failed=0 customers=+2~0 contacts=+3~0 errors=[]"},
				{file: []byte(english + "C003,New,,,,,,,Li,,13800138111,,,,,\n"),
					opts: importer.Options{DefaultRegion: "CN", DryRun: true},
					want: "rows=4 failed=0 customers=+1~2 contacts=+1~3 errors=[]"},
			},
			wantDump: englishDump,
		},
		{
			name: "default rep for new customers only",
			steps: []step{
				{
					before: func(t *testing.T, s *storage.Store, _ map[string]int64) {
						if err := s.CreateCustomer(context.Background(), &model.Customer{Code: "OLD", Name: "Old"}); err != nil {
							t.Fatal(err)
						}
					},
					file: []byte("customer_code,customer_name,rep\nOLD,Old Renamed,\nNEW1,New,\nNEW2,Newer,wang\n"),
					rep:  "li",
					want: "rows=3 failed=0 customers=+2~1 contacts=+0~0 errors=[]",
				},
			},
			wantDump: `NEW1 New||||""|rep=li|dnc=false
NEW2 Newer||||""|rep=wang|dnc=false
OLD Old Renamed||||""|rep=|dnc=false
`,
		},
		{
			name: "primary moves to the last contact marked so",
			steps: []step{{file: []byte("customer_code,customer_name,contact_name,primary\n" +
				"P,Prim,A,1\nP,,B,0\nP,,C,1\n"), opts: cn,
				want: "rows=3 failed=0 customers=+1~0 contacts=+3~0 errors=[]"}},
			wantDump: `P Prim||||""|rep=|dnc=false
  A|||||sms=false|email=false|primary=false
  B|||||sms=false|email=false|primary=false
  C|||||sms=false|email=false|primary=true
`,
		},
		{
			name: "contacts match on e-mail ignoring case, and on name",
			steps: []step{
				{file: []byte("customer_code,customer_name,contact_name,email,mobile,wecom_id\n" +
					"M,Match Co,Li Lei,Li.Lei@Example.com,,\n" +
					"M,,Han Meimei,,,\n"), opts: cn,
					want: "rows=2 failed=0 customers=+1~0 contacts=+2~0 errors=[]"},
				{file: []byte("customer_code,contact_name,email,mobile,wecom_id\n" +
					"M,,li.lei@example.com,13800138000,lilei\n" + // e-mail, differently cased
					"M,han meimei,,13900139000,\n"), opts: cn, // name, differently cased
					want: "rows=2 failed=0 customers=+0~0 contacts=+0~2 errors=[]"},
			},
			wantDump: `M Match Co||||""|rep=|dnc=false
  Li Lei||+8613800138000|li.lei@example.com|lilei|sms=false|email=false|primary=false
  han meimei||+8613900139000|||sms=false|email=false|primary=false
`,
		},
		{
			name: "an unterminated quote cannot swallow a big file",
			steps: []step{{file: []byte("customer_code,customer_name\nA,\"" + strings.Repeat("x", 3<<20)), opts: cn,
				errIs: "file"}},
		},
		{
			name:  "missing customer code column",
			steps: []step{{file: []byte("客户名称,手机\nAcme,13800138000\n"), opts: cn, errIs: "customer_code"}},
		},
		{
			name:  "column given twice",
			steps: []step{{file: []byte("customer_code,mobile,手机\nA,1,2\n"), opts: cn, errIs: "mobile"}},
		},
		{
			name:  "empty file",
			steps: []step{{file: []byte("\uFEFF\r\n\r\n"), opts: cn, errIs: "file"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *storage.Store) {
				ctx := context.Background()
				users := addUsers(t, s)
				var reps []*importer.Report
				for i, st := range tc.steps {
					if st.before != nil {
						st.before(t, s, users)
					}
					opts := st.opts
					if st.rep != "" {
						id := users[st.rep]
						opts.DefaultRepID = &id
					}
					rep, err := importer.Import(ctx, s, bytes.NewReader(st.file), opts)
					if st.errIs != "" {
						var fe *model.FieldError
						if !errors.As(err, &fe) || fe.Field != st.errIs {
							t.Fatalf("step %d: err = %v, want a file error on %s", i, err, st.errIs)
						}
						continue
					}
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if st.want != "" {
						if got := summary(rep); got != st.want {
							t.Errorf("step %d:\n got %s\nwant %s\nerrors: %+v", i, got, st.want, rep.Errors)
						}
					}
					reps = append(reps, rep)
				}
				if got := dump(t, s); got != tc.wantDump {
					t.Errorf("database:\n%s\nwant:\n%s", got, tc.wantDump)
				}
				if tc.check != nil {
					tc.check(t, s, reps)
				}
			})
		})
	}
}

func TestImportCapsErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		var b strings.Builder
		b.WriteString("customer_code,customer_name,mobile\n")
		for i := range 1500 {
			fmt.Fprintf(&b, "C%d,Name,123\n", i)
		}
		rep, err := importer.Import(context.Background(), s, strings.NewReader(b.String()), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 1500 || rep.Failed != 1500 || len(rep.Errors) != importer.MaxErrors {
			t.Errorf("rows %d, failed %d, %d errors kept; want 1500, 1500, %d", rep.Rows, rep.Failed, len(rep.Errors),
				importer.MaxErrors)
		}
		if last := rep.Errors[len(rep.Errors)-1]; last.Line != importer.MaxErrors+1 {
			t.Errorf("last error kept is on line %d, want %d", last.Line, importer.MaxErrors+1)
		}
	})
}

// TestImportManyBatches imports a generated file spanning several batches,
// then again: the second time updates everything and changes nothing.
func TestImportManyBatches(t *testing.T) {
	data, customers := genFile(5000)
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		addUsers(t, s)
		opts := importer.Options{DefaultRegion: "CN"}
		first, err := importer.Import(ctx, s, bytes.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("rows=5000 failed=0 customers=+%d~0 contacts=+5000~0 errors=[]", customers)
		if got := summary(first); got != want {
			t.Fatalf("first import %s, want %s", got, want)
		}
		before := dump(t, s)
		dryOpts := opts
		dryOpts.DryRun = true
		dry, err := importer.Import(ctx, s, bytes.NewReader(data), dryOpts)
		if err != nil {
			t.Fatal(err)
		}
		again, err := importer.Import(ctx, s, bytes.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		want = fmt.Sprintf("rows=5000 failed=0 customers=+0~%d contacts=+0~5000 errors=[]", customers)
		if got := summary(again); got != want {
			t.Errorf("second import %s, want %s", got, want)
		}
		if summary(dry) != summary(again) {
			t.Errorf("dry run %s, import %s", summary(dry), summary(again))
		}
		if after := dump(t, s); after != before {
			t.Error("importing the same file twice changed the data")
		}
		var primaries int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE is_primary`).Scan(&primaries); err != nil {
			t.Fatal(err)
		}
		if primaries != customers {
			t.Errorf("%d primary contacts for %d customers", primaries, customers)
		}
	})
}

// TestImportStoppedPartWaySaysWhatWasWritten: a file whose row 3,001
// never ends (a quote left open) is refused there, after the first
// batch of 2,000 rows was written: the report says so, with the counts of
// what was written and the line it reaches, and the store holds exactly
// that.
func TestImportStoppedPartWaySaysWhatWasWritten(t *testing.T) {
	data, _ := genFile(3000)
	data = append(data, []byte("C9999999,\""+strings.Repeat("长", 1<<19)+"\r\n")...)
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		addUsers(t, s)
		rep, err := importer.Import(ctx, s, bytes.NewReader(data), importer.Options{DefaultRegion: "CN"})
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Code != "record_too_large" {
			t.Fatalf("import: %v", err)
		}
		if rep == nil || !rep.Stopped || rep.Rows != 2000 || rep.ContactsCreated != 2000 || rep.WrittenThrough != 2001 {
			t.Fatalf("report: %+v", rep)
		}
		var contacts int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT count(*) FROM contacts`).Scan(&contacts); err != nil || contacts != 2000 {
			t.Fatalf("%d contacts stored (%v), the report says 2000", contacts, err)
		}
	})
}
