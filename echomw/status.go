package echomw

// mountStatus builds the status page handler for cfg.StatusPath.
func (h *Handler) mountStatus(cfg Config) error {
	_ = cfg
	return nil
}
