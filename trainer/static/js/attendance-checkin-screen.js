/*
 * Écran d'émargement du formateur ou de la formatrice : le QR code et le code court changent
 * chaque minute ; la page les redemande toutes les 10 secondes, ainsi que le nombre de signatures.
 */
(function () {
  "use strict";

  var screen = document.getElementById("ecran-emargement");
  if (!screen || !window.fetch) {
    return;
  }
  var url = screen.getAttribute("data-refresh-url");
  var countdown = screen.querySelector("[data-countdown]");

  function set(selector, text) {
    var node = screen.querySelector(selector);
    if (node && node.textContent !== String(text)) {
      node.textContent = text;
    }
  }

  function render(state) {
    screen.querySelector("[data-open-block]").hidden = !state.open;
    screen.querySelector("[data-closed-block]").hidden = state.open;
    set("[data-signed]", state.signed);
    set("[data-total]", state.total);
    set("[data-message]", state.message || "");
    if (state.open) {
      var image = screen.querySelector("[data-qr]");
      if (image.getAttribute("src") !== state.qr) {
        image.setAttribute("src", state.qr);
      }
      set("[data-code]", state.code);
      set("[data-url]", state.url);
      set("[data-short-url]", state.short_url);
      screen.setAttribute("data-checkin-url", state.url);
    }
  }

  function refresh() {
    window.fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state) {
          render(state);
        }
      })
      .catch(function () {
        /* Réseau coupé : on réessaiera au prochain tour. */
      });
  }

  function tick() {
    if (countdown) {
      var seconds = 60 - new Date().getSeconds();
      countdown.textContent = "Nouveau code dans " + seconds + " s.";
    }
  }

  window.setInterval(refresh, 10000);
  window.setInterval(tick, 1000);
  tick();
})();
