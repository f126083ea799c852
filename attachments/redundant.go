package attachments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

func init() {
	Register("redundant", openRedundant)
}

// Redundant is the "redundant" backend: it writes every object to several
// member stores and reads from the first member that has it, so losing one
// member loses no uploads (after Roundcube's redundant_attachments plugin).
//
// Put streams the input to all members at once (memory stays bounded: one
// pipe per member) and fails unless every member accepted the object; a
// failed Put may have replaced the object in some members and not others,
// each member still holding one complete version. Get and Stat try the
// members in order and fall through on any error, so a member that is down
// or missing the key is skipped. Delete deletes from all. Ping requires every
// member, since Put does.
//
// Settings: "backends" is a comma-separated list of members, each either a
// backend name ("s3") or "label:backend" ("b:fs") to use one backend twice. A
// member's settings are the settings whose names start with its label (the
// backend name if it has none) and an underscore, with that prefix removed:
// WEBMAIL_ATTACHMENTS_S3_BUCKET gives the s3 member its "bucket", and
// WEBMAIL_ATTACHMENTS_B_DIR the member "b:fs" its "dir". DataDir, DB and
// Dialect are passed on unchanged.
type Redundant struct {
	members []Store
	labels  []string
}

var _ Store = (*Redundant)(nil)
var _ Sweeper = (*Redundant)(nil)

// openRedundant is the Factory of the "redundant" backend.
func openRedundant(ctx context.Context, cfg Config) (Store, error) {
	list := cfg.setting("backends", "")
	if list == "" {
		return nil, errors.New("attachments: redundant: setting backends is required")
	}
	var (
		members []Store
		labels  []string
	)
	for entry := range strings.SplitSeq(list, ",") {
		entry = strings.TrimSpace(entry)
		label, backend, ok := strings.Cut(entry, ":")
		if !ok {
			backend = label
		}
		if label == "" || backend == "" || backend == "redundant" {
			return nil, fmt.Errorf("attachments: redundant: bad member %q in setting backends", entry)
		}
		sub := cfg
		sub.Settings = map[string]string{}
		for name, value := range cfg.Settings {
			if rest, ok := strings.CutPrefix(name, label+"_"); ok {
				sub.Settings[rest] = value
			}
		}
		member, err := Open(ctx, backend, sub)
		if err != nil {
			return nil, fmt.Errorf("attachments: redundant: member %q: %w", label, err)
		}
		members = append(members, member)
		labels = append(labels, label)
	}
	return NewRedundant(members, labels)
}

// NewRedundant returns a Redundant store over members, in read order. labels
// name the members in errors; it may be nil.
func NewRedundant(members []Store, labels []string) (*Redundant, error) {
	if len(members) == 0 {
		return nil, errors.New("attachments: redundant: no members")
	}
	if labels == nil {
		for i := range members {
			labels = append(labels, fmt.Sprintf("#%d", i+1))
		}
	}
	if len(labels) != len(members) {
		return nil, errors.New("attachments: redundant: one label per member needed")
	}
	return &Redundant{members: members, labels: labels}, nil
}

// Put implements Store.
func (s *Redundant) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	contentType, err := checkPut(key, size, contentType)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	writers := make([]io.Writer, len(s.members))
	pipes := make([]*io.PipeWriter, len(s.members))
	errs := make([]error, len(s.members))
	var wg sync.WaitGroup
	for i, member := range s.members {
		pr, pw := io.Pipe()
		writers[i], pipes[i] = pw, pw
		wg.Go(func() {
			err := member.Put(ctx, key, pr, size, contentType)
			if err != nil {
				errs[i] = fmt.Errorf("member %s: %w", s.labels[i], err)
				cancel() // the others must not finish without this one
			}
			// Unblocks the copy below if the member stopped reading early.
			pr.CloseWithError(errors.Join(err, errors.New("member stopped reading")))
		})
	}
	_, copyErr := io.Copy(io.MultiWriter(writers...), newExactReader(r, size))
	for _, pw := range pipes {
		if copyErr != nil {
			pw.CloseWithError(copyErr)
		} else {
			pw.Close()
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("attachments: redundant: put %q: %w", key, err)
	}
	if copyErr != nil {
		return fmt.Errorf("attachments: redundant: put %q: %w", key, copyErr)
	}
	return nil
}

// Get implements Store.
func (s *Redundant) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	var errs []error
	for i, member := range s.members {
		rc, info, err := member.Get(ctx, key)
		if err == nil {
			return rc, info, nil
		}
		errs = append(errs, fmt.Errorf("member %s: %w", s.labels[i], err))
	}
	return nil, Info{}, s.readError("get", key, errs)
}

// Stat implements Store.
func (s *Redundant) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	var errs []error
	for i, member := range s.members {
		info, err := member.Stat(ctx, key)
		if err == nil {
			return info, nil
		}
		errs = append(errs, fmt.Errorf("member %s: %w", s.labels[i], err))
	}
	return Info{}, s.readError("stat", key, errs)
}

// readError reports a read that failed on every member: ErrNotFound if every
// member said so, otherwise the other errors only, so that the result does
// not match ErrNotFound (a member that is down might have had the object).
func (s *Redundant) readError(op, key string, errs []error) error {
	var failures []error
	for _, err := range errs {
		if !errors.Is(err, ErrNotFound) {
			failures = append(failures, err)
		}
	}
	if len(failures) == 0 {
		return fmt.Errorf("attachments: redundant: %s %q: %w", op, key, ErrNotFound)
	}
	return fmt.Errorf("attachments: redundant: %s %q: %w (%d other members: not found)",
		op, key, errors.Join(failures...), len(errs)-len(failures))
}

// Delete implements Store.
func (s *Redundant) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	var errs []error
	for i, member := range s.members {
		if err := member.Delete(ctx, key); err != nil {
			errs = append(errs, fmt.Errorf("member %s: %w", s.labels[i], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("attachments: redundant: delete %q: %w", key, err)
	}
	return nil
}

// Ping implements Store.
func (s *Redundant) Ping(ctx context.Context) error {
	var errs []error
	for i, member := range s.members {
		if err := member.Ping(ctx); err != nil {
			errs = append(errs, fmt.Errorf("member %s: %w", s.labels[i], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("attachments: redundant: ping: %w", err)
	}
	return nil
}

// Sweep implements Sweeper for the members that implement it.
func (s *Redundant) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	removed := 0
	var errs []error
	for i, member := range s.members {
		sweeper, ok := member.(Sweeper)
		if !ok {
			continue
		}
		n, err := sweeper.Sweep(ctx, olderThan)
		removed += n
		if err != nil {
			errs = append(errs, fmt.Errorf("member %s: %w", s.labels[i], err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("attachments: redundant: sweep: %w", err)
	}
	return removed, nil
}
