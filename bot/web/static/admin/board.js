// Live board: polls /admin/api/board every few seconds and redraws the chats and the presence
// table. Values are set with textContent only (never innerHTML), so nothing from the server runs.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var body = document.getElementById("board-rows");
  var people = document.getElementById("people-rows");
  var status = document.getElementById("board-status");
  if (!body) { return; }
  var COLS = ["id", "level", "state", "step", "opened", "wait", "offered_to", "next_step_in", "counselor"];

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = String(text === undefined || text === null ? "" : text);
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function row(r, canAssign) {
    var tr = document.createElement("tr");
    tr.className = "level-" + r.level + (r.accepted ? " taken" : "");
    COLS.forEach(function (key) { cell(tr, r[key]); });
    var td = cell(tr, "");
    if (canAssign && r.assignable) {
      var a = document.createElement("a");
      a.className = "button";
      a.href = "/admin/board/assign/" + encodeURIComponent(r.id);
      a.textContent = r.accepted ? "Reassign" : "Assign";
      td.appendChild(a);
    }
    return tr;
  }

  function empty(cols, text) {
    var tr = document.createElement("tr");
    var td = cell(tr, text, "empty");
    td.colSpan = cols;
    return tr;
  }

  function person(p) {
    var tr = document.createElement("tr");
    tr.className = "presence-" + p.status;
    cell(tr, p.name);
    cell(tr, p.duty || "–");
    cell(tr, p.console);
    cell(tr, p.telegram ? "linked" : "not linked");
    cell(tr, p.says, p.status === "absent" || p.status === "away" ? "warn" : (p.status === "ok" ? "ok" : ""));
    return tr;
  }

  function render(data) {
    var frag = document.createDocumentFragment();
    if (!data.rows.length) { frag.appendChild(empty(COLS.length + 1, "No open handoffs.")); }
    data.rows.forEach(function (r) { frag.appendChild(row(r, data.can_assign)); });
    body.replaceChildren(frag);
    if (people && data.people) {
      var pf = document.createDocumentFragment();
      if (!data.people.length) { pf.appendChild(empty(5, "Nobody is on duty or signed in.")); }
      data.people.forEach(function (p) { pf.appendChild(person(p)); });
      people.replaceChildren(pf);
    }
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
