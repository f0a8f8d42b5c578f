// Counselor console: queue (risk, then waiting time), accept or decline, chat pane, quick replies,
// transfer, hand back, close with a wrap-up (a high or imminent chat asks first), follow-ups and
// the resident's earlier contacts. Alerts: a new high or imminent chat (or one raised to high while
// waiting) rings and shows a desktop notification without any of the resident's words; held chats
// with resident lines not yet shown carry an unread mark.
// Supervisors (coordinators) also list the chats colleagues hold, watch one read-only, join it
// (the resident is told) and write; their pane reads /watch instead of the holder's route.
// The server pushes "changed" over a WebSocket; this script then re-reads the JSON API.
(function () {
  'use strict';
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var $ = function (id) { return document.getElementById(id); };
  var current = null;      // handoff id shown in the pane
  var currentLevel = null; // its risk level (the close form asks more for high and imminent)
  var watching = false;    // the pane shows a colleague's chat as a supervisor
  var loadedFor = null;    // the pane whose colleagues and earlier contacts are loaded
  var available = false;
  var LEVELS = { imminent: 'IMMINENT', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', none: 'NONE' };

  function api(method, path, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') {
      opts.headers['X-CSRF-Token'] = csrf;
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { window.location.assign('/login?next=/console'); }
      return r.json().catch(function () { return {}; }).then(function (j) { j._status = r.status; return j; });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function fmtWait(s) { return Math.floor(s / 60) + ' min ' + ('0' + (s % 60)).slice(-2) + ' s'; }

  function waitSpan(seconds) {
    var span = el('span', 'wait', fmtWait(seconds));
    span.dataset.since = String(Date.now() - seconds * 1000);
    return span;
  }

  // ---- alerts ------------------------------------------------------------------------------
  var seenKeys = null;   // "id:level" of queue entries already alerted (null before the first read)
  var audio = null;
  var baseTitle = document.title;
  var pendingAlerts = 0;

  function beep() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    try {
      audio = audio || new Ctx();
      [0, 0.5].forEach(function (at) {  // two short tones, easy to tell from other apps
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880;
        g.gain.value = 0.2;
        o.connect(g);
        g.connect(audio.destination);
        o.start(audio.currentTime + at);
        o.stop(audio.currentTime + at + 0.3);
      });
    } catch (e) { /* no sound device: the title and the notification still tell */ }
  }

  function alertFor(fresh) {
    beep();
    pendingAlerts += fresh.length;
    document.title = '(' + pendingAlerts + ') ' + baseTitle;
    if (!('Notification' in window) || Notification.permission !== 'granted') { return; }
    fresh.forEach(function (h) {
      // Level and number only: a notification can show on a locked screen, so no resident text.
      new Notification('New ' + (LEVELS[h.level] || h.level) + ' chat #' + h.id,
                       { body: 'A resident is waiting for a counselor.', tag: 'handoff-' + h.id });
    });
  }

  function noticeNew(queue) {
    var keys = {}, fresh = [];
    queue.forEach(function (h) {
      // A chat offered to me by name (an escalation step or a coordinator's assignment from the
      // live board) rings too, also when it was already listed before the offer.
      var key = h.id + ':' + h.level + ':' + (h.offered_to_me ? 'me' : '');
      keys[key] = true;
      if (seenKeys !== null && !seenKeys[key]
          && (h.level === 'high' || h.level === 'imminent' || h.offered_to_me)) { fresh.push(h); }
    });
    seenKeys = keys;
    if (fresh.length) { alertFor(fresh); }
  }

  function showAlertState() {
    var has = 'Notification' in window;
    var p = has ? Notification.permission : 'unsupported';
    $('alerts-on').hidden = p !== 'default';
    $('alerts-state').textContent = p === 'granted'
      ? 'Desktop alerts on; new high-risk chats and chats offered to you ring.'
      : p === 'denied' ? 'Desktop alerts are blocked in this browser; new high-risk chats and chats offered to you still ring.'
      : 'New high-risk chats and chats offered to you ring.';
  }

  function seenSeq(id) { return parseInt(window.localStorage.getItem('hotline-seen-' + id) || '0', 10); }

  function renderQueue(data) {
    noticeNew(data.queue);
    available = data.available;
    $('duty-state').textContent = available ? 'You are on duty.' : 'You are off duty (on a break).';
    $('duty-toggle').textContent = available ? 'Go off duty' : 'Go on duty';
    var q = $('queue');
    q.textContent = '';
    if (!data.queue.length) { q.appendChild(el('li', 'empty', 'Nobody is waiting.')); }
    data.queue.forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', LEVELS[h.level] || h.level));
      li.appendChild(el('span', 'hid', '#' + h.id + ' · ' + h.lang + ' · ' + h.state));
      li.appendChild(waitSpan(h.wait_s));
      li.appendChild(el('p', 'reasons', (h.reasons || []).join('; ')));
      var b = el('button', 'accept', 'Accept');
      b.type = 'button';
      b.setAttribute('aria-label', 'Accept handoff ' + h.id);
      b.addEventListener('click', function () { accept(h.id, b); });
      li.appendChild(b);
      if (h.offered_to_me) {
        var d = el('button', 'secondary decline', 'Decline');
        d.type = 'button';
        d.setAttribute('aria-label', 'Decline handoff ' + h.id);
        d.addEventListener('click', function () { decline(h.id, d); });
        li.appendChild(d);
      }
      q.appendChild(li);
    });
    var mine = $('mine');
    mine.textContent = '';
    if (!data.mine.length) { mine.appendChild(el('li', 'empty', 'No active chats.')); }
    data.mine.forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', LEVELS[h.level] || h.level));
      li.appendChild(el('span', 'hid', '#' + h.id));
      if (h.id !== current && h.last_resident_seq > seenSeq(h.id)) {
        var u = el('span', 'unread', 'new');
        u.setAttribute('aria-label', 'unread messages');
        li.appendChild(u);
      }
      var b = el('button', 'secondary', 'Open');
      b.type = 'button';
      b.setAttribute('aria-label', 'Open chat ' + h.id);
      b.addEventListener('click', function () { openPane(h.id, true); });
      li.appendChild(b);
      mine.appendChild(li);
    });
  }

  function renderLive(data) {
    var list = $('live');
    list.textContent = '';
    if (!data.live || !data.live.length) { list.appendChild(el('li', 'empty', 'No chats in progress.')); }
    (data.live || []).forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', LEVELS[h.level] || h.level));
      li.appendChild(el('span', 'hid', '#' + h.id + ' · ' + h.lang + ' · with ' + h.holder + (h.joined ? ' · joined' : '')));
      li.appendChild(waitSpan(h.held_s));
      var b = el('button', 'secondary', 'Watch');
      b.type = 'button';
      b.setAttribute('aria-label', 'Watch chat ' + h.id);
      b.addEventListener('click', function () { openWatch(h.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function accept(id, button) {
    button.disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/accept').then(function (r) {
      if (r.result === 'ok') { $('queue-note').textContent = 'You took #' + id + '.'; openPane(id, true); }
      else if (r.result === 'taken') { $('queue-note').textContent = '#' + id + ' was taken by another counselor.'; }
      else { $('queue-note').textContent = '#' + id + ' is no longer open.'; }
      refresh();
    });
  }

  function decline(id, button) {
    button.disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/decline').then(function (r) {
      $('queue-note').textContent = r.result === 'ok' ? 'You declined #' + id + '; it stays offered to the others.'
        : 'Not declined (' + r.result + ').';
      refresh();
    });
  }

  function renderFollowups(data) {
    var list = $('followups');
    list.textContent = '';
    if (!data.followups || !data.followups.length) { list.appendChild(el('li', 'empty', 'No follow-ups.')); }
    (data.followups || []).forEach(function (f) {
      var li = el('li', 'item level-' + f.level);
      li.appendChild(el('span', 'hid', '#' + f.handoff + ' · ' + f.kind));
      li.appendChild(el('span', 'when', (f.sent_at ? 'sent ' + stationDate(f.sent_at) : 'due ' + stationDate(f.due_at))));
      li.appendChild(el('span', 'result', f.result));
      list.appendChild(li);
    });
  }

  function renderEarlier(data) {
    var list = $('earlier-list');
    list.textContent = '';
    $('earlier').hidden = false;
    if (!data.earlier || !data.earlier.length) { list.appendChild(el('li', 'empty', 'No earlier contacts.')); }
    (data.earlier || []).forEach(function (e) {
      var li = el('li', 'item level-' + e.level);
      li.appendChild(el('span', 'badge', LEVELS[e.level] || e.level));
      li.appendChild(el('span', 'hid', '#' + e.id + ' · ' + stationDate(e.opened_at) + ' · ' + (e.outcome || e.state || 'open')));
      e.notes.forEach(function (n) { li.appendChild(el('p', 'note', noteText(n))); });
      list.appendChild(li);
    });
    var n = (data.earlier || []).length;
    $('earlier-h').textContent = 'Earlier contacts (' + n + ')';
    $('earlier').open = n > 0;
  }

  function noteText(n) {
    var extra = [n.safety_label, n.risk_at_close ? 'risk at close ' + n.risk_at_close : ''].filter(Boolean);
    return n.kind + ' note' + (extra.length ? ' (' + extra.join(', ') + ')' : '') + (n.text ? ': ' + n.text : '');
  }

  function renderColleagues(data) {
    var sel = $('transfer-to');
    sel.textContent = '';
    var pick = el('option', '', 'Choose…');
    pick.value = '';
    sel.appendChild(pick);
    (data.colleagues || []).forEach(function (c) {
      var o = el('option', '', c.name + (c.alias ? ' (' + c.alias + ')' : '') +
        (c.languages.length ? ' · ' + c.languages.join('/') : ''));
      o.value = c.id;
      sel.appendChild(o);
    });
    var q = el('option', '', 'Back to the queue (the others on duty)');
    q.value = 'queue';
    sel.appendChild(q);
  }

  // Stored times are UTC; show them in the stations' zone (see stationTime).
  function stationDate(at) {
    var d = new Date(/(Z|[+-]\d\d:\d\d)$/.test(at) ? at : at + 'Z');
    if (isNaN(d.getTime())) { return at.slice(0, 16); }
    return d.toLocaleString('en-GB', { timeZone: 'Asia/Shanghai', day: '2-digit', month: 'short',
                                       hour: '2-digit', minute: '2-digit', hour12: false });
  }

  function renderSupervision(h) {
    var box = $('supervision'), text = '';
    if (h.watching) {
      text = h.joined ? 'You joined #' + h.id + ' with ' + h.holder + '; the resident was told. ' +
        h.holder + ' still holds the chat and closes it.'
        : 'Watching #' + h.id + ', held by ' + h.holder + '. Read-only: nobody is told until you join.';
    } else if (h.supervisors && h.supervisors.length) {
      text = h.supervisors.join(', ') + ' joined this chat; the resident was told. You still hold it.';
    }
    box.hidden = !text;
    $('supervision-text').textContent = text;
    $('join').hidden = !(h.watching && !h.joined);
    $('reply-label').textContent = h.watching ? 'Message to the resident (shown as Supervisor, with your alias)'
      : 'Message to the resident';
  }

  function renderPane(h) {
    $('pane').hidden = false;
    $('pane-h').textContent = 'Chat #' + h.id + (h.watching ? ' (supervising)' : h.mine ? '' : ' (' + h.state + ')');
    renderSupervision(h);
    $('pane-risk').textContent = 'Risk: ' + (LEVELS[h.level] || h.level) +
      (h.reasons && h.reasons.length ? ' — ' + h.reasons.join('; ') : '');
    $('pane-risk').className = 'risk level-' + h.level;
    var notes = $('pane-notes');
    notes.textContent = '';
    (h.notes || []).forEach(function (n) { notes.appendChild(el('li', 'note', noteText(n))); });
    var t = $('transcript');
    t.textContent = '';
    // Stored times are UTC (SQLite returns them without an offset); show them in the stations'
    // zone, the one the dashboard and the board use (bot/web/admin/common.py LOCAL).
    function stationTime(at) {
      var d = new Date(/(Z|[+-]\d\d:\d\d)$/.test(at) ? at : at + 'Z');
      if (isNaN(d.getTime())) { return at.slice(11, 16); }
      return d.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit',
                                             hour12: false });
    }
    h.messages.forEach(function (m) {
      var li = el('li', 'msg from-' + m.sender);
      li.dataset.seq = String(m.seq);
      li.appendChild(el('span', 'who', m.sender + ' · ' + stationTime(m.at)));
      li.appendChild(el('p', 'text', m.text));
      t.appendChild(li);
    });
    t.scrollTop = t.scrollHeight;
    var newestNow = 0;
    h.messages.forEach(function (m) { if (m.sender === 'resident') { newestNow = Math.max(newestNow, m.seq); } });
    var before = typingSeq[h.id] || 0;
    typingSeq[h.id] = newestNow;
    if (typingFor !== h.id || newestNow > before || !h.mine) { hideTyping(); }  // their line arrived
    var writes = h.mine || (h.watching && h.joined);
    Array.prototype.forEach.call(document.querySelectorAll('.quick-replies'), function (d) {
      d.hidden = !writes || d.dataset.lang !== (h.lang === 'en' ? 'en' : 'zh');
    });
    $('reply').hidden = !writes;
    $('close').hidden = !h.mine;
    $('transfer').hidden = !h.mine;
    $('handback').hidden = !h.mine;
    currentLevel = h.level;
    var urgent = h.level === 'high' || h.level === 'imminent';
    $('safety-check').required = urgent;
    $('safety-hint').textContent = urgent ? '(required: ' + LEVELS[h.level] + ' risk)' : '(optional)';
    if (!h.mine) { $('earlier').hidden = true; loadedFor = null; return; }
    var newest = 0;
    h.messages.forEach(function (m) { if (m.sender === 'resident') { newest = Math.max(newest, m.seq); } });
    if (newest > seenSeq(h.id)) {
      window.localStorage.setItem('hotline-seen-' + h.id, String(newest));
      var mark = document.querySelector('#mine li[data-handoff="' + h.id + '"] .unread');
      if (mark) { mark.remove(); }
    }
    if (loadedFor !== h.id) {  // once per chat: the history read is audited
      loadedFor = h.id;
      api('GET', '/console/api/colleagues').then(renderColleagues);
      api('GET', '/console/api/handoffs/' + h.id + '/history').then(function (d) {
        if (d._status === 200) { renderEarlier(d); }
      });
    }
  }

  function openWatch(id) {
    watching = true;
    return openPane(id, false);
  }

  function openPane(id, focus) {
    if (focus) { watching = false; }  // a chat of one's own (accepted, or opened from My chats)
    current = id;
    var path = '/console/api/handoffs/' + id + (watching ? '/watch' : '');
    return api('GET', path).then(function (h) {
      if (h._status !== 200) {
        $('queue-note').textContent = h.error || 'Cannot open this chat.';
        if (watching) { $('pane').hidden = true; current = null; watching = false; }
        return;
      }
      renderPane(h);
      if (focus) { $('reply-text').focus(); }
    });
  }

  // Typing hints both ways (bot/web/typing_relay.py): only that someone types, never the words.
  // At most one 'typing' frame per 3 s while the counselor types; the resident's hint goes after
  // 6 s without a new one, or when their line arrives.
  var TYPING_SEND_MS = 3000, TYPING_SHOW_MS = 6000;
  var sock = null, typingSentAt = 0, typingTimer = null, typingFor = null;
  var typingSeq = {};  // handoff id -> newest resident line shown
  function hideTyping() {
    $('pane-typing').hidden = true;
    typingFor = null;
    if (typingTimer !== null) { window.clearTimeout(typingTimer); typingTimer = null; }
  }
  function showTyping(id) {
    if (id !== current || watching) { return; }
    $('pane-typing').hidden = false;
    typingFor = id;
    if (typingTimer !== null) { window.clearTimeout(typingTimer); }
    typingTimer = window.setTimeout(hideTyping, TYPING_SHOW_MS);
  }
  $('reply-text').addEventListener('input', function () {
    if (current === null || watching || !$('reply-text').value || !sock || sock.readyState !== 1) { return; }
    if (Date.now() - typingSentAt < TYPING_SEND_MS) { return; }
    typingSentAt = Date.now();
    sock.send(JSON.stringify({ type: 'typing', handoff: current }));
  });

  function refresh() {
    api('GET', '/console/api/queue').then(renderQueue);
    api('GET', '/console/api/followups').then(renderFollowups);
    if ($('live')) { api('GET', '/console/api/supervise').then(renderLive); }
    if (current !== null) { openPane(current, false); }
  }

  $('alerts-on').addEventListener('click', function () {
    Notification.requestPermission().then(showAlertState);  // asked once, on the counselor's click
  });
  function seen() { pendingAlerts = 0; document.title = baseTitle; }
  window.addEventListener('focus', seen);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) { seen(); } });
  showAlertState();
  $('duty-toggle').addEventListener('click', function () {
    api('POST', '/console/api/duty', { available: !available }).then(refresh);
  });
  $('reply').addEventListener('submit', function (e) {
    e.preventDefault();
    var box = $('reply-text');
    var text = box.value.trim();
    if (!text || current === null) { return; }
    var route = watching ? '/supervisor-relay' : '/relay';
    api('POST', '/console/api/handoffs/' + current + route, { text: text }).then(function (r) {
      if (r.result === 'ok') { box.value = ''; typingSentAt = 0; openPane(current, false); }
      else { $('queue-note').textContent = 'Not sent (' + r.result + ').'; }
    });
  });
  $('join').addEventListener('click', function () {
    var id = current;
    $('join').disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/join').then(function (r) {
      $('join').disabled = false;
      $('queue-note').textContent = r.result === 'ok' ? 'You joined #' + id + '.' : '#' + id + ' is no longer live.';
      refresh();
    });
  });
  $('reply-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('reply').requestSubmit(); }
  });
  var ERRORS = {
    safety_check_required: 'A high or imminent chat closes only with a safety check.',
    note_required: 'Say in the case note what "other" was.',
    note_too_long: 'The note is too long (2000 characters at most).',
    reason_required: 'Give a reason for handing back.',
    choose_colleague: 'Choose a colleague or the queue.'
  };
  function done(what, id, r) {
    $('case-error').textContent = r.result === 'ok' ? '' : (ERRORS[r.result] || 'Not done (' + r.result + ').');
    if (r.result === 'ok') {
      $('queue-note').textContent = what + ' #' + id + '.';
      ['case-note', 'transfer-note', 'handback-reason'].forEach(function (k) { $(k).value = ''; });
    }
    refresh();
  }
  function sendClose() {
    var id = current;
    api('POST', '/console/api/handoffs/' + id + '/close', {
      outcome: $('outcome').value, followup: $('followup').value, safety_check: $('safety-check').value,
      risk: $('risk').value, note: $('case-note').value
    }).then(function (r) { done('Closed chat', id, r); });
  }
  $('close').addEventListener('submit', function (e) {
    e.preventDefault();
    if (currentLevel !== 'high' && currentLevel !== 'imminent') { sendClose(); return; }
    // Closing a high or imminent chat asks first, with the safety check in words.
    var pick = function (id) { var s = $(id); return s.options[s.selectedIndex].textContent; };
    $('confirm-text').textContent = 'Chat #' + current + ' is at ' + LEVELS[currentLevel] + ' risk. Outcome: ' +
      pick('outcome') + '. Safety check: ' + pick('safety-check') + '. Risk at close: ' + pick('risk') + '.';
    $('close-confirm').returnValue = '';  // Esc closes the dialog without choosing: nothing is sent
    $('close-confirm').showModal();
  });
  $('close-confirm').addEventListener('close', function () {
    if ($('close-confirm').returnValue === 'close') { sendClose(); }
  });
  $('transfer').addEventListener('submit', function (e) {
    e.preventDefault();
    var id = current;
    api('POST', '/console/api/handoffs/' + id + '/transfer', { to: $('transfer-to').value, note: $('transfer-note').value })
      .then(function (r) { done($('transfer-to').value === 'queue' ? 'Back in the queue:' : 'Transferred', id, r); });
  });
  $('handback').addEventListener('submit', function (e) {
    e.preventDefault();
    var id = current;
    api('POST', '/console/api/handoffs/' + id + '/handback', { reason: $('handback-reason').value })
      .then(function (r) { done('Handed back to the bot:', id, r); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('.quick'), function (b) {
    b.addEventListener('click', function () { var box = $('reply-text'); box.value = b.dataset.text; box.focus(); });
  });
  window.setInterval(function () {
    Array.prototype.forEach.call(document.querySelectorAll('.wait'), function (w) {
      w.textContent = fmtWait(Math.floor((Date.now() - parseInt(w.dataset.since, 10)) / 1000));
    });
  }, 1000);

  var delay = 500;
  function connect() {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = sock = new WebSocket(scheme + window.location.host + '/console/ws');
    ws.onopen = function () { delay = 500; refresh(); };
    ws.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f.type === 'typing') { showTyping(f.handoff); } else if (f.type === 'changed') { refresh(); }
    };
    ws.onclose = function () { window.setTimeout(connect, delay); delay = Math.min(delay * 2, 5000); };
  }
  refresh();
  connect();
}());
