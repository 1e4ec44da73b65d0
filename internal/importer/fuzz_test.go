package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"touchbase/internal/contact"
	"touchbase/internal/importer"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// FuzzImport feeds arbitrary bytes to Import on SQLite: it must not panic,
// must fail only with a file-level fault, a dry run must predict the
// import exactly, and the database must hold exactly what the report says
// was created, every row of it valid.
func FuzzImport(f *testing.F) {
	for _, seed := range []string{english, "\uFEFF" + crlf(english), chinese, badRows, multiline,
		strings.ReplaceAll(english, ",", ";"), strings.ReplaceAll(english, ",", "\t"),
		"customer_code\n\"unterminated\n", "customer_code,mobile\nA,+8613800138000\nA,13800138000\n",
		"customer_code,customer_name,contact_name,email,primary\nA,a,x,X@EXAMPLE.com,1\nA,,X,x@example.com,0\n",
		"", "\xff\xfe", "\xef\xbb\xbf", "customer_code,customer_code\n"} {
		f.Add([]byte(seed))
	}
	f.Add(gbk(f, chinese))
	template := templateDB(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		s := copyDB(t, template)
		opts := importer.Options{DefaultRegion: "CN"}

		dryOpts := opts
		dryOpts.DryRun = true
		dry, dryErr := importer.Import(ctx, s, bytes.NewReader(data), dryOpts)
		if n := count(t, s, "customers") + count(t, s, "contacts"); n != 0 {
			t.Fatalf("dry run wrote %d rows", n)
		}
		rep, err := importer.Import(ctx, s, bytes.NewReader(data), opts)
		if (err == nil) != (dryErr == nil) {
			t.Fatalf("import err %v, dry run err %v", err, dryErr)
		}
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not about the file: %v", err)
			}
			if n := count(t, s, "customers"); n != 0 {
				t.Fatalf("%d customers written despite %v", n, err)
			}
			return
		}
		if got, want := summary(rep), summary(dry); got != want {
			t.Fatalf("import %s\ndry run %s", got, want)
		}
		if got := count(t, s, "customers"); got != rep.CustomersCreated {
			t.Fatalf("%d customers in the database, report says %d created", got, rep.CustomersCreated)
		}
		if got := count(t, s, "contacts"); got != rep.ContactsCreated {
			t.Fatalf("%d contacts in the database, report says %d created", got, rep.ContactsCreated)
		}
		checkStored(t, s)

		again, err := importer.Import(ctx, s, bytes.NewReader(data), opts)
		if err != nil {
			t.Fatalf("re-import: %v", err)
		}
		if again.CustomersCreated != 0 || count(t, s, "customers") != rep.CustomersCreated {
			t.Fatalf("re-import created %d customers", again.CustomersCreated)
		}
		checkStored(t, s)
	})
}

// checkStored fails unless every stored customer and contact passes the
// validators unchanged.
func checkStored(t *testing.T, s *storage.Store) {
	t.Helper()
	rows, err := s.ReadDB().Query(`SELECT COALESCE(code, ''), name, level, industry, address, notes FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c model.Customer
		if err := rows.Scan(&c.Code, &c.Name, &c.Level, &c.Industry, &c.Address, &c.Notes); err != nil {
			t.Fatal(err)
		}
		before := c
		if err := contact.ValidateCustomer(&c); err != nil || c != before || c.Code == "" {
			t.Errorf("stored customer %+v: %v", before, err)
		}
	}
	rows.Close()
	rows, err = s.ReadDB().Query(`SELECT name, title, mobile, email, wecom_id FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ct model.Contact
		if err := rows.Scan(&ct.Name, &ct.Title, &ct.Mobile, &ct.Email, &ct.WeComID); err != nil {
			t.Fatal(err)
		}
		before := ct
		if err := contact.ValidateContact(&ct, "CN"); err != nil || ct != before {
			t.Errorf("stored contact %+v: %v", before, err)
		}
	}
}

// templateDB migrates an SQLite database with the fixtures' users once;
// copyDB gives each fuzz input a copy of it.
func templateDB(f *testing.F) string {
	path := filepath.Join(f.TempDir(), "template.db")
	s, err := storage.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		f.Fatal(err)
	}
	addUsers(f, s)
	if _, err := s.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		f.Fatal(err)
	}
	if err := s.Close(); err != nil {
		f.Fatal(err)
	}
	return path
}

func copyDB(t *testing.T, template string) *storage.Store {
	t.Helper()
	data, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: the names of seed subtests hold a '#', which the
	// store's file: URI would take for a fragment.
	dir, err := os.MkdirTemp("", "touchbase-import-fuzz")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "touchbase.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
