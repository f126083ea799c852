package session

// MAC returns the HMAC-SHA256 of msg under the cluster key, separated by
// purpose from every other use of the key, for values the application
// signs to recognise them later (the image proxy's URLs).
func (m *Manager) MAC(purpose string, msg []byte) []byte {
	return m.sealer.sign(purpose, msg)
}

// ValidMAC reports whether mac is MAC(purpose, msg) under the current or
// a previous cluster key.
func (m *Manager) ValidMAC(purpose string, msg, mac []byte) bool {
	return m.sealer.verify(purpose, msg, mac)
}
