// The delivery page updates itself while emails are pending or sending: it polls the page's
// JSON twin every few seconds, rewrites the changed cells, and stops once nothing is under way.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var table = document.querySelector("table[data-status-url]");
  if (!table || table.getAttribute("data-active") !== "true") return;
  var url = table.getAttribute("data-status-url");
  var summary = document.getElementById("delivery-summary");
  var hint = document.getElementById("delivery-live-hint");
  var resendAll = document.querySelector("[data-resend-all]");

  function setText(row, field, text) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== text) cell.textContent = text;
    return cell;
  }

  function update(data) {
    data.items.forEach(function (item) {
      var row = table.querySelector('tr[data-delivery-id="' + item.id + '"]');
      if (!row) return;
      row.className = "delivery delivery--" + item.status;
      setText(row, "status", item.status_label).className = "badge badge--" + item.status;
      setText(row, "attempts", String(item.attempts));
      setText(row, "last_reply", item.last_reply);
      setText(row, "time", item.time).setAttribute("datetime", item.time_iso);
      var resend = row.querySelector("[data-resend-one]");
      if (resend) resend.hidden = item.status !== "failed";
    });
    if (summary.textContent !== data.summary) summary.textContent = data.summary;
    if (resendAll) resendAll.hidden = !data.counts.failed;
    if (!data.active && hint) hint.hidden = true;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.active) window.setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL_MS * 4); // offline or logged out: try again, slower
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
