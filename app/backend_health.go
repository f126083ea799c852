package app

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"time"
)

// BackendHealth is what one backend's services answered just now.
type BackendHealth struct {
	Backend string
	Checks  []ServiceCheck
	Healthy bool // every configured service greeted as it should
}

// ServiceCheck is one service of a backend: connected and greeted within
// healthTimeout, or the reason it did not.
type ServiceCheck struct {
	Service string // proxy_imap, proxy_pop3, proxy_submission, relay
	Addr    string
	OK      bool
	Error   string // safe to show an admin: no credentials involved
	Latency time.Duration
}

// healthTimeout bounds one service check.
const healthTimeout = 3 * time.Second

// BackendsHealth checks every service of every backend, in parallel: the
// addresses the front hosts use, each must greet like its protocol says.
func (a *App) BackendsHealth(ctx context.Context) ([]BackendHealth, error) {
	backends, err := a.Backends(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BackendHealth, len(backends))
	var wg sync.WaitGroup
	for i, b := range backends {
		out[i] = BackendHealth{Backend: b.Name, Healthy: true}
		for _, svc := range []struct{ name, addr, greeting string }{
			{"proxy_imap", b.ProxyIMAP, "* OK"}, {"proxy_pop3", b.ProxyPOP3, "+OK"},
			{"proxy_submission", b.ProxySubmission, "220"}, {"relay", b.Relay, "220"},
		} {
			if svc.addr == "" {
				continue
			}
			out[i].Checks = append(out[i].Checks, ServiceCheck{Service: svc.name, Addr: svc.addr})
			check := &out[i].Checks[len(out[i].Checks)-1]
			greeting := svc.greeting
			wg.Add(1)
			go func() {
				defer wg.Done()
				checkService(ctx, check, greeting)
			}()
		}
	}
	wg.Wait()
	for i := range out {
		for _, c := range out[i].Checks {
			out[i].Healthy = out[i].Healthy && c.OK
		}
	}
	return out, nil
}

// checkService connects and reads the greeting line.
func checkService(ctx context.Context, check *ServiceCheck, greeting string) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	began := time.Now()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", check.Addr)
	if err != nil {
		check.Error = "cannot connect"
		return
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	line, err := bufio.NewReader(conn).ReadString('\n')
	check.Latency = time.Since(began)
	switch {
	case err != nil:
		check.Error = "no greeting"
	case !strings.HasPrefix(line, greeting):
		check.Error = "unexpected greeting"
	default:
		check.OK = true
	}
}
