/*
 * Zone de signature manuscrite (canvas) de l'émargement.
 *
 * Sans JavaScript, la zone reste cachée et la personne tape son nom. Avec ce script, la zone
 * apparaît ; à l'envoi, le dessin est joint au formulaire en PNG (data URI) s'il n'est pas vide.
 * Le doigt, le stylet et la souris fonctionnent (Pointer Events).
 */
(function () {
  "use strict";

  var pad = document.querySelector("[data-signature-pad]");
  var canvas = document.querySelector("[data-signature-canvas]");
  var input = document.querySelector("[data-signature-input]");
  if (!pad || !canvas || !input || !canvas.getContext) {
    return;
  }
  var form = input.form;
  var context = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  var last = null;

  pad.hidden = false;

  function resize() {
    // Pixels réels du canvas = taille affichée × densité de l'écran (trait net), plafonnés.
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#161616";
    drawn = false;
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    last = point(event);
    if (canvas.setPointerCapture) {
      canvas.setPointerCapture(event.pointerId);
    }
    context.beginPath();
    context.arc(last.x, last.y, 1, 0, 2 * Math.PI);
    context.fillStyle = "#161616";
    context.fill();
    drawn = true;
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) {
      return;
    }
    event.preventDefault();
    var current = point(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(current.x, current.y);
    context.stroke();
    last = current;
    drawn = true;
  });

  function stop() {
    drawing = false;
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);

  var clear = document.querySelector("[data-signature-clear]");
  if (clear) {
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      input.value = "";
    });
  }

  form.addEventListener("submit", function () {
    input.value = drawn ? canvas.toDataURL("image/png") : "";
  });

  resize();
  window.addEventListener("orientationchange", resize);
})();
