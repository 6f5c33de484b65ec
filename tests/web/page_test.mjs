// The web page's browser test: drives server/web through Debian's chromium (playwright-core)
// against a running `secondment serve --http`, as HR, both managers and an auditor would, by the
// accessible names of the page's controls (so it checks those names too).
//
//   node page_test.mjs URL OUTDIR [PRINCIPAL=TOKEN]...
//
// URL: the page, http://127.0.0.1:PORT/ (or $PAGE_URL). OUTDIR: where the screenshots go (or
// $OUT_DIR). Tokens for hr-1 and hr-2 (hr), mgr-home (home_manager), mgr-host (host_manager) and
// aud-1 (auditor), as arguments or as $TOKEN_HR_1, $TOKEN_HR_2, $TOKEN_MGR_HOME,
// $TOKEN_MGR_HOST, $TOKEN_AUD_1. $CHROMIUM names the browser (default /usr/bin/chromium).
// With $SECONDMENT_BIN and $RPC_ADDR (the server's --listen HOST:PORT), aud-1 signs a
// checkpoint through it before the audit checks, so a proof can be downloaded.
// Exit 0 when every check passes; 1 with the failing check named (and a screenshot of the page
// at that moment, failure.png) otherwise; 2 for bad arguments.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// ---- Arguments ------------------------------------------------------------------------------
const PRINCIPALS = ['hr-1', 'hr-2', 'mgr-home', 'mgr-host', 'aud-1'];
const envName = (principal) => `TOKEN_${principal.toUpperCase().replace(/-/g, '_')}`;
const positional = [];
const tokens = {};
for (const arg of process.argv.slice(2)) {
  const match = /^([A-Za-z0-9._-]+)=(.+)$/.exec(arg);
  if (match && PRINCIPALS.includes(match[1])) tokens[match[1]] = match[2];
  else positional.push(arg);
}
const pageUrl = positional[0] || process.env.PAGE_URL;
const outDir = positional[1] || process.env.OUT_DIR;
for (const p of PRINCIPALS) tokens[p] = tokens[p] || process.env[envName(p)];
const missing = PRINCIPALS.filter((p) => !tokens[p]);
if (!pageUrl || !outDir || missing.length) {
  console.error('usage: node page_test.mjs URL OUTDIR [PRINCIPAL=TOKEN]...');
  if (missing.length) console.error(`missing tokens for: ${missing.join(', ')} (or set ${missing.map(envName).join(', ')})`);
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const base = new URL(pageUrl);

// ---- Dates (the ledger's business dates are UTC days) ---------------------------------------
const addDays = (date, days) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const today = new Date().toISOString().slice(0, 10);

// ---- Reporting ------------------------------------------------------------------------------
let passed = 0;
let current = null; // the page shown in a failure screenshot
const pageErrors = [];

class CheckFailed extends Error {}
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

async function check(name, body) {
  const started = Date.now();
  try {
    await body();
  } catch (error) {
    console.error(`FAIL - ${name}: ${error instanceof CheckFailed ? error.message : error.stack || error}`);
    if (current) {
      try {
        await current.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true });
        console.error(`the page at that moment: ${path.join(outDir, 'failure.png')} (${current.url()})`);
        const status = await current.locator('#status').textContent().catch(() => '');
        if (status) console.error(`status line: ${status}`);
      } catch (e) {
        // the browser is gone
      }
    }
    throw error;
  }
  if (pageErrors.length) {
    const errors = pageErrors.splice(0);
    console.error(`FAIL - ${name}: errors in the page: ${errors.join(' | ')}`);
    throw new CheckFailed('errors in the page');
  }
  passed++;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

// ---- The API, for what the test sets up behind the page's back -----------------------------
async function api(principal, method, route, body, role) {
  const headers = { Authorization: `Bearer ${tokens[principal]}`, Accept: 'application/json' };
  if (role) headers['Secondment-Role'] = role;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(new URL(route, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // not JSON
  }
  if (!res.ok) throw new CheckFailed(`${method} ${route} as ${principal} answered ${res.status}: ${text}`);
  return { res, data };
}

// ---- The browser ----------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const contexts = [];
async function open(viewport) {
  const context = await browser.newContext({ viewport: viewport || { width: 1366, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every non-2xx fetch as "Failed to load resource"; refusals are expected.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      pageErrors.push(`console: ${message.text()}`);
    }
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.host !== base.host) {
      pageErrors.push(`fetched from elsewhere: ${request.url()}`);
    }
  });
  current = page;
  return page;
}

