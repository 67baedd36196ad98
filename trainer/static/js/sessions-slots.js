// Ajout d'un créneau sans recharger la page (amélioration progressive : sans JavaScript, le
// bouton « Ajouter un créneau » renvoie le formulaire et le serveur ajoute une ligne).
(function () {
  "use strict";
  var container = document.querySelector("[data-slot-rows]");
  var button = document.querySelector("[data-add-slot]");
  if (!container || !button) {
    return;
  }
  var MAX_ROWS = 60;

  function renumber(row, index) {
    row.querySelectorAll("[id], [for], [name], [aria-labelledby], [aria-describedby]").forEach(function (el) {
      ["id", "for", "name", "aria-labelledby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) {
          el.setAttribute(attr, value.replace(/slots-\d+-/, "slots-" + index + "-"));
        }
      });
      el.removeAttribute("aria-describedby");
      el.removeAttribute("aria-invalid");
    });
    var id = row.getAttribute("aria-labelledby");
    if (id) {
      row.setAttribute("aria-labelledby", id.replace(/slots-\d+-/, "slots-" + index + "-"));
    }
    var number = row.querySelector("[data-slot-number]");
    if (number) {
      number.textContent = String(index + 1);
    }
  }

  button.addEventListener("click", function (event) {
    var rows = container.querySelectorAll("[data-slot-row]");
    if (rows.length >= MAX_ROWS) {
      return;
    }
    event.preventDefault();
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    row.querySelectorAll(".fr-error-text").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".fr-input-group--error").forEach(function (el) {
      el.classList.remove("fr-input-group--error");
    });
    row.querySelectorAll(".fr-input--error").forEach(function (el) { el.classList.remove("fr-input--error"); });
    row.querySelectorAll("input").forEach(function (input) {
      if (input.type === "hidden") {
        input.value = "";
      } else if (input.type === "date") {
        input.value = "";
      }
    });
    renumber(row, rows.length);
    container.appendChild(row);
    var first = row.querySelector("input[type=date]");
    if (first) {
      first.focus();
    }
  });
})();
