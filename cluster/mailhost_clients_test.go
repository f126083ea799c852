package cluster_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// The mail clients of the tests: go-imap for IMAP, and small POP3 and
// submission clients over net/smtp and a line reader.

// imapInbox logs in with go-imap (dial opens the connection: STARTTLS,
// TLS or plain) and returns the subjects in INBOX.
func imapInbox(dial func() (*imapclient.Client, error), email, password string) ([]string, error) {
	c, err := dial()
	if err != nil {
		return nil, fmt.Errorf("imap dial: %w", err)
	}
	defer c.Close()
	if err := c.Login(email, password).Wait(); err != nil {
		return nil, fmt.Errorf("imap login %s: %w", email, err)
	}
	selected, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap select: %w", err)
	}
	var subjects []string
	if selected.NumMessages == 0 {
		_ = c.Logout().Wait()
		return subjects, nil
	}
	var all imap.SeqSet
	all.AddRange(1, selected.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap fetch: %w", err)
	}
	for _, m := range msgs {
		subjects = append(subjects, m.Envelope.Subject)
	}
	_ = c.Logout().Wait()
	return subjects, nil
}

// clientDeadline bounds a whole client session, so a server that stops
// answering fails the test instead of hanging it.
const clientDeadline = 30 * time.Second

// dialBounded connects with a deadline on the whole connection.
func dialBounded(addr string) (net.Conn, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(clientDeadline))
	return conn, nil
}

func (h *mailHost) dialIMAPStartTLS() (*imapclient.Client, error) {
	conn, err := dialBounded(h.imap)
	if err != nil {
		return nil, err
	}
	return imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: h.tls})
}

func (h *mailHost) dialIMAPS() (*imapclient.Client, error) {
	conn, err := dialBounded(h.imaps)
	if err != nil {
		return nil, err
	}
	return imapclient.New(tls.Client(conn, h.tls), nil), nil
}

// dialIMAPPlain connects without TLS (Dovecot directly, or nginx's
// test-only plain listener).
func dialIMAPPlain(addr string) (*imapclient.Client, error) {
	conn, err := dialBounded(addr)
	if err != nil {
		return nil, err
	}
	return imapclient.New(conn, nil), nil
}

// pop3Count logs in over POP3 (STLS first unless implicit TLS) and returns
// STAT's message count.
func pop3Count(addr string, tlsConfig *tls.Config, implicitTLS bool, email, password string) (int, error) {
	var conn net.Conn
	var err error
	if implicitTLS {
		conn, err = tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, tlsConfig)
	} else {
		conn, err = net.DialTimeout("tcp", addr, 5*time.Second)
	}
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(clientDeadline))
	r := bufio.NewReader(conn)
	cmd := func(line string) (string, error) {
		if line != "" {
			if _, err := fmt.Fprintf(conn, "%s\r\n", line); err != nil {
				return "", err
			}
		}
		reply, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(reply, "+OK") {
			return reply, fmt.Errorf("pop3 %q: %s", strings.Fields(line + " ")[0], strings.TrimSpace(reply))
		}
		return reply, nil
	}
	if _, err := cmd(""); err != nil {
		return 0, err
	}
	if !implicitTLS {
		if _, err := cmd("STLS"); err != nil {
			return 0, err
		}
		tc := tls.Client(conn, tlsConfig)
		conn, r = tc, bufio.NewReader(tc)
	}
	if _, err := cmd("USER " + email); err != nil {
		return 0, err
	}
	if _, err := cmd("PASS " + password); err != nil {
		return 0, err
	}
	stat, err := cmd("STAT")
	if err != nil {
		return 0, err
	}
	var n, size int
	if _, err := fmt.Sscanf(stat, "+OK %d %d", &n, &size); err != nil {
		return 0, fmt.Errorf("pop3 STAT %q: %w", stat, err)
	}
	_, _ = cmd("QUIT")
	return n, nil
}

// submit sends raw from email to rcpt over submission with STARTTLS and
// AUTH PLAIN.
func submit(addr string, tlsConfig *tls.Config, email, password, rcpt string, raw []byte) error {
	conn, err := dialBounded(addr)
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		return err
	}
	if err := c.StartTLS(tlsConfig); err != nil {
		return fmt.Errorf("starttls: %w", err)
	}
	if err := c.Auth(smtp.PlainAuth("", email, password, host)); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if err := c.Mail(email); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return c.Quit()
}

// askRouting asks one instance's routing listener directly, as nginx
// does, and returns the backend address it names.
func askRouting(routing, protocol, email, password string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, "http://"+routing+"/auth", nil)
	req.Header.Set("Auth-Method", "plain")
	req.Header.Set("Auth-Protocol", protocol)
	req.Header.Set("Auth-User", url.PathEscape(email))
	req.Header.Set("Auth-Pass", url.PathEscape(password))
	req.Header.Set("Client-IP", "192.0.2.1")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if status := resp.Header.Get("Auth-Status"); status != "OK" {
		return "", fmt.Errorf("routing %s: Auth-Status %q", routing, status)
	}
	return net.JoinHostPort(resp.Header.Get("Auth-Server"), resp.Header.Get("Auth-Port")), nil
}

func message(from, to, subject string) []byte {
	return []byte(fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%d@mailhost.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, time.Now().UnixNano(), subject))
}
