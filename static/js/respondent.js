// Respondent pages always show the server's current state.
(function () {
  "use strict";
  // A page restored from the back-forward cache may be a form that was already submitted.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
  // One submission: the server is idempotent anyway, this only spares a second round trip.
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function () {
      document.getElementById("submit-button").disabled = true;
    });
  }
})();
