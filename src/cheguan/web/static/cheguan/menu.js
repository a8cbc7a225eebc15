/* The header's menu: folded on a phone, open on a wide screen (and when the window widens). */
(function () {
  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 48rem)");
  function fit() { menu.open = wide.matches; }
  fit();
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
})();
