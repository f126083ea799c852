package testenv

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// sentinelMaster is the name the Sentinels monitor the primary under.
const sentinelMaster = "wmtest"

// failoverTimeout bounds how long KillPrimary waits for a new primary.
const failoverTimeout = 30 * time.Second

// RedisSentinel is a Redis primary with one replica, watched by three
// Sentinels with a quorum of two, shared by one test process. Clients
// connect through the Sentinels (go-redis NewFailoverClient with
// MasterName and SentinelAddrs).
type RedisSentinel struct {
	// MasterName is the name the Sentinels know the primary by.
	MasterName string
	// SentinelAddrs are the Sentinels' host:port addresses.
	SentinelAddrs []string

	set *sentinelSet
}

// sentinelSet is the running primary, replica and Sentinels.
type sentinelSet struct {
	dir       string
	mu        sync.Mutex // serialises KillPrimary; guards nodes
	nodes     []*redisServer
	sentinels []*process
	addrs     []string
}

// sharedSentinel is the set this process started, if any.
var sharedSentinel lazy[*sentinelSet]

// NewRedisSentinel returns the process's shared Sentinel-watched Redis,
// starting it on first use (about 2.5 s: the Sentinels must find each
// other before they can agree on a failover).
func NewRedisSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	set, err := sharedSentinel.get(startSentinelSet)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return &RedisSentinel{MasterName: sentinelMaster, SentinelAddrs: set.addrs, set: set}
}

// PrimaryAddr returns the address the Sentinels currently report for the
// primary.
func (r *RedisSentinel) PrimaryAddr(t testing.TB) string {
	t.Helper()
	addr, err := r.set.primaryAddr()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return addr
}

// KillPrimary kills the current primary with SIGKILL, as a crash would,
// and waits until the Sentinels have promoted the replica; it returns the
// new primary's address. The killed server is then started again, empty,
// on its old port as the new primary's replica, and KillPrimary returns
// once it has synchronised, so the set can fail over again. It takes about
// 2.5 s, longer when the previous failover began less than 6 s ago. Run
// client load in another goroutine to watch what the failover costs it.
func (r *RedisSentinel) KillPrimary(t testing.TB) string {
	t.Helper()
	s := r.set
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.primaryAddr()
	if err != nil {
		t.Fatalf("%v", err)
	}
	var victim *redisServer
	for _, n := range s.nodes {
		if n.addr == old {
			victim = n
		}
	}
	if victim == nil {
		t.Fatalf("testenv: sentinel: primary %s is none of this set's servers", old)
	}
	if err := victim.proc.kill(); err != nil {
		t.Fatalf("%v", err)
	}
	var promoted string
	err = waitFor(nil, "sentinel failover away from "+old, failoverTimeout, func() error {
		addr, err := s.primaryAddr()
		if err != nil {
			return err
		}
		if addr == old {
			return fmt.Errorf("%w: sentinels still report %s", errNotReady, old)
		}
		role, err := redisCommand(addr, "ROLE")
		if err != nil {
			return err
		}
		if !strings.HasPrefix(role, "master") {
			return fmt.Errorf("%w: %s is %q", errNotReady, addr, role)
		}
		promoted = addr
		return nil
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, s.logTails())
	}
	if err := victim.startAndWait(); err != nil {
		t.Fatalf("%v", err)
	}
	// The Sentinels would make it a replica too, but only after seeing it
	// claim to be a primary for 8 s.
	host, port, _ := net.SplitHostPort(promoted)
	if _, err := redisCommand(victim.addr, "REPLICAOF", host, port); err != nil {
		t.Fatalf("testenv: sentinel: REPLICAOF on restarted %s: %v", victim.addr, err)
	}
	if err := waitReplicaLinked(victim); err != nil {
		t.Fatalf("%v\n%s", err, s.logTails())
	}
	return promoted
}

// waitReplicaLinked waits until a server replicates from a primary with
// its link up. Sentinels elect only replicas with a recent link.
func waitReplicaLinked(replica *redisServer) error {
	return waitFor(replica.proc, "redis replica "+replica.addr+" link", failoverTimeout, func() error {
		info, err := redisCommand(replica.addr, "INFO", "replication")
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:slave") || !strings.Contains(info, "master_link_status:up") {
			return fmt.Errorf("%w: replica link not up", errNotReady)
		}
		return nil
	})
}

