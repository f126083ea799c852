package metrics

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/attachments"
)

// timedAttachments times an attachment store's operations.
type timedAttachments struct {
	attachments.Store
	latency *prometheus.HistogramVec
}

// timedSweeper keeps the optional Sweeper ability of the store it wraps.
type timedSweeper struct {
	timedAttachments
	sweeper attachments.Sweeper
}

// AttachmentStore wraps st so that its operations are timed. A store that
// can Sweep still can through the wrapper.
func (m *Registry) AttachmentStore(st attachments.Store) attachments.Store {
	timed := timedAttachments{Store: st, latency: m.attachments}
	if sw, ok := st.(attachments.Sweeper); ok {
		return timedSweeper{timedAttachments: timed, sweeper: sw}
	}
	return timed
}

func (t timedAttachments) observe(op string, start time.Time, err error) {
	result := "ok"
	if err != nil && !errors.Is(err, attachments.ErrNotFound) {
		result = "error"
	}
	t.latency.WithLabelValues(op, result).Observe(time.Since(start).Seconds())
}

func (t timedAttachments) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	start := time.Now()
	err := t.Store.Put(ctx, key, r, size, contentType)
	t.observe("put", start, err)
	return err
}

func (t timedAttachments) Get(ctx context.Context, key string) (io.ReadCloser, attachments.Info, error) {
	start := time.Now()
	rc, info, err := t.Store.Get(ctx, key)
	t.observe("get", start, err)
	return rc, info, err
}

func (t timedAttachments) Stat(ctx context.Context, key string) (attachments.Info, error) {
	start := time.Now()
	info, err := t.Store.Stat(ctx, key)
	t.observe("stat", start, err)
	return info, err
}

func (t timedAttachments) Delete(ctx context.Context, key string) error {
	start := time.Now()
	err := t.Store.Delete(ctx, key)
	t.observe("delete", start, err)
	return err
}

func (t timedSweeper) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	return t.sweeper.Sweep(ctx, olderThan)
}
