// Package client asks a running Vitals instance over HTTP: is it healthy
// (Check: the status of /health, /ready or /ready/NAME, with the body),
// and does an instance already hold an address (Running). It is what the
// vitals command's "check" and "running" run, for programs that need the
// same answers without the command: the axway seed's CheckIsRunning
// (Running), QueryForStatus and GetHealthcheckOutput (Check).
//
// It uses the standard library only. Requests go straight to the target:
// no proxy, no redirect followed (a redirect is an answer, not health),
// no keep-alive; a body is read up to Client.MaxBody bytes.
package client
