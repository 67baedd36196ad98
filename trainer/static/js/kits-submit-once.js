// Un double clic ne doit pas envoyer deux fois un formulaire (création d'outil, demande de pack…).
// Le bouton est désactivé juste après l'envoi, pas avant : sa valeur part avec le formulaire.
(function () {
  "use strict";
  document.querySelectorAll("form[method='post']").forEach(function (form) {
    form.addEventListener("submit", function () {
      var buttons = form.querySelectorAll("button[type='submit']");
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
  // Retour arrière : la page restaurée depuis le cache retrouve des boutons actifs.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[method='post'] button[type='submit']").forEach(function (button) {
        button.disabled = false;
      });
    }
  });
})();
