// Package cluster holds the cluster test, and nothing else: HAProxy (with
// deploy/haproxy.cfg) in front of three `webmail serve` processes on
// 127.0.0.2-4, sharing a MariaDB primary and replica, Redis, MinIO and
// Dovecot with Postfix, all real servers started by internal/testenv. A
// Go client drives a bounded load of signed-in users while the test kills,
// restarts and fails over the parts, and counts what the users saw.
package cluster
