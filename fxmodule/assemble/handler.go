package assemble

import (
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// HandlerConfig returns the echomw configuration cfg describes: the paths
// (health.paths.*, "-" turning one off, the groups' paths), the profile
// (health.compat.*), the unavailable status code, the details policy and
// its token, and the service description. The metrics path, when served,
// is reserved in the route table.
func HandlerConfig(cfg *config.Config) echomw.Config {
	h := cfg.Health
	c := echomw.DefaultConfig()
	c.HealthPath = h.Paths.Health
	c.ReadyPath = h.Paths.Ready
	c.JobsPath = h.Paths.Jobs
	c.StatusPath = h.Paths.Status
	c.Groups = h.GroupPaths()
	c.Profile = echomw.Profile(h.Compat.Profile)
	c.MovedStatusPath = h.Compat.MovedStatusPath
	if h.Metrics.Enabled && h.Metrics.Path != config.Off {
		c.Reserved = []echomw.ReservedPath{{Path: h.Metrics.Path, Field: "health.metrics.path"}}
	}
	c.DisableAliases = !h.Paths.Aliases
	c.DisablePerCheckPaths = !h.Paths.PerCheck
	c.UnavailableStatusCode = h.UnavailableStatusCode
	c.Details = echomw.DetailsPolicy(h.Details)
	c.Token = h.Token
	c.Service = echomw.ServiceInfo{
		ID:          h.Service.ID,
		Version:     h.Service.Version,
		ReleaseID:   h.Service.ReleaseID,
		Description: h.Service.Description,
	}
	c.StatusPage = statuspage.New
	c.Status = statuspage.DefaultConfig()
	switch {
	case h.Status.Title != "":
		c.Status.Title = h.Status.Title
	case h.Service.Description != "":
		c.Status.Title = h.Service.Description
	case h.Service.ID != "":
		c.Status.Title = h.Service.ID
	}
	if h.Status.History > 0 {
		c.Status.History = h.Status.History
	}
	c.Status.Refresh = h.Status.Refresh
	return c
}
