// list_help.js: the keyboard shortcuts dialog of the message list. list.js
// opens it with ? through window.webmail.list.help; while it is open this
// file has the keys: Escape or ? closes it, Tab stays on its close button.
"use strict";
(function () {
  const list = window.webmail && window.webmail.list;
  if (!list) {
    return; // not a list page
  }
  let returnFocus = null; // where focus goes when the help closes

  const dialog = () => document.getElementById("shortcuts");
  const isOpen = () => {
    const h = dialog();
    return Boolean(h && !h.hidden);
  };

  function open() {
    const h = dialog();
    if (!h) {
      return;
    }
    returnFocus = document.activeElement;
    h.hidden = false;
    const close = h.querySelector(".shortcuts-close");
    if (close) {
      close.focus();
    }
  }

  function close() {
    const h = dialog();
    if (!h || h.hidden) {
      return;
    }
    h.hidden = true;
    if (returnFocus && returnFocus.focus) {
      returnFocus.focus();
    }
  }

  document.addEventListener("click", (e) => {
    const t = e.target;
    if (t.closest && t.closest(".shortcuts-open")) {
      open();
    }
    if (t.closest && (t.closest(".shortcuts-close") || t.classList.contains("shortcuts"))) {
      close();
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !isOpen()) {
      return;
    }
    if (e.key === "Escape" || e.key === "?") {
      close();
      e.preventDefault();
    } else if (e.key === "Tab") {
      e.preventDefault(); // the close button is the only control
    }
  });

  list.help = { open: open, isOpen: isOpen };
})();
