// Command webmail is the webmail with the WebDAV attachment store compiled in.
package main

import (
	"github.com/webmail/webmail/webmailcmd"

	_ "example.com/webdavstore/webdavstore" // registers WEBMAIL_ATTACHMENTS=webdav
)

func main() { webmailcmd.Main() }
