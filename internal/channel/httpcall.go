package channel

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"touchbase/internal/outbound"
)

// maxResponseBody bounds how much of a provider's answer is read.
const maxResponseBody = 4 << 20

// httpResponse is a provider's answer, fully read.
type httpResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// doHTTP sends req with client and reads the answer. Failures to get an
// answer are returned as a transient (or, for certificate errors,
// permanent) *Error.
func doHTTP(ctx context.Context, provider string, client *http.Client, req *http.Request) (*httpResponse, error) {
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return nil, transportError(provider, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, transportError(provider, err)
	}
	return &httpResponse{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// snippet is what an error detail quotes of an answer: a JSON body cut
// short, nothing of any other.
func (r *httpResponse) snippet() string { return outbound.Snippet(r.Header, r.Body) }

// unreadable is the detail of an answer that could not be understood.
func (r *httpResponse) unreadable() string { return outbound.Unreadable(r.Header, r.Body) }

// parseBaseURL validates a configured base URL.
func parseBaseURL(provider, field, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &ConfigError{Provider: provider, Field: field, Problem: "must be an http(s) URL"}
	}
	return u, nil
}

// noStatusDetail explains the failure of a message a provider left out of
// its answer.
const noStatusDetail = "provider returned no status for this recipient"
