// list_drag.js: drag a message (or the selection, when the dragged row is
// selected) onto a folder in the folder list to move it there. The Move
// menu does the same for keyboards and touch screens. It uses what list.js
// shares in window.webmail.list.
"use strict";
(function () {
  const list = window.webmail && window.webmail.list;
  if (!list) {
    return; // not a list page
  }
  let dragged = null; // the rows being dragged

  function makeDraggable() {
    for (const r of list.rows()) {
      r.draggable = true;
    }
  }

  // folderOf is the folder link under el and the folder's name, or null.
  const folderOf = (el) => {
    const link = el.closest && el.closest('nav.folders a[data-testid="folder"]');
    if (!link) {
      return null;
    }
    const path = new URL(link.href, location.href).pathname;
    return path.startsWith("/mail/") ? { link: link, name: decodeURIComponent(path.slice(6)) } : null;
  };

  document.addEventListener("dragstart", (e) => {
    const row = e.target.closest && e.target.closest('tr[data-testid="message-row"]');
    if (!row) {
      return;
    }
    dragged = list.boxOf(row).checked ? list.selectedRows() : [row];
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", dragged.length + " message(s)");
    list.main.classList.add("dragging");
  });
  document.addEventListener("dragend", () => {
    dragged = null;
    list.main.classList.remove("dragging");
    for (const f of document.querySelectorAll(".drop-target")) {
      f.classList.remove("drop-target");
    }
  });
  document.addEventListener("dragover", (e) => {
    const folder = dragged && folderOf(e.target);
    if (folder) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      folder.link.classList.add("drop-target");
    }
  });
  document.addEventListener("dragleave", (e) => {
    const folder = folderOf(e.target);
    if (folder) {
      folder.link.classList.remove("drop-target");
    }
  });
  document.addEventListener("drop", (e) => {
    const folder = dragged && folderOf(e.target);
    if (!folder) {
      return;
    }
    e.preventDefault();
    const form = list.listForm();
    const targets = dragged;
    dragged = null;
    if (!form || !targets.length) {
      return;
    }
    const body = new URLSearchParams();
    body.set("action", "move");
    body.set("target", folder.name);
    body.set("return", form.elements["return"].value);
    for (const r of targets) {
      const box = list.boxOf(r);
      body.append(box.name, box.value);
    }
    list.post(form.getAttribute("action"), body, "move", targets);
  });

  makeDraggable();
  list.redrawHooks.push(makeDraggable);
})();
