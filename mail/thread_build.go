package mail

import (
	"cmp"
	"slices"
	"strconv"
)

// keepOnly turns the messages not in keep into placeholders and prunes the
// trees again, dropping those left empty.
func keepOnly(forest []*threadNode, keep []uint32) []*threadNode {
	set := make(map[uint32]bool, len(keep))
	for _, uid := range keep {
		set[uid] = true
	}
	var mark func(n *threadNode)
	mark = func(n *threadNode) {
		if !set[n.uid] {
			n.uid = 0
		}
		for _, child := range n.children {
			mark(child)
		}
	}
	for _, root := range forest {
		mark(root)
	}
	return pruneForest(forest)
}

// pruneForest removes placeholders without children, replaces a
// placeholder inside a tree by its children, and promotes the only child
// of a placeholder root (RFC 5256 REFERENCES step 4).
func pruneForest(forest []*threadNode) []*threadNode {
	var out []*threadNode
	for _, root := range forest {
		root.children = pruneChildren(root.children)
		switch {
		case root.uid != 0:
			out = append(out, root)
		case len(root.children) == 1:
			out = append(out, root.children[0])
		case len(root.children) > 1:
			out = append(out, root)
		}
	}
	return out
}

func pruneChildren(children []*threadNode) []*threadNode {
	var out []*threadNode
	for _, child := range children {
		child.children = pruneChildren(child.children)
		if child.uid == 0 {
			out = append(out, child.children...)
			continue
		}
		out = append(out, child)
	}
	return out
}

// buildThreads links messages into trees by their Message-ID and parents
// (RFC 5256 REFERENCES steps 1 to 4; subjects are not merged, which groups
// unrelated mail with common subjects). Siblings are ordered by date, then
// arrival.
func buildThreads(headers []threadHeader) []*threadNode {
	type container struct {
		node   *threadNode
		parent *container
		kids   []*container
	}
	byID := make(map[string]*container)
	var created []*container
	get := func(id string) *container {
		c := byID[id]
		if c == nil {
			c = &container{node: &threadNode{}}
			byID[id] = c
			created = append(created, c)
		}
		return c
	}
	isAncestor := func(a, b *container) bool { // a is b or above it
		for n := b; n != nil; n = n.parent {
			if n == a {
				return true
			}
		}
		return false
	}
	link := func(parent, child *container) {
		if child.parent != nil || isAncestor(child, parent) {
			return
		}
		child.parent = parent
		parent.kids = append(parent.kids, child)
	}
	unlink := func(child *container) {
		if p := child.parent; p != nil {
			p.kids = slices.DeleteFunc(p.kids, func(k *container) bool { return k == child })
			child.parent = nil
		}
	}
	for _, h := range headers {
		id := h.messageID
		if id == "" || (byID[id] != nil && byID[id].node.uid != 0) {
			// No or a duplicate Message-ID: a thread of its own.
			id = "\x00" + strconv.FormatUint(uint64(h.uid), 10)
		}
		self := get(id)
		self.node.uid, self.node.date = h.uid, h.date
		var prev *container
		for _, ref := range h.parents {
			if ref == id {
				continue
			}
			cur := get(ref)
			if prev != nil {
				link(prev, cur)
			}
			prev = cur
		}
		// The last reference is the parent, whatever earlier messages'
		// References claimed.
		if prev != nil && !isAncestor(self, prev) {
			unlink(self)
			link(prev, self)
		}
	}
	var build func(c *container) *threadNode
	build = func(c *container) *threadNode {
		n := c.node
		for _, k := range c.kids {
			n.children = append(n.children, build(k))
		}
		return n
	}
	var forest []*threadNode
	for _, c := range created { // creation order: deterministic
		if c.parent == nil {
			forest = append(forest, build(c))
		}
	}
	forest = pruneForest(forest)
	var order func(nodes []*threadNode)
	order = func(nodes []*threadNode) {
		slices.SortStableFunc(nodes, func(a, b *threadNode) int {
			if c := a.date.Compare(b.date); c != 0 && !a.date.IsZero() && !b.date.IsZero() {
				return c
			}
			return cmp.Compare(firstUID(a), firstUID(b))
		})
		for _, n := range nodes {
			order(n.children)
		}
	}
	for _, root := range forest {
		order(root.children)
	}
	return forest
}

// firstUID is the smallest UID in a tree, its arrival for ordering.
func firstUID(n *threadNode) uint32 {
	uids := threadUIDs(n)
	if len(uids) == 0 {
		return 0
	}
	return slices.Min(uids)
}
