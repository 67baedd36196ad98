/*
 * Grille de présence : chaque appui est enregistré par une petite requête POST (fetch).
 *
 * Sans JavaScript, chaque ligne est un formulaire ordinaire. Avec ce script :
 * - l'appui est affiché tout de suite (aria-pressed), puis « Enregistré » quand le serveur confirme ;
 * - les appuis en attente sont gardés dans localStorage : une coupure de réseau, un rechargement
 *   ou une reconnexion ne perdent rien, ils sont renvoyés automatiquement ;
 * - pour une même personne et un même créneau, seul le dernier choix est envoyé ;
 * - une région « status » annonce chaque enregistrement aux lecteurs d'écran.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "presence-en-attente-v1";
  var grid = document.getElementById("grille-presence");
  if (!grid || !window.fetch) {
    return;
  }
  var live = document.getElementById("etat-enregistrement");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var pending = load();
  var sending = false;
  var retryDelay = 2000;
  var retryTimer = null;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function save() {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(pending));
    } catch (error) {
      /* Navigation privée sans stockage : la file reste en mémoire. */
    }
  }

  function announce(message) {
    if (live) {
      live.textContent = message;
    }
  }

  function formFor(item) {
    var forms = grid.querySelectorAll("form.app-mark-form");
    for (var i = 0; i < forms.length; i += 1) {
      if (forms[i].getAttribute("action") === item.action &&
          forms[i].getAttribute("data-registration") === String(item.registration)) {
        return forms[i];
      }
    }
    return null;
  }

  function showPressed(form, status) {
    var buttons = form.querySelectorAll("button[name=status]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].setAttribute("aria-pressed", buttons[i].value === status ? "true" : "false");
    }
  }

  function showState(form, text, kind) {
    var state = form.querySelector("[data-save-state]");
    if (state) {
      state.textContent = text;
      state.className = "app-save-state" + (kind ? " app-save-state--" + kind : "");
    }
  }

  function enqueue(form, status, hours) {
    var registration = form.getAttribute("data-registration");
    var item = {
      action: form.getAttribute("action"),
      registration: registration,
      status: status,
      hours: hours || "",
      name: form.getAttribute("data-name") || "",
      stamp: Date.now() + ":" + Math.random()
    };
    pending[item.action + "#" + registration] = item;
    save();
    showPressed(form, status);
    showState(form, "Enregistrement…", "pending");
    flush();
  }

  function scheduleRetry() {
    if (retryTimer) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function waiting() {
    return Object.keys(pending).length;
  }

  function send(key, item) {
    var body = new URLSearchParams();
    body.append("registration_id", item.registration);
    body.append("status", item.status);
    if (item.hours) {
      body.append("hours", item.hours);
    }
    return window.fetch(item.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": tokenMeta ? tokenMeta.getAttribute("content") : ""
      }
    }).then(function (response) {
      if (response.status >= 500) {
        throw new Error("server");
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        if (response.status === 403 || response.status === 404) {
          return { response: response, data: { ok: false, message: "Vous n'avez pas accès à cette session." } };
        }
        /* Page de connexion ou formulaire expiré : on garde l'appui pour plus tard. */
        var error = new Error("session");
        error.session = true;
        throw error;
      }
      return response.json().then(function (data) {
        return { response: response, data: data };
      });
    }).then(function (result) {
      var form = formFor(item);
      var current = pending[key];
      if (current && current.stamp === item.stamp) {
        delete pending[key];
        save();
      }
      if (result.data.ok) {
        if (form) {
          form.setAttribute("data-status", result.data.status);
          if (!current || current.stamp === item.stamp) {
            showState(form, "Enregistré ✓", "ok");
          }
          var attended = form.querySelector("[data-attended]");
          if (attended && typeof result.data.attended === "number") {
            attended.textContent = String(result.data.attended);
          }
          var badge = form.querySelector("[data-completed]");
          if (badge) {
            badge.hidden = !result.data.completed;
          }
        }
        announce(result.data.message);
      } else {
        if (form && (!current || current.stamp === item.stamp)) {
          showPressed(form, form.getAttribute("data-status") || "");
          showState(form, result.data.message, "error");
        }
        announce("Non enregistré : " + result.data.message);
      }
      retryDelay = 2000;
    });
  }

  function flush() {
    if (sending) {
      return;
    }
    var keys = Object.keys(pending);
    if (!keys.length) {
      return;
    }
    sending = true;
    var key = keys[0];
    send(key, pending[key]).then(function () {
      sending = false;
      flush();
    }, function (error) {
      sending = false;
      var form = formFor(pending[key] || {});
      var message = error && error.session
        ? "Votre connexion a expiré : reconnectez-vous ou rechargez la page ; les " + waiting() + " appui(s) en attente seront envoyés ensuite."
        : "Pas de réseau : " + waiting() + " appui(s) en attente, nouvel essai automatique.";
      if (form) {
        showState(form, "En attente de réseau…", "pending");
      }
      announce(message);
      if (!(error && error.session)) {
        scheduleRetry();
      }
    });
  }

  grid.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("app-mark-form")) {
      return;
    }
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.name !== "status") {
      return;
    }
    var hoursInput = form.querySelector("input[name=hours]");
    var hours = button.value === "partial" && hoursInput ? hoursInput.value : "";
    enqueue(form, button.value, hours);
  });

  var allPresent = document.getElementById("tous-presents");
  if (allPresent) {
    allPresent.addEventListener("submit", function (event) {
      event.preventDefault();
      var forms = grid.querySelectorAll("form.app-mark-form");
      var count = 0;
      for (var i = 0; i < forms.length; i += 1) {
        var key = forms[i].getAttribute("action") + "#" + forms[i].getAttribute("data-registration");
        if (!forms[i].getAttribute("data-status") && !pending[key]) {
          enqueue(forms[i], "present", "");
          count += 1;
        }
      }
      announce(count ? count + " personne(s) marquée(s) présente(s)." : "Toutes les personnes sont déjà pointées.");
    });
  }

  /* Appuis restés en attente (réseau coupé, page rechargée) : on les affiche puis on les renvoie. */
  Object.keys(pending).forEach(function (key) {
    var form = formFor(pending[key]);
    if (form) {
      showPressed(form, pending[key].status);
      showState(form, "En attente d'envoi…", "pending");
    }
  });
  window.addEventListener("online", function () {
    retryDelay = 2000;
    flush();
  });
  window.addEventListener("beforeunload", function (event) {
    if (waiting()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  flush();
})();
