package fakealiyun

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The V3 signature ("V3版本请求体&签名机制", ACS3-HMAC-SHA256), recomputed
// from the raw request:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//	                   CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
//	StringToSign     = "ACS3-HMAC-SHA256" \n Hex(SHA256(CanonicalRequest))
//	Signature        = Hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//
// The canonical query sorts the parameters by name and percent-encodes
// names and values per RFC 3986 (unreserved characters stay, everything
// else is %XX upper case). host, content-type when sent and every x-acs-*
// header must be signed.

var authorizationRE = regexp.MustCompile(`^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$`)

// maxClockSkew is how far x-acs-date may be from the server's clock.
const maxClockSkew = 15 * time.Minute

// checkSignature verifies the Authorization header, the date and the
// nonce.
func (c *call) checkSignature() bool {
	r := c.r
	m := authorizationRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return c.refuse(http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards.",
			"Authorization "+r.Header.Get("Authorization"))
	}
	keyID, signedHeaders, signature := m[1], m[2], m[3]
	if keyID != AccessKeyID {
		return c.refuse(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.", "access key "+keyID)
	}
	signed := strings.Split(signedHeaders, ";")
	if !slices.IsSorted(signed) {
		return c.refuse(http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards.", "SignedHeaders not sorted")
	}
	must := []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}
	for name := range r.Header {
		l := strings.ToLower(name)
		if strings.HasPrefix(l, "x-acs-") || l == "content-type" {
			must = append(must, l)
		}
	}
	for _, h := range must {
		if !slices.Contains(signed, h) {
			return c.refuse(http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards.", "header "+h+" not signed")
		}
	}
	date, err := time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	if err != nil {
		return c.refuse(http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.", "x-acs-date "+r.Header.Get("x-acs-date"))
	}
	if d := c.s.clock().Sub(date); d > maxClockSkew || d < -maxClockSkew {
		return c.refuse(http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", "x-acs-date "+r.Header.Get("x-acs-date"))
	}
	sum := sha256.Sum256(c.body)
	payloadHash := hex.EncodeToString(sum[:])
	if r.Header.Get("x-acs-content-sha256") != payloadHash {
		return c.refuse(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", "x-acs-content-sha256 is not the body's hash")
	}
	var headers strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	query, err := canonicalQuery(r.URL.RawQuery)
	if err != nil {
		return c.refuse(http.StatusBadRequest, "InvalidParameter", "The query string is not valid.", err.Error())
	}
	path := r.URL.EscapedPath()
	canonical := r.Method + "\n" + path + "\n" + query + "\n" + headers.String() + "\n" + signedHeaders + "\n" + payloadHash
	crHash := sha256.Sum256([]byte(canonical))
	stringToSign := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(AccessKeySecret))
	mac.Write([]byte(stringToSign))
	if want := hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(signature)) {
		return c.refuse(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.",
			"canonical request "+strings.ReplaceAll(canonical, "\n", `\n`))
	}
	nonce := r.Header.Get("x-acs-signature-nonce")
	s := c.s
	s.mu.Lock()
	reused := s.checkNonce && s.nonces[nonce]
	s.nonces[nonce] = true
	s.mu.Unlock()
	if reused {
		return c.refuse(http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.", "nonce "+nonce)
	}
	return true
}

// canonicalQuery rebuilds the canonical query string from a raw query.
func canonicalQuery(raw string) (string, error) {
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return "", err
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return "", err
		}
		pairs = append(pairs, pair{percent(dk), percent(dv)})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return strings.Compare(a.k, b.k) })
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&"), nil
}

// percent encodes s per RFC 3986, as the canonical query requires.
func percent(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
