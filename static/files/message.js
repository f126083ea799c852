// message.js: the message, on its page or in the list's reading pane.
// window.webmail.message.init(article, {embedded}) starts it on one
// <article class="message"> and returns a function that stops it: the
// HTML body's frame sized to its content (no inner scrollbar) and a wide
// newsletter scaled to the width, the "Original colours" switch, a
// confirmation before deleting for good, broken previews hidden, marking
// the message read after the user's delay, and (not embedded: the list
// owns the keyboard there) the keyboard shortcuts. The page works without
// it: every action is a form, quotes, the "more" menu, the conversation
// and the help are <details> elements, the body frame keeps a fixed height.
"use strict";
(function () {
  window.webmail = window.webmail || {};

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

  // minScale is as far as a wide newsletter is shrunk to fit; below it the
  // body scrolls sideways inside its frame (never the page).
  var minScale = 0.5;

  // fitFrame sizes a body frame to its document: the frame is same-origin
  // (sandboxed without scripts) so its height can be read from here and
  // followed with a ResizeObserver as images load. It returns a stop
  // function.
  function fitFrame(frame) {
    var observer = null;
    var observed = null;

    function measure() {
      var doc = frame.contentDocument;
      if (!doc || !doc.body) {
        return;
      }
      var html = doc.documentElement;
      // Shrink a body wider than the frame (a fixed-width newsletter),
      // down to minScale; zoom keeps the layout and its links usable.
      html.style.zoom = "";
      var natural = html.scrollWidth;
      var room = frame.clientWidth;
      if (natural > room + 1 && room > 0) {
        html.style.zoom = String(Math.max(minScale, room / natural));
      }
      // The root's box is its content's height (not the frame's, as
      // scrollHeight would be), zoom included.
      var px = Math.ceil(html.getBoundingClientRect().height);
      // Still wider at the smallest scale: it scrolls sideways, and the
      // scrollbar takes its height from the frame's.
      if (html.scrollWidth > html.clientWidth && frame.contentWindow) {
        px += Math.max(0, frame.contentWindow.innerHeight - html.clientHeight);
      }
      var height = px + "px";
      if (frame.style.height !== height) {
        frame.style.height = height;
      }
      frame.classList.add("fitted");
    }

    function attach() {
      var doc = frame.contentDocument;
      if (!doc || !doc.body || doc.URL === "about:blank") {
        return;
      }
      if (doc.documentElement.classList && frame.classList.contains("original-colours")) {
        doc.documentElement.classList.add("original");
      }
      // The frame takes the height of the body's content: a body sized
      // from the viewport (min-height:100vh, height:100%) would grow with
      // the frame for ever, or keep the frame's first height.
      doc.documentElement.style.setProperty("height", "auto", "important");
      doc.body.style.setProperty("min-height", "0", "important");
      measure();
      if (window.ResizeObserver && observed !== doc) {
        if (observer) {
          observer.disconnect();
        }
        observer = new ResizeObserver(measure);
        observer.observe(doc.body);
        observed = doc;
      }
    }

    frame.addEventListener("load", attach);
    var frameResize = window.ResizeObserver ? new ResizeObserver(measure) : null;
    if (frameResize) {
      frameResize.observe(frame); // the pane or the window changed width
    }
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") {
      attach();
    }
    return function () {
      frame.removeEventListener("load", attach);
      if (observer) {
        observer.disconnect();
      }
      if (frameResize) {
        frameResize.disconnect();
      }
    };
  }

  // setOriginalColours turns dark mode's adaptation of an HTML body off
  // (original) or on, for this message only.
  function setOriginalColours(root, original) {
    root.querySelectorAll("iframe.html").forEach(function (frame) {
      frame.classList.toggle("original-colours", original);
      var doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        doc.documentElement.classList.toggle("original", original);
      }
    });
    root.querySelectorAll('[data-testid="original-colours"]').forEach(function (link) {
      link.setAttribute("aria-pressed", original ? "true" : "false");
    });
  }

  function init(root, options) {
    options = options || {};
    var stops = [];
    var help = root.querySelector("details.msg-shortcuts");

    root.querySelectorAll("iframe.html").forEach(function (frame) {
      stops.push(fitFrame(frame));
    });

    // press clicks the action button bound to key, so the form posts as
    // if the user had clicked it (the confirmation included).
    function press(key) {
      var button = root.querySelector('button[data-key="' + key + '"]');
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
      var link = root.querySelector('a[data-key="' + key + '"]');
      return link ? go(link.getAttribute("href")) : false;
    }

    function onKey(event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
        return;
      }
      var handled = false;
      switch (event.key) {
        case "u":
          handled = go(root.dataset.backUrl);
          break;
        case "j":
          handled = go(root.dataset.olderUrl);
          break;
        case "k":
          handled = go(root.dataset.newerUrl);
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
    }
    if (!options.embedded) {
      document.addEventListener("keydown", onKey);
      stops.push(function () {
        document.removeEventListener("keydown", onKey);
      });
    }

    function onClick(event) {
      var target = event.target;
      if (!target.closest) {
        return;
      }
      // Buttons that destroy something for good ask first.
      var button = target.closest("button[data-confirm]");
      if (button && !window.confirm(button.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      // The colours switch works in place (its link reloads without JS).
      var colours = target.closest('[data-testid="original-colours"]');
      if (colours) {
        event.preventDefault();
        setOriginalColours(root, colours.getAttribute("aria-pressed") !== "true");
      }
    }
    root.addEventListener("click", onClick);
    stops.push(function () {
      root.removeEventListener("click", onClick);
    });

    // The "more" menu closes on a click elsewhere or Escape, as menus do
    // (without JavaScript its summary closes it).
    function closeMenus(event) {
      root.querySelectorAll("details.more[open]").forEach(function (menu) {
        if (event.type === "keydown" || !menu.contains(event.target)) {
          menu.open = false;
          if (event.type === "keydown") {
            menu.querySelector("summary").focus();
          }
        }
      });
    }
    function onMenuKey(event) {
      if (event.key === "Escape" && root.querySelector("details.more[open]")) {
        closeMenus(event);
        event.preventDefault();
      }
    }
    document.addEventListener("click", closeMenus);
    root.addEventListener("keydown", onMenuKey);
    stops.push(function () {
      document.removeEventListener("click", closeMenus);
      root.removeEventListener("keydown", onMenuKey);
    });

    // A part that says it is an image but is not one is served as a
    // download, so its preview cannot load: drop the broken thumbnail.
    root.querySelectorAll('img[data-testid="preview"]').forEach(function (img) {
      img.addEventListener("error", function () {
        var link = img.closest("a.thumb");
        if (link) {
          link.hidden = true;
        }
      });
    });

    // With a mark-read delay the server left the message unread: mark it
    // read once the user has had it open that long.
    var markURL = root.dataset.markReadUrl;
    var after = parseInt(root.dataset.markReadAfter || "0", 10);
    if (markURL && after > 0) {
      var timer = window.setTimeout(function () {
        var body = new URLSearchParams();
        body.set("action", "read");
        body.set("async", "1");
        body.set("csrf", window.webmail.csrfToken());
        window.fetch(markURL, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          // X-Requested-With: in the background, no progress bar.
          headers: { "X-CSRF-Token": window.webmail.csrfToken(), "X-Requested-With": "mark-read" }
        }).then(function (response) {
          if (response.ok) {
            root.dispatchEvent(new CustomEvent("webmail:message-read", { bubbles: true, detail: { url: markURL } }));
          }
        }).catch(function () {
          // Not marked read: the next visit tries again.
        });
      }, after * 1000);
      stops.push(function () {
        window.clearTimeout(timer);
      });
    }

    return function stop() {
      stops.forEach(function (fn) {
        fn();
      });
      stops = [];
    };
  }

  window.webmail.message = { init: init };

  var page = document.querySelector('article.message[data-testid="message"]');
  if (page && !page.closest(".reading-pane")) {
    init(page, {});
  }
})();
