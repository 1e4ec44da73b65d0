package fakealiyun

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// PushOption shapes how Push delivers entries.
type PushOption func(*pushPlan)

type pushPlan struct {
	dups    []int
	shuffle bool
	seed    uint64
	split   int
}

// Duplicate sends the entries at the given indexes a second time (the
// copies go after the others, before any shuffle): Aliyun receipts are
// not idempotent.
func Duplicate(indexes ...int) PushOption {
	return func(p *pushPlan) { p.dups = append(p.dups, indexes...) }
}

// Shuffle puts the entries in a random order drawn from seed.
func Shuffle(seed uint64) PushOption {
	return func(p *pushPlan) { p.shuffle, p.seed = true, seed }
}

// Split delivers the entries in pushes of at most n; without it, every
// entry goes in one push, however many sends they come from (Aliyun
// merges receipts across sends).
func Split(n int) PushOption {
	return func(p *pushPlan) { p.split = n }
}

// PushResult is the receiver's answer to one push.
type PushResult struct {
	Status  int
	Body    string
	Entries int
}

// Acknowledged reports whether the receiver took the push as Aliyun
// requires: HTTP 200 and a JSON body whose "code" is a number (Aliyun
// checks nothing else; it answers {"code":0,"msg":"接收成功"}).
func (r PushResult) Acknowledged() bool {
	var body struct {
		Code json.RawMessage `json:"code"`
	}
	if r.Status != http.StatusOK || json.Unmarshal([]byte(r.Body), &body) != nil || len(body.Code) == 0 {
		return false
	}
	var n json.Number
	return body.Code[0] != '"' && json.Unmarshal(body.Code, &n) == nil && n != ""
}

// Push posts entries (SmsReport receipts or SmsUp replies) to url as JSON
// arrays, shaped by opts, and returns the answer to each push. It stops
// at the first push that gets no HTTP answer.
func Push[T Report | Up](url string, entries []T, opts ...PushOption) ([]PushResult, error) {
	var p pushPlan
	for _, o := range opts {
		o(&p)
	}
	list := append([]T(nil), entries...)
	for _, i := range p.dups {
		list = append(list, entries[i])
	}
	if p.shuffle {
		r := rand.New(rand.NewPCG(p.seed, p.seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	size := len(list)
	if p.split > 0 {
		size = p.split
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var results []PushResult
	for len(list) > 0 {
		n := min(size, len(list))
		body, err := json.Marshal(list[:n])
		if err != nil {
			return results, err
		}
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return results, err
		}
		answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return results, err
		}
		results = append(results, PushResult{Status: resp.StatusCode, Body: string(answer), Entries: n})
		list = list[n:]
	}
	return results, nil
}