// Signs in on a fresh tab, pressing Enter in the token field (the keyboard path).
async function signIn(principal, viewport) {
  const page = await open(viewport);
  await page.goto(base.href);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Access token').fill(tokens[principal]);
  await page.getByLabel('Access token').press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  const who = await page.locator('#principal').textContent();
  expect(who === principal, `signed in as ${principal} but the header says ${who}`);
  return page;
}

const statusLine = (page) => page.getByRole('status');
async function waitStatus(page, pattern) {
  const status = statusLine(page);
  await status.filter({ hasText: pattern }).waitFor().catch(async () => {
    throw new CheckFailed(`status line never said ${pattern}; it says "${await status.textContent()}"`);
  });
}
// A step's form, opened first when its disclosure button (the card's heading) is collapsed.
async function stepForm(page, name) {
  const toggle = page.locator('.step-card > h3').getByRole('button', { name, exact: true });
  await toggle.waitFor();
  if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
  return page.getByRole('form', { name, exact: true });
}
const timelineItem = (page, position) => page.locator(`ol.timeline > li[data-position="${position}"]`);

async function openSecondment(page, id) {
  const target = new URL(`#/secondment/${id}`, base).href;
  if (page.url() === target) await page.reload();
  else await page.goto(target);
  await page.getByRole('heading', { level: 1, name: `Secondment ${id}` }).waitFor();
}

// Finds the secondment in the To do list and approves its placement there.
async function approveFromToDo(principal, id) {
  const page = await signIn(principal);
  await page.getByRole('link', { name: 'To do', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'To do' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: id });
  await row.first().waitFor();
  const text = await row.first().textContent();
  expect(/approve placement/i.test(text), `${principal}'s to-do row for ${id} says "${text}", not an approval of the placement`);
  await row.first().getByRole('link', { name: id }).click();
  await page.getByRole('heading', { level: 1, name: `Secondment ${id}` }).waitFor();
  const form = await stepForm(page, 'Approve');
  await form.getByLabel('Request').selectOption('placement');
  await form.getByRole('button', { name: 'Approve' }).click();
  await waitStatus(page, 'approval recorded');
  await page.context().close();
}

