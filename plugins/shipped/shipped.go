// Package shipped compiles in the plugins of this repository: importing it
// registers them, and WEBMAIL_PLUGINS (or WEBMAIL_ATTACHMENTS=encrypt)
// enables them. The webmail program (webmailcmd) imports it.
package shipped

import (
	_ "github.com/webmail/webmail/plugins/attachmentreminder" // attachment-reminder
	_ "github.com/webmail/webmail/plugins/disclaimer"         // disclaimer
	_ "github.com/webmail/webmail/plugins/encrypt"            // encrypt (an attachment store)
	_ "github.com/webmail/webmail/plugins/status"             // status
)
