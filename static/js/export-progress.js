// Polls each unfinished export and moves its progress bar until the ZIP is ready.
(function () {
  "use strict";
  var labels = JSON.parse(document.getElementById("exports").dataset.labels);
  document.querySelectorAll(".export-job").forEach(function (card) {
    function show(state) {
      card.dataset.status = state.status;
      card.querySelector(".export-label").textContent = labels[state.status] || state.status;
      var bar = card.querySelector(".progress");
      bar.setAttribute("aria-valuenow", state.percent);
      bar.querySelector(".progress-bar").style.width = state.percent + "%";
      card.querySelector(".export-count").textContent = state.done + " / " + state.total;
      card.querySelector(".export-error").textContent = state.error || "";
      if (state.download) card.querySelector(".export-download").classList.remove("d-none");
    }
    function poll() {
      if (card.dataset.status === "done" || card.dataset.status === "failed") return;
      fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (res) { return res.json(); })
        .then(function (state) { show(state); setTimeout(poll, 2000); })
        .catch(function () { setTimeout(poll, 5000); });
    }
    card.querySelector(".export-label").textContent = labels[card.dataset.status] || card.dataset.status;
    poll();
  });
})();
