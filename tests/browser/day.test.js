'use strict';
/*
 * An editor's whole day in the browser, without a terminal: create a deal,
 * add three criteria and record their results, see the technical win and
 * apply the plan, mark the first commercial step done, log the
 * buying-signal message as sent, make a share link and open it in a fresh
 * context, snooze and unsnooze, close the deal won and find it in
 * analytics. After every step the CLI (`techwin --json ...` on the same
 * database) must show what the page did.
 *
 * Runs after pages.test.js, on the server and database of
 * tests/cli/t0110-browser.sh (today is Thu 2026-11-26). Environment:
 * TW_BASE, TECHWIN (the binary), TECHWIN_DB and TECHWIN_TODAY.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const lib = require('./lib.js');

const base = process.env.TW_BASE;
const techwin = process.env.TECHWIN;
if (!base || !techwin || !process.env.TECHWIN_DB) {
	console.error('set TW_BASE, TECHWIN and TECHWIN_DB');
	process.exit(2);
}

const TODAY = '2026-11-26';
let browser;
let ctx;
let page;

// What the CLI says, as JSON.
function cli(...args) {
	return JSON.parse(execFileSync(techwin, ['--json', ...args],
				       { encoding: 'utf8' }));
}

// Submit with the button named name and wait for the page after it.
async function submit(scope, name, url) {
	await Promise.all([page.waitForURL(url),
			   scope.getByRole('button', { name }).click()]);
}

// Open the <details> that holds form f, as a user does: by its summary.
async function reveal(f) {
	const d = f.locator('xpath=ancestor::details[1]');

	if (await d.count() && !await d.evaluate((x) => x.open))
		await d.locator('summary').first().click();
	return f;
}

before(async () => {
	browser = await lib.launch();
	ctx = await browser.newContext({ viewport: lib.DESKTOP });
	page = await lib.login(ctx, base, 'alice', 'password1');
	page.setDefaultTimeout(10000);
});

after(async () => {
	if (browser)
		await browser.close();
});

test('1. create a deal from the pipeline\'s New deal button', async () => {
	await page.goto(base + '/');
	await page.getByRole('link', { name: 'New deal' }).click();
	await page.getByLabel('Slug').fill('day');
	await page.getByLabel('Account', { exact: true }).fill('Daybreak Foods');
	await page.getByLabel('Stage').fill('poc');
	await page.getByLabel('Value').fill('80000');
	await page.getByLabel('Currency').fill('USD');
	await page.getByLabel('Account executive').fill('Ada Ortiz');
	await page.getByLabel('Sales engineer').fill('Sam Rivera');
	await page.getByLabel('Champion', { exact: false }).first()
		.fill('Dana Cho');
	await page.getByLabel('Champion\'s email').fill('dana@daybreak.example');
	await page.getByLabel('POC start').fill('2026-11-02');
	await page.getByLabel('POC end').fill('2026-11-27');
	await submit(page, 'Create the deal', /\/deals\/day/);
	assert.equal(await page.locator('h1').innerText(), 'Daybreak Foods');

	const d = cli('deal', 'show', 'day');
	assert.equal(d.account, 'Daybreak Foods');
	assert.equal(d.value, 80000);
	assert.equal(d.ae, 'Ada Ortiz');
	assert.equal(d.champion_email, 'dana@daybreak.example');
	assert.equal(d.outcome, 'open');
});

test('2. add three criteria and record their results', async () => {
	const crits = [['latency', 'ms', 'at_most', '200', '120'],
		       ['throughput', 'rps', 'at_least', '500', '800'],
		       ['recovery', 'min', 'at_most', '30', '12']];

	for (const [key, unit, dir, req] of crits) {
		const f = page.locator('form[action="/deals/day/criteria"]');

		await reveal(f);
		await f.getByLabel('Key').fill(key);
		await f.getByLabel('Unit').fill(unit);
		await f.getByLabel('Passes when measured').selectOption(dir);
		await f.getByLabel('Required value').fill(req);
		await submit(f, 'Add the criterion', /\/deals\/day/);
	}
	for (const [key, , , , measured] of crits) {
		const f = page.locator('#record');

		await f.getByLabel('Criterion').selectOption(key);
		await f.getByLabel('Measured value').fill(measured);
		await submit(f, 'Record', new RegExp('recorded=' + key));
		assert.match(await page.getByRole('status').first().innerText(),
			     new RegExp(`^Recorded ${measured} .*: pass`));
	}
	const d = cli('deal', 'show', 'day');
	assert.deepEqual(d.criteria.map((c) => [c.key, c.measured, c.status,
						c.measured_on]),
			 crits.map((c) => [c[0], Number(c[4]), 'pass', TODAY]));
});

test('3. see the technical win and apply the plan', async () => {
	assert.match(await page.locator('.facts').innerText(),
		     /TECHNICAL WIN\s+Thu 2026-11-26/i);
	await submit(page, 'Apply the plan', /applied=\d/);
	const events = cli('deal', 'show', 'day').events;
	assert.ok(events.length >= 3, JSON.stringify(events));
	const text = await page.locator('#timeline ~ div tbody').first()
		.innerText();
	for (const e of events)
		assert.ok(text.includes(e.title), e.title);
});

test('4. mark the first commercial step done', async () => {
	const first = cli('deal', 'show', 'day').events
		.filter((e) => e.kind === 'commercial' && !e.done)
		.sort((a, b) => a.date.localeCompare(b.date))[0];
	const f = page.locator('form[action="/deals/day/done"]');

	await f.locator('select').selectOption(first.key);
	assert.equal(await f.getByLabel('Done on').inputValue(), TODAY);
	await submit(f, 'Mark done', /\/deals\/day/);
	const e = cli('deal', 'show', 'day').events
		.find((x) => x.key === first.key);
	assert.equal(e.done, TODAY);
});

test('5. log the buying-signal message as sent', async () => {
	const card = page.locator('.message')
		.filter({ has: page.locator('h3', { hasText: /^Buying signal/ }) })
		.first();

	await submit(card, 'Log as sent', /\/deals\/day/);
	assert.match(await card.innerText(), /Logged as sent/i);
	const h = cli('history', 'day');
	assert.ok(h.some((x) => x.entity === 'touch' && x.new === 'created'),
		  JSON.stringify(h.slice(-3)));
});

test('6. make a share link and open it in a fresh context', async () => {
	await submit(page.locator('#share'), 'Make a link', /\/deals\/day/);
	const url = await page.getByLabel('Share link').inputValue();
	assert.ok(url.startsWith(base + '/share/'), url);
	const shares = cli('share', 'list', 'day');
	assert.equal(shares.length, 1);
	assert.equal(shares[0].status, 'active');

	const champion = await browser.newContext();
	const p = await champion.newPage();
	assert.equal((await p.goto(url)).status(), 200);
	assert.equal(await p.locator('h1').innerText(), 'Daybreak Foods');
	assert.match(await p.locator('body').innerText(), /latency/);
	await champion.close();
});

test('7. snooze with a reason, then unsnooze', async () => {
	const f = await reveal(page.locator('#snooze'));

	await f.getByLabel('Snoozed through').fill('2026-12-10');
	await f.getByLabel('Reason').fill('Buyer on holiday');
	await submit(f, 'Snooze', /\/deals\/day/);
	let d = cli('deal', 'show', 'day');
	assert.equal(d.snooze_until, '2026-12-10');
	assert.equal(d.snooze_reason, 'Buyer on holiday');

	await submit(page, 'Unsnooze', /\/deals\/day/);
	d = cli('deal', 'show', 'day');
	assert.equal(d.snooze_until, null);
});

test('8. close the deal won', async () => {
	const f = await reveal(page.locator('#close'));

	await f.getByLabel('Won').check();
	await f.getByLabel('Closed on').fill(TODAY);
	await submit(f, 'Close the deal', /\/deals\/day/);
	const d = cli('deal', 'show', 'day');
	assert.equal(d.outcome, 'won');
	assert.equal(d.close_date, TODAY);
});

test('9. see the deal in analytics', async () => {
	await page.goto(base + '/analytics');
	// POC end 2026-11-27 to close 2026-11-26: the CLI's cycle times.
	const text = await page.locator('main').innerText();
	assert.match(text, /Daybreak Foods\s+Sam Rivera/);
	const s = cli('stats');
	assert.equal(s.team.n, 3);
	assert.match(text, new RegExp(`MEDIAN\\s+${s.team.median_days} days`,
				      'i'));
});
