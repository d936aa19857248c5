// Checks a site written by `edict doc` in headless Chromium, as a reader would use it: every
// page loads from disk (file://) with no console error, no link is broken (pages and anchors),
// the date control of a decision page changes the table shown, and, served by
// `edict serve --docs`, the form asks the decision service and shows the answer.
//
// Environment: SITE (the folder), SERVED (the service's base URL), REQUEST (a request file for
// transit_entry), TOOLS (where playwright-core is installed), OUT (results.json goes there),
// SHOTS (optional: screenshots of the index, a decision page and a set timeline go there).
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';

const require = createRequire(process.env.TOOLS + '/');
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.env.SITE);
const results = { pages: 0, consoleErrors: [], expectedErrors: [], brokenLinks: [], external: 0 };

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
  // The search box finds a port by its Chinese name.
  current = 'index.html (search)';
  await page.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
  await page.fill('#q', '横琴');
  results.search = await page.$$eval('#results a', (as) => as.map((a) => a.textContent));

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
    if (process.env.SHOTS) {
      await page.evaluate(() => document.getElementById('ask').scrollIntoView());
      await page.screenshot({ path: path.join(process.env.SHOTS, 'site-ask.png') });
    }
  }
  if (process.env.SHOTS) {
    for (const [file, name] of [['index.html', 'site-index.png'], ['decisions/transit_entry.html', 'site-decision.png'], ['sets/transit_ports.html', 'site-set-timeline.png']]) {
      await page.goto(pathToFileURL(path.join(SITE, file)).href);
      await page.screenshot({ path: path.join(process.env.SHOTS, name), fullPage: true });
    }
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(process.env.OUT, 'results.json'), JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
