// Package templates holds the templ components: layout/ (the page frame),
// pages/ (one component per page, each taking one typed view model) and
// components/ (pieces shared by pages). The generated *_templ.go files are
// committed; `go tool templ generate` must leave them unchanged.
package templates
