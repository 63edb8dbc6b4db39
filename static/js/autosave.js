// Saves each answer the moment it is chosen, so a closed tab or a lost connection loses nothing.
// Answers not yet confirmed by the server wait in localStorage and are re-sent on the next
// chance (reconnect, reload, the same link opened again on this device).
(function () {
  "use strict";
  var form = document.getElementById("dimension-form");
  if (!form) return;
  var url = form.dataset.autosaveUrl;
  var storageKey = form.dataset.storageKey;
  var messages = JSON.parse(document.getElementById("autosave-messages").textContent);
  var statusEl = document.getElementById("save-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function pending() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function setPending(map) {
    try { localStorage.setItem(storageKey, JSON.stringify(map)); } catch (e) { /* private mode: send only */ }
  }
  function showStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "save-status mb-2 " + (kind === "error" ? "text-danger" : kind === "warn" ? "text-warning-emphasis" : "text-body-secondary");
  }
  function showProgress(data) {
    var bar = document.getElementById("progress");
    if (!bar || data.total === undefined) return;
    bar.setAttribute("aria-valuenow", data.percent);
    bar.querySelector(".progress-bar").style.width = data.percent + "%";
    document.getElementById("progress-text").textContent = messages.progress
      .replace("%(answered)s", data.answered).replace("%(total)s", data.total);
  }
  function markAnswered(item) {
    var row = form.querySelector('[data-item="' + item + '"]');
    if (row) row.classList.remove("unanswered", "field-error");
  }
  function body(item, value) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("item", item);
    data.append("value", value);
    return data;
  }

  // Network rules: a request that hangs is abandoned after TIMEOUT_MS and retried; a server
  // error or a non-JSON answer (a proxy's error page) keeps the answer and retries; a refused
  // value is dropped with its message; a closed survey or an expired page stops all retries.
  var TIMEOUT_MS = 10000;
  var stopped = false;

  function post(item, value) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST", body: body(item, value), credentials: "same-origin",
      headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined
    }).then(function (res) {
      return res.json().catch(function () { return { ok: false }; })
        .then(function (data) { return { status: res.status, data: data }; });
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function flush() {
    if (sending || stopped) return;
    var queue = pending();
    var item = Object.keys(queue)[0];
    if (!item) { return; }
    var value = queue[item];
    sending = true;
    showStatus(messages.saving);
    post(item, value)
      .then(function (result) {
        sending = false;
        var data = result.data;
        var code = data.code || "";
        if (code === "closed" || code === "not_open" || code === "csrf") {
          stopped = true;  // retrying cannot help; unsaved answers stay on this device
          showStatus(data.error, "error");
          return;
        }
        if (!data.ok && (result.status >= 500 || !data.error)) {
          showStatus(data.error || messages.offline, "warn");  // kept; the timer sends it again
          return;
        }
        var now = pending();
        // Keep a newer choice made while this one was in flight.
        if (now[item] === value) { delete now[item]; setPending(now); }
        if (data.ok) {
          showProgress(data);
          if (Object.keys(pending()).length === 0) showStatus(messages.saved);
          flush();
        } else {
          showStatus(messages.error + " " + data.error, "error");
        }
      })
      .catch(function () {
        sending = false;  // no connection or timed out: kept; the timer sends it again
        showStatus(messages.offline, "warn");
      });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.indexOf("item_") !== 0) return;
    var item = input.name.slice(5);
    var queue = pending();
    queue[item] = input.value;
    setPending(queue);
    markAnswered(item);
    flush();
  });

  // Answers chosen here earlier but never confirmed: show them and send them now.
  var earlier = pending();
  Object.keys(earlier).forEach(function (item) {
    var radio = form.querySelector('input[name="item_' + item + '"][value="' + earlier[item] + '"]');
    if (radio) { radio.checked = true; markAnswered(item); }
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  flush();

  // Last chance when the tab closes mid-request: the browser delivers beacons after unload.
  window.addEventListener("pagehide", function () {
    var queue = pending();
    if (!navigator.sendBeacon) return;
    Object.keys(queue).forEach(function (item) { navigator.sendBeacon(url, body(item, queue[item])); });
  });
})();
