// progress.js: loading feedback. Anything the user waits on for more than
// 200 ms (a page loading after a click, a key or a form post; a fetch a
// script makes for the user) shows a thin bar at the top of the window
// and marks the page's main region aria-busy. Anything faster shows
// nothing, so quick actions do not flash.
//
// A fetch the page makes on its own (the new-mail refresh, an autosave)
// is not waited on by anyone: one sent with an X-Requested-With header or
// with keepalive shows no bar.
"use strict";
(function () {
  const DELAY_MS = 200;
  // A navigation that turned into a download leaves the page as it was
  // and says nothing: the bar gives up after this long.
  const NAVIGATION_GIVE_UP_MS = 20000;
  let fetches = 0; // fetches under way
  let navigating = null; // the give-up timer of a navigation under way
  let delay = null; // the timer that shows the bar
  let bar = null;
  let busyRegion = null; // the element we marked aria-busy

  function waiting() {
    return fetches > 0 || navigating !== null;
  }

  // update shows the bar DELAY_MS after waiting begins, hides it when
  // waiting ends.
  function update() {
    if (waiting()) {
      if (delay === null && !(bar && bar.classList.contains("active"))) {
        delay = window.setTimeout(show, DELAY_MS);
      }
      return;
    }
    if (delay !== null) {
      window.clearTimeout(delay);
      delay = null;
    }
    hide();
  }

  function show() {
    delay = null;
    if (!waiting()) {
      return;
    }
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "progress-bar";
      bar.setAttribute("aria-hidden", "true"); // aria-busy says it to assistive technology
      bar.dataset.testid = "progress";
      document.body.appendChild(bar);
    }
    bar.classList.add("active");
    const main = document.getElementById("main");
    if (main && main.getAttribute("aria-busy") !== "true") {
      main.setAttribute("aria-busy", "true");
      busyRegion = main;
    }
  }

  function hide() {
    if (bar) {
      bar.classList.remove("active");
    }
    if (busyRegion) {
      busyRegion.removeAttribute("aria-busy");
      busyRegion = null;
    }
  }

  function navigationStarted() {
    if (navigating !== null) {
      window.clearTimeout(navigating);
    }
    navigating = window.setTimeout(navigationEnded, NAVIGATION_GIVE_UP_MS);
    update();
  }

  function navigationEnded() {
    if (navigating !== null) {
      window.clearTimeout(navigating);
    }
    navigating = null;
    update();
  }

  // downloads are URLs the server answers with a file, not a page.
  function download(url) {
    return /\/raw$/.test(url.pathname) || /\/part\/[^/]+$/.test(url.pathname) || url.searchParams.has("download");
  }

  if (window.navigation && window.navigation.addEventListener) {
    // The Navigation API sees every navigation of this document that goes
    // ahead (links, forms, location.assign from a shortcut), after the
    // page's own handlers had their chance to cancel it.
    window.navigation.addEventListener("navigate", (e) => {
      // Same-document changes (a fragment, history.replaceState) load
      // nothing.
      if (e.hashChange || e.downloadRequest !== null || !e.destination || e.destination.sameDocument) {
        return;
      }
      const url = new URL(e.destination.url);
      if (url.origin !== location.origin || download(url)) {
        return;
      }
      navigationStarted();
    });
  } else {
    // Without it, links and forms: in the bubbling phase on window, so a
    // script that handles the click or submit itself (list.js) has
    // cancelled it by then.
    window.addEventListener("click", (e) => {
      const link = e.target.closest && e.target.closest("a[href]");
      if (!link || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey ||
        link.target || link.hasAttribute("download")) {
        return;
      }
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || download(url) ||
        (url.pathname === location.pathname && url.search === location.search && url.hash)) {
        return;
      }
      navigationStarted();
    });
    window.addEventListener("submit", (e) => {
      if (!e.defaultPrevented && !e.target.target) {
        navigationStarted();
      }
    });
  }
  // Back from the back-forward cache: the navigation that left is over.
  window.addEventListener("pageshow", navigationEnded);

  const plainFetch = window.fetch;
  if (plainFetch) {
    window.fetch = function (input, init) {
      if (background(init)) {
        return plainFetch.apply(window, arguments);
      }
      fetches++;
      update();
      let answer;
      try {
        answer = plainFetch.apply(window, arguments);
      } catch (err) {
        fetchEnded();
        throw err;
      }
      answer.then(fetchEnded, fetchEnded);
      return answer;
    };
  }

  function fetchEnded() {
    fetches--;
    update();
  }

  // background reports whether a fetch is one the page makes on its own.
  function background(init) {
    if (!init) {
      return false;
    }
    if (init.keepalive) {
      return true;
    }
    const headers = new Headers(init.headers || {});
    return headers.has("X-Requested-With");
  }
})();
