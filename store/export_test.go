package store

// Exported for the query plan test, which runs EXPLAIN on the very query
// SearchContacts sends.
var (
	SearchContactsQuery = searchContactsQuery
	SearchContactsArgs  = searchContactsArgs
)
