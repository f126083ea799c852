package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	// The driver the application uses, so the DSNs are known to work.
	_ "github.com/go-sql-driver/mysql"
)

// replicationTimeout bounds WaitReplicated.
const replicationTimeout = 10 * time.Second

// MariaDB is a fresh database on the shared MariaDB primary, replicated by
// GTID to the shared replica. The user in the DSNs owns the database and
// nothing else; on the replica, read_only refuses its writes.
type MariaDB struct {
	// PrimaryDSN is a go-sql-driver/mysql DSN for the database on the
	// primary, with parseTime and multiStatements on.
	PrimaryDSN string
	// ReplicaDSN is the same database and user on the replica.
	ReplicaDSN string
	// Database is the name of the fresh database.
	Database string
	// User and Password are the application's credentials.
	User, Password string
	// PrimaryAddr and ReplicaAddr are the servers' host:port.
	PrimaryAddr, ReplicaAddr string

	pair *mariadbPair
}

// mariadbPair is the primary and the replica shared by one test process.
type mariadbPair struct {
	primary, replica *mysqlServer
	replPassword     string
	databases        atomic.Int64

	// mu serialises stopping and starting, which replace the root pools.
	mu          sync.Mutex
	rootPrimary *sql.DB
	rootReplica *sql.DB
}

// mysqlServer is one mariadbd with its port, socket and data directory.
type mysqlServer struct {
	proc    *process
	dir     string
	port    int
	socket  string
	datadir string
}

// sharedMariaDB is the pair this process started, if any.
var sharedMariaDB lazy[*mariadbPair]

// NewMariaDB returns a fresh database with its own user on the shared
// primary, and waits until the database and user exist on the replica. The
// first call starts the primary and the replica (1-2 s); later calls take a
// few milliseconds.
func NewMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	pair, err := sharedMariaDB.get(startMariaDBPair)
	if err != nil {
		t.Fatalf("%v", err)
	}
	n := pair.databases.Add(1)
	name := fmt.Sprintf("wmtest_%d_%s", n, randomHex(3))
	m := &MariaDB{
		Database:    name,
		User:        name,
		Password:    randomHex(12),
		PrimaryAddr: fmt.Sprintf("127.0.0.1:%d", pair.primary.port),
		ReplicaAddr: fmt.Sprintf("127.0.0.1:%d", pair.replica.port),
		pair:        pair,
	}
	m.PrimaryDSN = appDSN(m.User, m.Password, m.PrimaryAddr, name)
	m.ReplicaDSN = appDSN(m.User, m.Password, m.ReplicaAddr, name)

	// '%' rather than '127.0.0.1': a test may connect from another
	// loopback address; --skip-name-resolve makes '%' match by IP only.
	stmts := []string{
		"CREATE DATABASE `" + name + "`",
		"CREATE USER '" + name + "'@'%' IDENTIFIED BY '" + m.Password + "'",
		"GRANT ALL ON `" + name + "`.* TO '" + name + "'@'%'",
	}
	primary := pair.primaryDB()
	for _, stmt := range stmts {
		if _, err := primary.Exec(stmt); err != nil {
			t.Fatalf("testenv: mariadb: %s: %v", stmt, err)
		}
	}
	m.WaitReplicated(t)
	for _, dsn := range []string{m.PrimaryDSN, m.ReplicaDSN} {
		if err := pingDSN(dsn); err != nil {
			t.Fatalf("testenv: mariadb: app user cannot connect: %v\n%s", err, pair.replica.proc.logTail())
		}
	}
	return m
}

// appDSN builds the DSN the application would be configured with.
func appDSN(user, password, addr, database string) string {
	return fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true&multiStatements=true", user, password, addr, database)
}

// RootPrimaryDSN returns a DSN for root on the primary over its unix socket,
// for tests that need to do what the application user may not.
func (m *MariaDB) RootPrimaryDSN() string {
	return rootDSN(m.pair.primary.socket)
}

