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
      if (shownLabel) shownLabel.textContent = zh ? '显示 ' + n + ' 行,' + stretch + '的决策表' : 'showing ' + n + (n === 1 ? ' row' : ' rows') + ', the table ' + stretch;
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

  // Ask the decision service, when the page is served by it.
  var form = document.getElementById('ask-form');
  if (form) {
    var note = document.getElementById('ask-note');
    var button = document.getElementById('ask-button');
    var answer = document.getElementById('ask-answer');
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
      if (h) {
        var hours = +h[1];
        v = T(hours + ' hours', hours + '小时');
        if (hours % 24 === 0) v += T(' (' + hours / 24 + (hours === 24 ? ' day)' : ' days)'), '(' + hours / 24 + '天)');
      } else if (d) {
        v = T(d[1] + ' days', d[1] + '天');
      }
      return (l.heading || field) + ': ' + v;
    };
    if (location.protocol === 'file:') {
      button.disabled = true;
    } else {
      note.hidden = true;
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        answer.textContent = T('Asking…', '查询中…');
        var url = '/v1/decisions/' + encodeURIComponent(form.getAttribute('data-decision')) + '?explain=true';
        var headers = { 'Content-Type': 'application/json' };
        var token = document.getElementById('ask-token').value.trim();
        if (token) headers.Authorization = 'Bearer ' + token;
        fetch(url, { method: 'POST', headers: headers, body: document.getElementById('ask-request').value })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            answer.textContent = '';
            var h = document.createElement('h3');
            if (j.status && j.title) {
              h.textContent = j.title + ': ' + j.detail + (j.hint ? ' (' + j.hint + ')' : '');
            } else {
              var outcome = j.outcome ? Object.keys(j.outcome).filter(function (k) { return j.outcome[k] !== null; }).map(function (k) { return inWords(k, String(j.outcome[k])); }).join('; ') : T('no outcome', '无结果');
              h.textContent = outcome + (j.rule ? T(' (rule ', '(规则 ') + j.rule.name + T(')', ')') : '');
            }
            h.id = 'ask-result';
            answer.appendChild(h);
            if (j.rule && j.rule.citation) {
              var cite = document.createElement('p');
              cite.textContent = T('On the authority of ', '依据 ') + j.rule.citation.source + (j.rule.citation.item ? T(' item ', ' 第') + j.rule.citation.item + T('', '项') : '') + T(': ', ':') + j.rule.citation.title;
              answer.appendChild(cite);
              // The item's words, as the page has them, in both languages.
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
              ul.id = 'ask-rules';
              rules.forEach(function (r) {
                var li = document.createElement('li');
                var why = r.status === 'matched' ? T('applies', '适用')
                  : r.status === 'not_in_force' ? T('not in force: ', '未生效:') + r.reason
                  : T('does not apply: ', '不适用:') + r.reason + T(' is false', ' 不成立');
                li.textContent = r.rule + ': ' + why;
                ul.appendChild(li);
              });
              answer.appendChild(ul);
            }
            var details = document.createElement('details');
            var summary = document.createElement('summary');
            summary.textContent = T('The answer as JSON', '答复(JSON)');
            var pre = document.createElement('pre');
            pre.textContent = JSON.stringify(j, null, 2);
            details.appendChild(summary);
            details.appendChild(pre);
            answer.appendChild(details);
          })
          .catch(function (err) { answer.textContent = T('The service did not answer: ', '服务未答复:') + err; });
      });
    }
  }
})();
