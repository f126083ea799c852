// app.js: shared helpers for the other scripts. No framework: pages work
// without JavaScript; scripts only make common actions faster.
"use strict";
window.webmail = window.webmail || {};
// csrfToken returns the session's anti-forgery token for fetch() calls.
window.webmail.csrfToken = function () {
  return document.body.dataset.csrf || "";
};

// The top bar on a phone slides away while the user scrolls down, giving
// the list the screen, and comes back as soon as they scroll up (or tab
// into it). Wider screens keep it where it is.
(function () {
  var bar = document.querySelector(".topbar");
  if (!bar || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 720px)");
  var last = window.scrollY;
  var pending = false;
  function update() {
    pending = false;
    var y = window.scrollY;
    if (!phone.matches || y <= bar.offsetHeight) {
      bar.classList.remove("topbar-hidden");
    } else if (y > last + 4) {
      bar.classList.add("topbar-hidden");
    } else if (y < last - 4) {
      bar.classList.remove("topbar-hidden");
    }
    last = y;
  }
  window.addEventListener("scroll", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(update);
    }
  }, { passive: true });
  bar.addEventListener("focusin", function () { bar.classList.remove("topbar-hidden"); });
})();
