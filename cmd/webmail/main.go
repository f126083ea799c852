// Command webmail is the webmail application tier with the plugins of this
// repository. The program itself is package webmailcmd; a custom build
// with more plugins is a main.go like this one that imports them too
// (PLUGINS.md).
package main

import "github.com/webmail/webmail/webmailcmd"

func main() { webmailcmd.Main() }
