// Package encrypt is an attachment store that encrypts every object before
// another backend keeps it, so the bytes at rest (an S3 bucket, a file
// share, SQL rows) are ciphertext:
//
//	WEBMAIL_ATTACHMENTS=encrypt
//	WEBMAIL_PLUGIN_ENCRYPT_BACKEND=s3        # the store underneath (default fs)
//	WEBMAIL_PLUGIN_ENCRYPT_KEYS=new,old      # base64 AES-256 keys, newest first
//	WEBMAIL_ATTACHMENTS_BUCKET=...           # the backend's own settings as usual
//
// Objects are AES-256-GCM in 64 KiB chunks, so they stream both ways (see
// format.go). The newest key encrypts; every listed key decrypts, so a key
// is rotated by putting a new one first and dropping the old one once every
// object written with it has expired (composes and the outbox keep theirs
// for days, not forever).
//
// Importing the package registers the attachment store "encrypt" and the
// plugin "encrypt" (which checks the same settings at start when listed in
// WEBMAIL_PLUGINS; it has no hooks).
package encrypt

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/plugins"
)

// Name is the store's and the plugin's name.
const Name = "encrypt"

func init() {
	attachments.Register(Name, open)
	plugins.Register(Name, func(cfg *plugins.Config) (any, error) {
		readSettings(cfg)
		return struct{}{}, nil
	})
}

// settings are the plugin's settings, read through cfg (problems recorded).
type settings struct {
	backend string
	keys    []Key
}

func readSettings(cfg *plugins.Config) settings {
	s := settings{backend: cfg.String("backend", "fs")}
	if s.backend == Name {
		cfg.Problem("%s: encrypt cannot wrap itself: name the store that keeps the bytes (fs, s3, sql...)", cfg.Variable("backend"))
	}
	list := cfg.List("keys")
	if len(list) == 0 {
		cfg.Problem("%s is not set: give at least one key, generated with `openssl rand -base64 32`", cfg.Variable("keys"))
	}
	for i, encoded := range list {
		raw, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil || len(raw) != 32 {
			cfg.Problem("%s: key %d is not 32 bytes in base64 (generate one with `openssl rand -base64 32`)", cfg.Variable("keys"), i+1)
			continue
		}
		s.keys = append(s.keys, newKey(raw))
	}
	return s
}

// open is the attachment store factory: the backend underneath is opened
// with the same attachments.Config (its own WEBMAIL_ATTACHMENTS_* settings).
func open(ctx context.Context, cfg attachments.Config) (attachments.Store, error) {
	pcfg := plugins.NewConfig(Name, plugins.SettingsOf(Name, cfg.Plugins))
	s := readSettings(pcfg)
	if problems := pcfg.Problems(); len(problems) > 0 {
		return nil, errors.New("encrypt: " + strings.Join(problems, "; "))
	}
	inner, err := attachments.Open(ctx, s.backend, cfg)
	if err != nil {
		return nil, fmt.Errorf("encrypt: the store underneath: %w", err)
	}
	return New(inner, s.keys...)
}

// Key is an AES-256 key with its ID, written in each object's header so
// the right key is found after a rotation.
type Key struct {
	id  [8]byte
	raw []byte
}

func newKey(raw []byte) Key {
	sum := sha256.Sum256(append([]byte("webmail encrypt key id\x00"), raw...))
	k := Key{raw: raw}
	copy(k.id[:], sum[:8])
	return k
}

// NewKey turns 32 bytes into a key for New.
func NewKey(raw []byte) (Key, error) {
	if len(raw) != 32 {
		return Key{}, fmt.Errorf("encrypt: a key has 32 bytes, not %d", len(raw))
	}
	return newKey(raw), nil
}
