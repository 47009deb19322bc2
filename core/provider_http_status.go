package core

import "github.com/vitals-go/vitals/core/confkit"

// httpDefaultStatus is what a kubelet HTTP probe accepts: 200-399.
func httpDefaultStatus() confkit.StatusSet { return confkit.StatusSet{{Lo: 200, Hi: 399}} }
