package echomw

import (
	"fmt"

	"github.com/vitals-go/vitals/core/confkit"
)

// mountStatus builds the status page served at StatusPath with
// cfg.StatusPage (set whenever the path is). The page is
// given the handler's details decision (ShowDetails) unless cfg.Status has
// its own.
func (h *Handler) mountStatus(cfg Config) error {
	if h.set.status == "" {
		return nil
	}
	sc := cfg.Status
	if sc.ShowDetails == nil {
		sc.ShowDetails = h.ShowDetails
	}
	page, err := cfg.StatusPage(h.eng, sc)
	if err != nil {
		return fmt.Errorf("echomw: %w", confkit.Prefix("Status", err))
	}
	h.status = page
	return nil
}
