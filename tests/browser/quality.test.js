'use strict';
/*
 * The quality of every page: axe-core finds no accessibility violation at
 * any impact, the Nu Html Checker (vnu.jar) no markup error, and nothing
 * is wider than a phone (390 px). Every page is checked as it first shows
 * and every form in its error state: submitted with bad input, the 422
 * page that shows the input again with a message at the field. Screenshots
 * of each page at 1280 and 390 px go to TW_SHOTS when it is set.
 *
 * Runs after pages.test.js, against the same server and database (see
 * tests/cli/t0110-browser.sh), as the admin "root", so that every form
 * shows. Environment: TW_BASE, TW_SHARE, TW_ADMIN_PASSWORD, TW_SHOTS.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib.js');

const base = process.env.TW_BASE;
const shareUrl = process.env.TW_SHARE;
const shots = process.env.TW_SHOTS;	// none when empty: they are slow
const adminPassword = process.env.TW_ADMIN_PASSWORD;
if (!base || !shareUrl || !adminPassword) {
	console.error('set TW_BASE, TW_SHARE and TW_ADMIN_PASSWORD');
	process.exit(2);
}

// Each page as an editor or admin works with it.
const PAGES = [
	['pipeline', '/'],
	['deal', '/deals/acme'],
	['deal-edit', '/deals/acme/edit'],
	['deal-new', '/deals/new'],
	['deal-remove', '/deals/acme/remove'],
	['criterion-edit', '/deals/acme/criteria/p95-latency/edit'],
	['criterion-remove', '/deals/acme/criteria/p95-latency/remove'],
	['event-edit', '/deals/acme/events/budget-call/edit'],
	['event-remove', '/deals/acme/events/poc-kickoff/remove'],
	['risk-edit', '/deals/acme/risks/audit/edit'],
	['risk-remove', '/deals/acme/risks/audit/remove'],
	['phase-edit', '/deals/acme/phases/1/edit'],
	['phase-remove', '/deals/acme/phases/1/remove'],
	['history', '/deals/acme/history'],
	['settings', '/settings'],	// the playbook's Add a step form too
	['playbook-step-edit', '/settings/playbook/1/edit'],
	['playbook-step-remove', '/settings/playbook/1/remove'],
	['playbook-reset', '/settings/playbook/reset'],
	['users', '/users'],
	['user-remove', '/users/alice/remove'],
	['import', '/import'],
	['analytics', '/analytics'],
	['deal-xss', '/deals/xss', 'no forms'],	// deal's forms, again
];
// And those a visitor without a session sees.
const PUBLIC = [
	['login', base + '/login'],
	['share', shareUrl],
	['share-gone', base + '/share/no-such-token'],
];

let browser;
let html;		// a directory of every page's HTML, for vnu.jar
const failures = [];	// "page: what is wrong", over every check

before(async () => {
	if (shots)
		fs.mkdirSync(shots, { recursive: true });
	html = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-html-'));
	browser = await lib.launch();
});

after(async () => {
	if (browser)
		await browser.close();
	fs.rmSync(html, { recursive: true, force: true });
});

/*
 * The checks of one page already loaded in p, whose HTML (as the server
 * sent it) is body: axe, the phone's width, the screenshots (of a page,
 * not of a form's error state); the HTML is kept for vnu.jar.
 */
async function checkPage(p, name, body, errorState) {
	const shot = (w) => shots && !errorState &&
		p.screenshot({ path: path.join(shots, `${name}-${w}.png`),
			       fullPage: true });

	fs.writeFileSync(path.join(html, name + '.html'), body);
	for (const v of await lib.axeViolations(p, errorState))
		failures.push(`${name}: axe: ${v}`);
	await shot(1280);
	await p.setViewportSize(lib.PHONE);
	const w = await p.evaluate(() => [
		document.scrollingElement.scrollWidth, window.innerWidth]);
	if (w[0] > w[1])
		failures.push(`${name}: ${w[0]} px wide at a phone's ${w[1]}`);
	await shot(390);
	await p.setViewportSize(lib.DESKTOP);
}

/*
 * Bad input in every field of form number i: a date that does not
 * exist, a number that is not one, an address without an @, a required
 * field empty, no choice made. The browser's own checks are off (novalidate), as
 * an old browser or a script would send it.
 */
