package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// asset is one embedded static file, served under a name that carries a
// checksum of its content so it can be cached forever.
type asset struct {
	body  []byte
	gz    []byte // nil when compression does not pay
	ctype string
	etag  string
}

// assets maps logical names ("app.css") to checksummed URLs and serves them.
type assets struct {
	files map[string]*asset // by checksummed file name
	urls  map[string]string // logical name → URL
}

func loadAssets(fsys fs.FS) (*assets, error) {
	as := &assets{files: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hash + ext
		a := &asset{body: body, ctype: mime.TypeByExtension(ext), etag: `"` + hash + `"`}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		a.gz = compress(body)
		as.files[name] = a
		as.urls[p] = "/static/" + name
		return nil
	})
	return as, err
}

func compress(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body) //nolint:errcheck // writes to a bytes.Buffer do not fail
	zw.Close()
	if buf.Len() >= len(body)*9/10 {
		return nil
	}
	return buf.Bytes()
}

// URL returns the checksummed URL of a logical asset name, or "" when
// there is no such asset (the template test catches that).
func (as *assets) URL(name string) string { return as.urls[name] }

// ServeHTTP answers GET /static/{file}.
func (as *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := as.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	w.Write(body) //nolint:errcheck
}
