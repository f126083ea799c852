package testenv

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DovecotPID returns the PID of the Dovecot master process, for benchmarks
// that measure Dovecot's CPU time.
func (m *Mail) DovecotPID(t testing.TB) int {
	t.Helper()
	p := m.server.dovecot.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		t.Fatal("testenv: dovecot is not running")
	}
	return p.cmd.Process.Pid
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; 100 on Linux.
const clockTicks = 100

// procStat is the part of /proc/<pid>/stat a CPU measurement needs.
type procStat struct {
	ppid                         int
	name                         string
	utime, stime, cutime, cstime int64
}

func readProcStat(pid int) (procStat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, false
	}
	s := string(b)
	open, closeParen := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closeParen < open {
		return procStat{}, false
	}
	fields := strings.Fields(s[closeParen+1:])
	// fields[0] is state (field 3); utime is field 14, so fields[11].
	if len(fields) < 15 {
		return procStat{}, false
	}
	num := func(i int) int64 { n, _ := strconv.ParseInt(fields[i], 10, 64); return n }
	return procStat{
		ppid: int(num(1)), name: s[open+1 : closeParen],
		utime: num(11), stime: num(12), cutime: num(13), cstime: num(14),
	}, true
}

// TreeCPU returns the CPU time (user + system) used so far by process pid
// and all its descendants, live or already reaped by their parents, and how
// many live descendants are named name (e.g. Dovecot's "imap" processes, one
// per IMAP connection). A process reaped by a parent that is not in the tree
// is lost to the count, which does not happen for a server's workers.
func TreeCPU(pid int, name string) (cpu time.Duration, named int) {
	children := map[int][]int{}
	stats := map[int]procStat{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readProcStat(n); ok {
			stats[n] = st
			children[st.ppid] = append(children[st.ppid], n)
		}
	}
	var ticks int64
	var walk func(int, bool)
	walk = func(p int, root bool) {
		st, ok := stats[p]
		if !ok {
			return
		}
		// cutime/cstime hold the children already reaped; live children
		// are added by the walk itself.
		ticks += st.utime + st.stime + st.cutime + st.cstime
		if !root && st.name == name {
			named++
		}
		for _, c := range children[p] {
			walk(c, false)
		}
	}
	walk(pid, true)
	return time.Duration(ticks) * time.Second / clockTicks, named
}