// RootReplicaDSN returns a DSN for root on the replica over its unix socket.
func (m *MariaDB) RootReplicaDSN() string {
	return rootDSN(m.pair.replica.socket)
}

// rootDSN is root over a unix socket; MariaDB authenticates root by the
// socket peer's uid, so no password exists to leak.
func rootDSN(socket string) string {
	return "root@unix(" + socket + ")/?parseTime=true&multiStatements=true"
}

// WaitReplicated blocks until the replica has applied every transaction the
// primary has logged so far, and fails the test after 10 s.
func (m *MariaDB) WaitReplicated(t testing.TB) {
	t.Helper()
	if err := m.pair.waitReplicated(); err != nil {
		t.Fatalf("%v", err)
	}
}

// StopReplica stops the replica server process; its port then refuses
// connections. The replica is shared by the whole test process: a test that
// stops it must not run in parallel with tests that read from it.
func (m *MariaDB) StopReplica(t testing.TB) {
	t.Helper()
	m.pair.mu.Lock()
	defer m.pair.mu.Unlock()
	// Closed while the server still answers: closing idle connections
	// to a stopped server makes the driver log broken pipes.
	m.pair.rootReplica.Close()
	if err := m.pair.replica.proc.stop(); err != nil {
		t.Fatalf("%v", err)
	}
}

// StartReplica starts the replica again on the same port and data directory
// and resumes replication where it stopped.
func (m *MariaDB) StartReplica(t testing.TB) {
	t.Helper()
	m.pair.mu.Lock()
	defer m.pair.mu.Unlock()
	if err := m.pair.restartReplica(); err != nil {
		t.Fatalf("%v", err)
	}
}

// StopPrimary stops the primary server process. Like StopReplica, it
// affects every test of the process.
func (m *MariaDB) StopPrimary(t testing.TB) {
	t.Helper()
	m.pair.mu.Lock()
	defer m.pair.mu.Unlock()
	m.pair.rootPrimary.Close()
	if err := m.pair.primary.proc.stop(); err != nil {
		t.Fatalf("%v", err)
	}
}

// StartPrimary starts the primary again on the same port and data
// directory; the replica reconnects by itself within a second or two.
func (m *MariaDB) StartPrimary(t testing.TB) {
	t.Helper()
	m.pair.mu.Lock()
	defer m.pair.mu.Unlock()
	if err := m.pair.primary.startAndWait(); err != nil {
		t.Fatalf("%v", err)
	}
	db, err := openRoot(m.pair.primary.socket)
	if err != nil {
		t.Fatalf("%v", err)
	}
	m.pair.rootPrimary = db
}

// primaryDB returns the root pool on the primary.
func (p *mariadbPair) primaryDB() *sql.DB {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rootPrimary
}

// replicaDB returns the root pool on the replica.
func (p *mariadbPair) replicaDB() *sql.DB {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rootReplica
}

