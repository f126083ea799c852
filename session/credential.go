package session

import "fmt"

// credentialPurposeContext binds a sealed credential to what it is for, so
// that one sealed for an outgoing message cannot be replayed as a
// session's password or for another message. The prefix differs from
// credentialContext's, so the two never collide.
func credentialPurposeContext(purpose, id, user string) []byte {
	return []byte("webmail-credential\x00" + purpose + "\x00" + id + "\x00" + user)
}

// SealCredential seals secret for background work done on a user's behalf
// after the request is gone (the outbox sending a message while the user
// is away): bound to purpose ("outbox"), the ID of the thing it serves and
// the user, with the cluster key. Any instance can open it; after a key
// rotation, instances open it with WEBMAIL_SECRET_PREVIOUS.
func (m *Manager) SealCredential(purpose, id, user string, secret []byte) []byte {
	return m.sealer.Seal(secret, credentialPurposeContext(purpose, id, user))
}

// OpenCredential opens what SealCredential sealed with the same purpose,
// ID and user. Anything else (another ID, user or purpose, a secret no
// instance has any more, tampered bytes) is ErrUndecryptable.
func (m *Manager) OpenCredential(purpose, id, user string, sealed []byte) ([]byte, error) {
	plain, err := m.sealer.Open(sealed, credentialPurposeContext(purpose, id, user))
	if err != nil {
		return nil, fmt.Errorf("session: open %s credential: %w", purpose, err)
	}
	return plain, nil
}
