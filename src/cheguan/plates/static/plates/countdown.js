/* The time left on an offer of numbers (plates/_countdown.html): ticks every second; at zero
   it says the time is up and disables the buttons that pick a number. A static file, so the
   page's Content-Security-Policy needs no inline script. */
(function () {
  var clock = document.getElementById("countdown");
  if (!clock) { return; }
  var end = Date.now() + 1000 * parseInt(clock.getAttribute("data-seconds"), 10);
  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left > 0) { window.setTimeout(tick, 1000); return; }
    document.getElementById("countdown-over").hidden = false;
    document.querySelectorAll("button[data-offer]").forEach(function (b) { b.disabled = true; });
  }
  tick();
})();
