package echomw

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
)

// wantsText reports whether the Accept header values prefer text/plain to
// JSON. JSON wins ties and is the answer when there is no Accept header.
// It does not allocate.
func wantsText(accept []string) bool {
	if len(accept) == 0 {
		return false
	}
	// Best match per offer: specificity (3 exact, 2 type/*, 1 */*) then q.
	var jsonSpec, textSpec int
	var jsonQ, textQ float64
	for _, header := range accept {
		for header != "" {
			var part string
			part, header, _ = strings.Cut(header, ",")
			media, params, _ := strings.Cut(part, ";")
			media = strings.TrimSpace(media)
			q := quality(params)
			js := specificity(media, "application/*", mediaHealthJSON, mediaJSON)
			ts := specificity(media, "text/*", "text/plain")
			if js > jsonSpec {
				jsonSpec, jsonQ = js, q
			}
			if ts > textSpec {
				textSpec, textQ = ts, q
			}
		}
	}
	return textSpec > 0 && textQ > 0 && (jsonSpec == 0 || textQ > jsonQ)
}

// specificity ranks how closely the media range matches an offer: 3 one
// of the exact types, 2 the family's wildcard (family is "application/*"
// or "text/*"), 1 "*/*", 0 no match.
func specificity(media, family string, exact ...string) int {
	for _, x := range exact {
		if strings.EqualFold(media, x) {
			return 3
		}
	}
	switch {
	case strings.EqualFold(media, family):
		return 2
	case media == "*/*":
		return 1
	}
	return 0
}

// quality returns the q parameter of a media range's parameters (1 when
// absent or malformed).
func quality(params string) float64 {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 1
		}
		return q
	}
	return 1
}

// ShowDetails reports whether r may see check messages and details under
// the configured DetailsPolicy: always, never, or when r carries
// "Authorization: Bearer <Token>" or Authorizer returns true. The status
// page is given this decision.
func (h *Handler) ShowDetails(r *http.Request) bool {
	switch h.set.details {
	case DetailsAlways:
		return true
	case DetailsNever:
		return false
	}
	if h.set.hasToken {
		for _, v := range r.Header["Authorization"] {
			scheme, token, ok := strings.Cut(strings.TrimSpace(v), " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				continue
			}
			// Comparing digests keeps the time independent of the token's
			// length as well as of its content.
			sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
			if subtle.ConstantTimeCompare(sum[:], h.set.tokenSum[:]) == 1 {
				return true
			}
		}
	}
	return h.set.authorizer != nil && h.set.authorizer(r)
}
