// The Edict policy site: search, the date control of decision tables, and (when served by
// `edict serve --docs`) the form that asks the decision service. Every page reads without it.
(function () {
  'use strict';
  var sheet = document.querySelector('link[rel="stylesheet"]');
  var root = sheet ? sheet.getAttribute('href').replace(/style\.css$/, '') : '';

  // Search over names, Chinese names and codes (`USA`: an entry's code, whole).
  var q = document.getElementById('q');
  var results = document.getElementById('results');
  if (q && results && window.EDICT_INDEX) {
    q.addEventListener('input', function () {
      var term = q.value.trim().toLowerCase();
      results.textContent = '';
      if (!term) return;
      var shown = 0;
      for (var i = 0; i < window.EDICT_INDEX.length && shown < 20; i++) {
        var it = window.EDICT_INDEX[i];
        var byCode = it.c && it.c.some(function (c) { return c.toLowerCase() === term; });
        if (it.n.toLowerCase().indexOf(term) < 0 && !(it.z && it.z.indexOf(q.value.trim()) >= 0) && !byCode) continue;
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
          z.lang = 'zh';
          z.textContent = ' ' + it.z;
          li.appendChild(z);
        }
        results.appendChild(li);
        shown++;
      }
      if (!shown) {
        var none = document.createElement('li');
        none.textContent = 'Nothing is called that.';
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
      var stretch = !start ? 'until ' + end : end ? 'from ' + start + ' until ' + end : 'from ' + start;
      if (shownLabel) shownLabel.textContent = 'showing ' + n + (n === 1 ? ' row' : ' rows') + ', the table ' + stretch;
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
    if (location.protocol === 'file:') {
      button.disabled = true;
    } else {
      note.hidden = true;
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        answer.textContent = 'Asking…';
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
              var outcome = j.outcome ? Object.keys(j.outcome).map(function (k) { return k + ': ' + j.outcome[k]; }).join(', ') : 'no outcome';
              h.textContent = j.status + ' — ' + outcome + (j.rule ? ' (rule ' + j.rule.name + ')' : '');
            }
            h.id = 'ask-result';
            answer.appendChild(h);
            if (j.rule && j.rule.citation) {
              var cite = document.createElement('p');
              cite.textContent = 'Cites ' + j.rule.citation.source + (j.rule.citation.item ? ' item ' + j.rule.citation.item : '') + ': ' + j.rule.citation.title;
              answer.appendChild(cite);
              // The item's words, as the page has them, in both languages.
              var item = words[j.rule.citation.source + ' ' + j.rule.citation.item];
              if (item) {
                [['en', item.en], ['zh', item.zh]].forEach(function (pair) {
                  if (!pair[1]) return;
                  var q = document.createElement('blockquote');
                  q.className = 'item';
                  if (pair[0] === 'zh') q.lang = 'zh';
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
                var why = r.status === 'matched' ? 'applies'
                  : r.status === 'not_in_force' ? 'not in force: ' + r.reason
                  : 'does not apply: ' + r.reason + ' is false';
                li.textContent = r.rule + ': ' + why;
                ul.appendChild(li);
              });
              answer.appendChild(ul);
            }
            var details = document.createElement('details');
            var summary = document.createElement('summary');
            summary.textContent = 'The answer as JSON';
            var pre = document.createElement('pre');
            pre.textContent = JSON.stringify(j, null, 2);
            details.appendChild(summary);
            details.appendChild(pre);
            answer.appendChild(details);
          })
          .catch(function (err) { answer.textContent = 'The service did not answer: ' + err; });
      });
    }
  }
})();
