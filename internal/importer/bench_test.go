package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"touchbase/internal/importer"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// genFile writes a realistic import of n rows: customers with 1 to 4
// contacts (2.5 on average), Chinese names, mobiles, some e-mails, reps.
// It returns the file and the number of customers.
func genFile(n int) ([]byte, int) {
	rng := rand.New(rand.NewPCG(1, 2))
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
	cities := []string{"上海", "北京", "深圳", "杭州", "成都", "武汉", "南京", "苏州"}
	trades := []string{"软件", "制造", "物流", "零售", "金融", "教育", "医疗"}
	titles := []string{"总经理", "采购经理", "财务", "IT主管", "行政", ""}
	prefixes := []int{130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
		180, 181, 182, 183, 185, 186, 187, 188, 189}
	var b bytes.Buffer
	b.WriteString("\uFEFF客户编码,客户名称,客户等级,行业,地址,备注,专属客服,勿扰,联系人,职务,手机,邮箱,企业微信,退订短信,退订邮件,主联系人\r\n")
	rows, customers := 0, 0
	for rows < n {
		customers++
		code := fmt.Sprintf("C%07d", customers)
		city := cities[rng.IntN(len(cities))]
		contacts := 1 + rng.IntN(4)
		for k := 0; k < contacts && rows < n; k++ {
			rows++
			if k == 0 {
				fmt.Fprintf(&b, "%s,%s%s科技有限公司,%c,%s,%s市第%d大道%d号,,%s,否,", code, city,
					string([]rune{given[rng.IntN(len(given))], given[rng.IntN(len(given))]}), "ABC"[rng.IntN(3)],
					trades[rng.IntN(len(trades))], city, rng.IntN(99)+1, rng.IntN(999)+1, []string{"wang", "li"}[rng.IntN(2)])
			} else {
				fmt.Fprintf(&b, "%s,,,,,,,,", code)
			}
			name := string([]rune{surnames[rng.IntN(len(surnames))], given[rng.IntN(len(given))], given[rng.IntN(len(given))]})
			mobile := fmt.Sprintf("%d %04d %04d", prefixes[rng.IntN(len(prefixes))], rng.IntN(10000), rng.IntN(10000))
			email := ""
			if rng.IntN(2) == 0 {
				email = fmt.Sprintf("user%d.%d@example.com", customers, k)
			}
			primary := "否"
			if k == 0 {
				primary = "是"
			}
			fmt.Fprintf(&b, "%s,%s,%s,%s,,,,%s\r\n", name, titles[rng.IntN(len(titles))], mobile, email, primary)
		}
	}
	return b.Bytes(), customers
}

// BenchmarkImport100k imports 100,000 rows into a fresh SQLite database.
//
//	go test -run '^$' -bench Import100k -benchtime 1x -count 5 ./internal/importer
func BenchmarkImport100k(b *testing.B) { benchImport(b, storetest.SQLite) }

// BenchmarkImport100kPostgres does the same on PostgreSQL, when
// TOUCHBASE_TEST_POSTGRES is set.
func BenchmarkImport100kPostgres(b *testing.B) { benchImport(b, storetest.Postgres) }

func benchImport(b *testing.B, open func(testing.TB) *storage.Store) {
	const n = 100_000
	data, customers := genFile(n)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		addUsers(b, s)
		b.StartTimer()
		start := time.Now()
		rep, err := importer.Import(context.Background(), s, bytes.NewReader(data), importer.Options{DefaultRegion: "CN"})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if rep.Rows != n || rep.Failed != 0 || rep.CustomersCreated != customers || rep.ContactsCreated != n {
			b.Fatalf("report rows=%d failed=%d customers=+%d contacts=+%d~%d for %d customers; first errors %+v",
				rep.Rows, rep.Failed, rep.CustomersCreated, rep.ContactsCreated, rep.ContactsUpdated, customers,
				rep.Errors[:min(len(rep.Errors), 5)])
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
		b.Logf("%s: %d customers, %d contacts", elapsed.Round(time.Millisecond), rep.CustomersCreated, rep.ContactsCreated)
	}
}

// BenchmarkReimport100k imports the same 100,000 rows a second time, all
// updates.
//
//	go test -run '^$' -bench Reimport100k -benchtime 1x -count 5 ./internal/importer
func BenchmarkReimport100k(b *testing.B) {
	const n = 100_000
	data, customers := genFile(n)
	for b.Loop() {
		b.StopTimer()
		s := storetest.SQLite(b)
		addUsers(b, s)
		if _, err := importer.Import(context.Background(), s, bytes.NewReader(data), importer.Options{DefaultRegion: "CN"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err := importer.Import(context.Background(), s, bytes.NewReader(data), importer.Options{DefaultRegion: "CN"})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if rep.CustomersUpdated != customers || rep.ContactsCreated != 0 {
			b.Fatalf("re-import created %d customers and %d contacts", rep.CustomersCreated, rep.ContactsCreated)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
	}
}
