// Live board: polls /admin/api/board every few seconds and redraws the chats and the presence
// table. Values are set with textContent only (never innerHTML), so nothing from the server runs.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var body = document.getElementById("board-rows");
  var people = document.getElementById("people-rows");
  var status = document.getElementById("board-status");
  if (!body) { return; }
  var COLS = ["id", "level_label", "state_label", "step", "opened", "wait", "offered_to", "next_step_in", "counselor"];
  // The page's words (bot/web/staff_text.py); the rows' own words come from the server in the same language.
  var block = document.getElementById("staff-text");
  var TEXT = block ? JSON.parse(block.textContent) : {};
  function T(key, vars) {
    var s = Object.prototype.hasOwnProperty.call(TEXT, key) ? TEXT[key] : key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  }

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
      a.textContent = r.accepted ? T("admin.board.reassign") : T("admin.board.assign");
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
    cell(tr, p.telegram ? T("admin.board.linked") : T("admin.board.not_linked"));
    cell(tr, p.says, p.status === "absent" || p.status === "away" ? "warn" : (p.status === "ok" ? "ok" : ""));
    return tr;
  }

  function render(data) {
    var frag = document.createDocumentFragment();
    if (!data.rows.length) { frag.appendChild(empty(COLS.length + 1, T("admin.board.empty"))); }
    data.rows.forEach(function (r) { frag.appendChild(row(r, data.can_assign)); });
    body.replaceChildren(frag);
    if (people && data.people) {
      var pf = document.createDocumentFragment();
      if (!data.people.length) { pf.appendChild(empty(5, T("admin.board.nobody"))); }
      data.people.forEach(function (p) { pf.appendChild(person(p)); });
      people.replaceChildren(pf);
    }
    var locale = document.documentElement.lang === "zh" ? "zh-CN" : "en-GB";
    status.textContent = T("admin.board.status", { n: data.open, at: new Date().toLocaleTimeString(locale) });
  }

  function poll() {
    fetch("/admin/api/board", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (resp) {
        if (resp.status === 401) { window.location.assign("/login?next=/admin/board"); return null; }
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.json();
      })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { status.textContent = T("admin.board.lost"); })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
}());
