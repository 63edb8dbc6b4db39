// Polls a background respondent-list import and moves its progress bar; reloads the page when it
// ends, so the list (or the problems found) come from the server.
(function () {
  "use strict";
  var card = document.getElementById("respondent-list-job");
  if (!card) return;
  var labels = JSON.parse(card.dataset.labels);
  var started = card.dataset.status;
  function show(state) {
    card.dataset.status = state.status;
    card.querySelector(".job-label").textContent = labels[state.status] || state.status;
    var bar = card.querySelector(".progress");
    bar.setAttribute("aria-valuenow", state.percent);
    bar.querySelector(".progress-bar").style.width = state.percent + "%";
    card.querySelector(".job-count").textContent = state.done + " / " + state.total;
  }
  function poll() {
    fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .then(function (state) {
        show(state);
        if (state.status === "done" || state.status === "failed") {
          if (started !== state.status) window.location.reload();
          return;
        }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  card.querySelector(".job-label").textContent = labels[started] || started;
  if (started !== "done" && started !== "failed") poll();
})();
