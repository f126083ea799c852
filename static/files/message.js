// message.js: the message page. Keyboard shortcuts (u back to the list,
// j/k next and previous message, f flag, # delete, e archive, ? help),
// a confirmation before deleting for good, and marking the message read
// after the user's delay. The page works without it: every action is a
// form, the help is a <details> element.
"use strict";
(function () {
  var page = document.querySelector('article.message[data-testid="message"]');
  if (!page) {
    return;
  }
  var help = page.querySelector("details.msg-shortcuts");

  // typing reports whether a key press belongs to a form field.
  function typing(el) {
    if (!el || !el.tagName) {
      return false;
    }
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  function go(url) {
    if (url) {
      window.location.assign(url);
      return true;
    }
    return false;
  }

  // press clicks the action button bound to key, so the form posts as if
  // the user had clicked it (the confirmation included).
  function press(key) {
    var button = page.querySelector('button[data-key="' + key + '"]');
    if (button) {
      button.click();
      return true;
    }
    return false;
  }

  function toggleHelp(open) {
    if (!help) {
      return false;
    }
    help.open = open;
    if (open) {
      help.querySelector("summary").focus();
    }
    return true;
  }

  // follow opens the write link bound to key (reply, reply all, forward).
  function follow(key) {
    var link = page.querySelector('a[data-key="' + key + '"]');
    return link ? go(link.getAttribute("href")) : false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var handled = false;
    switch (event.key) {
      case "u":
        handled = go(page.dataset.backUrl);
        break;
      case "j":
        handled = go(page.dataset.olderUrl);
        break;
      case "k":
        handled = go(page.dataset.newerUrl);
        break;
      case "f":
      case "#":
      case "e":
        handled = press(event.key);
        break;
      case "r":
      case "a":
      case "F":
        handled = follow(event.key);
        break;
      case "c":
        handled = go("/compose");
        break;
      case "?":
        handled = toggleHelp(!(help && help.open));
        break;
      case "Escape":
        handled = help && help.open ? toggleHelp(false) : false;
        break;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  // Buttons that destroy something for good ask first.
  page.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // A part that says it is an image but is not one is served as a
  // download, so its preview cannot load: drop the broken thumbnail.
  page.querySelectorAll('img[data-testid="preview"]').forEach(function (img) {
    img.addEventListener("error", function () {
      var link = img.closest("a.thumb");
      if (link) {
        link.hidden = true;
      }
    });
  });

  // With a mark-read delay the server left the message unread: mark it
  // read once the user has had it open that long.
  var markURL = page.dataset.markReadUrl;
  var after = parseInt(page.dataset.markReadAfter || "0", 10);
  if (markURL && after > 0) {
    window.setTimeout(function () {
      var body = new URLSearchParams();
      body.set("action", "read");
      body.set("async", "1");
      body.set("csrf", window.webmail.csrfToken());
      window.fetch(markURL, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": window.webmail.csrfToken() }
      }).catch(function () {
        // Not marked read: the next visit tries again.
      });
    }, after * 1000);
  }
})();
