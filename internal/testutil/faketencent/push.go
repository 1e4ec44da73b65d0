package faketencent

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// MaxPerPush is how many status entries Tencent puts in one callback.
const MaxPerPush = 100

// PushOption shapes how Push delivers entries.
type PushOption func(*pushPlan)

type pushPlan struct {
	dups    []int
	shuffle bool
	seed    uint64
	split   int
}

// Duplicate sends the entries at the given indexes a second time (the
// copies go after the others, before any shuffle).
func Duplicate(indexes ...int) PushOption {
	return func(p *pushPlan) { p.dups = append(p.dups, indexes...) }
}

// Shuffle puts the entries in a random order drawn from seed.
func Shuffle(seed uint64) PushOption {
	return func(p *pushPlan) { p.shuffle, p.seed = true, seed }
}

// Split delivers the entries in pushes of at most n. Without it, entries
// go MaxPerPush to a push, whatever sends they come from.
func Split(n int) PushOption {
	return func(p *pushPlan) { p.split = n }
}

// PushResult is the receiver's answer to one push.
type PushResult struct {
	Status  int
	Body    string
	Entries int
}

// Acknowledged reports whether the receiver answered as Tencent expects:
// HTTP 200 and {"result":0,"errmsg":"OK"} (result 0).
func (r PushResult) Acknowledged() bool {
	var body struct {
		Result *int `json:"result"`
	}
	return r.Status == http.StatusOK && json.Unmarshal([]byte(r.Body), &body) == nil && body.Result != nil && *body.Result == 0
}

// Push posts status callback entries to url as JSON arrays, shaped by
// opts, and returns the answer to each push. It stops at the first push
// that gets no HTTP answer.
func Push(url string, reports []Report, opts ...PushOption) ([]PushResult, error) {
	p := pushPlan{split: MaxPerPush}
	for _, o := range opts {
		o(&p)
	}
	list := append([]Report(nil), reports...)
	for _, i := range p.dups {
		list = append(list, reports[i])
	}
	if p.shuffle {
		r := rand.New(rand.NewPCG(p.seed, p.seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	var results []PushResult
	for len(list) > 0 {
		n := min(max(p.split, 1), len(list))
		res, err := post(url, list[:n])
		if err != nil {
			return results, err
		}
		res.Entries = n
		results = append(results, res)
		list = list[n:]
	}
	return results, nil
}

// PushReplies posts each reply callback to url as its own JSON object, as
// Tencent does, and returns the answers.
func PushReplies(url string, replies []Reply) ([]PushResult, error) {
	var results []PushResult
	for _, r := range replies {
		res, err := post(url, r)
		if err != nil {
			return results, err
		}
		res.Entries = 1
		results = append(results, res)
	}
	return results, nil
}

func post(url string, v any) (PushResult, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return PushResult{}, err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return PushResult{}, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return PushResult{Status: resp.StatusCode, Body: string(answer)}, err
}
