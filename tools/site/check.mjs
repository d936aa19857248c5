// Checks a site written by `edict doc` in headless Chromium, as a reader would use it: every
// page loads from disk (file://) with no console error, no link is broken (pages and anchors);
// at 390 px (a phone) and 1400 px, no page scrolls sideways (an element may be wider than the
// screen only inside a box that scrolls on its own) and axe-core finds no violation; the search
// works from the keyboard alone; the date control of a decision page changes the table shown;
// and, served by `edict serve --docs`, the form asks the decision service and shows the answer.
// Every page exists in English (at the root) and Chinese (under zh/); the switch between them
// keeps the reader's choice, and the travellers' questions are answered in both.
//
// Environment: SITE (the folder), SERVED (the service's base URL), REQUEST and REQUEST_AIRSIDE
// (request files for transit_entry and direct_transit), TOOLS (where playwright-core and axe-core are installed), OUT (results.json
// goes there), SHOTS (optional: screenshots of each kind of page at both widths go there).
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';

const require = createRequire(process.env.TOOLS + '/');
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.env.SITE);
const AXE = fs.readFileSync(path.join(process.env.TOOLS, 'node_modules/axe-core/axe.min.js'), 'utf8');
const WIDTHS = [390, 1400];
const results = {
  pages: 0, consoleErrors: [], expectedErrors: [], brokenLinks: [], external: 0,
  tooWide: [], axe: [], axeRuns: 0,
};

