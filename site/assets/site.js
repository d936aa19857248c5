// The Edict policy site: search, the date control of decision tables, and (when served by
// `edict serve --docs`) the form that asks the decision service. Every page reads without it.
(function () {
  'use strict';
  var sheet = document.querySelector('link[rel="stylesheet"]');
  var root = sheet ? sheet.getAttribute('href').replace(/style\.css$/, '') : '';
  // The page's language: English at the site's root, Chinese under zh/.
  var zh = (document.documentElement.lang || '').indexOf('zh') === 0;
  var T = function (en, z) { return zh ? z : en; };

  // The language switch remembers the reader's choice; the index, opened again, follows it.
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var switcher = document.querySelector('a.lang-switch');
  if (switcher) {
    switcher.addEventListener('click', function () {
      try { if (store) store.setItem('edict-lang', switcher.getAttribute('data-lang')); } catch (e) { /* private mode */ }
    });
    var chosen = null;
    try { chosen = store && store.getItem('edict-lang'); } catch (e) { chosen = null; }
    var atIndex = root === '' && /(^|\/)(index\.html)?$/.test(location.pathname);
    // Only the English index (the site's front door) follows a choice of Chinese: a Chinese
    // page opened by its address stays Chinese.
    if (atIndex && !zh && chosen === 'zh') {
      location.replace(switcher.getAttribute('href'));
    }
  }

  // Search over names, Chinese names and codes (`USA`: an entry's code, whole).
  var q = document.getElementById('q');
  var results = document.getElementById('results');
  if (q && results && window.EDICT_INDEX) {
    q.addEventListener('input', function () {
      var term = q.value.trim().toLowerCase();
      results.textContent = '';
      if (!term) return;
      var shown = 0;
      var has = function (s) { return !!s && s.toLowerCase().indexOf(term) >= 0; };
      for (var i = 0; i < window.EDICT_INDEX.length && shown < 20; i++) {
        var it = window.EDICT_INDEX[i];
        var byCode = it.c && it.c.some(function (c) { return c.toLowerCase() === term; });
        if (!has(it.n) && !has(it.z) && !has(it.i) && !byCode) continue;
        var li = document.createElement('li');
        var kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = it.k;
        var a = document.createElement('a');
        a.href = root + it.u;
        a.textContent = it.n;
        li.appendChild(kind);
        li.appendChild(a);
        if (it.z) {
          var z = document.createElement('span');
          z.lang = zh ? 'en' : 'zh-Hans';
          z.textContent = ' ' + it.z;
          li.appendChild(z);
        }
        results.appendChild(li);
        shown++;
      }
      if (!shown) {
        var none = document.createElement('li');
        none.textContent = T('Nothing is called that.', '没有这个名称。');
        results.appendChild(none);
      }
    });
  }

  // The table as of a date: the rows whose days include it.
  var asof = document.getElementById('asof');
  var grid = document.getElementById('grid');
  if (asof && grid) {
    var shownLabel = document.getElementById('asof-shown');
    var bounds = (grid.getAttribute('data-boundaries') || '').split(' ').filter(Boolean);
    var show = function () {
      var day = asof.value || bounds[bounds.length - 1] || '';
      var rows = grid.querySelectorAll('tbody tr');
      var n = 0;
      for (var i = 0; i < rows.length; i++) {
        var from = rows[i].getAttribute('data-from');
        var until = rows[i].getAttribute('data-until');
        var on = (!from || from <= day) && (!until || day < until);
        rows[i].hidden = !on;
        if (on) n++;
      }
      // The stretch the day is in, in words.
      var after = bounds.filter(function (b) { return b <= day; });
      var start = after[after.length - 1];
      var end = bounds[after.length];
      var stretch = !start ? T('until ', '至') + end : end ? T('from ' + start + ' until ' + end, start + '至' + end) : T('from ' + start, '自' + start + '起');
      if (shownLabel) shownLabel.textContent = zh ? '显示 ' + n + ' 行，' + stretch + '的决策表' : 'showing ' + n + (n === 1 ? ' row' : ' rows') + ', the table ' + stretch;
    };
    asof.addEventListener('change', show);
    asof.addEventListener('input', show);
    // The change days above the table set the date.
    var links = document.querySelectorAll('a[data-asof]');
    for (var k = 0; k < links.length; k++) {
      links[k].addEventListener('click', function () { asof.value = this.getAttribute('data-asof'); show(); });
    }
    show();
  }

  // The answer, in words: the outcome with its headings, the rule and its citation with the
  // cited item's words, the explanation, and the whole answer as JSON. `prefix` names the ids
  // (`ask-result`, `trip-result`).
  var wordsScript = document.getElementById('ask-words');
  var words = {};
  try { words = JSON.parse(wordsScript ? wordsScript.textContent : '{}'); } catch (e) { words = {}; }
  // The outcome's fields and values in the reader's words (`status` → "Entry").
  var labelsScript = document.getElementById('ask-labels');
  var labels = {};
  try { labels = JSON.parse(labelsScript ? labelsScript.textContent : '{}'); } catch (e) { labels = {}; }
  var inWords = function (field, value) {
    var l = labels[field] || {};
    var v = (l.values && l.values[value]) || value;
    var h = /^(\d+)h$/.exec(value);
    var d = /^(\d+)d$/.exec(value);
    // As the pages say them (`Lang::duration`): hours with days up to ten days, days beyond.
    if (h && +h[1] % 24 === 0 && +h[1] / 24 > 10) {
      d = [null, String(+h[1] / 24)];
      h = null;
    }
    if (h) {
      var hours = +h[1];
      v = T(hours + ' hours', hours + '小时');
      if (hours % 24 === 0) v += T(' (' + hours / 24 + (hours === 24 ? ' day)' : ' days)'), '（' + hours / 24 + '天）');
    } else if (d) {
      v = T(d[1] + ' days', d[1] + '天');
    }
    return (l.heading || field) + T(': ', '：') + v;
  };
  var ruleTitle = function (name) { return (labels._rules || {})[name] || name; };
  var show = function (answer, j, prefix) {
    answer.textContent = '';
    var h = document.createElement('h3');
    if (j.status && j.title) {
      h.textContent = j.title + ': ' + j.detail + (j.hint ? ' (' + j.hint + ')' : '');
    } else {
      var outcome = j.outcome ? Object.keys(j.outcome).filter(function (k) { return j.outcome[k] !== null; }).map(function (k) { return inWords(k, String(j.outcome[k])); }).join(T('; ', '；')) : T('no outcome', '无结果');
      h.textContent = outcome + (j.rule ? T(' (by the rule “', '（依据规则“') + ruleTitle(j.rule.name) + T('”)', '”）') : '');
    }
    h.id = prefix + '-result';
    answer.appendChild(h);
    if (j.rule && j.rule.citation) {
      var cite = document.createElement('p');
      var sourceTitle = (labels._sources || {})[j.rule.citation.source] || j.rule.citation.title;
      cite.textContent = T('On the authority of ', '依据 ') + j.rule.citation.source + (j.rule.citation.item ? T(' item ', ' 第') + j.rule.citation.item + T('', '项') : '') + T(': ', ':') + sourceTitle;
      answer.appendChild(cite);
      // The item's words, as the page has them, the page's language first.
      var item = words[j.rule.citation.source + ' ' + j.rule.citation.item];
      if (item) {
        var pairs = [['en', item.en], ['zh-Hans', item.zh]];
        if (zh) pairs.reverse();
        pairs.forEach(function (pair) {
          if (!pair[1]) return;
          var q = document.createElement('blockquote');
          q.className = 'item';
          q.lang = pair[0];
          pair[1].split('\n').forEach(function (line) {
            var p = document.createElement('p');
            p.textContent = line;
            q.appendChild(p);
          });
          answer.appendChild(q);
        });
      }
    }
    // The explanation in words: each rule, and why it did or did not apply.
    var rules = (j.explanation && j.explanation.rules) || [];
    if (rules.length) {
      var ul = document.createElement('ul');
      ul.id = prefix + '-rules';
      rules.forEach(function (r) {
        var li = document.createElement('li');
        var why = r.status === 'matched' ? T('applies', '适用')
          : r.status === 'not_in_force' ? T('not in force: ', '未生效：') + r.reason
          : T('does not apply: ', '不适用：') + r.reason + T(' is false', ' 不成立');
        li.textContent = ruleTitle(r.rule) + T(': ', '：') + why;
        ul.appendChild(li);
      });
      answer.appendChild(ul);
    }
    var details = document.createElement('details');
    var summary = document.createElement('summary');
    summary.textContent = T('The answer as JSON', '答复（JSON）');
    var pre = document.createElement('pre');
    pre.textContent = JSON.stringify(j, null, 2);
    details.appendChild(summary);
    details.appendChild(pre);
    answer.appendChild(details);
  };
  var served = location.protocol !== 'file:';
  var ask = function (decision, body, answer, prefix) {
    answer.textContent = T('Asking…', '查询中…');
    var url = '/v1/decisions/' + encodeURIComponent(decision) + '?explain=true';
    var headers = { 'Content-Type': 'application/json' };
    var tokenBox = document.getElementById('ask-token');
    var token = tokenBox ? tokenBox.value.trim() : '';
    if (token) headers.Authorization = 'Bearer ' + token;
    fetch(url, { method: 'POST', headers: headers, body: body })
      .then(function (r) { return r.json(); })
      .then(function (j) { show(answer, j, prefix); })
      .catch(function (err) { answer.textContent = T('The service did not answer: ', '服务未答复：') + err; });
  };

  // Check your trip: the questions, checked, as a request.
  var trip = document.getElementById('trip-form');
  if (trip) {
    var namesScript = document.getElementById('trip-names');
    var names = {};
    try { names = JSON.parse(namesScript ? namesScript.textContent : '{}'); } catch (e) { names = {}; }
    var tripAnswer = document.getElementById('trip-answer');
    trip.addEventListener('submit', function (e) {
      e.preventDefault();
      var request = {};
      var firstBad = null;
      var controls = trip.querySelectorAll('[data-path]');
      for (var i = 0; i < controls.length; i++) {
        var c = controls[i];
        var kind = c.getAttribute('data-kind');
        var value = null;
        var problem = '';
        if (kind === 'bool') {
          var checked = c.querySelector('input:checked');
          value = checked ? checked.value === 'true' : null;
        } else {
          var text = c.value.trim();
          if (text && kind === 'entity') {
            value = (names[c.getAttribute('data-type')] || {})[text.toLowerCase()] || null;
            if (!value) problem = T('Choose one from the list.', '请从列表中选择。');
          } else if (text) {
            value = text;
          }
        }
        var required = kind === 'bool' ? !!c.querySelector('input[required]') : c.required;
        if (value === null && !problem && required) problem = T('Please answer this question.', '请填写此项。');
        var error = document.getElementById(c.id + '-error');
        if (error) { error.textContent = problem; error.hidden = !problem; }
        if (problem) {
          c.setAttribute('aria-invalid', 'true');
          if (error) c.setAttribute('aria-describedby', error.id);
          if (!firstBad) firstBad = c;
          continue;
        }
        c.removeAttribute('aria-invalid');
        var path = c.getAttribute('data-path').split('.');
        request[path[0]] = request[path[0]] || {};
        if (value !== null) request[path[0]][path[1]] = value;
      }
      if (firstBad) {
        (firstBad.querySelector ? (firstBad.querySelector('input') || firstBad) : firstBad).focus();
        return;
      }
      var body = JSON.stringify(request, null, 2);
      var decision = trip.getAttribute('data-decision');
      if (served) {
        ask(decision, body, tripAnswer, 'trip');
        return;
      }
      // From disk the page cannot ask: the request, and how to ask it.
      tripAnswer.textContent = '';
      var p = document.createElement('p');
      p.id = 'trip-result';
      p.textContent = T('Opened from disk, this page cannot ask the service. Save this request as request.json and run: ', '从本地文件打开时无法查询服务。请将此请求保存为 request.json 并运行：')
        + 'edict eval policies --decision ' + decision + ' --input request.json';
      var pre = document.createElement('pre');
      pre.id = 'trip-request';
      pre.textContent = body;
      tripAnswer.appendChild(p);
      tripAnswer.appendChild(pre);
    });
  }

  // Ask with a request written as JSON (for officials), when the page is served.
  var form = document.getElementById('ask-form');
  if (form) {
    var note = document.getElementById('ask-note');
    var button = document.getElementById('ask-button');
    var answer = document.getElementById('ask-answer');
    if (!served) {
      button.disabled = true;
    } else {
      note.hidden = true;
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        ask(form.getAttribute('data-decision'), document.getElementById('ask-request').value, answer, 'ask');
      });
    }
  }
})();