// waitReplicated waits with MASTER_GTID_WAIT for the primary's binlog
// position.
func (p *mariadbPair) waitReplicated() error {
	var pos string
	if err := p.primaryDB().QueryRow("SELECT @@GLOBAL.gtid_binlog_pos").Scan(&pos); err != nil {
		return fmt.Errorf("testenv: mariadb: primary gtid_binlog_pos: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), replicationTimeout+5*time.Second)
	defer cancel()
	var result sql.NullInt64
	err := p.replicaDB().QueryRowContext(ctx, "SELECT MASTER_GTID_WAIT(?, ?)", pos, replicationTimeout.Seconds()).Scan(&result)
	if err != nil {
		return fmt.Errorf("testenv: mariadb: MASTER_GTID_WAIT(%q): %w", pos, err)
	}
	if !result.Valid || result.Int64 != 0 {
		return fmt.Errorf("testenv: mariadb: replica did not reach %q within %s: %s\n%s",
			pos, replicationTimeout, p.replicaStatus(), p.replica.proc.logTail())
	}
	return nil
}

// replicaStatus summarises SHOW SLAVE STATUS for failure messages.
func (p *mariadbPair) replicaStatus() string {
	rows, err := p.replicaDB().Query("SHOW SLAVE STATUS")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || !rows.Next() {
		return "replication not configured"
	}
	values := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return err.Error()
	}
	status := ""
	for i, c := range cols {
		switch c {
		case "Slave_IO_Running", "Slave_SQL_Running", "Last_IO_Error", "Last_SQL_Error", "Gtid_IO_Pos":
			status += fmt.Sprintf("%s=%q ", c, values[i].String)
		}
	}
	return status
}

// restartReplica starts the replica process again and restarts replication;
// --skip-slave-start keeps it from doing so on its own.
func (p *mariadbPair) restartReplica() error {
	if err := p.replica.startAndWait(); err != nil {
		return err
	}
	db, err := openRoot(p.replica.socket)
	if err != nil {
		return err
	}
	if _, err := db.Exec("START SLAVE"); err != nil {
		db.Close()
		return fmt.Errorf("testenv: mariadb replica: START SLAVE: %w", err)
	}
	p.rootReplica = db
	return nil
}

// startMariaDBPair creates, starts and links the primary and the replica.
func startMariaDBPair() (*mariadbPair, error) {
	mariadbd, err := findBinary("mariadbd", "mariadb-server")
	if err != nil {
		return nil, err
	}
	installDB, err := findBinary("mariadb-install-db", "mariadb-server")
	if err != nil {
		return nil, err
	}
	dir, err := newDir("mariadb")
	if err != nil {
		return nil, err
	}
	pair := &mariadbPair{replPassword: randomHex(12)}
	common := []string{
		"--bind-address=127.0.0.1", "--skip-name-resolve",
		"--binlog-format=ROW", "--log-slave-updates", "--gtid-strict-mode=1",
		"--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0",
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
		"--max-connections=500", "--performance-schema=OFF",
	}
	primaryFlags := append([]string{"--server-id=1", "--log-bin=mysql-bin"}, common...)
	replicaFlags := append([]string{"--server-id=2", "--log-bin=mysql-bin", "--read-only=1",
		"--relay-log=relay-bin", "--skip-slave-start"}, common...)

	// Both servers are initialised and started at the same time: it
	// halves the start-up on a 2-core machine.
	var wg sync.WaitGroup
	var primaryErr, replicaErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		pair.primary, primaryErr = newMySQLServer(dir, "primary", mariadbd, installDB, primaryFlags)
	}()
	go func() {
		defer wg.Done()
		pair.replica, replicaErr = newMySQLServer(dir, "replica", mariadbd, installDB, replicaFlags)
	}()
	wg.Wait()
	if err := errors.Join(primaryErr, replicaErr); err != nil {
		return nil, err
	}
	if pair.rootPrimary, err = openRoot(pair.primary.socket); err != nil {
		return nil, err
	}
	if pair.rootReplica, err = openRoot(pair.replica.socket); err != nil {
		return nil, err
	}
	atExit(func() {
		pair.rootPrimary.Close()
		pair.rootReplica.Close()
	})

	setupPrimary := []string{
		"CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '" + pair.replPassword + "'",
		"GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'",
	}
	for _, stmt := range setupPrimary {
		if _, err := pair.rootPrimary.Exec(stmt); err != nil {
			return nil, fmt.Errorf("testenv: mariadb primary: %s: %w", stmt, err)
		}
	}
	// An empty gtid_slave_pos replays the primary's whole binlog, so users
	// and databases created later on the primary appear on the replica.
	setupReplica := []string{
		"SET GLOBAL gtid_slave_pos = ''",
		fmt.Sprintf("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%d, MASTER_USER='repl', "+
			"MASTER_PASSWORD='%s', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
			pair.primary.port, pair.replPassword),
		"START SLAVE",
	}
	for _, stmt := range setupReplica {
		if _, err := pair.rootReplica.Exec(stmt); err != nil {
			return nil, fmt.Errorf("testenv: mariadb replica: %s: %w", stmt, err)
		}
	}
	if err := pair.waitReplicated(); err != nil {
		return nil, err
	}
	fmt.Printf("testenv: started mariadb GTID replication primary :%d -> replica :%d\n", pair.primary.port, pair.replica.port)
	return pair, nil
}

