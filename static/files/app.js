// app.js: shared helpers for the other scripts. No framework: pages work
// without JavaScript; scripts only make common actions faster.
"use strict";
window.webmail = window.webmail || {};
// csrfToken returns the session's anti-forgery token for fetch() calls.
window.webmail.csrfToken = function () {
  return document.body.dataset.csrf || "";
};

(function () {
  // t translates key, an English text, into the page's language: the
  // layout puts the translations of the scripts' strings on <body
  // data-strings> (i18n/locales/<lang>/js_*.json; the catalog check wants
  // German for every call of webmail.t in static/files). Each "%s" in the
  // text takes the next argument. A text missing there shows in English.
  window.webmail.t = function (key) {
    var args = Array.prototype.slice.call(arguments, 1);
    var text = scriptStrings()[key];
    if (text && typeof text === "object") text = text.other;
    return fill(typeof text === "string" ? text : key, args);
  };

  // tn is t for a count: one and other are the English singular and plural
  // ("%d file", "%d files"; other is the key), the language's plural rules
  // pick the form, "%d" shows n.
  window.webmail.tn = function (n, one, other) {
    var args = Array.prototype.slice.call(arguments, 3);
    var lang = document.documentElement.lang || "en";
    var forms = scriptStrings()[other];
    var text = n === 1 ? one : other;
    if (forms && typeof forms === "object") {
      var form = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang).select(n) : "other";
      text = forms[form] || forms.other;
    } else if (typeof forms === "string") {
      text = forms;
    }
    return fill(text.replace(/%d/g, n.toLocaleString(lang)), args);
  };

  function scriptStrings() {
    if (!window.webmail.strings) {
      try {
        window.webmail.strings = JSON.parse(document.body.dataset.strings || "{}");
      } catch (e) {
        window.webmail.strings = {};
      }
    }
    return window.webmail.strings;
  }

  function fill(text, args) {
    return text.replace(/%s/g, function () { return args.length ? String(args.shift()) : "%s"; });
  }
})();

// The top bar on a phone slides away while the user scrolls down, giving
// the list the screen, and comes back as soon as they scroll up (or tab
// into it). Wider screens keep it where it is.
(function () {
  var bar = document.querySelector(".topbar");
  if (!bar || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 720px)");
  var last = window.scrollY;
  // Every scroll event, not one per frame: two quick scrolls must not
  // be read as one in the wrong direction. Toggling a class is cheap.
  window.addEventListener("scroll", function () {
    var y = window.scrollY;
    if (!phone.matches || y <= 64) {
      bar.classList.remove("topbar-hidden");
    } else if (y > last + 4) {
      bar.classList.add("topbar-hidden");
    } else if (y < last - 4) {
      bar.classList.remove("topbar-hidden");
    }
    last = y;
  }, { passive: true });
  bar.addEventListener("focusin", function () { bar.classList.remove("topbar-hidden"); });
})();
