package mail

import (
	"context"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Quota is the storage quota of the user's mailbox (RFC 9208's STORAGE
// resource of INBOX's quota root), in bytes.
type Quota struct {
	Used  int64
	Limit int64 // 0: the server set no storage limit, or has no QUOTA
}

// Known reports whether the server told a storage limit: the only quota
// worth showing.
func (q Quota) Known() bool { return q.Limit > 0 }

// MailboxesWithQuota is Mailboxes, and the storage quota when the server
// has QUOTA. The GETQUOTAROOT is pipelined with the LIST: it costs no round
// trip of its own. A server refusing it gives an unknown quota, never an
// error: the folders matter, the quota is a courtesy.
func (c *Client) MailboxesWithQuota(ctx context.Context) ([]Mailbox, Quota, error) {
	return c.mailboxes(ctx, true, true)
}

// askQuota sends GETQUOTAROOT INBOX when the server has QUOTA, for
// quotaAnswer to read after the command it was pipelined with.
func (c *Client) askQuota(caps imap.CapSet) *imapclient.GetQuotaRootCommand {
	if !caps.Has(imap.CapQuota) {
		return nil
	}
	return c.imap.GetQuotaRoot("INBOX")
}

// quotaAnswer waits for GETQUOTAROOT and reads its storage resource
// (reported in units of 1024 octets).
func quotaAnswer(cmd *imapclient.GetQuotaRootCommand) Quota {
	if cmd == nil {
		return Quota{}
	}
	roots, err := cmd.Wait()
	if err != nil {
		return Quota{}
	}
	for _, root := range roots {
		if r, ok := root.Resources[imap.QuotaResourceStorage]; ok && r.Limit > 0 {
			return Quota{Used: r.Usage * 1024, Limit: r.Limit * 1024}
		}
	}
	return Quota{}
}