// Elements that reach past the viewport's edges, outside any box that scrolls sideways.
const tooWide = () => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  const scrolls = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || (r.left >= -1 && r.right <= vw + 1) || scrolls(e)) continue;
    out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} at ${Math.round(r.left)}..${Math.round(r.right)} px`);
    if (out.length > 5) break;
  }
  return out;
};

const pages = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.html')) pages.push(p);
  }
})(SITE);
pages.sort();

const ids = new Map();
const idsOf = (file) => {
  if (!ids.has(file)) {
    const html = fs.readFileSync(file, 'utf8');
    ids.set(file, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  return ids.get(file);
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  let current = '';
  // The browser logs a 4xx answer as an error; the one asked for on purpose is kept apart.
  let expecting = null;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expecting && m.text().includes(expecting)) results.expectedErrors.push(`${current}: ${m.text()}`);
    else results.consoleErrors.push(`${current}: ${m.text()}`);
  });
  page.on('pageerror', (e) => results.consoleErrors.push(`${current}: ${e.message}`));
  page.on('requestfailed', (r) => results.consoleErrors.push(`${current}: failed to load ${r.url()}`));
  for (const file of pages) {
    current = path.relative(SITE, file);
    await page.goto(pathToFileURL(file).href);
    results.pages++;
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const href of hrefs) {
      if (!href.startsWith('file:')) { results.external++; continue; }
      const u = new URL(href);
      const target = fileURLToPath(u);
      if (!fs.existsSync(target)) { results.brokenLinks.push(`${current} -> ${href}`); continue; }
      if (u.hash && !idsOf(target).has(decodeURIComponent(u.hash.slice(1)))) {
        results.brokenLinks.push(`${current} -> ${href} (no such anchor)`);
      }
    }
  }
  // Every page at a phone's width and a wide screen's: nothing wider than the screen, and
  // axe-core's rules (WCAG 2.2 A and AA and best practice) without a violation.
  // Entry pages (a port, a country) share one template: axe-core runs on two of each type.
  const seen = new Map();
  const axed = pages.filter((f) => {
    const rel = path.relative(SITE, f);
    if (!/(^|[\/\\])entries[\/\\]/.test(rel)) return true;
    const dir = path.dirname(rel);
    seen.set(dir, (seen.get(dir) || 0) + 1);
    return seen.get(dir) <= 2;
  });
  results.axePages = axed.length;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const file of pages) {
      current = `${path.relative(SITE, file)} at ${width} px`;
      await page.goto(pathToFileURL(file).href);
      for (const w of await page.evaluate(tooWide)) results.tooWide.push(`${current}: ${w}`);
      if (!axed.includes(file)) continue;
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'], preload: false }))
        .violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
      results.axeRuns++;
      for (const v of violations) results.axe.push(`${current}: ${v}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 1000 });

  // The search from the keyboard alone: Tab to the box, type, Tab to the first result, Enter.
  current = 'index.html (keyboard search)';
  await page.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
  let tabs = 0;
  while (tabs < 10 && !(await page.evaluate(() => document.activeElement && document.activeElement.id === 'q'))) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  await page.keyboard.type('hengqin');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.textContent);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  results.keyboardSearch = {
    tabs, focused, landed: path.relative(SITE, fileURLToPath(page.url())),
    said: await page.$$eval('section.rule', (ss) => ss.map((x) => x.textContent.replace(/\s+/g, ' ').trim())),
  };

  // Three travellers' questions answered by following links from the index, by clicks, in
  // each language: the day the announcement took effect, then the port; what its page says is
  // the answer.
  results.questions = {};
  const asked = {
    en: { index: 'index.html', day: '5 November 2025', ports: [['hengqin', 'Hengqin'], ['tianjin', 'Tianjin Binhai Airport'], ['hongqiao', 'Shanghai Hongqiao Airport']] },
    zh: { index: 'zh/index.html', day: '2025年11月5日', ports: [['hengqin', '横琴'], ['tianjin', '天津滨海机场'], ['hongqiao', '上海虹桥机场']] },
  };
  for (const [lang, q] of Object.entries(asked)) {
    results.questions[lang] = {};
    for (const [key, port] of q.ports) {
      current = `${q.index} (question: ${key})`;
      await page.goto(pathToFileURL(path.join(SITE, q.index)).href);
      const clicks = [];
      for (const name of [q.day, port]) {
        await Promise.all([page.waitForNavigation(), page.click(`main a:text-is("${name}")`)]);
        clicks.push(path.relative(SITE, fileURLToPath(page.url())));
      }
      results.questions[lang][key] = {
        clicks,
        lang: await page.evaluate(() => document.documentElement.lang),
        said: await page.$$eval('section.rule', (ss) => ss.map((x) => x.textContent.replace(/\s+/g, ' ').trim())),
      };
    }
  }

  // The language switch: from a page to the same page in the other language, the choice kept
  // (the index, opened again, follows it) until switched back.
  current = 'decisions/transit_entry.html (language switch)';
  await page.goto(pathToFileURL(path.join(SITE, 'decisions/transit_entry.html')).href);
  const alternates = await page.$$eval('link[rel=alternate]', (ls) => ls.map((l) => [l.hreflang, l.href.split('/').slice(-3).join('/')]));
  await Promise.all([page.waitForNavigation(), page.click('a.lang-switch')]);
  const switched = { alternates, to: path.relative(SITE, fileURLToPath(page.url())), lang: await page.evaluate(() => document.documentElement.lang), h1: await page.textContent('h1') };
  await page.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
  await page.waitForLoadState('load');
  switched.indexAfter = path.relative(SITE, fileURLToPath(page.url()));
  await Promise.all([page.waitForNavigation(), page.click('a.lang-switch')]);
  switched.back = path.relative(SITE, fileURLToPath(page.url()));
  await page.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
  await page.waitForLoadState('load');
  switched.indexAfterBack = path.relative(SITE, fileURLToPath(page.url()));
  results.languageSwitch = switched;

  // A source's page quotes each item's words, in both languages.
  current = 'sources/nia_2025_11.html (item 4)';
  await page.goto(pathToFileURL(path.join(SITE, 'sources/nia_2025_11.html')).href);
  results.item4 = await page.$$eval('#item-4 ~ blockquote.item', (qs) => qs.slice(0, 2)
    .map((q) => ({ lang: q.lang, text: q.textContent })));

  // A country's code finds it.
  await page.fill('#q', 'USA');
  results.searchCode = await page.$$eval('#results a', (as) => as.map((a) => a.textContent));

  // The search box finds a port by its Chinese name, and on a Chinese page by its English one.
  current = 'index.html (search)';
  await page.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
  await page.fill('#q', '横琴');
  results.search = await page.$$eval('#results a', (as) => as.map((a) => a.textContent));
  await page.goto(pathToFileURL(path.join(SITE, 'zh/index.html')).href);
  await page.fill('#q', 'hengqin');
  results.searchZh = await page.$$eval('#results a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  await page.fill('#q', '免签');
  results.searchZhLabel = await page.$$eval('#results a', (as) => as.map((a) => a.textContent));

  // The date control shows the rows of the table in force that day.
  current = 'decisions/transit_entry.html (date control)';
  await page.goto(pathToFileURL(path.join(SITE, 'decisions/transit_entry.html')).href);
  // The rows shown: each as its cells' texts joined by ' | '.
  const visible = async () => page.$$eval('#grid tbody tr', (rs) => rs.filter((r) => !r.hidden)
    .map((r) => Array.from(r.cells).map((c) => c.textContent).join(' | ')));
  results.dateControl = { initial: await visible() };
  results.changeDays = await page.$$eval('ul.changes li', (ls) => ls.map((l) => l.textContent));
  results.timelineLanes = await page.$$eval('#table ~ figure svg text.lane', (ts) => ts.map((t) => t.textContent));
  await page.fill('#asof', '2025-11-04');
  await page.dispatchEvent('#asof', 'change');
  results.dateControl.before = await visible();
  results.dateControl.beforeLabel = await page.textContent('#asof-shown');
  await page.fill('#asof', '2026-03-01');
  await page.dispatchEvent('#asof', 'change');
  results.dateControl.after = await visible();
  results.dateControl.formOffline = await page.isDisabled('#ask-button');

  // Check your trip, from disk: nothing is filled in beforehand; sent empty, every question
  // says it needs an answer; answered (a port and countries picked by name from the lists,
  // date-times from the pickers), it shows the request and the command that answers it.
  current = 'decisions/transit_entry.html (check your trip)';
  const fillTrip = async (answers) => {
    for (const [id, value] of Object.entries(answers)) {
      if (value === true || value === false) await page.check(`#${id} input[value="${value}"]`);
      else if ((await page.$eval(`#${id}`, (e) => e.tagName)) === 'SELECT') await page.selectOption(`#${id}`, value);
      else await page.fill(`#${id}`, value);
    }
  };
  const usAtHengqin = {
    'trip-t-nationality': 'United States', 'trip-t-origin': 'United States', 'trip-t-arrival_port': 'Hengqin',
    'trip-t-arrival': '2025-11-06T10:00', 'trip-t-onward_destination': 'Japan', 'trip-t-onward_departure': '2025-11-11T09:00',
  };
  results.trip = {
    prefilled: await page.$$eval('#trip-form [data-path]', (cs) => cs.filter((c) => c.value || c.querySelector?.('input:checked')).map((c) => c.id)),
  };
  await page.click('#trip-button');
  results.trip.errors = await page.$$eval('#trip-form .error:not([hidden])', (es) => es.map((e) => e.textContent));
  results.trip.focused = await page.evaluate(() => document.activeElement.id);
  await fillTrip({ ...usAtHengqin, 'trip-t-arrival_port': 'Nowhere' });
  await page.click('#trip-button');
  results.trip.unknownPort = await page.$$eval('#trip-form .error:not([hidden])', (es) => es.map((e) => e.textContent));
  await fillTrip(usAtHengqin);
  await page.click('#trip-button');
  results.trip.offline = {
    said: await page.textContent('#trip-result'),
    request: JSON.parse(await page.textContent('#trip-request')),
  };
  // The same from the keyboard alone: Tab to the first question, type each answer (a name
  // from the list; a date-time's date, Tab, its time), Tab on, and Enter on the button.
  await page.goto(pathToFileURL(path.join(SITE, 'decisions/transit_entry.html')).href);
  const active = () => page.evaluate(() => document.activeElement && document.activeElement.id);
  let presses = 0;
  while (presses < 60 && (await active()) !== 'trip-t-nationality') { await page.keyboard.press('Tab'); presses++; }
  const typed = [['United States'], ['United States'], ['Hengqin'], ['11062025', '1000AM'], ['Japan'], ['11112025', '0900AM']];
  for (const parts of typed) {
    const field = await active();
    for (const [k, part] of parts.entries()) {
      if (k > 0) await page.keyboard.press('Tab');
      await page.keyboard.type(part);
    }
    // On to the next control (a date-time's AM/PM is a stop of its own).
    while ((await active()) === field) await page.keyboard.press('Tab');
  }
  const onTripButton = await active();
  await page.keyboard.press('Enter');
  results.trip.keyboard = {
    tabsToFirst: presses,
    onButton: onTripButton,
    request: JSON.parse(await page.textContent('#trip-request')),
  };
  if (process.env.SHOTS) {
    await page.fill('#asof', '2025-11-05');
    await page.dispatchEvent('#asof', 'change');
  }

  // Served: the form asks the decision service.
  if (process.env.SERVED) {
    current = 'served form';
    await page.goto(process.env.SERVED + '/docs/decisions/transit_entry.html');
    await page.fill('#ask-request', fs.readFileSync(process.env.REQUEST, 'utf8'));
    // The service wants a decision token: asked without one, the form shows the problem;
    // with it, the answer.
    expecting = 'status of 401';
    await page.click('#ask-button');
    await page.waitForSelector('#ask-result', { timeout: 20000 });
    const refused = await page.textContent('#ask-result');
    expecting = null;
    await page.fill('#ask-token', process.env.TOKEN || '');
    await page.click('#ask-button');
    await page.waitForFunction((before) => {
      const h = document.getElementById('ask-result');
      return h && h.textContent !== before;
    }, refused, { timeout: 20000 });
    results.served = {
      refused,
      heading: await page.textContent('#ask-result'),
      rules: await page.$$eval('#ask-rules li', (ls) => ls.map((l) => l.textContent)),
      noteHidden: await page.isHidden('#ask-note'),
    };
    // An answer whose rule cites an item with its words: the page quotes them.
    // From the keyboard alone: in the request box, replace its text, Tab to the token, Tab to
    // the button, Enter.
    await page.goto(process.env.SERVED + '/docs/decisions/direct_transit.html');
    await page.focus('#ask-request');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(fs.readFileSync(process.env.REQUEST_AIRSIDE, 'utf8'));
    await page.keyboard.press('Tab');
    await page.keyboard.type(process.env.TOKEN || '');
    await page.keyboard.press('Tab');
    const onButton = await page.evaluate(() => document.activeElement.id);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#ask-result', { timeout: 20000 });
    results.served.airside = {
      onButton,
      heading: await page.textContent('#ask-result'),
      quoted: await page.$$eval('#ask-answer blockquote.item', (qs) => qs.map((q) => ({ lang: q.lang, heading: q.firstChild.textContent }))),
    };
    // Check your trip, served, in both languages: the three travellers of the acceptance,
    // each answered in words with the item's text.
    const airside = {
      'trip-p-arrival_port': 'Tianjin Binhai Airport', 'trip-p-arrival': '2025-11-06T08:00',
      'trip-p-onward_departure': '2025-11-06T20:00', 'trip-p-onward_international_flight_confirmed': true, 'trip-p-stays_airside': true,
    };
    const egate = {
      'trip-a-residency': 'hong_kong', 'trip-a-nationality': 'United Kingdom', 'trip-a-port': 'Shanghai Hongqiao Airport',
      'trip-a-date': '2025-11-06', 'trip-a-consents_to_face_capture': true, 'trip-a-consents_to_fingerprint_capture': true,
    };
    results.served.trip = {};
    for (const [lang, prefix, names] of [['en', '', {}], ['zh', 'zh/', { 'trip-p-arrival_port': '天津滨海机场', 'trip-a-port': '上海虹桥机场', 'trip-a-nationality': '英国', 'trip-t-arrival_port': '横琴', 'trip-t-nationality': '美国', 'trip-t-origin': '美国', 'trip-t-onward_destination': '日本' }]]) {
      const asked = {};
      for (const [decision, answers] of [['transit_entry', usAtHengqin], ['direct_transit', airside], ['clearance_lane', egate]]) {
        current = `served ${prefix}${decision} (check your trip)`;
        await page.goto(`${process.env.SERVED}/docs/${prefix}decisions/${decision}.html`);
        await page.fill('#ask-token', process.env.TOKEN || '');
        const mine = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, names[k] || v]));
        await fillTrip(mine);
        await page.click('#trip-button');
        await page.waitForSelector('#trip-result', { timeout: 20000 });
        await page.waitForFunction(() => !document.getElementById('trip-answer').textContent.startsWith('Asking') && !document.getElementById('trip-answer').textContent.startsWith('查询中'));
        asked[decision] = {
          heading: await page.textContent('#trip-result'),
          quoted: await page.$$eval('#trip-answer blockquote.item', (qs) => qs.map((q) => q.lang + ': ' + q.firstChild.textContent)),
        };
      }
      results.served.trip[lang] = asked;
    }
    if (process.env.SHOTS) {
      await page.goto(`${process.env.SERVED}/docs/zh/decisions/direct_transit.html`);
      await page.fill('#ask-token', process.env.TOKEN || '');
      await fillTrip({ ...airside, 'trip-p-arrival_port': '天津滨海机场' });
      await page.click('#trip-button');
      await page.waitForSelector('#trip-result blockquote, #trip-answer blockquote', { timeout: 20000 });
      await page.evaluate(() => document.getElementById('trip').scrollIntoView());
      await page.screenshot({ path: path.join(process.env.SHOTS, 'site-trip-zh.png'), fullPage: false });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => document.getElementById('trip').scrollIntoView());
      await page.screenshot({ path: path.join(process.env.SHOTS, 'site-trip-zh-390.png') });
      await page.setViewportSize({ width: 1280, height: 1000 });
    }
    // The Chinese page's form answers in Chinese.
    await page.goto(process.env.SERVED + '/docs/zh/decisions/transit_entry.html');
    await page.fill('#ask-request', fs.readFileSync(process.env.REQUEST, 'utf8'));
    await page.fill('#ask-token', process.env.TOKEN || '');
    await page.click('#ask-button');
    await page.waitForSelector('#ask-result', { timeout: 20000 });
    results.served.zh = {
      heading: await page.textContent('#ask-result'),
      rules: await page.$$eval('#ask-rules li', (ls) => ls.map((l) => l.textContent)),
    };
    if (process.env.SHOTS) {
      await page.evaluate(() => document.getElementById('ask').scrollIntoView());
      await page.screenshot({ path: path.join(process.env.SHOTS, 'site-ask.png') });
    }
  }
  if (process.env.SHOTS) {
    const templates = [
      ['index.html', 'site-index'], ['decisions/transit_entry.html', 'site-decision'],
      ['sets/transit_ports.html', 'site-set-timeline'], ['sources/nia_2025_11.html', 'site-source'], ['changes/2025-11-05.html', 'site-changes'], ['entries/Port/hengqin.html', 'site-entry'],
      ['values/transit_stay_limit.html', 'site-value'], ['catalogues/Port.html', 'site-catalogue-tree'], ['catalogues/Country.html', 'site-catalogue-table'],
    ];
    // Each template in both languages (`-zh`), whole at 1280 px and the first screenful on a
    // phone (`-390`).
    for (const [prefix, suffix] of [['', ''], ['zh/', '-zh']]) {
      await page.setViewportSize({ width: 1280, height: 1000 });
      for (const [file, name] of templates) {
        await page.goto(pathToFileURL(path.join(SITE, prefix + file)).href);
        await page.screenshot({ path: path.join(process.env.SHOTS, name + suffix + '.png'), fullPage: true });
      }
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [file, name] of templates) {
        await page.goto(pathToFileURL(path.join(SITE, prefix + file)).href);
        await page.screenshot({ path: path.join(process.env.SHOTS, name + suffix + '-390.png') });
      }
    }
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(process.env.OUT, 'results.json'), JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
