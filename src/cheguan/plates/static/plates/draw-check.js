/* The public draw log's check in the browser (ADR 0014), byte for byte as plates/rules.py:
   - commitment = SHA-256(day seed bytes), lowercase hex;
   - draw identity = UTF-8 "cheguan-draw-v1\n" + office code + "\n" + YYYY-MM-DD + "\n" + draw id;
   - draw seed = HMAC-SHA256(key = day seed bytes, message = identity);
   - slot i = SHA-256(draw seed || i as 8 bytes big-endian) as a big-endian integer,
     modulo the pool size, plus one (i = 0, 1, ...).
   Each draw's result is written beside it in words (and data-check / data-computed-seed). */
(function () {
  "use strict";
  var data = document.getElementById("draw-check-data");
  var button = document.getElementById("check-draws");
  if (!data || !button) { return; }
  var log = JSON.parse(data.textContent);
  var words = log.words;
  var summary = document.getElementById("check-summary");
  var subtle = window.crypto && window.crypto.subtle;
  button.hidden = false;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function bytes(hexText) {
    if (!/^([0-9a-f]{2})*$/.test(hexText)) { return null; }
    var out = new Uint8Array(hexText.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(hexText.substr(2 * i, 2), 16); }
    return out;
  }
  function sha256(buf) { return subtle.digest("SHA-256", buf); }
  function hmac(keyBytes, message) {
    return subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      .then(function (key) { return subtle.sign("HMAC", key, message); });
  }
  function slot(seed, i, size) {
    var msg = new Uint8Array(seed.length + 8);
    msg.set(seed);
    var view = new DataView(msg.buffer);
    view.setUint32(seed.length, Math.floor(i / 4294967296));
    view.setUint32(seed.length + 4, i % 4294967296);
    return sha256(msg).then(function (digest) {
      return Number(BigInt("0x" + hex(digest)) % BigInt(size)) + 1;
    });
  }
  function slotsOf(seed, count, size) {
    var all = [];
    for (var i = 0; i < count; i++) { all.push(slot(seed, i, size)); }
    return Promise.all(all);
  }
  function sameList(a, b) {
    return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
  }

  function checkDraw(draw) {
    var day = log.days[draw.office] || null;
    var secret = day && day.secret ? bytes(day.secret) : null;
    var seed = bytes(draw.seed);
    var result = { computedSeed: "" };
    var first = Promise.resolve(null);
    if (draw.committed && secret) {
      first = sha256(secret).then(function (commitment) {
        if (hex(commitment) !== day.commitment) { return "bad_commitment"; }
        var identity = new TextEncoder().encode(
          ["cheguan-draw-v1", draw.office, log.day, String(draw.id)].join("\n"));
        return hmac(secret, identity).then(function (computed) {
          result.computedSeed = hex(computed);
          return result.computedSeed === draw.seed ? null : "bad_seed";
        });
      });
    }
    return first.then(function (problem) {
      if (problem) { return problem; }
      if (!seed || seed.length !== 32) { return "bad_slots"; }
      return slotsOf(seed, draw.candidates.length, draw.size).then(function (slots) {
        var logged = draw.candidates.map(function (c) { return c[0]; });
        if (!sameList(slots, logged)) { return "bad_slots"; }
        var offered = draw.candidates.filter(function (c) { return c[2] === "offered"; })
          .map(function (c) { return c[1]; });
        if (!sameList(offered, draw.numbers)) { return "bad_numbers"; }
        if (!draw.committed) { return "ok_before"; }
        return secret ? "ok_full" : "ok_today";
      });
    }).then(function (outcome) { result.outcome = outcome; return result; });
  }

  function show(draw, result) {
    var entry = document.querySelector("article[data-draw-id='" + draw.id + "']");
    if (!entry) { return; }
    var out = entry.querySelector(".check-result");
    var ok = result.outcome.indexOf("ok_") === 0;
    entry.setAttribute("data-check", ok ? "ok" : "mismatch");
    entry.setAttribute("data-check-outcome", result.outcome);
    entry.setAttribute("data-computed-seed", result.computedSeed);
    out.className = "check-result " + (ok ? "check-ok" : "check-bad");
    out.textContent = (ok ? "✔ " : "✘ ") + words[result.outcome];
    out.hidden = false;
  }

  button.addEventListener("click", function () {
    if (!subtle || typeof BigInt === "undefined" || !window.TextEncoder) {
      summary.textContent = words.no_crypto;
      return;
    }
    button.disabled = true;
    summary.textContent = words.working;
    Promise.all(log.draws.map(function (draw) {
      return checkDraw(draw).then(function (result) { show(draw, result); return result; });
    })).then(function (results) {
      var good = results.filter(function (r) { return r.outcome.indexOf("ok_") === 0; }).length;
      summary.textContent = words.summary.replace("{ok}", good)
        .replace("{total}", results.length).replace("{bad}", results.length - good);
      summary.setAttribute("data-done", "1");
      button.disabled = false;
    });
  });
})();
