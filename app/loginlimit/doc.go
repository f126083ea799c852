// Package loginlimit bounds failed logins without handing anyone a way to
// lock a user out: failures per username from one client network (or one
// known device) refuse that network for that user, failures per client
// address refuse that address, and failures per username from everywhere
// only slow down the attempts from devices the user has not signed in
// from. They are counted together by every instance in a store they
// share: Redis (RedisFailures, here) or SQL (store.DB implements
// FailureCounter).
//
// The Limiter counts an attempt before the mail server is asked, so that
// guesses sent in parallel cannot all pass the check before any of them is
// counted; a success takes its count back. When the counter cannot be
// reached, logins are allowed (and logged): locking everybody out while
// Redis restarts would be worse than a few unlimited minutes.
package loginlimit
