// list_pane.js: the reading pane. On a wide screen a row opens its message
// beside (or below) the list without leaving the page: the message URL is
// fetched with X-Webmail-Fragment: pane, which answers with the message
// article alone, and the address bar moves to /mail/{mailbox}/{uid} with
// history.pushState, so reload, a new tab or the back button behave as if
// the message page had been opened. Without this script, with the pane
// off, or on a narrow screen, a row is a plain link to the message page.
"use strict";
(function () {
  const shared = window.webmail && window.webmail.list;
  const pane = document.getElementById("reading-pane");
  if (!shared || !pane) {
    return;
  }
  const main = shared.main;
  // The width from which the pane is used; list.css lays it out from the
  // same width.
  const wide = window.matchMedia("(min-width: 1024px)");
  const emptyNote = pane.innerHTML;
  let openURL = null; // path of the message in the pane, null when empty
  let stopMessage = null; // message.js's teardown for the article shown
  let loading = null; // AbortController of the fetch under way

  const listURL = () => main.dataset.listUrl || location.pathname + location.search;
  const active = () => wide.matches;
  // paneDepth is how many messages opened in the pane lie on the history
  // above the list: the Back link goes back that far, not forward.
  const paneDepth = () => (history.state && history.state.pane && history.state.depth) || 0;

  function layout() {
    main.classList.toggle("pane-on", active());
    pane.hidden = !active();
    if (!active() && openURL) {
      // Narrowed while reading: the message page is the way to read here.
      close();
    }
  }
  wide.addEventListener("change", layout);
  layout();

  // messagePath is the path of a message link, or null for anything else
  // (a folder link in search results, another site).
  function messagePath(href) {
    const u = new URL(href, location.href);
    if (u.origin !== location.origin || !/^\/mail\/[^/]+\/\d+$/.test(u.pathname)) {
      return null;
    }
    return u.pathname;
  }

  // messageView is a message link with its query (?thread=1 the
  // conversation, ?images=1 the remote images), or null.
  function messageView(href) {
    const u = new URL(href, location.href);
    return messagePath(u.href) ? u.pathname + u.search : null;
  }

  const rowLink = (row) => row.querySelector('a[data-testid="message-link"]');
  const rowFor = (path) => shared.rows().find((r) => {
    const link = rowLink(r);
    return link && messagePath(link.href) === path;
  }) || null;

  // highlight marks the row of the open message (again after a redraw).
  // It reports whether that row is in the list.
  function highlight() {
    let found = false;
    for (const r of shared.rows()) {
      const open = openURL !== null && rowLink(r) !== null && messagePath(rowLink(r).href) === openURL;
      found = found || open;
      r.classList.toggle("open", open);
      if (open) {
        r.setAttribute("aria-current", "true");
      } else {
        r.removeAttribute("aria-current");
      }
    }
    return found;
  }

  // After a redraw: when the open message's row was in the list and is
  // gone (deleted, archived with # or e from the list), the pane must not
  // go on showing it. A message opened from the pane that was never in
  // the list (the conversation's) stays.
  let openRowListed = false;
  shared.redrawHooks.push(() => {
    const listed = highlight();
    if (openURL !== null && openRowListed && !listed) {
      close();
      history.replaceState({ list: true }, "", listURL());
    }
    openRowListed = listed;
  });

  // markRead shows the row of path as read, as the server has it now.
  function markRead(path) {
    const row = rowFor(path);
    if (!row) {
      return;
    }
    row.classList.remove("unread");
    const dot = row.querySelector('[data-testid="mark-unread"]');
    if (dot) {
      dot.remove();
    }
  }

  function stop() {
    if (stopMessage) {
      stopMessage();
      stopMessage = null;
    }
    if (loading) {
      loading.abort();
      loading = null;
    }
  }

  // show puts a message article into the pane and starts message.js on it.
  function show(article, path) {
    stop();
    pane.replaceChildren(article);
    pane.scrollTop = 0;
    openURL = path;
    openRowListed = highlight();
    if (!article.dataset.markReadUrl) {
      // No delay asked: the server marked it read when it was opened.
      markRead(path);
    }
    const message = window.webmail.message;
    if (message && typeof message.init === "function") {
      const teardown = message.init(article, { embedded: true });
      stopMessage = typeof teardown === "function" ? teardown : null;
    }
    pane.dispatchEvent(new CustomEvent("webmail:pane-opened", { bubbles: true, detail: { url: path } }));
  }

  function close() {
    stop();
    openURL = null;
    pane.innerHTML = emptyNote;
    highlight();
  }

  // fetchArticle asks for the message article at url (a GET, or the answer
  // a POST was redirected to). It resolves to the article and its path, or
  // to a full page (the list after a message left it) as doc, or throws.
  async function fetchArticle(url, init) {
    if (loading) {
      loading.abort();
    }
    const mine = new AbortController();
    loading = mine;
    const headers = Object.assign({ "X-Webmail-Fragment": "pane", Accept: "text/html" }, (init && init.headers) || {});
    const res = await fetch(url, Object.assign({}, init, { headers: headers, credentials: "same-origin", signal: mine.signal }));
    if (!res.ok) {
      throw new Error("status " + res.status);
    }
    const text = await res.text();
    if (loading !== mine) {
      // Another message was asked for meanwhile: it wins.
      throw new DOMException("superseded", "AbortError");
    }
    loading = null;
    const doc = new DOMParser().parseFromString(text, "text/html");
    const undo = doc.querySelector('[data-testid="undo-notice"]');
    if (undo) {
      document.dispatchEvent(new CustomEvent("webmail:undo-offered", { detail: undo })); // undo.js shows the toast
    } else if (init && init.method === "POST") {
      // An action without undo (flag, mark unread): z must not undo an
      // older one.
      document.dispatchEvent(new CustomEvent("webmail:action-done", { detail: {} }));
    }
    const article = doc.querySelector('body > article[data-testid="message"]');
    const path = messagePath(res.url);
    if (article && path && !doc.querySelector("body > header, body > .app")) {
      return { article: document.adoptNode(article), path: path };
    }
    return { doc: doc, url: new URL(res.url) };
  }

  // open shows the message at href in the pane; push adds a history entry.
  async function open(href, push) {
    const path = messageView(href);
    if (!path) {
      location.assign(href);
      return;
    }
    let got;
    try {
      got = await fetchArticle(path);
    } catch (err) {
      if (err.name === "AbortError") {
        return; // another row was opened meanwhile
      }
      failed(path);
      return;
    }
    if (!got.article) {
      // Signed out, or another page answered: show it whole.
      location.assign(path);
      return;
    }
    show(got.article, got.path);
    if (push) {
      history.pushState({ pane: path, depth: paneDepth() + 1 }, "", path);
    }
  }

  // failed says the message could not be loaded, with the way to its page.
  function failed(path) {
    stop();
    openURL = path;
    const note = document.createElement("p");
    note.className = "pane-error";
    note.setAttribute("role", "alert");
    note.textContent = window.webmail.t("The message could not be loaded.") + " ";
    const link = document.createElement("a");
    link.href = path;
    link.textContent = window.webmail.t("Open it on its own page");
    note.append(link);
    pane.replaceChildren(note);
    openRowListed = highlight();
  }

  // A click on a row's link opens the message in the pane. A click with a
  // modifier (new tab, new window) or a middle click keeps its meaning.
  document.addEventListener("click", (e) => {
    if (!active() || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) {
      return;
    }
    const link = e.target.closest && e.target.closest("a[href]");
    if (!link) {
      return;
    }
    const inRow = link.closest('#list-region tr[data-testid="message-row"]') && !link.closest("td.folder");
    // In the pane, a link to a message view (newer, older, the
    // conversation, show images) opens in the pane too.
    const inPane = pane.contains(link) && !link.target && !link.hasAttribute("download");
    if (inPane && link.dataset.testid === "back" && openURL !== null) {
      // Back to the list: it is right here; the pane closes.
      e.preventDefault();
      const depth = paneDepth();
      close();
      if (depth > 0) {
        history.go(-depth);
      } else {
        history.pushState({ list: true }, "", listURL());
      }
      return;
    }
    if (!inRow && !inPane) {
      return;
    }
    if (!messagePath(link.href)) {
      return;
    }
    e.preventDefault();
    const row = link.closest('tr[data-testid="message-row"]');
    if (row && shared.setCursor) {
      shared.setCursor(row, false);
    }
    open(link.href, true);
  });

  // The message's action forms post from the pane and show the answer
  // there: the server redirects to the message (flagged, marked unread),
  // the next one (moved, deleted) or the list. The list is then refreshed.
  pane.addEventListener("submit", async (e) => {
    const form = e.target;
    // getAttribute: the form's "action" button shadows form.action.
    const target = form.getAttribute("action");
    if (e.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post" || !target) {
      return;
    }
    e.preventDefault();
    const body = new URLSearchParams(new FormData(form, e.submitter || null));
    const by = e.submitter;
    if (by && by.name && !body.has(by.name)) {
      // An older browser ignores FormData's submitter: the button says
      // which action (archive, delete, move) the form asks for.
      body.append(by.name, by.value);
    }
    let got;
    try {
      got = await fetchArticle(target, {
        method: "POST",
        body: body,
        headers: { "X-CSRF-Token": window.webmail.csrfToken() },
      });
    } catch (err) {
      if (err.name !== "AbortError") {
        failed(openURL || listURL());
      }
      return;
    }
    if (got.article) {
      show(got.article, got.path);
      history.replaceState({ pane: got.path, depth: paneDepth() }, "", got.path);
    } else if (got.url.pathname.startsWith("/mail/") && !messagePath(got.url.href)) {
      // Back to the list: the message left it and nothing follows.
      close();
      history.replaceState({ list: true }, "", listURL());
    } else {
      location.assign(got.url.href);
      return;
    }
    if (shared.refresh) {
      shared.refresh();
    }
  });

  // message.js says the message was marked read after the user's delay.
  pane.addEventListener("webmail:message-read", () => {
    if (openURL) {
      markRead(openURL);
    }
  });

  // The keyboard cursor follows into the pane once the user is reading:
  // j and k then open the next and previous message.
  shared.cursorHooks.push((row, byKey) => {
    if (!byKey || !active() || openURL === null) {
      return;
    }
    const link = rowLink(row);
    if (link && messagePath(link.href) !== openURL) {
      open(link.href, true);
    }
  });

  // The list has the keyboard; the keys that answer a message (r reply,
  // a reply all, Shift+F forward) answer the one in the pane.
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || openURL === null || !active()) {
      return;
    }
    if (shared.help && shared.help.isOpen()) {
      return; // list_help.js has the keys while the dialog is open
    }
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (e.key !== "r" && e.key !== "a" && e.key !== "F") {
      return;
    }
    const link = pane.querySelector('a[data-key="' + e.key + '"]');
    if (link) {
      e.preventDefault();
      location.assign(link.href);
    }
  });

  // Enter (or o) on a row opens it in the pane.
  shared.openRow = (row) => {
    const link = rowLink(row);
    if (!active() || !link) {
      return false;
    }
    open(link.href, true);
    return true;
  };

  // Back and forward move between the messages opened here and the list.
  history.replaceState(Object.assign({}, history.state, { list: true }), "");
  window.addEventListener("popstate", (e) => {
    const state = e.state || {};
    if (state.pane && active()) {
      open(state.pane, false);
    } else if (location.pathname + location.search === listURL() || state.list) {
      close();
    } else {
      location.reload();
    }
  });
})();
