// events.js: new mail without a reload. The server pushes INBOX counts over
// Server-Sent Events (from IMAP IDLE); this keeps the unread count in the
// tab title and the folder list current, and refreshes the INBOX list when
// mail arrives, unless the user is in the middle of selecting messages.
// A refresh waits while list.js is busy with an action (it refreshes the
// list itself afterwards), and only the newest refresh's answer is shown.
"use strict";
(function () {
  if (!document.body.dataset.csrf || !window.EventSource) {
    return; // logged out, or a browser without EventSource
  }
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var lastMessages = null;
  var lastUnseen = 0;
  var requested = 0; // refreshes asked for; an answer to an older one is dropped
  var waiting = null; // the timer of a refresh put off while list.js is busy

  function setTitle(unseen) {
    document.title = unseen > 0 ? "(" + unseen + ") " + baseTitle : baseTitle;
  }

  function setInboxCount(unseen) {
    var link = document.querySelector('[data-testid="folder"][href="/mail/INBOX"]');
    if (!link) return;
    var count = link.querySelector('[data-testid="unseen"]');
    if (unseen > 0) {
      if (!count) {
        count = document.createElement("span");
        count.className = "count";
        count.setAttribute("data-testid", "unseen");
        link.appendChild(count);
      }
      count.textContent = String(unseen);
    } else if (count) {
      count.remove();
    }
  }

  // listURL is the address of the list on the page, not the page's own:
  // with a message open in the reading pane, location is the message's.
  function listURL() {
    var main = document.getElementById("main");
    return (main && main.dataset.listUrl) || location.pathname + location.search;
  }

  function onInboxList() {
    return /^\/mail\/INBOX\/?(\?|$)/.test(listURL());
  }

  // listBusy reports whether list.js is sending an action or redrawing
  // the list: its own refresh comes next, ours would race it.
  function listBusy() {
    var region = document.getElementById("list-region");
    return document.body.dataset.listBusy !== undefined ||
      (region !== null && region.getAttribute("aria-busy") === "true");
  }

  function refreshList() {
    if (document.querySelector('input[type="checkbox"]:checked')) {
      return; // never pull rows away from under a selection
    }
    var current = document.querySelector('[data-testid="message-list"], [data-testid="empty"]');
    if (!current) return;
    if (listBusy()) {
      // Try again when list.js is done: its refresh may have been
      // rendered before the new mail arrived.
      if (waiting === null) {
        waiting = window.setTimeout(function () {
          waiting = null;
          refreshList();
        }, 500);
      }
      return;
    }
    var mine = ++requested;
    fetch(listURL(), { credentials: "same-origin", headers: { "X-Requested-With": "events" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (mine !== requested || listBusy()) {
          return; // a newer refresh, or list.js's own, has the fresher list
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector('[data-testid="message-list"], [data-testid="empty"]');
        var still = document.querySelector('[data-testid="message-list"], [data-testid="empty"]');
        if (document.querySelector('input[type="checkbox"]:checked')) {
          return; // the user started selecting while we fetched
        }
        if (fresh && still) {
          still.replaceWith(document.importNode(fresh, true));
          document.dispatchEvent(new CustomEvent("webmail:list-replaced"));
        }
      })
      .catch(function () { /* the next event tries again */ });
  }

  // notifyNewMail shows a desktop notification when new mail arrives
  // while the page is out of sight, if the user switched them on in the
  // settings (<body data-notifications>) and the browser allows them.
  // One notification (tag) stands for all: a burst of mail replaces it.
  function notifyNewMail(unseen) {
    var body = document.body;
    if (body.dataset.notifications !== "on" || !document.hidden ||
      !("Notification" in window) || Notification.permission !== "granted") {
      return;
    }
    var note = new Notification(body.dataset.notifyTitle || "New mail", {
      body: (body.dataset.notifyBody || "%s").replace("%s", String(unseen)),
      tag: "webmail-new-mail",
      icon: (document.querySelector('link[rel="icon"]') || {}).href
    });
    note.onclick = function () {
      window.focus();
      if (!onInboxList()) location.href = "/mail/INBOX";
      note.close();
    };
  }

  var source = new EventSource("/events");
  source.addEventListener("status", function (e) {
    var st;
    try { st = JSON.parse(e.data); } catch (err) { return; }
    setTitle(st.unseen);
    setInboxCount(st.unseen);
    if (lastMessages !== null && st.messages > lastMessages && st.unseen > lastUnseen) {
      notifyNewMail(st.unseen); // more mail, and unread: new, not moved in read
    }
    lastUnseen = st.unseen;
    if (lastMessages !== null && st.messages !== lastMessages && onInboxList()) {
      refreshList();
    }
    lastMessages = st.messages;
    document.body.dataset.inboxMessages = String(st.messages);
  });
})();
