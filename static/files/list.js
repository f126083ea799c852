// list.js: the message list page (selection, keyboard, in-page actions).
// Without it the page still works: the toolbar posts the form and the
// server redirects back. With it, actions go out with fetch() and the list
// is refreshed in place from the server's own HTML. list_drag.js (drag to
// a folder) and list_help.js (the shortcuts dialog) build on what this file
// shares in window.webmail.list.
"use strict";
(function () {
  const main = document.querySelector("main.listpage");
  if (!main) {
    return;
  }
  const statusBox = document.getElementById("list-status");
  let cursor = -1; // index of the row at the keyboard cursor
  let cursorValue = null; // its checkbox value, to find it again after a redraw
  let lastClicked = null; // for shift-click ranges

  const listForm = () => document.getElementById("list-form");
  const rows = () => Array.from(document.querySelectorAll('#list-region tr[data-testid="message-row"]'));
  const boxOf = (row) => row.querySelector('input[data-testid="select"]');
  const selectedRows = () => rows().filter((r) => boxOf(r).checked);
  const cursorRow = () => rows()[cursor] || null;
  const say = (msg) => {
    if (statusBox) {
      statusBox.textContent = msg;
    }
  };

  // shared is what list_drag.js and list_help.js use; they load after
  // this file and register themselves in it.
  const shared = {
    main: main,
    rows: rows,
    boxOf: boxOf,
    selectedRows: selectedRows,
    listForm: listForm,
    post: post,
    redrawHooks: [], // called after the rows were replaced
    cursorHooks: [], // called with (row, byKey) when the cursor moves
    help: null, // list_help.js: { open(), isOpen() }
    openRow: null, // list_pane.js: opens a row in the reading pane, or returns false
    setCursor: (row, focus) => setCursor(rows().indexOf(row), focus),
    refresh: () => refresh(),
  };
  window.webmail.list = shared;

  // chosen holds the values of the selected messages. It outlives the
  // rows: when the list is redrawn (after an action here, or by events.js
  // when new mail arrives) the selection is put back on the new rows.
  const chosen = new Set();

  // syncSelection takes the selection from the checkboxes and shows it.
  function syncSelection() {
    chosen.clear();
    for (const r of selectedRows()) {
      chosen.add(boxOf(r).value);
    }
    showSelection();
  }

  // restoreSelection puts the selection back on redrawn rows, forgetting
  // messages that are no longer listed.
  function restoreSelection() {
    const present = new Set();
    for (const r of rows()) {
      const box = boxOf(r);
      box.checked = chosen.has(box.value);
      present.add(box.value);
    }
    for (const v of Array.from(chosen)) {
      if (!present.has(v)) {
        chosen.delete(v);
      }
    }
    showSelection();
  }

  // showSelection reflects the checkboxes in the rows, the select-all box
  // and the count, and shows the controls that only work with scripts.
  function showSelection() {
    const all = rows();
    let n = 0;
    for (const r of all) {
      const on = boxOf(r).checked;
      r.classList.toggle("selected", on);
      if (on) {
        n++;
      }
    }
    const selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.hidden = false;
      selectAll.checked = all.length > 0 && n === all.length;
      selectAll.indeterminate = n > 0 && n < all.length;
    }
    const count = document.querySelector('[data-testid="selected-count"]');
    if (count) {
      count.textContent = n ? window.webmail.tn(n, "%d selected", "%d selected") : "";
    }
    // The actions on the selection show only while there is one.
    const toolbar = document.querySelector('[data-testid="list-toolbar"]');
    if (toolbar) {
      toolbar.dataset.selection = n ? "some" : "none";
    }
    for (const b of document.querySelectorAll(".shortcuts-open")) {
      b.hidden = false;
    }
  }

  function setCursor(i, focus) {
    const all = rows();
    if (!all.length) {
      cursor = -1;
      cursorValue = null;
      return;
    }
    cursor = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((r, j) => r.classList.toggle("cursor", j === cursor));
    const row = all[cursor];
    cursorValue = boxOf(row).value;
    if (focus) {
      const link = row.querySelector('a[data-testid="message-link"]');
      if (link) {
        link.focus();
      }
      row.scrollIntoView({ block: "nearest" });
    }
  }

  // cursorMoved tells the other scripts the keyboard moved the cursor.
  function cursorMoved() {
    const row = cursorRow();
    if (row) {
      for (const hook of shared.cursorHooks) {
        hook(row, true);
      }
    }
  }

  document.addEventListener("change", (e) => {
    const t = e.target;
    if (t.id === "select-all") {
      for (const r of rows()) {
        boxOf(r).checked = t.checked;
      }
    }
    syncSelection();
  });

  // Shift-click selects the range from the last clicked checkbox.
  document.addEventListener("click", (e) => {
    const t = e.target;
    if (t.matches && t.matches('input[data-testid="select"]')) {
      const all = rows();
      const row = t.closest("tr");
      if (e.shiftKey && lastClicked && all.includes(lastClicked)) {
        const a = all.indexOf(lastClicked);
        const b = all.indexOf(row);
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
          boxOf(all[i]).checked = t.checked;
        }
        syncSelection();
      }
      lastClicked = row;
      setCursor(all.indexOf(row), false);
    }
  });

  // Tabbing into a row moves the cursor there too.
  document.addEventListener("focusin", (e) => {
    const row = e.target.closest && e.target.closest('tr[data-testid="message-row"]');
    if (row) {
      setCursor(rows().indexOf(row), false);
    }
  });

  document.addEventListener("submit", (e) => {
    const form = e.target;
    const button = e.submitter;
    if (form.id !== "list-form" || !button) {
      return;
    }
    if (button.name === "star-flag" || button.name === "star-unflag") {
      e.preventDefault();
      star(button);
      return;
    }
    if (button.name !== "action") {
      return;
    }
    e.preventDefault();
    closeMenus();
    run(button.value, { button: button });
  });

  // star flags or unflags the message of one row, whatever is selected.
  function star(button) {
    const form = listForm();
    const row = button.closest('tr[data-testid="message-row"]');
    const action = button.name === "star-flag" ? "flag" : "unflag";
    const box = row && boxOf(row);
    if (!form || !box) {
      return;
    }
    const body = new URLSearchParams();
    body.set("action", action);
    body.set("return", form.elements["return"].value);
    body.set(box.name, box.value);
    post(form.getAttribute("action"), body, action, [row]);
  }

  // closeMenus folds the toolbar's menus once one of their actions ran.
  function closeMenus() {
    for (const d of document.querySelectorAll(".list-toolbar details[open]")) {
      d.open = false;
    }
  }

  // run sends action for the selected messages, or for the one at the
  // cursor when the keyboard asks and nothing is selected.
  function run(action, opts) {
    const form = listForm();
    if (!form) {
      return;
    }
    const button = opts.button || form.querySelector('button[name="action"][value="' + action + '"]');
    const whole = button && button.dataset.noSelection;
    let targets = selectedRows();
    if (!targets.length && opts.useCursor && cursorRow()) {
      targets = [cursorRow()];
    }
    if (!targets.length && !whole) {
      say(window.webmail.t("Select at least one message first."));
      return;
    }
    const body = new URLSearchParams();
    body.set("action", action);
    body.set("return", form.elements["return"].value);
    if (action === "move" || action === "copy") {
      const target = form.elements.target;
      if (!target.value) {
        say(window.webmail.t("Choose a folder first."));
        target.focus();
        return;
      }
      body.set("target", target.value);
    }
    if (button && button.dataset.confirm) {
      if (!window.confirm(button.dataset.confirm)) {
        return;
      }
      body.set("confirm", "yes");
    }
    if (!whole) {
      for (const r of targets) {
        const box = boxOf(r);
        body.append(box.name, box.value);
      }
    }
    post(form.getAttribute("action"), body, action, targets);
  }

  // post sends an action and refreshes the list. While it runs,
  // document.body.dataset.listBusy tells events.js not to redraw the list.
  async function post(url, body, action, targets) {
    document.body.dataset.listBusy = "true";
    try {
      await send(url, body, action, targets);
    } finally {
      delete document.body.dataset.listBusy;
    }
  }

  async function send(url, body, action, targets) {
    const region = document.getElementById("list-region");
    setBusy(region, true);
    let res;
    let data = null;
    try {
      res = await fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": window.webmail.csrfToken() },
      });
      data = await res.json().catch(() => null);
    } catch (err) {
      say(window.webmail.t("The server could not be reached. Please try again."));
      setBusy(region, false);
      return;
    }
    if (res.status === 409 && data && data.confirm) {
      setBusy(region, false);
      if (window.confirm(data.message || data.confirm)) {
        body.set("confirm", "yes");
        await send(url, body, action, targets);
      }
      return;
    }
    if (!res.ok || !data || !data.ok) {
      setBusy(region, false);
      if (data && data.message) {
        say(data.message);
      } else if (res.status === 401) {
        say(window.webmail.t("Your session has ended. Please reload the page and sign in again."));
      } else if (res.status === 403) {
        say(window.webmail.t("This page has expired. Please reload it and try again."));
      } else {
        say(window.webmail.t("That did not work. Please try again."));
      }
      return;
    }
    showLocally(action, targets, data.removed);
    say(data.message);
    document.dispatchEvent(new CustomEvent("webmail:action-done", { detail: data })); // undo.js offers the undo
    await refresh();
  }

  // setBusy marks the list as being updated, for people (dimmed) and
  // assistive technology (aria-busy). The refreshed list arrives without it.
  function setBusy(region, busy) {
    if (!region) {
      return;
    }
    region.classList.toggle("busy", busy);
    if (busy) {
      region.setAttribute("aria-busy", "true");
    } else {
      region.removeAttribute("aria-busy");
    }
  }

  // showLocally updates the rows at once; the refresh that follows brings
  // the server's view (counts, pages, filters).
  function showLocally(action, targets, removed) {
    for (const r of targets) {
      if (removed) {
        chosen.delete(boxOf(r).value);
        r.remove();
        continue;
      }
      if (action === "read" || action === "unread") {
        r.classList.toggle("unread", action === "unread");
      }
      if (action === "flag" || action === "unflag") {
        r.classList.toggle("flagged", action === "flag");
      }
    }
  }

  // refresh replaces the list and the folder tree with the server's
  // current HTML for this list, keeping what is selected when it arrives
  // (the user may have changed the selection meanwhile).
  async function refresh() {
    const url = main.dataset.listUrl || location.pathname + location.search;
    let doc;
    let res;
    try {
      res = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!res.ok) {
        throw new Error(String(res.status));
      }
      doc = new DOMParser().parseFromString(await res.text(), "text/html");
    } catch (err) {
      setBusy(document.getElementById("list-region"), false);
      return;
    }
    const fresh = doc.getElementById("list-region");
    const old = document.getElementById("list-region");
    const focused = focusInRow(old);
    if (fresh && old) {
      old.replaceWith(document.adoptNode(fresh));
      refocus(fresh, focused);
    } else {
      setBusy(old, false);
    }
    const folders = doc.querySelector("nav.folders");
    const oldFolders = document.querySelector("nav.folders");
    if (folders && oldFolders) {
      oldFolders.replaceWith(document.adoptNode(folders));
    }
    if (res.redirected) {
      const u = new URL(res.url);
      main.dataset.listUrl = u.pathname + u.search;
      history.replaceState(null, "", u.pathname + u.search);
    }
    redrawn();
  }

  // focusInRow names the control of a row that has the keyboard focus in
  // region (its row's message and its data-testid), or null: the redraw
  // replaces it, and the focus must not fall back to the page (a star
  // toggled from the keyboard).
  function focusInRow(region) {
    const el = document.activeElement;
    const row = region && el && region.contains(el) && el.closest('tr[data-testid="message-row"]');
    const box = row && boxOf(row);
    if (!box || !el.dataset.testid) {
      return null;
    }
    return { key: box.value, testid: el.dataset.testid };
  }

  // refocus focuses the control focusInRow named, in the redrawn region.
  function refocus(region, focused) {
    if (!focused) {
      return;
    }
    const row = Array.from(region.querySelectorAll('tr[data-testid="message-row"]'))
      .find((r) => boxOf(r) && boxOf(r).value === focused.key);
    const el = row && row.querySelector('[data-testid="' + focused.testid + '"]');
    if (el) {
      el.focus();
    }
  }

  // redrawn restores the selection and the cursor on new rows. The cursor
  // stays on its message wherever the redraw put it (new mail arrives at
  // the top); when that message is gone, there is no cursor.
  function redrawn() {
    restoreSelection();
    const all = rows();
    const at = all.findIndex((r) => boxOf(r).value === cursorValue);
    if (at >= 0) {
      setCursor(at, false);
    } else {
      cursor = -1;
      cursorValue = null;
    }
    for (const hook of shared.redrawHooks) {
      hook();
    }
  }
  document.addEventListener("webmail:list-replaced", redrawn);

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    if (shared.help && shared.help.isOpen()) {
      return; // list_help.js has the keys while the dialog is open
    }
    const t = e.target;
    const typing = t.closest && t.closest("input:not([type=checkbox]), textarea, select, [contenteditable]");
    if (typing) {
      if (e.key === "Escape") {
        t.blur();
      }
      return;
    }
    switch (e.key) {
      case "j":
        setCursor(cursor + 1, true);
        cursorMoved();
        break;
      case "k":
        setCursor(cursor < 0 ? 0 : cursor - 1, true);
        cursorMoved();
        break;
      case "o":
      case "Enter": {
        if (e.key === "Enter" && t.closest && t.closest("a, button")) {
          return; // a focused link or button does its own thing
        }
        const row = cursorRow();
        const link = row && row.querySelector('a[data-testid="message-link"]');
        if (!link) {
          return;
        }
        if (!shared.openRow || !shared.openRow(row)) {
          location.href = link.href;
        }
        break;
      }
      case "x": {
        const row = cursorRow();
        if (!row) {
          return;
        }
        const box = boxOf(row);
        box.checked = !box.checked;
        syncSelection();
        break;
      }
      case "f": {
        let targets = selectedRows();
        if (!targets.length && cursorRow()) {
          targets = [cursorRow()];
        }
        const allFlagged = targets.length > 0 && targets.every((r) => r.classList.contains("flagged"));
        run(allFlagged ? "unflag" : "flag", { useCursor: true });
        break;
      }
      case "#":
        run("delete", { useCursor: true });
        break;
      case "e":
        run("archive", { useCursor: true });
        break;
      case "u":
        run("unread", { useCursor: true });
        break;
      case "/": {
        const search = document.getElementById("list-search") || document.getElementById("adv-q");
        if (!search) {
          return;
        }
        search.focus();
        search.select();
        break;
      }
      case "?":
        if (!shared.help) {
          return;
        }
        shared.help.open();
        break;
      case "c":
        window.location.assign("/compose");
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  syncSelection();
})();
