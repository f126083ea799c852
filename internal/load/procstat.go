package load

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the kernel's USER_HZ, 100 on every Linux platform Go
// supports.
const clockTicks = 100

type procStat struct {
	ppid                         int
	utime, stime, cutime, cstime int64
	rssPages                     int64
}

func readProcStat(pid int) (procStat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, false
	}
	s := string(b)
	closeParen := strings.LastIndexByte(s, ')')
	if closeParen < 0 {
		return procStat{}, false
	}
	fields := strings.Fields(s[closeParen+1:])
	// fields[0] is the state (field 3 of stat); utime is field 14.
	if len(fields) < 22 {
		return procStat{}, false
	}
	num := func(i int) int64 { n, _ := strconv.ParseInt(fields[i], 10, 64); return n }
	return procStat{ppid: int(num(1)), utime: num(11), stime: num(12), cutime: num(13), cstime: num(14), rssPages: num(21)}, true
}

// TreeUsage is the CPU time used so far by a process and all its
// descendants (live, or reaped by a parent in the tree), and the resident
// memory of those alive now.
type TreeUsage struct {
	CPU   time.Duration
	RSS   int64 // bytes
	Procs int
}

// ReadTree sums TreeUsage over pid and its descendants; the zero value
// when pid is 0 or gone.
func ReadTree(pid int) TreeUsage {
	if pid <= 0 {
		return TreeUsage{}
	}
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
	var u TreeUsage
	var ticks int64
	var walk func(int)
	walk = func(p int) {
		st, ok := stats[p]
		if !ok {
			return
		}
		// cutime/cstime hold the children already reaped; live children
		// are added by the walk itself.
		ticks += st.utime + st.stime + st.cutime + st.cstime
		u.RSS += st.rssPages * int64(os.Getpagesize())
		u.Procs++
		for _, c := range children[p] {
			walk(c)
		}
	}
	walk(pid)
	u.CPU = time.Duration(ticks) * time.Second / clockTicks
	return u
}
