// Resident chat: WebSocket with resync by sequence number, de-duplication by seq and by client
// message id, quick exit (button or Esc), zh/en switch. Nothing but the chosen language (a cookie,
// so the next visit opens in it) is kept in the browser.
(function () {
  'use strict';
  var body = document.body;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var exitUrl = body.dataset.exit || '/leave';
  var maxChars = parseInt(body.dataset.max, 10) || 4000;
  var lang = body.dataset.lang === 'en' ? 'en' : 'zh';
  var T = {
    zh: {
      you: '你', bot: '支持机器人', counselor: '咨询师', supervisor: '督导', connecting: '正在连接…',
      reconnecting: '连接中断，正在重新连接…你的消息会在连接后发送。',
      waiting: '正在为你联系值班咨询师，请留在这里。如果你现在有危险，请拨打 110 或 120。',
      offered: '', with_counselor: '你正在和咨询师聊天。', too_long: '消息太长，请分几条发送。',
      sending: '发送中', failed: '连接被拒绝，请刷新页面。', typing: '咨询师正在输入…'
    },
    en: {
      you: 'You', bot: 'Support bot', counselor: 'Counselor', supervisor: 'Supervisor', connecting: 'Connecting…',
      reconnecting: 'Connection lost, reconnecting… Your messages will be sent once connected.',
      waiting: 'Reaching the on-duty counselor for you. Please stay here. If you are in danger now, call 110 or 120.',
      offered: '', with_counselor: 'You are talking with a counselor.',
      too_long: 'That message is too long; please send it in parts.',
      sending: 'sending', failed: 'The connection was refused; please reload the page.',
      typing: 'The counselor is typing…'
    }
  };
  var log = document.getElementById('log');
  var scroller = document.getElementById('scroller');
  // Follow the newest message unless the resident scrolled up to read; the scroller shrinks when
  // the status line appears or a phone keyboard opens, so re-pin on every resize too.
  // Only a scroll upwards stops following: the scroll event of our own jump can arrive after the
  // scroller shrank, when the bottom looks far away without anyone having moved.
  var following = true, pinnedTop = 0;
  function toBottom() {
    if (following) { scroller.scrollTop = scroller.scrollHeight; pinnedTop = scroller.scrollTop; }
  }
  scroller.addEventListener('scroll', function () {
    var atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    if (atBottom) { following = true; } else if (scroller.scrollTop < pinnedTop - 4) { following = false; }
    pinnedTop = scroller.scrollTop;
  });
  if (window.ResizeObserver) { new window.ResizeObserver(toBottom).observe(scroller); }
  var statusEl = document.getElementById('status');
  var banner = document.getElementById('emergency');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  // Phone numbers in bot and counselor lines become tap-to-call links, like the banner's: the
  // banner's own numbers, hyphenated landlines, 123xx hotlines and 11-digit mobiles (not years).
  var known = {};
  Array.prototype.forEach.call(banner.querySelectorAll('a[href^="tel:"]'), function (a) {
    known[a.getAttribute('href').slice(4)] = true;
  });
  var NUMBER = /(^|[^\d-])(\d[\d-]{1,14}\d)(?![\d-])/g;
  var ws = null, ready = false, leaving = false, delay = 400, lastSeq = 0, connState = 'connecting';
  var convState = 'new', risk = 'none';
  var seen = {};          // seq -> true: every message shown once
  var queue = [];         // frames not yet acknowledged, resent after each reconnect
  var unmatched = [];     // own messages without a seq yet: {text, li}
  var RETRY_MS = 5000, RETRIES = 8;   // 5 s, doubling to at most a minute: about 5 minutes in all

  function cid() {
    var a = new Uint8Array(12);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function quickExit() {
    leaving = true;
    try { if (ws) { ws.close(); } } catch (e) { /* leaving anyway */ }
    try {   // unlink this browser from the chat, for /leave and another site alike: only this POST
      var fd = new FormData();   // unlinks (GET /leave changes nothing); it does not hold up the exit
      fd.append('csrf_token', csrf);
      var queued = navigator.sendBeacon ? navigator.sendBeacon('/chat/unlink', fd) : false;
      if (!queued && window.fetch) {   // no beacon, or its queue was full
        window.fetch('/chat/unlink', { method: 'POST', body: fd, keepalive: true, credentials: 'same-origin' })
          .catch(function () { /* leaving anyway */ });
      }
    } catch (e) { /* leaving anyway */ }
    document.title = '';
    body.textContent = '';
    window.location.replace(exitUrl);
  }
  document.getElementById('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.preventDefault(); quickExit(); }
  });

  function renderStatus() {
    var t = T[lang];
    var text = connState === 'open' ? (t[convState] || '') : t[connState] || '';
    statusEl.textContent = text;
    statusEl.className = 'status ' + (connState === 'open' ? 'state-' + convState : 'conn');
    var urgent = risk === 'high' || risk === 'imminent' || convState === 'waiting';
    banner.classList.toggle('urgent', urgent);
  }

  // Typing hints both ways (bot/web/typing_relay.py): only that someone types, never the words.
  // At most one 'typing' frame per 3 s while the resident types; the counselor's hint goes after
  // 6 s without a new one, or when their line arrives.
  var TYPING_SEND_MS = 3000, TYPING_SHOW_MS = 6000;
  var typingEl = document.getElementById('typing');
  var typingSentAt = 0, typingTimer = null;
  function hideTyping() {
    typingEl.hidden = true;
    if (typingTimer !== null) { window.clearTimeout(typingTimer); typingTimer = null; }
  }
  function showTyping() {
    typingEl.textContent = T[lang].typing;
    typingEl.hidden = false;
    toBottom();
    if (typingTimer !== null) { window.clearTimeout(typingTimer); }
    typingTimer = window.setTimeout(hideTyping, TYPING_SHOW_MS);
  }

  function setLang(next) {
    lang = next;
    body.classList.remove('lang-zh', 'lang-en');
    body.classList.add('lang-' + lang);
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(log.querySelectorAll('.who'), function (el) {
      el.textContent = label(el.parentNode.dataset.sender, el.parentNode.dataset.alias);
    });
    typingEl.textContent = T[lang].typing;
    renderStatus();
  }

  function label(sender, alias) {
    if (sender === 'resident') { return T[lang].you; }
    if (sender === 'counselor') { return T[lang].counselor + (alias ? ' ' + alias : ''); }
    if (sender === 'supervisor') { return alias || T[lang].supervisor; }   // alias names the role
    return T[lang].bot;
  }

  function callable(n) {
    var digits = n.replace(/-/g, '');
    return known[n] === true || (n.indexOf('-') > 0 && digits.length >= 7 && digits.length <= 12) ||
      /^123\d\d$/.test(digits) || /^1\d{10}$/.test(digits) || /^400\d{7}$/.test(digits);
  }

  function linkNumbers(p, text) {   // text nodes and <a> only: message text never becomes markup
    var at = 0, match;
    NUMBER.lastIndex = 0;
    while ((match = NUMBER.exec(text)) !== null) {
      var start = match.index + match[1].length, n = match[2];
      if (!callable(n)) { continue; }
      p.appendChild(document.createTextNode(text.slice(at, start)));
      var a = document.createElement('a');
      a.href = 'tel:' + n;
      a.textContent = n;
      p.appendChild(a);
      at = start + n.length;
    }
    p.appendChild(document.createTextNode(text.slice(at)));
  }

  function place(li, seq) {
    if (seq !== null && seq !== undefined) {
      li.dataset.seq = String(seq);
      var items = log.children;
      for (var i = 0; i < items.length; i++) {
        var s = items[i].dataset.seq;
        if (s === undefined || parseInt(s, 10) > seq) { log.insertBefore(li, items[i]); return; }
      }
    }
    log.appendChild(li);
  }

  function render(m) {
    var li = document.createElement('li');
    li.className = 'msg from-' + m.sender + (m.urgent ? ' urgent' : '');
    li.dataset.sender = m.sender;
    if (m.alias) { li.dataset.alias = m.alias; }
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = label(m.sender, m.alias);
    var p = document.createElement('p');
    p.className = 'text';
    if (m.sender === 'resident') { p.textContent = m.text; } else { linkNumbers(p, m.text); }
    li.appendChild(who);
    li.appendChild(p);
    (m.buttons || []).forEach(function (row) {
      var div = document.createElement('div');
      div.className = 'choices';
      row.forEach(function (b) {
        var btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = b.label;
        btn.addEventListener('click', function () {
          Array.prototype.forEach.call(li.querySelectorAll('.choices button'), function (x) { x.disabled = true; });
          submit({ type: 'button', cid: cid(), data: b.data });
        });
        div.appendChild(btn);
      });
      li.appendChild(div);
    });
    place(li, m.seq);
    if (li === log.lastElementChild) { toBottom(); }
    return li;
  }

  function onMessage(m) {
    if (m.seq !== null && m.seq !== undefined) {
      if (seen[m.seq]) { return; }
      seen[m.seq] = true;
      lastSeq = Math.max(lastSeq, m.seq);
    }
    if (m.sender === 'resident') {
      for (var i = 0; i < unmatched.length; i++) {
        if (unmatched[i].text === m.text) {   // our own message, echoed back by a resync
          var own = unmatched.splice(i, 1)[0];
          own.li.classList.remove('pending');
          place(own.li, m.seq);
          dropQueued(own.cid);
          return;
        }
      }
    }
    if (m.sender === 'counselor') { hideTyping(); }
    if ((m.sender === 'counselor' || m.sender === 'supervisor') && m.alias && m.text.indexOf(m.alias + ': ') === 0) {
      m.text = m.text.slice(m.alias.length + 2);
    }
    render(m);
  }

  function dropQueued(id) {
    queue = queue.filter(function (f) { return f.cid !== id; });
  }

  // An ack without a seq: the server took the message but has not stored it yet (its database was
  // slow or down, or it restarted). Ask again with the same id a little later: the server treats a
  // repeat as a replay, so the message is handled once however often it is sent.
  function retryLater(id, tries) {
    if (tries >= RETRIES) { return; }
    window.setTimeout(function () {
      var frame = queue.filter(function (f) { return f.cid === id; })[0];
      if (frame && ready) { frame.tries = tries + 1; ws.send(JSON.stringify(frame)); }
    }, Math.min(RETRY_MS * Math.pow(2, tries), 60000));
  }

  function onAck(a) {
    for (var i = 0; i < unmatched.length; i++) {
      if (unmatched[i].cid === a.cid) {
        var own = unmatched[i];
        own.li.classList.remove('pending');
        if (a.seq === null || a.seq === undefined) {
          var queued = queue.filter(function (f) { return f.cid === a.cid; })[0];
          retryLater(a.cid, queued ? (queued.tries || 0) : RETRIES);
          return;
        }
        unmatched.splice(i, 1);
        dropQueued(a.cid);
        if (seen[a.seq]) { own.li.remove(); return; }   // the echo came first and is shown
        seen[a.seq] = true;
        lastSeq = Math.max(lastSeq, a.seq);
        place(own.li, a.seq);
        return;
      }
    }
    dropQueued(a.cid);
  }

  function forgetShown() {   // the conversation was erased: so are its messages on this page
    Array.prototype.forEach.call(log.querySelectorAll('li[data-seq]'), function (li) { li.remove(); });
    seen = {}; lastSeq = 0;
  }

  function submit(frame) {
    queue.push(frame);
    if (ready) { ws.send(JSON.stringify(frame)); }
  }

  function onFrame(f) {
    if (f.type === 'msg') { onMessage(f); }
    else if (f.type === 'ack') { onAck(f); }
    else if (f.type === 'typing') { showTyping(); }
    else if (f.type === 'state' || f.type === 'synced') {
      if (f.state === 'new' && lastSeq > 0) { forgetShown(); }
      convState = f.state || convState; risk = f.risk || risk;
      if (f.type === 'synced') {
        ready = true; delay = 400; connState = 'open';
        queue.forEach(function (q) { ws.send(JSON.stringify(q)); });
      }
      renderStatus();
    }
  }

  function connect() {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + window.location.host + '/chat/ws');
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'hello', last_seq: lastSeq, csrf: csrf, lang: lang }));
    };
    ws.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      onFrame(f);
    };
    ws.onclose = function (e) {
      ready = false;
      if (leaving) { return; }
      if (e.code === 4403) { connState = 'failed'; renderStatus(); return; }
      connState = 'reconnecting';
      renderStatus();
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 3000);
    };
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (text.length > maxChars) { statusEl.textContent = T[lang].too_long; return; }
    input.value = '';
    typingSentAt = 0;   // the next line's first key tells the counselor at once
    var id = cid();
    following = true;   // one's own message: back to the newest line
    var li = render({ sender: 'resident', text: text, seq: null });
    li.classList.add('pending');
    unmatched.push({ cid: id, text: text, li: li });
    submit({ type: 'msg', cid: id, text: text });
  });
  input.addEventListener('input', function () {
    if (!ready || !input.value || Date.now() - typingSentAt < TYPING_SEND_MS) { return; }
    typingSentAt = Date.now();
    ws.send(JSON.stringify({ type: 'typing' }));   // never the text: only that the resident types
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById('forget').addEventListener('click', function () {
    submit({ type: 'forget', cid: cid() });
  });
  document.getElementById('lang-switch').addEventListener('click', function () {
    setLang(lang === 'zh' ? 'en' : 'zh');
    document.cookie = 'hl=' + lang + '; path=/chat; max-age=31536000; SameSite=Strict';
    if (log.children.length) { submit({ type: 'lang', cid: cid(), lang: lang }); }
  });

  setLang(lang);
  renderStatus();
  connect();
  input.focus();
}());
