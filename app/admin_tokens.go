package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/webmail/webmail/store"
)

// adminTokenPrefix marks a provisioning API token, so a leaked one is
// recognisable (secret scanners, logs).
const adminTokenPrefix = "wma_"

// CreateAdminToken makes a new provisioning API token called name and
// returns its secret, which exists nowhere else: only its SHA-256 is
// stored.
func (a *App) CreateAdminToken(ctx context.Context, actor Actor, name string) (string, store.AdminToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 255 {
		return "", store.AdminToken{}, Invalid("Admin token", "Give the token a name of up to 255 characters.")
	}
	var id [8]byte
	var secret [32]byte
	rand.Read(id[:])
	rand.Read(secret[:])
	token := adminTokenPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	t := store.AdminToken{ID: hex.EncodeToString(id[:]), Name: name, Hash: hashAdminToken(token)}
	if err := a.DB.CreateAdminToken(ctx, t); err != nil {
		return "", t, storeError(err)
	}
	a.audit(ctx, actor, "admin_token.create", t.ID, map[string]string{"name": name})
	return token, t, nil
}

// AdminTokens lists the tokens (never their secrets).
func (a *App) AdminTokens(ctx context.Context) ([]store.AdminToken, error) {
	tokens, err := a.DB.AdminTokens(store.WithPrimaryReads(ctx))
	if err != nil {
		return nil, storeError(err)
	}
	return tokens, nil
}

// RevokeAdminToken revokes a token by ID; the API refuses it from the next
// request on, on every instance.
func (a *App) RevokeAdminToken(ctx context.Context, actor Actor, id string) error {
	err := a.DB.RevokeAdminToken(ctx, strings.TrimSpace(id))
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Title: "Admin token", Message: "There is no valid token with that ID.", Err: err}
	}
	if err != nil {
		return storeError(err)
	}
	a.audit(ctx, actor, "admin_token.revoke", id, nil)
	return nil
}

// AuthenticateAdmin returns the actor a token stands for, or
// CodeWrongCredentials for a missing, unknown or revoked token (one answer
// for all three: nothing tells a guesser which).
func (a *App) AuthenticateAdmin(ctx context.Context, token string) (Actor, error) {
	refused := &Error{Code: CodeWrongCredentials, Title: "Admin token", Message: "A valid admin token is required."}
	if !strings.HasPrefix(token, adminTokenPrefix) || len(token) > 200 {
		return "", refused
	}
	t, err := a.DB.AdminTokenByHash(ctx, hashAdminToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return "", refused
	}
	if err != nil {
		return "", storeError(err)
	}
	if !t.RevokedAt.IsZero() {
		refused.Err = errors.New("app: admin token " + t.ID + " is revoked")
		return "", refused
	}
	return Actor("token:" + t.Name + " (" + t.ID + ")"), nil
}

// hashAdminToken is what is stored of a token. A plain SHA-256 suffices:
// the secret is 256 random bits, not a password someone chose.
func hashAdminToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