let id;
let secondId;
let hr;
let exitCode = 0;
try {
  await check('a wrong token is refused on the sign-in form, next to the field', async () => {
    const page = await open();
    await page.goto(base.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return { id: el.id, text: el.textContent.trim(), outline: getComputedStyle(el).outlineStyle };
    });
    expect((await focused()).id === 'token', 'the token field does not have the focus when the page opens');
    await page.keyboard.press('Tab');
    const next = await focused();
    expect(next.text === 'Sign in', `Tab from the token field goes to "${next.text}", not the Sign in button`);
    expect(next.outline !== 'none', 'the focused Sign in button shows no focus outline');
    const input = page.getByLabel('Access token');
    await input.fill('sl_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#token-error').filter({ hasText: /not accepted/ }).waitFor();
    expect(await input.getAttribute('aria-invalid') === 'true', 'the token field is not marked aria-invalid');
    await page.context().close();
  });

  await check('hr-1 signs in and proposes a secondment through the form', async () => {
    hr = await signIn('hr-1');
    await hr.getByRole('heading', { level: 1, name: 'Placements' }).waitFor();
    await hr.getByRole('link', { name: 'New proposal' }).click();
    const form = hr.getByRole('form', { name: 'New proposal' });
    await form.waitFor();
    await form.getByLabel('Employee').fill('emp-1');
    await form.getByLabel('Role title').fill('Analyst');
    await form.getByLabel('Kind').selectOption('internal');
    await form.getByLabel('Home organisation').fill('acme');
    await form.getByLabel('Home unit').fill('finance');
    await form.getByLabel('Home manager').fill('mgr-home');
    await form.getByLabel('Host organisation').fill('acme');
    await form.getByLabel('Host unit').fill('labs');
    await form.getByLabel('Host manager').fill('mgr-host');
    await form.getByLabel('Objectives').fill('Build the forecasting model\nTrain the labs team');
    await form.getByLabel('Planned start').fill(today);
    await form.getByLabel('Planned end').fill(addDays(today, 180));
    await form.getByRole('button', { name: 'Propose secondment' }).click();
    await hr.waitForURL(/#\/secondment\/[^/]+$/);
    id = decodeURIComponent(new URL(hr.url()).hash.replace('#/secondment/', ''));
    await hr.getByRole('heading', { level: 1, name: `Secondment ${id}` }).waitFor();
    await waitStatus(hr, `Proposed ${id}`);
    await hr.locator('.title-row .badge', { hasText: 'Proposed' }).waitFor();
    console.log(`# proposed ${id}`);
  });

  await check('the requester hr-1 is not offered the hr approval (four eyes)', async () => {
    const { data } = await api('hr-1', 'GET', `/api/v1/secondments/${id}`);
    expect(Array.isArray(data.steps), `GET /api/v1/secondments/${id} has no "steps" list`);
    expect(!data.steps.includes('approve'), `hr-1 made the request yet its steps are ${JSON.stringify(data.steps)}`);
    expect(await hr.getByRole('button', { name: 'Approve', exact: true }).count() === 0, 'the page offers hr-1 an approval');
    const todo = (await api('hr-1', 'GET', '/api/v1/todo')).data.todo || [];
    expect(!todo.some((t) => t.id === id && t.kind === 'approve'), `hr-1's to-do asks them to approve ${id}: ${JSON.stringify(todo)}`);
  });

  await check('mgr-home approves the placement from the To do list', () => approveFromToDo('mgr-home', id));
  await check('mgr-host approves the placement from the To do list', () => approveFromToDo('mgr-host', id));
  await check('hr-2 gives the hr approval from the To do list', () => approveFromToDo('hr-2', id));

  await check('hr-1 signs the agreement and starts the placement today', async () => {
    current = hr;
    await openSecondment(hr, id);
    await hr.locator('.title-row .badge', { hasText: 'Approved' }).waitFor();
    const sign = await stepForm(hr, 'Sign the agreement');
    await sign.getByLabel('Agreement reference').fill('AGR-2026-001');
    await sign.getByLabel('Agreement version').fill('2');
    await sign.getByRole('button', { name: 'Sign' }).click();
    await waitStatus(hr, 'agreement signed');
    const start = await stepForm(hr, 'Start');
    await start.getByLabel('Start date').fill(today);
    await start.getByRole('button', { name: 'Start' }).click();
    await waitStatus(hr, 'start recorded');
    await hr.locator('.title-row .badge', { hasText: 'Active' }).waitFor();
  });

  await check('a refused return (dated before the start) shows its one line next to the date', async () => {
    const form = await stepForm(hr, 'Return');
    const date = form.getByLabel('Return date');
    await date.fill(addDays(today, -1));
    await form.getByRole('button', { name: 'Record return' }).click();
    const error = form.locator(`#${await date.getAttribute('id')}-error`);
    await error.filter({ hasText: /cannot return/ }).waitFor().catch(async () => {
      const top = await form.locator('.form-error').textContent();
      throw new CheckFailed(`no refusal next to the date field; the form's top line says "${top}"`);
    });
    expect(await date.getAttribute('aria-invalid') === 'true', 'the date field is not marked aria-invalid');
    expect(await error.getAttribute('role') === 'alert', 'the refusal is not announced (role=alert)');
    const described = (await date.getAttribute('aria-describedby')) || '';
    expect(described.split(' ').includes(await error.getAttribute('id')), 'the date field is not described by its refusal');
    const line = (await error.textContent()).trim();
    expect(!line.includes('\n'), `the refusal is not one line: ${line}`);
    console.log(`# refusal shown: ${line}`);
    await hr.locator('.title-row .badge', { hasText: 'Active' }).waitFor();
  });

  await check('a step on a secondment changed since the page was opened is answered 412 and says so', async () => {
    await api('hr-2', 'POST', `/api/v1/secondments/${id}/handover`,
      { direction: 'outbound', from: 'emp-1', to: 'emp-9', duties: ['Month-end close'] }, 'hr');
    const form = await stepForm(hr, 'Handover');
    await form.getByLabel('Direction').selectOption('inbound');
    await form.getByLabel('From', { exact: true }).fill('mgr-host');
    await form.getByLabel('To', { exact: true }).fill('emp-1');
    await form.getByLabel('Duties').fill('Forecasting model\nWeekly report');
    await form.getByRole('button', { name: 'Record handover' }).click();
    await form.locator('.form-error').filter({ hasText: 'This secondment changed since you opened it; reload' }).waitFor();
    await form.getByRole('button', { name: 'Reload' }).click();
    await hr.getByRole('heading', { level: 1, name: `Secondment ${id}` }).waitFor();
    const again = await stepForm(hr, 'Handover');
    await again.getByLabel('Direction').selectOption('inbound');
    await again.getByLabel('From', { exact: true }).fill('mgr-host');
    await again.getByLabel('To', { exact: true }).fill('emp-1');
    await again.getByRole('button', { name: 'Record handover' }).click();
    await waitStatus(hr, 'handover recorded');
  });

  let proposedAt;
  let handoverAt;
  await check('a correction shows beside the event it corrects', async () => {
    const events = (await api('hr-1', 'GET', `/api/v1/secondments/${id}/history`)).data.events;
    proposedAt = events.find((e) => e.type === 'proposed').position;
    handoverAt = events.filter((e) => e.type === 'handoverRecorded').pop().position;
    const form = await stepForm(hr, 'Correct a recorded value');
    await form.getByLabel('Field').selectOption('location');
    await form.getByLabel('Correct value').fill('Building 7');
    await form.getByLabel('Reason').fill('Left out of the proposal');
    await form.getByRole('button', { name: 'Correct' }).click();
    await waitStatus(hr, 'correction recorded');
    await timelineItem(hr, proposedAt).locator('.tl-notes li', { hasText: /corrected by #\d+: location \(none\) -> Building 7 \(Left out of the proposal\)/ }).waitFor();
  });

  await check('a void strikes the voided step through and says why beside it', async () => {
    const form = await stepForm(hr, 'Void a recorded step');
    await form.getByLabel('Event to void').selectOption(String(handoverAt));
    await form.getByLabel('Reason').fill('Recorded on the wrong day');
    await form.getByRole('button', { name: 'Void' }).click();
    await waitStatus(hr, 'void recorded');
    const item = timelineItem(hr, handoverAt);
    await item.locator('.tl-notes li', { hasText: /void by #\d+: Recorded on the wrong day/ }).waitFor();
    const decoration = await item.locator('.tl-summary').evaluate((el) => getComputedStyle(el).textDecorationLine);
    expect(decoration.includes('line-through'), `the voided step is not struck through (${decoration})`);
  });

  await check('the history timeline lists every step in order', async () => {
    const types = await hr.locator('ol.timeline .tl-type').allTextContents();
    for (const want of ['Proposed', 'Approval granted', 'Agreement signed', 'Started', 'Handover', 'Corrected', 'Voided']) {
      expect(types.includes(want), `the timeline has no "${want}" (it has ${types.join(', ')})`);
    }
    expect(types.filter((t) => t === 'Approval granted').length === 3, `not three approvals: ${types.join(', ')}`);
    const positions = await hr.locator('ol.timeline > li').evaluateAll((items) => items.map((li) => Number(li.dataset.position)));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]), `the timeline is not in position order: ${positions}`);
    await hr.screenshot({ path: path.join(outDir, 'secondment.png'), fullPage: true });
  });

  await check('a second secondment ending within 30 days shows in Alerts', async () => {
    const proposed = await api('hr-1', 'POST', '/api/v1/secondments', {
      employee: 'emp-2', homeOrg: 'acme', homeUnit: 'finance', homeManager: 'mgr-home', hostOrg: 'acme',
      hostUnit: 'labs', hostManager: 'mgr-host', kind: 'internal', roleTitle: 'Data steward',
      start: today, end: addDays(today, 20), country: 'FR',
    }, 'hr');
    expect(proposed.res.status === 201, `propose answered ${proposed.res.status}, not 201`);
    secondId = proposed.data.id;
    await api('mgr-home', 'POST', `/api/v1/secondments/${secondId}/approve`, { scope: 'placement' }, 'home_manager');
    await api('mgr-host', 'POST', `/api/v1/secondments/${secondId}/approve`, { scope: 'placement' }, 'host_manager');
    await api('hr-2', 'POST', `/api/v1/secondments/${secondId}/approve`, { scope: 'placement' }, 'hr');
    await api('hr-1', 'POST', `/api/v1/secondments/${secondId}/sign`, { agreement: 'AGR-2026-002' }, 'hr');
    await api('hr-1', 'POST', `/api/v1/secondments/${secondId}/start`, { date: today }, 'hr');
    await hr.getByRole('link', { name: 'Alerts', exact: true }).click();
    await hr.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = hr.getByRole('row').filter({ hasText: secondId });
    await row.filter({ hasText: 'Ending soon' }).waitFor();
  });

  await check('Placements lists both, filters by host and as-of date, and downloads as CSV', async () => {
    await hr.getByRole('link', { name: 'Placements', exact: true }).click();
    await hr.getByRole('heading', { level: 1, name: 'Placements' }).waitFor();
    const filters = hr.getByRole('search', { name: 'Filters' });
    await filters.getByLabel('Host unit').fill('nowhere');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await hr.waitForURL(/hostUnit=nowhere/);
    await hr.getByText('No placement matches these filters on that date.').waitFor();
    await hr.goBack();
    await hr.getByRole('row').filter({ hasText: id }).waitFor();
    await filters.getByLabel('As of').fill(today);
    await filters.getByLabel('Host organisation').fill('acme');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await hr.waitForURL(/asOf=/);
    await hr.getByRole('row').filter({ hasText: id }).waitFor();
    await hr.getByRole('row').filter({ hasText: secondId }).waitFor();
    await hr.getByRole('table', { name: `Placements on ${today}` }).waitFor();
    const [download] = await Promise.all([
      hr.waitForEvent('download'),
      hr.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const file = path.join(outDir, download.suggestedFilename());
    await download.saveAs(file);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split(/\r?\n/)[0].includes('id'), `the CSV has no header row: ${csv.slice(0, 200)}`);
    expect(csv.includes(id) && csv.includes(secondId), `the CSV lacks ${id} or ${secondId}: ${csv.slice(0, 400)}`);
    await hr.screenshot({ path: path.join(outDir, 'placements.png'), fullPage: true });
  });

  await check('Secondments filters by state', async () => {
    await hr.getByRole('link', { name: 'Secondments', exact: true }).click();
    const filters = hr.getByRole('search', { name: 'Filters' });
    await filters.getByLabel('State').selectOption('active');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await hr.waitForURL(/state=active/);
    await hr.getByRole('row').filter({ hasText: id }).waitFor();
    await filters.getByLabel('State').selectOption('proposed');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await hr.getByText('No secondment matches.').waitFor();
  });

  await check('at phone width (375px) the page does not scroll sideways; tables scroll in their frame', async () => {
    const phone = await signIn('hr-1', { width: 375, height: 812 });
    await phone.getByRole('heading', { level: 1, name: 'Placements' }).waitFor();
    await phone.getByRole('row').filter({ hasText: id }).waitFor();
    const widths = async () => phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    let [scroll, inner] = await widths();
    expect(scroll <= inner, `Placements is ${scroll}px wide in a ${inner}px window`);
    await openSecondment(phone, id);
    [scroll, inner] = await widths();
    expect(scroll <= inner, `the secondment page is ${scroll}px wide in a ${inner}px window`);
    await phone.screenshot({ path: path.join(outDir, 'phone.png'), fullPage: true });
    await phone.context().close();
    current = hr;
  });

  const signCheckpoint = Boolean(process.env.SECONDMENT_BIN && process.env.RPC_ADDR);
  if (signCheckpoint) {
    await check('aud-1 signs a checkpoint through the RPC port (secondment checkpoint --key)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-test-key-'));
      try {
        const key = path.join(dir, 'audit.key');
        execFileSync(process.env.SECONDMENT_BIN, ['keygen', '--out', key], { stdio: 'pipe' });
        execFileSync(process.env.SECONDMENT_BIN, ['--connect', process.env.RPC_ADDR, 'checkpoint', '--key', key],
          { stdio: 'pipe', env: { ...process.env, SECONDMENT_TOKEN: tokens['aud-1'] } });
      } catch (error) {
        throw new CheckFailed(`${error.message}: ${error.stderr || ''}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  await check('the auditor sees the tree head, verifies, lists checkpoints and asks for a proof', async () => {
    const aud = await signIn('aud-1');
    await aud.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
    const head = aud.getByRole('region', { name: 'Tree head' });
    await head.getByText('Merkle root').waitFor();
    const size = Number((await head.locator('dt', { hasText: 'Events (tree size)' }).locator('xpath=following-sibling::dd').textContent()).trim());
    expect(size > 0, `the tree head has size ${size}`);
    await aud.getByRole('button', { name: 'Verify the ledger' }).click();
    await aud.locator('.verdict').waitFor();
    const verdict = await aud.locator('.verdict').textContent();
    expect(/^Verified \d+ events/.test(verdict), `verify says "${verdict}"`);
    const checkpoints = aud.getByRole('table', { name: 'Stored signed checkpoints' });
    await checkpoints.waitFor();
    if (signCheckpoint) {
      const rows = await checkpoints.locator('tbody tr').filter({ hasNot: aud.locator('td.empty') }).count();
      expect(rows >= 1, 'the checkpoint signed just now is not listed');
    }
    const proof = aud.getByRole('form', { name: 'Proof of a secondment' });
    await proof.getByLabel('Secondment id').fill(id);
    const download = aud.waitForEvent('download').catch(() => null);
    const refused = proof.locator('.field-error:not(:empty), .form-error:not(:empty)').first().waitFor().then(() => null);
    await proof.getByRole('button', { name: 'Download proof' }).click();
    const got = await Promise.race([download, refused]);
    expect(got || !signCheckpoint, `no proof although a checkpoint is stored: ${await proof.locator('.field-error, .form-error').allTextContents()}`);
    if (got) {
      expect(got.suggestedFilename() === `${id}-proof.json`, `the proof is named ${got.suggestedFilename()}`);
      const file = path.join(outDir, got.suggestedFilename());
      await got.saveAs(file);
      const proofJson = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(JSON.stringify(proofJson).includes(id), `the proof does not name ${id}`);
      console.log(`# proof downloaded as ${got.suggestedFilename()} (${fs.statSync(file).size} bytes)`);
    } else {
      const line = await proof.locator('.field-error, .form-error').allTextContents();
      expect(line.join('').trim().length > 0, 'neither a proof nor a refusal');
      console.log(`# no proof (no checkpoint stored yet): ${line.join(' ').trim()}`);
    }
    await aud.screenshot({ path: path.join(outDir, 'audit.png'), fullPage: true });
    await openSecondment(aud, id);
    expect(await aud.locator('form[id^="step-"]').count() === 0, 'the auditor is offered steps');
    await aud.getByRole('button', { name: 'Download proof' }).waitFor();
    await aud.context().close();
    current = hr;
  });

  await check('signing out forgets the token', async () => {
    await hr.getByRole('button', { name: 'Sign out' }).click();
    await hr.getByRole('heading', { name: 'Sign in' }).waitFor();
    const kept = await hr.evaluate(() => Object.keys(sessionStorage).length);
    expect(kept === 0, `sessionStorage still holds ${kept} item(s)`);
    await hr.reload();
    await hr.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
} catch (error) {
  exitCode = 1;
}

for (const context of contexts) await context.close().catch(() => {});
await browser.close();
console.log(exitCode === 0 ? `${passed} passed, 0 failed` : `${passed} passed, 1 failed`);
process.exit(exitCode);
