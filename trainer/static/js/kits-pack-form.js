// Formulaire de demande de pack : l'adresse postale n'est utile que pour un envoi par la poste.
// Sans JavaScript, le champ reste affiché et le serveur vérifie la règle.
(function () {
  "use strict";
  var form = document.getElementById("demande-pack");
  var group = document.getElementById("adresse-postale");
  if (!form || !group) {
    return;
  }
  var radios = form.querySelectorAll('input[name="delivery"]');
  function update() {
    var chosen = form.querySelector('input[name="delivery"]:checked');
    group.hidden = chosen !== null && chosen.value === "download";
  }
  radios.forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
