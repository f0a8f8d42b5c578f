// Live board: polls /admin/api/board every few seconds and redraws the table body.
// Values are set with textContent only (never innerHTML), so nothing from the server runs.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var body = document.getElementById("board-rows");
  var status = document.getElementById("board-status");
  if (!body) { return; }
  var COLS = ["id", "level", "state", "step", "opened", "wait", "offered_to", "next_step_in", "counselor"];

  function row(r) {
    var tr = document.createElement("tr");
    tr.className = "level-" + r.level + (r.accepted ? " taken" : "");
    COLS.forEach(function (key) {
      var td = document.createElement("td");
      td.textContent = String(r[key] === undefined || r[key] === null ? "" : r[key]);
      tr.appendChild(td);
    });
    return tr;
  }

  function render(data) {
    var frag = document.createDocumentFragment();
    if (!data.rows.length) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      td.colSpan = COLS.length; td.className = "empty"; td.textContent = "No open handoffs.";
      tr.appendChild(td); frag.appendChild(tr);
    }
    data.rows.forEach(function (r) { frag.appendChild(row(r)); });
    body.replaceChildren(frag);
    status.textContent = data.open + " open · updated " + new Date().toLocaleTimeString();
  }

  function poll() {
    fetch("/admin/api/board", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (resp) {
        if (resp.status === 401) { window.location.assign("/login?next=/admin/board"); return null; }
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.json();
      })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { status.textContent = "Connection lost; retrying…"; })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
}());