// newMySQLServer initialises a data directory and starts mariadbd on a free
// port, retrying on another port if the chosen one was taken.
func newMySQLServer(parent, name, mariadbd, installDB string, flags []string) (*mysqlServer, error) {
	dir := filepath.Join(parent, name)
	s := &mysqlServer{
		dir:     dir,
		socket:  filepath.Join(dir, "sock"),
		datadir: filepath.Join(dir, "data"),
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, fmt.Errorf("testenv: mariadb %s: %w", name, err)
	}
	// A private tmpdir: with the shared /tmp, two bootstraps running at
	// once failed with "Unknown table 'mysql.tmp_user_sys'".
	installArgs := append([]string{"--no-defaults"}, asUser()...)
	installArgs = append(installArgs, "--datadir="+s.datadir, "--tmpdir="+filepath.Join(dir, "tmp"),
		"--auth-root-authentication-method=socket", "--skip-test-db")
	if out, err := exec.Command(installDB, installArgs...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("testenv: mariadb %s: mariadb-install-db: %w\n%s", name, err, out)
	}
	errorLog := filepath.Join(dir, "error.log")
	err := retryStart("mariadb "+name, func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.port = port
		// --no-defaults must come first, or the package's my.cnf is
		// read.
		args := append([]string{"--no-defaults"}, asUser()...)
		args = append(args,
			"--datadir="+s.datadir, "--socket="+s.socket,
			"--pid-file="+filepath.Join(dir, "pid"), "--tmpdir="+filepath.Join(dir, "tmp"),
			"--port="+strconv.Itoa(port), "--log-error="+errorLog)
		args = append(args, flags...)
		s.proc = newProcess("mariadb-"+name, dir, mariadbd, args, nil, errorLog)
		if err := s.startAndWait(); err != nil {
			_ = s.proc.kill()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// asUser returns --user=root when running as root, which mariadbd
// otherwise refuses to do.
func asUser() []string {
	if os.Geteuid() == 0 {
		return []string{"--user=root"}
	}
	return nil
}

// startAndWait starts mariadbd and waits until root can query it.
func (s *mysqlServer) startAndWait() error {
	if err := s.proc.start(); err != nil {
		return err
	}
	what := fmt.Sprintf("mariadb on port %d", s.port)
	// Wait for the handshake on the TCP port first: pinging a server
	// that is still starting makes the driver log broken pipes.
	err := waitFor(s.proc, what, startTimeout, func() error {
		return mysqlGreeting(fmt.Sprintf("127.0.0.1:%d", s.port))
	})
	if err != nil {
		return err
	}
	return waitFor(s.proc, what, startTimeout, func() error {
		return pingDSN(rootDSN(s.socket))
	})
}

// mysqlGreeting checks that the server at addr sends its first packet,
// which it does only once it accepts connections.
func mysqlGreeting(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	header := make([]byte, 5) // 3 bytes length, 1 sequence, 1 protocol
	if _, err := io.ReadFull(conn, header); err != nil {
		return err
	}
	// 10 is the handshake; 0xff an error packet such as "host not
	// allowed" (1130), sent while no user exists for 127.0.0.1. Either
	// way the server is accepting connections.
	if header[4] != 10 && header[4] != 0xff {
		return fmt.Errorf("%w: %s sent packet type %#x", errNotReady, addr, header[4])
	}
	return nil
}

// openRoot opens a root pool on a server's unix socket.
func openRoot(socket string) (*sql.DB, error) {
	db, err := sql.Open("mysql", rootDSN(socket))
	if err != nil {
		return nil, fmt.Errorf("testenv: mariadb: %w", err)
	}
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("testenv: mariadb: %s: %w", socket, err)
	}
	return db, nil
}

// pingDSN opens a DSN, pings it and closes it again.
func pingDSN(dsn string) error {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}
