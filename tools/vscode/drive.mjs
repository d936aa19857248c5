// Drives VS Code (code-server, already listening on $CS_URL with the workspace $WS open) in
// headless Debian Chromium, as a user would, and records what the Edict extension shows: the
// language of a policy file, a hover from `edict lsp`, the Problems panel after an edit, and
// the bytes of files formatted through the server and saved.
// Writes $OUT/results.json and the screenshots $OUT/hover.png and $OUT/shot.png; the checks
// are made by cli/tests/it/vscode.rs. $TOOLS holds playwright-core (tools/vscode/setup.sh).
import { createRequire } from 'module';
const require = createRequire(process.env.TOOLS + '/');
const { chromium } = require('playwright-core');

const URL = process.env.CS_URL;
const FILE = process.env.EDICT_FILE || 'talent_visa.edict';
const results = {};
const log = (...a) => console.log(new Date().toISOString().slice(11, 23), ...a);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let ok = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => log('pageerror:', e.message));
  const t0 = Date.now();
  await page.goto(URL);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  log(`workbench + explorer up after ${Date.now() - t0} ms`);

  // Open the file with Quick Open (Ctrl+P).
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(FILE);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FILE}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab[aria-label*="${FILE}"]`, { timeout: 30000 });
  await page.waitForSelector('.monaco-editor .view-lines .view-line');
  log('editor open');

  // 1. Language mode in the status bar.
  const mode = page.locator('[id="status.editor.mode"]');
  await mode.waitFor();
  results.languageMode = (await mode.innerText()).trim();
  log('language mode:', results.languageMode);

  // 2. Hover from the server: go to line:col of `TalentApplicant` in the decision signature.
  const src = (await import('fs')).readFileSync(`${process.env.WS}/${FILE}`, 'utf8').split('\n');
  const line = src.findIndex((l) => /^decision .*TalentApplicant/.test(l));
  const col = src[line].indexOf('TalentApplicant') + 3;
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(`${line + 1}:${col}`);
  await page.keyboard.press('Enter');
  // The server may still be starting: retry the hover for up to 60 s.
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-resizable-hover .monaco-hover-content');
  const th = Date.now();
  for (;;) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I'); // editor.action.showHover
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 3000 });
      const t = (await hover.first().innerText()).trim();
      if (t && !/^Loading/.test(t)) {
        results.hover = t;
        break;
      }
    } catch {}
    await page.keyboard.press('Escape');
    if (Date.now() - th > 60000) break;
  }
  log(`hover after ${Date.now() - th} ms:`, JSON.stringify(results.hover || null));
  await page.screenshot({ path: process.env.OUT + '/hover.png' });
  await page.keyboard.press('Escape');

  // 3. A diagnostic: add a broken line at the end of the (unsaved) buffer.
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('decision broken( -> {', { delay: 10 });
  await page.keyboard.press('Control+Shift+M'); // Problems panel
  const rows = page.locator('.markers-panel .monaco-list-row');
  const td = Date.now();
  try {
    await rows.first().waitFor({ state: 'visible', timeout: 60000 });
    await page.waitForTimeout(1500);
    results.problems = (await rows.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  } catch {
    results.problems = [];
  }
  log(`problems after ${Date.now() - td} ms:`, JSON.stringify(results.problems));
  results.problemsStatus = await page.locator('[id="status.problems"]').getAttribute('aria-label').catch(() => null);
  log('status.problems:', results.problemsStatus);
  await page.screenshot({ path: process.env.OUT + '/shot.png' });

  // 4. Format Document through the server, then save, for each of $FORMAT_FILES (a file with
  // no final newline, one with CRLF): the bytes saved are checked against `edict fmt --check`.
  const fs = await import('fs');
  results.formatted = {};
  for (const f of (process.env.FORMAT_FILES || '').split(',').filter(Boolean)) {
    const before = fs.readFileSync(`${process.env.WS}/${f}`, 'utf8');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(f);
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${f}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[aria-label*="${f}"]`, { timeout: 30000 });
    const tf = Date.now();
    // The server may still be reading the new file: format and save until the bytes change.
    while (Date.now() - tf < 60000) {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type('Format Document');
      await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Format Document"]');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(1000);
      await page.keyboard.press('Control+S');
      await page.waitForTimeout(1000);
      if (fs.readFileSync(`${process.env.WS}/${f}`, 'utf8') !== before) break;
    }
    results.formatted[f] = fs.readFileSync(`${process.env.WS}/${f}`, 'utf8');
    log(`${f} after ${Date.now() - tf} ms:`, JSON.stringify(results.formatted[f]));
  }
  if (process.env.LINGER) await page.waitForTimeout(Number(process.env.LINGER));

  ok =
    /^Edict$/.test(results.languageMode) &&
    !!results.hover &&
    results.problems.some((p) => p.includes(FILE) || /edict/i.test(p) || p.length > 0);
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 2));
(await import('fs')).writeFileSync(process.env.OUT + '/results.json', JSON.stringify(results));
console.log(ok ? 'ALL CHECKS PASSED' : 'SOME CHECK FAILED');
process.exit(ok ? 0 : 1);
