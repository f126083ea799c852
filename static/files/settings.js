// settings.js: the settings page, a little quicker to use. A theme or
// density shows as soon as it is picked (saving keeps it); while no time
// zone is chosen the browser's own is picked for the user to save; and
// switching desktop notifications on asks the browser's permission at
// once, switching back off when it is refused. The form works without it.
"use strict";
(function () {
  var form = document.querySelector('[data-testid="settings-form"]');
  if (!form) return;
  var root = document.documentElement;

  // Preview: <html data-theme/data-density> as app.css reads them.
  form.addEventListener("change", function (e) {
    var input = e.target;
    if (input.name === "theme" || input.name === "density") {
      root.setAttribute("data-" + input.name, input.value);
    }
  });

  // The time zone, from the browser while the user has none.
  var zone = form.querySelector('select[name="time_zone"]');
  if (zone && zone.dataset.unset === "true" && window.Intl) {
    var detected = "";
    try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (err) { detected = ""; }
    if (detected && detected !== "UTC") {
      if (!Array.prototype.some.call(zone.options, function (o) { return o.value === detected; })) {
        zone.add(new Option(detected.replace(/_/g, " "), detected));
      }
      zone.value = detected;
      var hint = document.getElementById("time-zone-hint");
      if (hint && hint.dataset.detected) {
        hint.textContent = hint.dataset.detected.replace("%s", detected.replace(/_/g, " "));
      }
    }
  }

  // Notifications: ask when switched on; a refusal switches back off.
  var on = form.querySelector('input[name="notifications"][value="on"]');
  var off = form.querySelector('input[name="notifications"][value="off"]');
  var state = form.querySelector('[data-testid="notification-state"]');
  function say(text) {
    if (state && text) state.textContent = text;
  }
  if (on && off) {
    on.addEventListener("change", function () {
      if (!on.checked) return;
      if (!("Notification" in window)) {
        off.checked = true;
        say(state && state.dataset.unsupported);
        return;
      }
      if (Notification.permission === "granted") return;
      if (Notification.permission === "denied") {
        off.checked = true;
        say(state && state.dataset.denied);
        return;
      }
      Notification.requestPermission().then(function (answer) {
        if (answer !== "granted") {
          off.checked = true;
          say(state && state.dataset.denied);
        }
      });
    });
  }
})();