// primaryAddr asks the Sentinels, in turn, for the primary's address.
func (s *sentinelSet) primaryAddr() (string, error) {
	var last error
	for _, addr := range s.addrs {
		reply, err := redisCommand(addr, "SENTINEL", "get-master-addr-by-name", sentinelMaster)
		if err != nil {
			last = err
			continue
		}
		host, port, ok := strings.Cut(reply, "\n")
		if !ok {
			last = fmt.Errorf("testenv: sentinel %s: unexpected reply %q", addr, reply)
			continue
		}
		return net.JoinHostPort(host, port), nil
	}
	return "", fmt.Errorf("testenv: sentinel: no sentinel answered: %w", last)
}

// logTails collects the logs of every process in the set.
func (s *sentinelSet) logTails() string {
	var b strings.Builder
	for _, n := range s.nodes {
		b.WriteString(n.proc.logTail())
	}
	for _, p := range s.sentinels {
		b.WriteString(p.logTail())
	}
	return b.String()
}

// startSentinelSet starts the primary, then the replica, waits until it is
// linked, and only then starts the Sentinels: Sentinels started earlier
// take about 10 s to notice the replica.
func startSentinelSet() (*sentinelSet, error) {
	sentinelBin, err := findBinary("redis-sentinel", "redis-sentinel")
	if err != nil {
		return nil, err
	}
	dir, err := newDir("sentinel")
	if err != nil {
		return nil, err
	}
	s := &sentinelSet{dir: dir}
	primary, err := startRedisServer(dir, "primary", nil)
	if err != nil {
		return nil, err
	}
	replica, err := startRedisServer(dir, "replica", []string{"--replicaof", "127.0.0.1", strconv.Itoa(primary.port)})
	if err != nil {
		return nil, err
	}
	s.nodes = []*redisServer{primary, replica}
	if err := waitReplicaLinked(replica); err != nil {
		return nil, err
	}

	for i := range 3 {
		name := fmt.Sprintf("sentinel%d", i+1)
		err := retryStart(name, func() error {
			p, addr, err := startSentinel(dir, name, sentinelBin, primary.port)
			if err != nil {
				return err
			}
			s.sentinels = append(s.sentinels, p)
			s.addrs = append(s.addrs, addr)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Ready for a failover once every Sentinel knows the replica and the
	// two other Sentinels (they meet through hello messages every 2 s).
	for i, addr := range s.addrs {
		err := waitFor(s.sentinels[i], "sentinel "+addr+" discovery", startTimeout, func() error {
			reply, err := redisCommand(addr, "SENTINEL", "master", sentinelMaster)
			if err != nil {
				return err
			}
			fields := strings.Split(reply, "\n")
			info := map[string]string{}
			for j := 0; j+1 < len(fields); j += 2 {
				info[fields[j]] = fields[j+1]
			}
			if info["num-slaves"] != "1" || info["num-other-sentinels"] != "2" {
				return fmt.Errorf("%w: %s knows %s replicas and %s other sentinels",
					errNotReady, addr, info["num-slaves"], info["num-other-sentinels"])
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// sentinelConfig is a Sentinel's configuration file, which it rewrites as
// it learns; each start writes a fresh one. A primary is declared down
// after 1 s without answers. A Sentinel waits twice the failover timeout
// before it fails the same set over again: 3 s keeps a second KillPrimary
// in one test from waiting 20 s.
const sentinelConfig = `# Generated by internal/testenv.
port %[1]d
bind 127.0.0.1
dir %[2]s
logfile %[2]s/%[3]s.log
pidfile %[2]s/%[3]s.pid
sentinel monitor %[4]s 127.0.0.1 %[5]d 2
sentinel down-after-milliseconds %[4]s 1000
sentinel failover-timeout %[4]s 3000
sentinel parallel-syncs %[4]s 1
`

// startSentinel starts one Sentinel on a free port and waits for PING.
func startSentinel(dir, name, bin string, primaryPort int) (*process, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	conf := filepath.Join(dir, name+".conf")
	text := fmt.Sprintf(sentinelConfig, port, dir, name, sentinelMaster, primaryPort)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return nil, "", fmt.Errorf("testenv: sentinel: %w", err)
	}
	p := newProcess(name, dir, bin, []string{conf}, nil, filepath.Join(dir, name+".log"))
	if err := p.start(); err != nil {
		return nil, "", err
	}
	err = waitFor(p, name+" on "+addr, startTimeout, func() error {
		reply, err := redisCommand(addr, "PING")
		if err == nil && reply != "PONG" {
			err = fmt.Errorf("%w: PING answered %q", errNotReady, reply)
		}
		return err
	})
	if err != nil {
		_ = p.kill()
		return nil, "", err
	}
	return p, addr, nil
}
