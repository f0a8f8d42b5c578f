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
  // The page's words (bot/web/staff_text.py): key -> text in the page's language, {name} filled in.
  var TEXT = JSON.parse(($('staff-text') || {}).textContent || '{}');
  function T(key, vars) {
    var s = Object.prototype.hasOwnProperty.call(TEXT, key) ? TEXT[key] : key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }
  // A code from the API in words (never the raw code); an unknown code shows as it is.
  function L(kind, code) {
    if (code === null || code === undefined || code === '') { return ''; }
    var key = kind + '.' + code;
    return Object.prototype.hasOwnProperty.call(TEXT, key) ? TEXT[key] : String(code);
  }
  function level(code) { return L('level', code).toUpperCase(); }  // English badges read HIGH, IMMINENT
  // Triage reasons (triage/policy.py) are English: 'category: "words" (past)'; say the category
  // and the fixed phrases in the page's language, keep the resident's quoted words as they are.
  var REASON_TAILS = [[' (past)', 'reason.past'], [' (said as a joke: medium at most)', 'reason.joking'],
                      [' (hedged: low)', 'reason.hedged']];
  function reason(r) {
    if (r === 'too short to judge alone: read with the conversation') { return T('reason.too_short'); }
    if (r === 'about someone else: still a person at risk') { return T('reason.third_person'); }
    var m = /^not counted \((\w+)\): (.*)$/.exec(r);
    if (m) { return T('reason.not_counted') + ' (' + L('reason', m[1]) + ')' + T('console.colon') + m[2]; }
    m = /^classifier: (\w+) (.*)$/.exec(r);
    if (m) { return T('reason.classifier') + T('console.colon') + level(m[1]) + ' ' + m[2]; }
    m = /^(\w+): (".*")(.*)$/.exec(r);
    if (!m || !Object.prototype.hasOwnProperty.call(TEXT, 'reason.' + m[1])) { return r; }
    var tail = m[3];
    REASON_TAILS.forEach(function (p) { tail = tail.split(p[0]).join(T(p[1])); });
    return T('reason.' + m[1]) + T('console.colon') + m[2] + tail;
  }
  function reasons(list) { return (list || []).map(reason).join(T('console.reason_sep')); }

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

  function fmtWait(s) { return T('console.wait', { min: Math.floor(s / 60), sec: ('0' + (s % 60)).slice(-2) }); }

  function waitSpan(seconds) {
    var span = el('span', 'wait', fmtWait(seconds));
    span.dataset.since = String(Date.now() - seconds * 1000);
    return span;
  }

  // ---- alerts ------------------------------------------------------------------------------
  var seenKeys = null;   // "id:level" of queue entries already alerted (null before the first read)
  var audio = null;
  var baseTitle = document.title;
  var LOCALE = document.documentElement.lang === 'zh' ? 'zh-CN' : 'en-GB';
  // The counselor's own station's time zone (the page says which; its rotations' zone).
  var TZ = (document.querySelector('.console') || { dataset: {} }).dataset.tz || 'Asia/Shanghai';
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
      new Notification(T('console.notify_title', { level: level(h.level), id: h.id }),
                       { body: T('console.notify_body'), tag: 'handoff-' + h.id });
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
    $('alerts-state').textContent = p === 'granted' ? T('console.alerts_on')
      : p === 'denied' ? T('console.alerts_blocked') : T('console.alerts_sound');
  }

  function seenSeq(id) { return parseInt(window.localStorage.getItem('hotline-seen-' + id) || '0', 10); }

  function renderQueue(data) {
    noticeNew(data.queue);
    available = data.available;
    $('duty-state').textContent = available ? T('console.on_duty') : T('console.off_duty');
    $('duty-toggle').textContent = available ? T('console.go_off') : T('console.go_on');
    var q = $('queue');
    q.textContent = '';
    if (!data.queue.length) { q.appendChild(el('li', 'empty', T('console.nobody_waiting'))); }
    data.queue.forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', level(h.level)));
      li.appendChild(el('span', 'hid', '#' + h.id + ' · ' + L('lang', h.lang) + ' · ' + L('state', h.state) +
        (h.offered_to_me ? ' · ' + T('console.offered_to_you') : '')));
      li.appendChild(waitSpan(h.wait_s));
      li.appendChild(el('p', 'reasons', reasons(h.reasons)));
      var b = el('button', 'accept', T('console.accept'));
      b.type = 'button';
      b.setAttribute('aria-label', T('console.accept_aria', { id: h.id }));
      b.addEventListener('click', function () { accept(h.id, b); });
      li.appendChild(b);
      if (h.offered_to_me) {
        var d = el('button', 'secondary decline', T('console.decline'));
        d.type = 'button';
        d.setAttribute('aria-label', T('console.decline_aria', { id: h.id }));
        d.addEventListener('click', function () { decline(h.id, d); });
        li.appendChild(d);
      }
      q.appendChild(li);
    });
    var mine = $('mine');
    mine.textContent = '';
    if (!data.mine.length) { mine.appendChild(el('li', 'empty', T('console.no_chats'))); }
    data.mine.forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', level(h.level)));
      li.appendChild(el('span', 'hid', '#' + h.id));
      if (h.id !== current && h.last_resident_seq > seenSeq(h.id)) {
        var u = el('span', 'unread', T('console.unread'));
        u.setAttribute('aria-label', T('console.unread_aria'));
        li.appendChild(u);
      }
      var b = el('button', 'secondary', T('console.open'));
      b.type = 'button';
      b.setAttribute('aria-label', T('console.open_aria', { id: h.id }));
      b.addEventListener('click', function () { openPane(h.id, true); });
      li.appendChild(b);
      mine.appendChild(li);
    });
  }

  function renderLive(data) {
    var list = $('live');
    list.textContent = '';
    if (!data.live || !data.live.length) { list.appendChild(el('li', 'empty', T('console.no_live'))); }
    (data.live || []).forEach(function (h) {
      var li = el('li', 'item level-' + h.level);
      li.dataset.handoff = String(h.id);
      li.appendChild(el('span', 'badge', level(h.level)));
      li.appendChild(el('span', 'hid', '#' + h.id + ' · ' + L('lang', h.lang) + ' · ' + T('console.with', { name: h.holder }) +
        (h.joined ? ' · ' + T('console.joined_mark') : '')));
      li.appendChild(waitSpan(h.held_s));
      var b = el('button', 'secondary', T('console.watch'));
      b.type = 'button';
      b.setAttribute('aria-label', T('console.watch_aria', { id: h.id }));
      b.addEventListener('click', function () { openWatch(h.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function accept(id, button) {
    button.disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/accept').then(function (r) {
      if (r.result === 'ok') { $('queue-note').textContent = T('console.took', { id: id }); openPane(id, true); }
      else if (r.result === 'taken') { $('queue-note').textContent = T('console.taken', { id: id }); }
      else { $('queue-note').textContent = T('console.not_open', { id: id }); }
      refresh();
    });
  }

  function decline(id, button) {
    button.disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/decline').then(function (r) {
      $('queue-note').textContent = r.result === 'ok' ? T('console.declined', { id: id })
        : T('console.not_declined', { why: L('console.result', r.result) });
      refresh();
    });
  }

  var FOLLOWUP_RESULTS = { scheduled: 'console.fu_scheduled', replied: 'console.fu_replied',
                           'sent, no reply yet': 'console.fu_no_reply' };
  function renderFollowups(data) {
    var list = $('followups');
    list.textContent = '';
    if (!data.followups || !data.followups.length) { list.appendChild(el('li', 'empty', T('console.no_followups'))); }
    (data.followups || []).forEach(function (f) {
      var li = el('li', 'item level-' + f.level);
      li.appendChild(el('span', 'hid', '#' + f.handoff + ' · ' + L('followup', f.kind)));
      li.appendChild(el('span', 'when', (f.sent_at ? T('console.sent_at', { when: stationDate(f.sent_at) })
        : T('console.due_at', { when: stationDate(f.due_at) }))));
      li.appendChild(el('span', 'result', FOLLOWUP_RESULTS[f.result] ? T(FOLLOWUP_RESULTS[f.result]) : f.result));
      list.appendChild(li);
    });
  }

  function renderEarlier(data) {
    var list = $('earlier-list');
    list.textContent = '';
    $('earlier').hidden = false;
    if (!data.earlier || !data.earlier.length) { list.appendChild(el('li', 'empty', T('console.no_earlier'))); }
    (data.earlier || []).forEach(function (e) {
      var li = el('li', 'item level-' + e.level);
      li.appendChild(el('span', 'badge', level(e.level)));
      li.appendChild(el('span', 'hid', '#' + e.id + ' · ' + stationDate(e.opened_at) + ' · ' +
        (e.outcome ? L('outcome', e.outcome) : e.state ? L('state', e.state) : T('console.still_open'))));
      e.notes.forEach(function (n) { li.appendChild(el('p', 'note', noteText(n))); });
      list.appendChild(li);
    });
    var n = (data.earlier || []).length;
    $('earlier-h').textContent = T('console.earlier_n', { n: n });
    $('earlier').open = n > 0;
  }

  function noteText(n) {
    var extra = [L('safety', n.safety_check), n.risk_at_close ? T('console.note_risk', { level: level(n.risk_at_close) }) : '']
      .filter(Boolean);
    return L('note', n.kind) + (extra.length ? ' (' + extra.join(', ') + ')' : '') + (n.text ? ': ' + n.text : '');
  }

  function renderColleagues(data) {
    var sel = $('transfer-to');
    sel.textContent = '';
    var pick = el('option', '', T('console.choose'));
    pick.value = '';
    sel.appendChild(pick);
    (data.colleagues || []).forEach(function (c) {
      var o = el('option', '', c.name + (c.alias ? ' (' + c.alias + ')' : '') +
        (c.languages.length ? ' · ' + c.languages.join('/') : ''));
      o.value = c.id;
      sel.appendChild(o);
    });
    var q = el('option', '', T('console.back_to_queue'));
    q.value = 'queue';
    sel.appendChild(q);
  }

  // Stored times are UTC; show them in the station's zone (see stationTime).
  function stationDate(at) {
    var d = new Date(/(Z|[+-]\d\d:\d\d)$/.test(at) ? at : at + 'Z');
    if (isNaN(d.getTime())) { return at.slice(0, 16); }
    return d.toLocaleString(LOCALE, { timeZone: TZ, day: '2-digit', month: 'short',
                                       hour: '2-digit', minute: '2-digit', hour12: false });
  }

  function renderSupervision(h) {
    var box = $('supervision'), text = '';
    if (h.watching) {
      text = T(h.joined ? 'console.joined_text' : 'console.watching_text', { id: h.id, holder: h.holder });
    } else if (h.supervisors && h.supervisors.length) {
      text = T('console.supervisors_text', { names: h.supervisors.join(', ') });
    }
    box.hidden = !text;
    $('supervision-text').textContent = text;
    $('join').hidden = !(h.watching && !h.joined);
    $('reply-label').textContent = h.watching ? T('console.reply_label_supervisor') : T('console.reply_label');
  }

  function renderPane(h) {
    $('pane').hidden = false;
    $('pane-h').textContent = T('console.chat_n', { id: h.id }) +
      (h.watching ? T('console.supervising') : h.mine ? '' : ' (' + L('state', h.state) + ')');
    renderSupervision(h);
    $('pane-risk').textContent = T('console.risk', { level: level(h.level) }) +
      (h.reasons && h.reasons.length ? ' — ' + reasons(h.reasons) : '');
    $('pane-risk').className = 'risk level-' + h.level;
    var notes = $('pane-notes');
    notes.textContent = '';
    (h.notes || []).forEach(function (n) { notes.appendChild(el('li', 'note', noteText(n))); });
    var t = $('transcript');
    t.textContent = '';
    // Stored times are UTC (SQLite returns them without an offset); show them in the counselor's
    // station's zone (TZ, from the page).
    function stationTime(at) {
      var d = new Date(/(Z|[+-]\d\d:\d\d)$/.test(at) ? at : at + 'Z');
      if (isNaN(d.getTime())) { return at.slice(11, 16); }
      return d.toLocaleTimeString(LOCALE, { timeZone: TZ, hour: '2-digit', minute: '2-digit',
                                             hour12: false });
    }
    h.messages.forEach(function (m) {
      var li = el('li', 'msg from-' + m.sender);
      li.dataset.seq = String(m.seq);
      li.appendChild(el('span', 'who', L('sender', m.sender) + ' · ' + stationTime(m.at)));
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
    $('safety-hint').textContent = urgent ? T('console.required_level', { level: level(h.level) }) : T('console.optional');
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
        $('queue-note').textContent = T('console.cannot_open');
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
      else { $('queue-note').textContent = T('console.not_sent', { why: L('console.result', r.result) }); }
    });
  });
  $('join').addEventListener('click', function () {
    var id = current;
    $('join').disabled = true;
    api('POST', '/console/api/handoffs/' + id + '/join').then(function (r) {
      $('join').disabled = false;
      $('queue-note').textContent = T(r.result === 'ok' ? 'console.joined_note' : 'console.not_live', { id: id });
      refresh();
    });
  });
  $('reply-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('reply').requestSubmit(); }
  });
  function done(what, id, r, handedOn) {
    var known = Object.prototype.hasOwnProperty.call(TEXT, 'console.err.' + r.result);
    $('case-error').textContent = r.result === 'ok' ? '' : known ? T('console.err.' + r.result)
      : T('console.not_done', { why: L('console.result', r.result) });  // unknown results show as they are
    if (r.result === 'ok') {
      $('queue-note').textContent = T(what, { id: id });
      ['case-note', 'transfer-note', 'handback-reason'].forEach(function (k) { $(k).value = ''; });
      // Handed to someone else: this counselor may no longer read the chat (issue 19 finding 1), so
      // the pane closes instead of the refresh reopening it into "Cannot open this chat".
      if (handedOn && current === id) { current = null; watching = false; $('pane').hidden = true; }
    }
    refresh();
  }
  function sendClose() {
    var id = current;
    api('POST', '/console/api/handoffs/' + id + '/close', {
      outcome: $('outcome').value, followup: $('followup').value, safety_check: $('safety-check').value,
      risk: $('risk').value, note: $('case-note').value
    }).then(function (r) { done('console.closed', id, r); });
  }
  $('close').addEventListener('submit', function (e) {
    e.preventDefault();
    if (currentLevel !== 'high' && currentLevel !== 'imminent') { sendClose(); return; }
    // Closing a high or imminent chat asks first, with the safety check in words.
    var pick = function (id) { var s = $(id); return s.options[s.selectedIndex].textContent; };
    $('confirm-text').textContent = T('console.confirm_text', { id: current, level: level(currentLevel),
      outcome: pick('outcome'), safety: pick('safety-check'), risk: pick('risk') });
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
      .then(function (r) { done($('transfer-to').value === 'queue' ? 'console.requeued' : 'console.transferred', id, r, true); });
  });
  $('handback').addEventListener('submit', function (e) {
    e.preventDefault();
    var id = current;
    api('POST', '/console/api/handoffs/' + id + '/handback', { reason: $('handback-reason').value })
      .then(function (r) { done('console.handed_back', id, r, true); });
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
