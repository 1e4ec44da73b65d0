package faketencent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The TC3-HMAC-SHA256 signature ("签名方法 v3"), recomputed from the raw
// request:
//
//	CanonicalRequest = Method \n "/" \n CanonicalQueryString \n
//	                   CanonicalHeaders \n SignedHeaders \n Hex(SHA256(payload))
//	StringToSign     = "TC3-HMAC-SHA256" \n X-TC-Timestamp \n
//	                   Date/sms/tc3_request \n Hex(SHA256(CanonicalRequest))
//	SecretSigning    = HMAC(HMAC(HMAC("TC3"+SecretKey, Date), "sms"), "tc3_request")
//	Signature        = Hex(HMAC(SecretSigning, StringToSign))
//
// CanonicalHeaders are the signed headers as lower-case name ":" lower-case
// trimmed value "\n"; content-type and host must be signed. Date is the
// UTC date of X-TC-Timestamp.

var authorizationRE = regexp.MustCompile(`^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

// maxClockSkew is how far X-TC-Timestamp may be from the server's clock.
const maxClockSkew = 5 * time.Minute

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// checkSignature verifies X-TC-Timestamp and the Authorization header.
func (c *call) checkSignature() bool {
	r := c.r
	rawTS := r.Header.Get("X-TC-Timestamp")
	if rawTS == "" {
		return c.refuse("MissingParameter", "The request is missing a required parameter `Timestamp`.", "no X-TC-Timestamp")
	}
	ts, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return c.refuse("InvalidParameter", "The parameter `Timestamp` is not a UNIX timestamp.", "X-TC-Timestamp "+rawTS)
	}
	if d := c.s.clock().Sub(time.Unix(ts, 0)); d > maxClockSkew || d < -maxClockSkew {
		return c.refuse("AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than 5 minutes.", "X-TC-Timestamp "+rawTS)
	}
	m := authorizationRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return c.refuse("AuthFailure.InvalidAuthorization", "The Authorization header does not conform to Tencent Cloud standards.",
			"Authorization "+r.Header.Get("Authorization"))
	}
	id, date, service, signedHeaders, signature := m[1], m[2], m[3], m[4], m[5]
	if id != SecretID {
		return c.refuse("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.", "SecretId "+id)
	}
	signed := strings.Split(signedHeaders, ";")
	if !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") {
		return c.refuse("AuthFailure.InvalidAuthorization", "content-type and host must be signed.", "SignedHeaders "+signedHeaders)
	}
	if want := time.Unix(ts, 0).UTC().Format("2006-01-02"); date != want || service != "sms" {
		return c.refuse("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.",
			"credential scope "+date+"/"+service+", want "+want+"/sms")
	}
	var headers strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	payload := sha256.Sum256(c.body)
	canonical := r.Method + "\n/\n" + r.URL.RawQuery + "\n" + headers.String() + "\n" + signedHeaders + "\n" + hex.EncodeToString(payload[:])
	crHash := sha256.Sum256([]byte(canonical))
	stringToSign := "TC3-HMAC-SHA256\n" + rawTS + "\n" + date + "/sms/tc3_request\n" + hex.EncodeToString(crHash[:])
	key := hmacSHA256(hmacSHA256(hmacSHA256([]byte("TC3"+SecretKey), date), "sms"), "tc3_request")
	if want := hex.EncodeToString(hmacSHA256(key, stringToSign)); !hmac.Equal([]byte(want), []byte(signature)) {
		return c.refuse("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.",
			"canonical request "+strings.ReplaceAll(canonical, "\n", `\n`))
	}
	return true
}
