// app.js: shared helpers for the other scripts. No framework: pages work
// without JavaScript; scripts only make common actions faster.
"use strict";
window.webmail = window.webmail || {};
// csrfToken returns the session's anti-forgery token for fetch() calls.
window.webmail.csrfToken = function () {
  return document.body.dataset.csrf || "";
};
