package mime

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilenameBytes keeps names within what file systems and browsers accept.
const maxFilenameBytes = 200

// SafeFilename returns name made safe for a Content-Disposition header and
// for saving to disk: path elements are dropped (only the part after the
// last / or \ is kept), control and format characters and the characters
// Windows forbids are removed, leading dots and spaces are trimmed (no
// hidden files, no "..") and the result is cut to 200 bytes at a character
// boundary, keeping the extension; Windows device names (CON, NUL...) get
// a "_" prefix. When nothing is left, fallback is made safe the same way,
// and "attachment" is used if that is empty too.
func SafeFilename(name, fallback string) string {
	if s := cleanFilename(name); s != "" {
		return s
	}
	if s := cleanFilename(fallback); s != "" {
		return s
	}
	return "attachment"
}

func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			return -1 // control and bidi-override characters disguise extensions
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ") // Windows drops trailing dots and spaces
	if len(name) > maxFilenameBytes {
		name = shortenFilename(name)
	}
	if stem, _, _ := strings.Cut(name, "."); windowsReserved(stem) {
		name = "_" + name
	}
	return name
}

// windowsReserved reports device names Windows will not save a file as.
func windowsReserved(stem string) bool {
	switch strings.ToUpper(strings.TrimSpace(stem)) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}

// shortenFilename cuts the stem so the name fits, keeping a short extension.
func shortenFilename(name string) string {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		name, ext = name[:i], name[i:]
	}
	limit := maxFilenameBytes - len(ext)
	for len(name) > limit {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimRight(name, ". ") + ext
}
