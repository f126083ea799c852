// compose.js: the compose page with JavaScript. The page is a plain form
// that works without it; this adds the rich-text editor (Squire), saving a
// couple of seconds after each change and when the page is left, uploads
// with a progress bar per file (file picker and drag and drop), inline
// images, recipient suggestions, and folded Cc/Bcc. On the settings page
// it offers to open mailto: links here.
"use strict";
// The editor's scripts load (deferred) after this file, on the compose
// page only: everything starts once they have run.
document.addEventListener("DOMContentLoaded", function () {
  var registerButton = document.querySelector("[data-register-mailto]");
  if (registerButton && navigator.registerProtocolHandler) {
    registerButton.parentElement.hidden = false;
    registerButton.addEventListener("click", function () {
      var url = window.location.origin + registerButton.dataset.registerMailto;
      navigator.registerProtocolHandler("mailto", url);
    });
  }

  var form = document.getElementById("compose-form");
  if (!form) {
    return;
  }
  var page = form.closest(".compose-page");
  page.classList.add("js-on");

  var AUTOSAVE_DELAY = 2000;
  var csrf = form.querySelector('input[name="csrf"]').value;
  var revision = form.querySelector('input[name="revision"]');
  var stateLine = form.querySelector(".compose-state");
  var banner = form.querySelector(".compose-banner");
  var textarea = form.querySelector("#compose-body");
  var uploadList = document.querySelector(".upload-list");
  var uploadForm = document.querySelector(".upload-form");
  var fileInput = document.getElementById("compose-attachment");
  var dropZone = document.querySelector(".drop-zone");
  var remaining = parseInt(form.dataset.uploadRemaining, 10) || 0;
  var limitText = form.dataset.uploadLimitText || "";

  // The send-later field is in the browser's time zone; the server needs
  // to know which (minutes east of UTC).
  var tzOffset = document.createElement("input");
  tzOffset.type = "hidden";
  tzOffset.name = "tz_offset";
  tzOffset.value = String(-new Date().getTimezoneOffset());
  form.appendChild(tzOffset);

  // --- The editor ---------------------------------------------------------

  var editor = null; // Squire, while rich text is on
  var editorRoot = null;
  var htmlField = null;
  var formatField = null;
  var toolbar = null;

  function escapeHTML(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function textToHTML(text) {
    return text.split("\n").map(function (line) {
      return "<div>" + (line === "" ? "<br>" : escapeHTML(line)) + "</div>";
    }).join("");
  }

  // editorText is the plain-text version of the rich body: the text part
  // of the message, and what no-JS fallbacks and search see.
  function editorText() {
    var clone = editorRoot.cloneNode(true);
    clone.querySelectorAll("blockquote").forEach(function (q) {
      var lines = q.innerText.replace(/\n+$/, "").split("\n");
      q.textContent = lines.map(function (l) { return "> " + l; }).join("\n");
    });
    var holder = document.createElement("div");
    holder.style.position = "absolute";
    holder.style.left = "-9999px";
    holder.appendChild(clone);
    document.body.appendChild(holder);
    var text = clone.innerText;
    holder.remove();
    return text.replace(/\u00a0/g, " ");
  }

  function hiddenField(name) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    form.appendChild(input);
    return input;
  }

  var tools = [
    ["B", window.webmail.t("Bold"), "bold", "removeBold", "B"],
    ["I", window.webmail.t("Italic"), "italic", "removeItalic", "I"],
    ["U", window.webmail.t("Underline"), "underline", "removeUnderline", "U"],
    null,
    [window.webmail.t("• List"), window.webmail.t("Bulleted list"), "makeUnorderedList", "removeList", "UL"],
    [window.webmail.t("1. List"), window.webmail.t("Numbered list"), "makeOrderedList", "removeList", "OL"],
    ["❝", window.webmail.t("Quote"), "increaseQuoteLevel", "decreaseQuoteLevel", "BLOCKQUOTE"],
    null,
    [window.webmail.t("Link"), window.webmail.t("Link"), "link", null, null],
    [window.webmail.t("Image"), window.webmail.t("Insert an image"), "image", null, null],
    [window.webmail.t("Clear"), window.webmail.t("Remove formatting"), "removeAllFormatting", null, null]
  ];

  function buildToolbar() {
    toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", window.webmail.t("Formatting"));
    tools.forEach(function (t) {
      if (!t) {
        var sep = document.createElement("span");
        sep.className = "sep";
        toolbar.appendChild(sep);
        return;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = t[0];
      b.title = t[1];
      // A symbol (B, ❝) gets the word as its name; a button that shows
      // words keeps them as its name (WCAG 2.5.3: what you see is what
      // you say to voice control), the title explains.
      if (!/\p{L}{2}/u.test(t[0])) b.setAttribute("aria-label", t[1]);
      b.dataset.action = t[2];
      if (t[4]) {
        b.dataset.tag = t[4];
        b.setAttribute("aria-pressed", "false");
      }
      b.addEventListener("click", function () { runTool(t); });
      toolbar.appendChild(b);
    });
    var mode = document.createElement("button");
    mode.type = "button";
    mode.className = "mode";
    mode.dataset.testid = "format-toggle";
    mode.addEventListener("click", function () {
      if (editor) {
        if (window.confirm(window.webmail.t("Switch to plain text? The formatting will be lost."))) {
          toPlain();
        }
      } else {
        toRich();
      }
    });
    toolbar.appendChild(mode);
    textarea.parentElement.insertBefore(toolbar, textarea);
  }

  function runTool(t) {
    if (!editor) {
      return;
    }
    var pressed = t[4] && editor.hasFormat(t[4]);
    if (t[2] === "link") {
      var url = window.prompt(window.webmail.t("Link address"), "https://");
      if (url && /^(https?:|mailto:)/i.test(url.trim())) {
        editor.makeLink(url.trim());
      }
    } else if (t[2] === "image") {
      pickImage();
    } else if (pressed && t[3]) {
      editor[t[3]]();
    } else {
      editor[t[2]]();
    }
    editor.focus();
  }

  function updateToolbar() {
    toolbar.querySelectorAll("button[data-tag]").forEach(function (b) {
      b.setAttribute("aria-pressed", editor && editor.hasFormat(b.dataset.tag) ? "true" : "false");
    });
    toolbar.querySelectorAll("button[data-action]").forEach(function (b) {
      b.disabled = !editor;
    });
    toolbar.querySelector(".mode").textContent = editor ? window.webmail.t("Switch to plain text") : window.webmail.t("Switch to rich text");
  }

  function toRich(html) {
    editorRoot = document.createElement("div");
    editorRoot.className = "editor";
    editorRoot.setAttribute("role", "textbox");
    editorRoot.setAttribute("aria-multiline", "true");
    editorRoot.setAttribute("aria-label", window.webmail.t("Message"));
    editorRoot.setAttribute("spellcheck", "true");
    editorRoot.setAttribute("lang", textarea.getAttribute("lang") || "en");
    editorRoot.dataset.testid = "editor";
    textarea.parentElement.insertBefore(editorRoot, textarea);
    textarea.hidden = true;
    editor = new window.Squire(editorRoot, { blockTag: "DIV" });
    editor.setHTML(html !== undefined ? html : textToHTML(textarea.value));
    editor.addEventListener("input", changed);
    editor.addEventListener("pathChange", updateToolbar);
    editor.addEventListener("pasteImage", function (e) {
      var items = e.detail && e.detail.clipboardData ? e.detail.clipboardData.items : [];
      Array.prototype.forEach.call(items, function (item) {
        if (item.kind === "file" && /^image\//.test(item.type)) {
          uploadFile(item.getAsFile(), true);
        }
      });
    });
    htmlField = htmlField || hiddenField("body_html");
    formatField = formatField || hiddenField("format");
    formatField.value = "html";
    updateToolbar();
    if (html === undefined) {
      changed();
    }
  }

  function toPlain() {
    textarea.value = editorText();
    editor.destroy();
    editor = null;
    editorRoot.remove();
    editorRoot = null;
    textarea.hidden = false;
    formatField.value = "";
    htmlField.value = "";
    updateToolbar();
    changed();
  }

  // sync copies the editor into the form fields before anything is sent.
  function sync() {
    if (editor) {
      htmlField.value = editor.getHTML();
      textarea.value = editorText();
    }
  }

  if (window.Squire && textarea) {
    buildToolbar();
    var template = document.getElementById("compose-body-html");
    if (form.dataset.html === "true" && template) {
      toRich(template.innerHTML);
    } else {
      updateToolbar();
    }
  }

  // --- Saving ---------------------------------------------------------------

  var timer = null;
  var saving = false;
  var again = false;
  var dirty = false;      // changed since the last save
  var draftDirty = false; // changed since the Drafts folder last got a copy

  function setState(text) {
    if (stateLine) {
      stateLine.textContent = text;
    }
  }

  function localTime(iso, fallback) {
    var d = iso ? new Date(iso) : null;
    if (!d || isNaN(d)) {
      return fallback;
    }
    return d.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
  }

  function changed() {
    dirty = true;
    draftDirty = true;
    keepLocal();
    setState(window.webmail.t("Editing…"));
    clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY);
  }

  // --- The copy kept in this browser -----------------------------------------
  // Until the server has saved a change, the form's fields are also kept in
  // localStorage under this compose's save URL, so nothing typed is lost
  // when saving is unavailable (the session store or the database down, no
  // connection) and the tab is closed or reloaded: the next load of this
  // compose puts them back and saves them. The copy is used only when the
  // server has not saved anything newer than what it was based on (the same
  // revision), and copies older than a week are dropped.

  var LOCAL_PREFIX = "webmail-compose:";
  var LOCAL_MAX_AGE = 7 * 24 * 3600 * 1000;
  var localKey = LOCAL_PREFIX + form.dataset.saveUrl;
  var LOCAL_SKIP = { csrf: true, revision: true, tz_offset: true, draft: true };

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage off in this browser
    }
  }

  function keepLocal() {
    var store = storage();
    if (!store) {
      return;
    }
    var fields = [];
    formBody().forEach(function (value, name) {
      if (!LOCAL_SKIP[name]) {
        fields.push([name, value]);
      }
    });
    try {
      store.setItem(localKey, JSON.stringify({ at: Date.now(), revision: revision.value, fields: fields }));
    } catch (e) {
      // Full or refused: the server copy is all there is.
    }
  }

  function dropLocal() {
    var store = storage();
    if (store) {
      store.removeItem(localKey);
    }
  }

  function dropOldLocal() {
    var store = storage();
    if (!store) {
      return;
    }
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(LOCAL_PREFIX) === 0 && key !== localKey) {
        var kept = null;
        try {
          kept = JSON.parse(store.getItem(key));
        } catch (e) {}
        if (!kept || !(Date.now() - kept.at < LOCAL_MAX_AGE)) {
          store.removeItem(key);
        }
      }
    }
  }

  // restoreLocal puts back a copy the server never saved; it reports
  // whether there was one.
  function restoreLocal() {
    var store = storage();
    var kept = null;
    try {
      kept = store && JSON.parse(store.getItem(localKey));
    } catch (e) {}
    if (!kept || !kept.fields || kept.revision !== revision.value || !(Date.now() - kept.at < LOCAL_MAX_AGE)) {
      dropLocal();
      return false;
    }
    var html = null;
    kept.fields.forEach(function (field) {
      var name = field[0], value = field[1];
      if (name === "body_html") {
        html = value;
        return;
      }
      var input = form.elements[name];
      if (!input || input.type === "file") {
        return;
      }
      if (input.type === "checkbox") {
        input.checked = true; // only checked boxes are in a form body
      } else {
        input.value = value;
      }
    });
    if (editor && html !== null) {
      editor.setHTML(html);
    }
    return true;
  }

  function formBody(extra) {
    sync();
    var data = new URLSearchParams(new FormData(form));
    Object.keys(extra || {}).forEach(function (k) { data.set(k, extra[k]); });
    return data;
  }

  // saveFailure says what a refused save means for the user. Signed out,
  // refused as forged (another tab signed out) or already sent will not
  // get better by retrying: those stop the retries (err.final); the
  // text stays in this browser (keepLocal) either way.
  function saveFailure(status) {
    var text, final = true;
    if (status === 409) {
      text = window.webmail.t("This message was sent or is being sent: it can no longer be saved.");
    } else if (status === 401 || status === 403) {
      text = window.webmail.t("Not saved: you are signed out. Sign in again in another tab; your text is kept in this browser and saved when you come back to this page.");
    } else if (status === 413) {
      text = window.webmail.t("Not saved: the message is too large to save.");
    } else {
      text = window.webmail.t("Not saved: the server is unavailable right now. Your text is kept in this browser; it will be tried again.");
      final = false;
    }
    var err = new Error(text);
    err.final = final;
    return err;
  }

  function save() {
    clearTimeout(timer);
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    dirty = false;
    setState(window.webmail.t("Saving…"));
    fetch(form.dataset.saveUrl, {
      method: "POST",
      body: formBody(),
      credentials: "same-origin",
      // X-Requested-With: a save the page does on its own shows no
      // progress bar (progress.js) while the user types.
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf, "X-Requested-With": "autosave" }
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) {
          throw saveFailure(resp.status);
        }
        return data;
      });
    }).then(function (data) {
      revision.value = String(data.revision);
      if (data.draftCopied) {
        draftDirty = dirty;
      }
      if (dirty) {
        keepLocal(); // changed while saving: based on the new revision
      } else {
        dropLocal();
      }
      setState(window.webmail.t("Saved %s", localTime(data.savedAtTime, data.savedAt)));
      if (data.overwrote) {
        banner.textContent = window.webmail.t("This draft was also changed in another window at %s; your version was saved over it.", localTime(data.otherSavedAtTime, data.otherSavedAt));
        banner.hidden = false;
      }
    }).catch(function (err) {
      dirty = true;
      setState(err.message || window.webmail.t("Not saved: no connection. Your text is kept in this browser; it will be tried again."));
      if (!err.final) {
        timer = setTimeout(save, AUTOSAVE_DELAY * 5);
      }
    }).finally(function () {
      saving = false;
      if (again) {
        again = false;
        save();
      }
    });
  }

  dropOldLocal();
  if (restoreLocal()) {
    banner.textContent = window.webmail.t("What you typed before saving became unavailable was kept in this browser and has been put back.");
    banner.hidden = false;
    changed();
  }

  form.addEventListener("input", function (e) {
    if (e.target.name !== "send_at") {
      changed();
    }
  });
  form.addEventListener("change", function (e) {
    if (e.target.tagName === "SELECT" || e.target.type === "checkbox") {
      changed();
    }
  });

  // Submitting (Save draft, Send) sends the editor's content too, and no
  // autosave may run after it.
  var submitting = false;
  form.addEventListener("submit", function () {
    sync();
    submitting = true;
    clearTimeout(timer);
  });

  // Leaving the page: the last changes, and a fresh Drafts copy, go out
  // with the page (sendBeacon survives the navigation).
  window.addEventListener("pagehide", function () {
    if (submitting || (!dirty && !draftDirty)) {
      return;
    }
    clearTimeout(timer);
    var body = formBody({ draft: "1" });
    if (!(navigator.sendBeacon && navigator.sendBeacon(form.dataset.saveUrl, body))) {
      fetch(form.dataset.saveUrl, { method: "POST", body: body, keepalive: true, credentials: "same-origin" });
    }
    dirty = draftDirty = false;
  });

  // --- Cc and Bcc -----------------------------------------------------------

  ["cc", "bcc"].forEach(function (name) {
    var row = form.querySelector('[data-address-row="' + name + '"]');
    var show = form.querySelector('[data-show-row="' + name + '"]');
    if (!row || !show || row.querySelector("input").value !== "") {
      return;
    }
    row.classList.add("folded");
    show.hidden = false;
    show.addEventListener("click", function () {
      row.classList.remove("folded");
      show.hidden = true;
      row.querySelector("input").focus();
    });
  });

  // --- Recipient suggestions ------------------------------------------------

  function formatAddress(s) {
    if (!s.name || s.name.toLowerCase() === s.email.toLowerCase()) {
      return s.email;
    }
    var name = /[,;<>"()@:\[\]\\]/.test(s.name) ? '"' + s.name.replace(/(["\\])/g, "\\$1") + '"' : s.name;
    return name + " <" + s.email + ">";
  }

  form.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.createElement("ul");
    list.className = "suggest";
    list.id = input.id + "-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentElement.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [];
    var active = -1;
    var pending = null;
    var seq = 0;

    function lastToken() {
      var v = input.value;
      var cut = Math.max(v.lastIndexOf(","), v.lastIndexOf(";"));
      return { head: v.slice(0, cut + 1), token: v.slice(cut + 1).trim() };
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }
    function choose(i) {
      var parts = lastToken();
      var head = parts.head ? parts.head.replace(/\s*$/, " ") : "";
      input.value = head + formatAddress(items[i]) + ", ";
      close();
      changed();
      input.focus();
    }
    function highlight(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, n) {
        li.setAttribute("aria-selected", n === i ? "true" : "false");
      });
    }
    function show(found) {
      items = found;
      list.textContent = "";
      if (!found.length) {
        close();
        return;
      }
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.testid = "suggestion";
        if (s.name) {
          var n = document.createElement("span");
          n.textContent = s.name;
          li.appendChild(n);
        }
        var e = document.createElement("span");
        e.className = "email";
        e.textContent = s.email;
        li.appendChild(e);
        li.addEventListener("mousedown", function (ev) {
          ev.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(0);
    }
    input.addEventListener("input", function () {
      clearTimeout(pending);
      var q = lastToken().token;
      if (q.length < 1) {
        close();
        return;
      }
      pending = setTimeout(function () {
        var mine = ++seq;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json", "X-Requested-With": "suggest" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            if (mine === seq && document.activeElement === input) {
              show(found || []);
            }
          })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        return;
      }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var n = items.length;
        highlight((active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
      } else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) {
        e.preventDefault();
        choose(active);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  });

  // --- Attachments ----------------------------------------------------------

  function uploadItem(name) {
    var li = document.createElement("li");
    li.className = "upload";
    li.dataset.testid = "upload";
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    li.appendChild(label);
    uploadList.appendChild(li);
    return li;
  }

  function showUploaded(li, file) {
    li.textContent = "";
    li.dataset.size = String(file.size);
    var a = document.createElement("a");
    a.href = file.url;
    a.className = "upload-name";
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = file.name;
    var size = document.createElement("span");
    size.className = "upload-size";
    size.textContent = file.sizeText;
    li.appendChild(a);
    li.appendChild(size);
    if (file.inline) {
      var inline = document.createElement("span");
      inline.className = "upload-inline";
      inline.textContent = window.webmail.t("in the text");
      li.appendChild(inline);
    }
    var del = document.createElement("form");
    del.method = "post";
    del.action = file.deleteUrl;
    del.className = "upload-delete";
    del.innerHTML = '<input type="hidden" name="csrf"><button type="submit" data-testid="remove-attachment">×</button>';
    del.querySelector("button").title = window.webmail.t("Remove");
    del.querySelector("input").value = csrf;
    del.querySelector("button").setAttribute("aria-label", window.webmail.t("Remove %s", file.name));
    li.appendChild(del);
  }

  function showFailed(li, message) {
    li.classList.add("failed");
    var p = li.querySelector("progress");
    if (p) {
      p.remove();
    }
    var err = document.createElement("span");
    err.className = "upload-error";
    err.setAttribute("role", "alert");
    err.textContent = message;
    li.appendChild(err);
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link";
    dismiss.textContent = window.webmail.t("Dismiss");
    dismiss.addEventListener("click", function () { li.remove(); });
    li.appendChild(dismiss);
  }

  // removeFailed says why an attachment is still there; it stays listed,
  // as it is still attached.
  function removeFailed(li, message) {
    var err = li.querySelector(".upload-error") || document.createElement("span");
    err.className = "upload-error";
    err.setAttribute("role", "alert");
    err.textContent = message;
    li.appendChild(err);
  }

  function uploadFile(file, inline) {
    var li = uploadItem(file.name || "image");
    if (file.size > remaining) {
      showFailed(li, window.webmail.t("Too large: attachments can be at most %s altogether.", limitText));
      return;
    }
    remaining -= file.size;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", window.webmail.t("Uploading %s", file.name));
    li.appendChild(bar);
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("attachment", file, file.name || "image.png");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.uploadUrl + (inline ? "?inline=1" : ""));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round(e.loaded / e.total * 100);
      }
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) { /* not JSON: an error page */ }
      if (xhr.status !== 200 || !Array.isArray(answer) || !answer.length) {
        remaining += file.size;
        showFailed(li, answer && answer.error ? answer.error : window.webmail.t("The upload failed (%s).", xhr.status));
        return;
      }
      showUploaded(li, answer[0]);
      if (inline && editor) {
        editor.insertImage(answer[0].url, { alt: answer[0].name });
        changed();
      }
    });
    xhr.addEventListener("error", function () {
      remaining += file.size;
      showFailed(li, window.webmail.t("The upload failed: no connection."));
    });
    xhr.send(data);
  }

  function pickImage() {
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/png,image/jpeg,image/gif,image/webp";
    picker.addEventListener("change", function () {
      Array.prototype.forEach.call(picker.files, function (f) { uploadFile(f, true); });
    });
    picker.click();
  }

  if (fileInput) {
    fileInput.addEventListener("change", function () {
      Array.prototype.forEach.call(fileInput.files, function (f) { uploadFile(f, false); });
      fileInput.value = "";
    });
  }
  if (uploadForm) {
    uploadForm.addEventListener("submit", function (e) {
      e.preventDefault();
    });
  }

  // Removing an attachment without leaving the page.
  uploadList.addEventListener("submit", function (e) {
    var del = e.target.closest(".upload-delete");
    if (!del) {
      return;
    }
    e.preventDefault();
    var li = del.closest(".upload");
    fetch(del.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(del)),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (resp) {
      if (resp.ok) {
        remaining += parseInt(li.dataset.size, 10) || 0;
        li.remove();
        return;
      }
      removeFailed(li, resp.status === 409 ? window.webmail.t("Not removed: this message was sent or is being sent.") :
        window.webmail.t("Not removed: the server answered %s. Try again.", resp.status));
    }).catch(function () {
      removeFailed(li, window.webmail.t("Not removed: no connection. Try again."));
    });
  });

  // Drag and drop anywhere on the page; images dropped on the rich-text
  // editor go into the text.
  var dragDepth = 0;
  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }
  document.addEventListener("dragenter", function (e) {
    if (hasFiles(e)) {
      dragDepth++;
      dropZone.hidden = false;
    }
  });
  document.addEventListener("dragleave", function (e) {
    if (hasFiles(e) && --dragDepth <= 0) {
      dragDepth = 0;
      dropZone.hidden = true;
    }
  });
  document.addEventListener("dragover", function (e) {
    if (hasFiles(e)) {
      e.preventDefault();
    }
  });
  document.addEventListener("drop", function (e) {
    if (!hasFiles(e)) {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    dragDepth = 0;
    dropZone.hidden = true;
    var intoText = editorRoot && editorRoot.contains(e.target);
    Array.prototype.forEach.call(e.dataTransfer.files, function (f) {
      uploadFile(f, intoText && /^image\/(png|jpeg|gif|webp)$/.test(f.type));
    });
  }, true);

  // --- Focus ----------------------------------------------------------------

  var to = form.querySelector("#compose-to");
  if (to && to.value.trim() !== "") {
    if (editor) {
      editor.focus();
      editor.moveCursorToStart();
    } else {
      textarea.focus();
      textarea.setSelectionRange(0, 0);
    }
  }
});
