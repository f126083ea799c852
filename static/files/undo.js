// undo.js: undo for a move, archive, delete to Trash or junk. The server
// offers the undo of the action the last form post did as a notice with a
// form (pages without scripts use that); list.js announces the actions it
// did with fetch as a "webmail:action-done" event carrying the server's
// answer, and list_pane.js hands over the notice that came with the
// reading pane's next message ("webmail:undo-offered"). Either way this shows a toast with an Undo button for 10
// seconds, and z undoes the last action for as long as the server accepts
// its token. After the undo the list is redrawn, or, away from a list,
// the message that came back is shown.
"use strict";
(function () {
  if (!document.body.dataset.csrf) {
    return; // logged out
  }
  const SHOW_MS = 10000; // how long the toast offers the undo
  const RESULT_MS = 5000; // how long it then says what the undo did
  let last = null; // { token, label } of the action z undoes
  let busy = false;
  let hideTimer = null;

  // The live region exists before anything is put in it, so screen
  // readers announce what appears there.
  const toasts = document.createElement("div");
  toasts.className = "toasts";
  toasts.setAttribute("role", "status");
  toasts.setAttribute("aria-live", "polite");
  toasts.dataset.testid = "toasts";
  document.body.appendChild(toasts);

  // show puts a toast up: the message and, with label, the undo button.
  function show(message, label, ms) {
    stopTimer();
    toasts.textContent = "";
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.dataset.testid = "undo-toast";
    const text = document.createElement("span");
    text.className = "toast-text";
    text.textContent = message;
    toast.appendChild(text);
    if (label) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "toast-undo";
      button.dataset.testid = "toast-undo";
      button.textContent = label;
      button.title = label + " (z)";
      button.addEventListener("click", undo);
      toast.appendChild(button);
    }
    // The timer waits while the pointer or the focus is on the toast:
    // nobody loses the button while reaching for it.
    toast.addEventListener("mouseenter", stopTimer);
    toast.addEventListener("focusin", stopTimer);
    toast.addEventListener("mouseleave", () => startTimer(ms));
    toast.addEventListener("focusout", () => startTimer(ms));
    toasts.appendChild(toast);
    startTimer(ms);
  }

  function startTimer(ms) {
    stopTimer();
    hideTimer = window.setTimeout(() => {
      hideTimer = null;
      toasts.textContent = "";
    }, ms);
  }

  function stopTimer() {
    if (hideTimer !== null) {
      window.clearTimeout(hideTimer);
      hideTimer = null;
    }
  }

  // offer makes the action of token the one z undoes, and shows it.
  function offer(message, token, label) {
    last = { token: token, label: label || "Undo" };
    show(message, last.label, SHOW_MS);
  }

  // undo sends the last action's token and shows what came of it.
  async function undo() {
    if (!last || busy) {
      return;
    }
    busy = true;
    // Another action may be done while this undo is on its way: its undo
    // offer, then in last, must outlive this answer.
    const mine = last;
    const body = new URLSearchParams();
    body.set("token", mine.token);
    body.set("return", location.pathname + location.search);
    let res;
    let data = null;
    try {
      res = await fetch("/undo", {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": window.webmail.csrfToken() },
      });
      data = await res.json().catch(() => null);
    } catch (err) {
      busy = false;
      if (last === mine) {
        show(window.webmail.t("The server could not be reached. Please try again."), mine.label, SHOW_MS);
      }
      return;
    }
    busy = false;
    if (!res.ok || !data || !data.ok) {
      if (last === mine) {
        last = null; // refused: trying again would be refused again
      }
      show(data && data.message ? data.message : window.webmail.t("That did not work. Please reload the page."), "", RESULT_MS);
      return;
    }
    if (last === mine) {
      last = null;
    }
    show(data.message, "", RESULT_MS);
    redraw(data.location);
  }

  // redraw shows the messages back where they were: the list in place
  // (list.js), else the page again from the server; away from a list the
  // message that came back.
  function redraw(where) {
    if (!document.querySelector("main.listpage")) {
      if (where) {
        location.assign(where);
      }
      return;
    }
    const list = window.webmail.list;
    if (list && list.refresh) {
      list.refresh();
    } else {
      location.reload();
    }
  }

  // fromNotice turns the server's notice (its form) into the toast.
  function fromNotice(notice) {
    const token = notice.querySelector('input[name="token"]');
    const button = notice.querySelector('button[type="submit"]');
    const text = notice.querySelector(".undo-message");
    if (token && token.value) {
      notice.remove();
      offer(text ? text.textContent : "", token.value, button ? button.textContent : "");
    }
  }

  // The notice a form post left on this page becomes the toast.
  const notice = document.querySelector('[data-testid="undo-notice"]');
  if (notice) {
    fromNotice(notice);
  }

  // The reading pane (list_pane.js) posted an action: the notice came with
  // the message it shows next.
  document.addEventListener("webmail:undo-offered", (e) => {
    if (e.detail && e.detail.querySelector) {
      fromNotice(e.detail);
    }
  });

  // list.js, or the reading pane, did an action with fetch.
  document.addEventListener("webmail:action-done", (e) => {
    const data = e.detail || {};
    if (data.undo) {
      offer(data.message || "", data.undo, data.undo_label);
    } else {
      // z must not undo an older action than the one just done, nor
      // may its toast still offer to.
      last = null;
      stopTimer();
      toasts.textContent = "";
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.key !== "z" || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !last) {
      return;
    }
    const t = e.target;
    if (t.closest && t.closest("input:not([type=checkbox]), textarea, select, [contenteditable], dialog, [role=dialog]")) {
      return;
    }
    e.preventDefault();
    undo();
  });
})();
