'use strict';
/*
 * The pages of techwin serve in a real browser: playwright-core drives
 * Debian's /usr/bin/chromium (headless, no sandbox: CI runs as root)
 * against a server that tests/cli/t0110-browser.sh started on an ephemeral
 * loopback port over the deals in tests/browser/fixtures. The steps run in
 * order and build on each other: log in, record a measurement, apply the
 * plan, open the share link in a fresh context, escape markup, work with
 * the keyboard alone, fit a phone's width. Every request any page makes is
 * recorded: none may leave 127.0.0.1.
 *
 * Environment: TW_BASE (http://127.0.0.1:PORT), TW_SHARE (a share link to
 * acme), TW_REVOKED (a revoked one), TW_SHOTS (where screenshots go).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib.js');

const base = process.env.TW_BASE;
const shareUrl = process.env.TW_SHARE;
const revokedUrl = process.env.TW_REVOKED;
const shots = process.env.TW_SHOTS;
if (!base || !shareUrl || !revokedUrl || !shots) {
	console.error('set TW_BASE, TW_SHARE, TW_REVOKED and TW_SHOTS');
	process.exit(2);
}
const baseHost = new URL(base).hostname;

const { DESKTOP, PHONE } = lib;

let browser;
let alice;		// the editor's context, logged in by the first test
let page;		// its page

const offsite = [];	// requests to anywhere but 127.0.0.1
const dialogs = [];	// alert(), confirm() ... : markup ran as script
const problems = [];	// CSP violations and uncaught page errors

function watch(context) {
	context.on('request', (req) => {
		const u = new URL(req.url());

		if (['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) &&
		    u.hostname !== baseHost)
			offsite.push(req.url());
	});
	context.on('page', (p) => {
		p.setDefaultTimeout(10000);
		p.on('dialog', (d) => {
			dialogs.push(d.message());
			d.dismiss().catch(() => {});
		});
		p.on('console', (m) => {
			if (/Content Security Policy/i.test(m.text()))
				problems.push(m.text());
		});
		p.on('pageerror', (e) => problems.push(String(e)));
	});
	return context;
}

async function newContext(viewport) {
	return watch(await browser.newContext({ viewport: viewport || DESKTOP }));
}

async function login(context, name, password) {
	const p = await context.newPage();

	await p.goto(base + '/login');
	await p.getByLabel('Name').fill(name);
	await p.getByLabel('Password').fill(password);
	await Promise.all([p.waitForURL(base + '/'),
			   p.getByRole('button', { name: 'Log in' }).click()]);
	return p;
}

// The text of each cell of a table row, by the row's selector.
async function cells(p, rowSelector) {
	return p.locator(rowSelector + ' td').allInnerTexts();
}

async function slugsListed(p) {
	return p.locator('main tbody tr td:first-child small').allInnerTexts();
}

async function csrfToken(p) {
	return p.locator('input[name="csrf_token"]').first().inputValue();
}

before(async () => {
	fs.mkdirSync(shots, { recursive: true });
	browser = await lib.launch();
});

after(async () => {
	if (browser)
		await browser.close();
});

test('a page without a session sends to the login form, which returns there',
     async () => {
	alice = await newContext();
	page = await alice.newPage();
	await page.goto(base + '/deals/acme');
	assert.equal(page.url(), base + '/login?next=/deals/acme');
	await page.getByLabel('Name').fill('alice');
	await page.getByLabel('Password').fill('wrong-password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await assert.doesNotReject(page.getByRole('alert')
		.filter({ hasText: 'Wrong name or password' }).waitFor());
	await page.goto(base + '/login?next=/deals/acme');
	await page.getByLabel('Name').fill('alice');
	await page.getByLabel('Password').fill('password1');
	await Promise.all([page.waitForURL(base + '/deals/acme'),
			   page.getByRole('button', { name: 'Log in' }).click()]);
	assert.equal(await page.locator('h1').innerText(), 'Acme Analytics');
	assert.match(await page.locator('.who').innerText(), /alice \(editor\)/);
});

test('the pipeline lists open deals by urgency and filters by SE and stage',
     async () => {
	await page.goto(base + '/');
	// Both have an error; other's win is staler (freshness 43.5) than
	// acme's, which has none; xss has no finding.
	assert.deepEqual(await slugsListed(page), ['other', 'acme', 'xss']);
	const other = await cells(page, 'main tbody tr:nth-child(1)');
	assert.match(other[5], /43\.5/);
	assert.match(other[7], /stale-technical-win/);
	const acme = await cells(page, 'main tbody tr:nth-child(2)');
	assert.match(acme[2], /USD 195,000/);
	assert.match(acme[7], /deadline-at-risk/);

	await page.getByLabel('SE', { exact: true }).fill('Kim Lee');
	await Promise.all([page.waitForURL(/se=Kim\+Lee/),
			   page.getByRole('button', { name: 'Filter' }).click()]);
	assert.deepEqual(await slugsListed(page), ['other']);
	await page.getByLabel('SE', { exact: true }).fill('');
	await page.getByLabel('Stage').fill('poc');
	await Promise.all([page.waitForURL(/stage=poc/),
			   page.getByRole('button', { name: 'Filter' }).click()]);
	assert.deepEqual(await slugsListed(page), ['acme', 'xss']);
	// Closed deals belong to analytics, not to the pipeline.
	assert.equal(await page.getByText('Fastclose Ltd').count(), 0);
});

test('markup in a deal shows as text and never runs', async () => {
	await page.goto(base + '/');
	const name = page.locator('main').getByText('<script>alert(1)</script>',
						      { exact: true });
	await assert.doesNotReject(name.waitFor({ state: 'visible' }));
	const se = page.locator('main td').getByText(
		'<img src=x onerror=alert(2)>', { exact: true });
	await assert.doesNotReject(se.waitFor({ state: 'visible' }));
	assert.equal(await page.locator('main img').count(), 0);
	assert.equal(await page.locator('main script').count(), 0);

	await page.goto(base + '/deals/xss');
	assert.equal(await page.locator('h1').innerText(),
		     '<script>alert(1)</script>');
	assert.equal(await page.title(), '<script>alert(1)</script> · techwin');
	assert.deepEqual(dialogs, []);
});

test('recording a measurement updates the headroom and the check',
     async () => {
	await page.goto(base + '/deals/acme');
	let row = await cells(page, '#c-batch-runtime');
	assert.match(row[3], /fail/);
	assert.match(row[4], /-20\.0%/);
	assert.match(await page.locator('#check + div').innerText(),
		     /failed-criterion/);

	await page.getByLabel('Criterion').selectOption('batch-runtime');
	await page.getByLabel('Measured value').fill('9');
	await Promise.all([page.waitForURL(/recorded=batch-runtime/),
			   page.getByRole('button', { name: 'Record' }).click()]);
	assert.equal(await page.getByRole('status').first().innerText(),
		     'Recorded 9 min for batch-runtime: pass, headroom 40.0%.');
	row = await cells(page, '#c-batch-runtime');
	assert.match(row[2], /^9 min/);
	assert.match(row[3], /pass/);
	assert.match(row[4], /40\.0%/);
	// (15 - 9) / 15: the bar is 40 % wide.
	assert.equal(await page.locator('#c-batch-runtime .bar span')
		.getAttribute('class'), 'pass w40');
	const check = await page.locator('#check + div').innerText();
	assert.doesNotMatch(check, /failed-criterion/);
	assert.match(check, /deadline-at-risk/);
	// The last pass is today's: the technical win, and the plan from it.
	assert.match(await page.locator('.facts').innerText(),
		     /TECHNICAL WIN\s+Thu 2026-11-26/i);
	const plan = await page.locator('#plan + p + div tbody tr td:first-child')
		.allInnerTexts();
	assert.deepEqual(plan, ['Mon 2026-11-30', 'Wed 2026-12-02',
				'Fri 2026-12-04', 'Fri 2026-12-18']);
});

test('the forms check their input and their CSRF token', async () => {
	const token = await csrfToken(page);
	const url = base + '/deals/acme/measurements';
	let r = await alice.request.post(url, {
		form: { csrf_token: token, criterion: 'batch-runtime',
			measured: '-5' },
		maxRedirects: 0,
	});
	assert.equal(r.status(), 422);
	assert.match(await r.text(), /notice error/);
	r = await alice.request.post(url, {
		form: { criterion: 'batch-runtime', measured: '5' },
		maxRedirects: 0,
	});
	assert.equal(r.status(), 403);
	r = await alice.request.post(url, {
		form: { csrf_token: token + 'x', criterion: 'batch-runtime',
			measured: '5' },
		maxRedirects: 0,
	});
	assert.equal(r.status(), 403);
	await page.reload();
	assert.match((await cells(page, '#c-batch-runtime'))[2], /^9 min/);
});

test('applying the plan adds its steps as planned events', async () => {
	await page.goto(base + '/deals/acme');
	await Promise.all([page.waitForURL(/applied=4/),
			   page.getByRole('button', { name: 'Apply the plan' })
				   .click()]);
	assert.equal(await page.getByRole('status').first().innerText(),
		     'Plan applied: 4 planned events added.');
	const events = await page.locator('#timeline ~ div tbody').first()
		.innerText();
	assert.match(events, /Mon 2026-11-30\s+commercial\s+Executive summary to the economic buyer/);
	assert.match(events, /Fri 2026-12-18\s+commercial\s+Contract execution target/);
	await Promise.all([page.waitForURL(/applied=0/),
			   page.getByRole('button', { name: 'Apply the plan' })
				   .click()]);
	assert.equal(await page.getByRole('status').first().innerText(),
		     'Plan applied: every step was already an event.');
});

test('the champion messages are drafted and copy to the clipboard',
     async () => {
	await alice.grantPermissions(['clipboard-read', 'clipboard-write'],
				     { origin: base });
	await page.goto(base + '/deals/acme#messages');
	const first = page.locator('.message').first();
	assert.match(await first.locator('h3').innerText(),
		     /^Buying signal: p95-latency$/);
	const text = await first.locator('textarea').inputValue();
	assert.match(text, /^Hi Elena Park,/);
	assert.match(text, /44\.0% of headroom/);
	await first.getByRole('button', { name: 'Copy the message' }).click();
	await assert.doesNotReject(first.getByRole('status')
		.filter({ hasText: 'Copied' }).waitFor());
	assert.equal(await page.evaluate(() => navigator.clipboard.readText()),
		     text);
});

test('the share link shows the plan in a fresh context and nothing else',
     async () => {
	const champion = await newContext();
	const p = await champion.newPage();
	const r = await p.goto(shareUrl);

	assert.equal(r.status(), 200);
	assert.equal(await p.locator('h1').innerText(), 'Acme Analytics');
	const text = await p.locator('body').innerText();
	assert.match(text, /Mutual action plan/);
	assert.match(text, /Nightly batch runtime\s+The batch finishes before the stores open\s+≤ 15 min\s+9 min\s+pass/);
	assert.match(text, /Mon 2026-11-30\s+Executive summary to the economic buyer/);
	assert.match(text, /Next steps/);
	assert.match(text, /Core warehouse/);
	// Nothing internal and no other deal.
	for (const secret of [/freshness/i, /failed-criterion/,
			      /deadline-at-risk/, /unframed-pass/,
			      /Othello/, /Momentum/, /USD 195,000/])
		assert.doesNotMatch(text, secret);
	// Its only forms are the champion's own, posting to the link.
	const path = new URL(shareUrl).pathname;
	const actions = await p.locator('form').evaluateAll(
		(fs) => fs.map((f) => f.getAttribute('action')));
	assert.deepEqual(actions.sort(), ['confirm', 'propose']
		.map((a) => `${path}/${a}`));
	assert.equal(await p.locator('form input[name="csrf_token"]').count(),
		     actions.length);
	assert.equal(await p.locator('a').count(), 0);
	assert.equal(await p.locator('script').count(), 0);

	// The link opens no door: pages go to the login form, the API is 401.
	await p.goto(base + '/deals/other');
	assert.ok(p.url().startsWith(base + '/login'), p.url());
	assert.equal(await p.getByText('Othello').count(), 0);
	let res = await champion.request.get(base + '/api/deals');
	assert.equal(res.status(), 401);
	res = await champion.request.post(base + '/deals/acme/plan/apply',
					  { maxRedirects: 0 });
	assert.ok([303, 401, 403].includes(res.status()), String(res.status()));
	if (res.status() === 303)
		assert.match(res.headers().location, /^\/login/);

	for (const url of [revokedUrl, base + '/share/no-such-token']) {
		const gone = await p.goto(url);
		assert.equal(gone.status(), 404, url);
		assert.match(await p.locator('h1').innerText(),
			     /This link does not work/);
		assert.doesNotMatch(await p.locator('body').innerText(), /Acme/);
	}
	await champion.close();
});

test('a viewer sees the pages without their forms, a POST is 403; log out',
     async () => {
	const ctx = await newContext();
	const p = await login(ctx, 'vic', 'password2');

	await p.goto(base + '/deals/acme');
	assert.equal(await p.locator('h1').innerText(), 'Acme Analytics');
	assert.equal(await p.locator('#record').count(), 0);
	assert.equal(await p.getByRole('button', { name: 'Apply the plan' })
		.count(), 0);
	// The logout form is the only one.
	assert.equal(await p.locator('main form').count(), 0);
	const r = await ctx.request.post(base + '/deals/acme/plan/apply', {
		form: { csrf_token: await csrfToken(p) },
		maxRedirects: 0,
	});
	assert.equal(r.status(), 403);

	// Logging out ends the session: the pages ask to log in again.
	await Promise.all([p.waitForURL(base + '/login'),
			   p.getByRole('button', { name: 'Log out' }).click()]);
	await p.goto(base + '/deals/acme');
	assert.equal(p.url(), base + '/login?next=/deals/acme');
	await ctx.close();
});

test('keyboard only: tab to the record form and submit it', async () => {
	await page.goto(base + '/deals/acme');
	await page.keyboard.press('Tab');
	const skip = page.locator('a.skip');
	assert.ok(await skip.evaluate((el) => el === document.activeElement));
	const box = await skip.boundingBox();
	assert.ok(box && box.x >= 0 && box.y >= 0, 'the skip link shows');

	// Every stop on the way shows where the focus is.
	let id = '';
	for (let i = 0; i < 120 && id !== 'r-crit'; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(() => {
			const el = document.activeElement;
			const cs = getComputedStyle(el);

			return { id: el.id, tag: el.tagName,
				 outline: cs.outlineStyle,
				 width: parseFloat(cs.outlineWidth) };
		});
		assert.ok(f.outline !== 'none' && f.width >= 2,
			  `no visible focus on ${f.tag}#${f.id}`);
		id = f.id;
	}
	assert.equal(id, 'r-crit', 'the record form is reachable by Tab');
	await page.keyboard.type('p95');
	assert.equal(await page.locator('#r-crit').inputValue(), 'p95-latency');
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id),
		     'r-value');
	await page.keyboard.type('120');
	await Promise.all([page.waitForURL(/recorded=p95-latency/),
			   page.keyboard.press('Enter')]);
	// (250 - 120) / 250
	assert.equal(await page.getByRole('status').first().innerText(),
		     'Recorded 120 ms for p95-latency: pass, headroom 52.0%.');
});

test('analytics shows the cycle-time chart and table', async () => {
	await page.goto(base + '/analytics');
	assert.equal(await page.locator('figure.chart svg').count(), 1);
	const text = await page.locator('main').innerText();
	// 21 and 56 days: the median and the mean are both 38.5.
	assert.match(text, /Fastclose Ltd\s+Sam Rivera\s+Tue 2026-09-01\s+Tue 2026-09-22\s+21 \(3 weeks\)/);
	assert.match(text, /Slowburn Inc\s+Kim Lee\s+Mon 2026-08-03\s+Mon 2026-09-28\s+56 \(8 weeks\)/);
	assert.match(text, /MEDIAN\s+38\.5 days/i);
});

test('every page at desktop and phone width: screenshots, nothing too wide',
     async () => {
	const pages = [['pipeline', '/'], ['deal', '/deals/acme'],
		       ['analytics', '/analytics'], ['xss', '/deals/xss']];
	const phone = await newContext(PHONE);
	const pp = await login(phone, 'alice', 'password1');
	const anon = await newContext(PHONE);
	const ap = await anon.newPage();

	for (const [name, url] of pages) {
		await page.goto(base + url);
		await page.screenshot({ path: path.join(shots, name + '-1280.png'),
					fullPage: true });
		await pp.goto(base + url);
		await pp.screenshot({ path: path.join(shots, name + '-390.png'),
				      fullPage: true });
		assert.ok(await pp.evaluate(() =>
			document.documentElement.scrollWidth <= 390),
			  `${url} is wider than a phone`);
	}
	for (const [name, url] of [['login', '/login'], ['share', shareUrl]]) {
		await ap.goto(url.startsWith('/') ? base + url : url);
		await ap.screenshot({ path: path.join(shots, name + '-390.png'),
				      fullPage: true });
		assert.ok(await ap.evaluate(() =>
			document.documentElement.scrollWidth <= 390),
			  `${url} is wider than a phone`);
		await ap.setViewportSize(DESKTOP);
		await ap.screenshot({ path: path.join(shots, name + '-1280.png'),
				      fullPage: true });
		await ap.setViewportSize(PHONE);
	}
	await phone.close();
	await anon.close();
});

test('pages forbid outside content; assets carry their type and an ETag',
     async () => {
	let r = await alice.request.get(base + '/deals/acme');
	assert.match(r.headers()['content-security-policy'],
		     /^default-src 'self'/);
	assert.equal(r.headers()['content-type'], 'text/html; charset=utf-8');
	for (const [name, type] of [
		['techwin.css', 'text/css; charset=utf-8'],
		['techwin.js', 'text/javascript; charset=utf-8'],
		['favicon.svg', 'image/svg+xml']]) {
		const url = base + '/assets/' + name;

		r = await alice.request.get(url);
		assert.equal(r.status(), 200, url);
		assert.equal(r.headers()['content-type'], type);
		assert.equal(r.headers()['cache-control'], 'no-cache');
		const etag = r.headers().etag;
		assert.match(etag, /^"[0-9a-f]{20}"$/);
		assert.ok((await r.body()).length > 100);
		r = await alice.request.get(url,
					    { headers: { 'If-None-Match': etag } });
		assert.equal(r.status(), 304, url);
	}
	r = await alice.request.get(base + '/assets/nope.css');
	assert.equal(r.status(), 404);
});

test('no request left 127.0.0.1, no dialog opened, no CSP violation',
     () => {
	assert.deepEqual(offsite, []);
	assert.deepEqual(dialogs, []);
	assert.deepEqual(problems, []);
});
