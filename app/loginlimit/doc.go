// Package loginlimit bounds failed logins per username and per client
// address, counted together by every instance in a store they share: Redis
// (RedisFailures, here) or SQL (store.DB implements FailureCounter).
//
// The Limiter counts an attempt before the mail server is asked, so that
// guesses sent in parallel cannot all pass the check before any of them is
// counted; a success takes its count back. When the counter cannot be
// reached, logins are allowed (and logged): locking everybody out while
// Redis restarts would be worse than a few unlimited minutes.
package loginlimit