function spoil(i) {
	// What else to get wrong where no field is required.
	const OPTIONAL = { 'momentum.half_life': 'soon', name: '',
			   password: 'short' };
	const f = document.querySelectorAll('main form[method="post"]')[i];

	f.noValidate = true;
	for (const el of f.elements) {
		if (!el.name || el.type === 'hidden' || el.type === 'submit')
			continue;
		if (el.tagName === 'SELECT') {
			el.selectedIndex = -1;
		} else if (el.type === 'radio' || el.type === 'checkbox') {
			el.checked = false;
		} else {
			const bad = { date: '2026-02-30', number: 'x',
				      email: 'no-at-sign' }[el.type];

			if (el.tagName === 'INPUT')
				el.type = 'text';
			el.value = bad || (el.required ? '' :
				OPTIONAL[el.name] || el.value);
		}
	}
	return f.getAttribute('action');
}

/*
 * Each form of the page at url (loaded in p) with bad input: the 422
 * page shows the same forms again, so spoil the next on it. The number
 * of forms checked in their error state.
 */
async function spoilForms(p, name, url) {
	const n = await p.locator('main form[method="post"]').count();
	let forms = 0;

	for (let i = 0; i < n; i++) {
		if (await p.locator('main form[method="post"]').nth(i)
			.locator('input:not([type=hidden]), select, textarea')
			.count() === 0)
			continue;	// a button alone: nothing to get wrong
		const action = await p.evaluate(spoil, i);
		const [res] = await Promise.all([
			p.waitForNavigation(),
			p.locator('main form[method="post"]').nth(i)
				.evaluate((f) => f.requestSubmit()),
		]);
		const what = `${name}-form${i}`;
		if (res.status() !== 422) {
			failures.push(`${what}: POST ${action} with bad ` +
				      `input is ${res.status()}, not 422`);
			await p.goto(url);
			continue;
		}
		forms++;
		await checkPage(p, what, await res.text(), true);
	}
	return forms;
}

test('every page and every form\'s error state: axe, width, screenshots',
     async () => {
	const ctx = await browser.newContext({ viewport: lib.DESKTOP,
					       bypassCSP: true });
	const p = await lib.login(ctx, base, 'root', adminPassword);
	let forms = 0;

	for (const [name, url, noForms] of PAGES) {
		const r = await p.goto(base + url);

		assert.equal(r.status(), 200, url);
		await checkPage(p, name, await r.text());

		if (!noForms)
			forms += await spoilForms(p, name, base + url);
	}
	assert.ok(forms >= 20, `only ${forms} forms in their error state`);
	await ctx.close();

	const anon = await browser.newContext({ viewport: lib.DESKTOP,
						bypassCSP: true });
	const a = await anon.newPage();
	for (const [name, url] of PUBLIC) {
		const r = await a.goto(url);

		await checkPage(a, name, await r.text());
	}
	// The champion's forms on the share page, in their error state.
	await a.goto(shareUrl);
	const shareForms = await spoilForms(a, 'share', shareUrl);
	assert.ok(shareForms >= 2, `only ${shareForms} share page forms`);
	// The login form's error state.
	await a.goto(base + '/login');
	await a.getByLabel('Name').fill('root');
	await a.getByLabel('Password').fill('wrong-password');
	const [res] = await Promise.all([
		a.waitForNavigation(),
		a.getByRole('button', { name: 'Log in' }).click(),
	]);
	await checkPage(a, 'login-error', await res.text(), true);
	await anon.close();
	assert.deepEqual(failures, []);
});

test('the Nu Html Checker finds no error in any page', () => {
	const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
	const files = fs.readdirSync(html).sort()
		.map((f) => path.join(html, f));
	let out = '';

	assert.ok(files.length >= 45, `only ${files.length} pages`);
	try {
		// One JVM for all the pages; errors go to stderr, exit 1.
		execFileSync('java', ['-jar', jar, '--errors-only', ...files],
			     { stdio: ['ignore', 'pipe', 'pipe'] });
	} catch (e) {
		out = String(e.stderr || e.message);
	}
	assert.equal(out.replaceAll(html + '/', ''), '');
});
