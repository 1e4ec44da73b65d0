package web

import (
	"io"
	"mime"
	"net/http"
)

// download answers a file the user downloads (an export) of type ctype,
// named filename, written by write. An error before the first byte is an
// error page; after it, too late for one, the download ends short and the
// error is logged under what.
func (h *handler) download(w http.ResponseWriter, r *http.Request, ctype, filename, what string, write func(io.Writer) error) {
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	cw := &countingWriter{w: w}
	err := write(cw)
	if err == nil {
		return
	}
	if cw.n == 0 {
		hdr.Del("Content-Type")
		hdr.Del("Content-Disposition")
		h.fail(w, r, err)
		return
	}
	h.app.Log.Error(what, "err", err)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
