'use strict';
/*
 * The champion's side in the browser (issue 16): in a fresh context, with
 * no account, the champion opens the share link, marks a buyer-side step
 * done, proposes a new date for a step and confirms the plan, with no
 * JavaScript, at a phone's width, with no axe-core violation. Then the
 * editor logs in, sees all three on the deal page, accepts the date, and
 * the check's findings change: date-proposed goes away. After every step
 * the CLI (`techwin --json ...` on the same database) must show it.
 *
 * Run by tests/cli/t0259-champion-browser.sh (today is Thu 2026-11-26).
 * Environment: TW_BASE, TW_SHARE (the link), TECHWIN, TECHWIN_DB.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const lib = require('./lib.js');

const base = process.env.TW_BASE;
const shareUrl = process.env.TW_SHARE;
const techwin = process.env.TECHWIN;
if (!base || !shareUrl || !techwin || !process.env.TECHWIN_DB) {
	console.error('set TW_BASE, TW_SHARE, TECHWIN and TECHWIN_DB');
	process.exit(2);
}

let browser;

function cli(...args) {
	let out;

	try {
		out = execFileSync(techwin, ['--json', ...args],
				   { encoding: 'utf8' });
	} catch (e) {
		out = e.stdout;	// check exits 1 with findings
	}
	return JSON.parse(out);
}

function event(key) {
	return cli('event', 'list', 'champ').find((e) => e.key === key);
}

function proposedFindings() {
	return cli('--today', '2026-12-01', 'check').findings
		.filter((f) => f.rule === 'date-proposed' && f.deal === 'champ')
		.map((f) => f.subject);
}

before(async () => {
	browser = await lib.launch();
});

after(async () => {
	if (browser)
		await browser.close();
});

test('the champion acts on the share page, the editor answers', async () => {
	// At a phone's width: no sideways scrolling, no axe violation.
	const look = await browser.newContext({ viewport: lib.PHONE });
	const l = await look.newPage();
	const r = await l.goto(shareUrl);

	assert.equal(r.status(), 200);
	assert.equal(r.headers()['referrer-policy'], 'no-referrer');
	const w = await l.evaluate(() => [
		document.scrollingElement.scrollWidth, window.innerWidth]);
	assert.ok(w[0] <= w[1], `${w[0]} px wide at a phone's ${w[1]}`);
	assert.deepEqual(await lib.axeViolations(l), []);
	await look.close();

	// No account and no JavaScript: plain forms only.
	const anon = await browser.newContext({ viewport: lib.PHONE,
						javaScriptEnabled: false });
	const p = await anon.newPage();
	p.setDefaultTimeout(10000);
	p.setDefaultNavigationTimeout(10000);
	await p.goto(shareUrl);
	await p.getByText('0 of 3 steps done').waitFor();

	// A step of theirs, done yesterday.
	const done = p.locator('#done');
	await done.getByLabel('Step').selectOption('legal');
	await done.getByLabel('Done on').fill('2026-11-25');
	await Promise.all([p.waitForURL(/did=done/),
			   done.getByRole('button', { name: 'Mark done' })
				   .click()]);
	await p.getByText('the step is marked done').waitFor();
	await p.getByText('1 of 3 steps done').waitFor();
	assert.equal(event('legal').done, '2026-11-25');

	// A new date for ours, with a note.
	const prop = p.locator('#propose');
	await prop.getByLabel('Step').selectOption('pricing');
	await prop.getByLabel('New date').fill('2026-12-09');
	await prop.getByLabel('Why it moves').fill('Our CFO is out that week');
	await Promise.all([p.waitForURL(/did=proposed/),
			   prop.getByRole('button',
					  { name: 'Propose the date' }).click()]);
	assert.equal(event('pricing').proposed, '2026-12-09');
	assert.equal(event('pricing').date, '2026-12-03');

	// A refusal keeps what was typed.
	const conf = p.locator('#confirm');
	await conf.getByLabel('Your name').fill('   ');
	const [bad] = await Promise.all([
		p.waitForNavigation(),
		conf.getByRole('button', { name: 'Confirm the plan' }).click()]);
	assert.equal(bad.status(), 422);
	await p.getByText('type your name to confirm the plan').first()
		.waitFor();
	await p.locator('#confirm').getByLabel('Your name').fill('Dana Cho');
	await Promise.all([p.waitForURL(/did=confirmed/),
			   p.locator('#confirm').getByRole('button',
					{ name: 'Confirm the plan' }).click()]);
	await p.getByText('Confirmed by Dana Cho').waitFor();
	assert.equal(cli('deal', 'show', 'champ').confirmed_by, 'Dana Cho');
	await anon.close();

	// The editor sees all three and accepts the date.
	assert.deepEqual(proposedFindings(), ['pricing']);
	const ctx = await browser.newContext({ viewport: lib.DESKTOP });
	const e = await lib.login(ctx, base, 'alice', 'password1');
	e.setDefaultTimeout(10000);
	e.setDefaultNavigationTimeout(10000);
	await e.goto(base + '/deals/champ');
	const from = e.locator('#proposed-pricing');
	await e.getByText('The champion confirmed the plan: Dana Cho').waitFor();
	await e.getByText('Legal redlines was marked done (2026-11-25) by ' +
			  'the champion via share link 1').waitFor();
	await from.getByText('Our CFO is out that week').waitFor();
	assert.ok(await from.count());
	await Promise.all([e.waitForURL(/did=accepted/),
			   e.getByRole('button',
				       { name: 'Accept the date for pricing' })
				   .click()]);
	await e.getByText('Accepted: Pricing call is now planned for').waitFor();
	assert.equal(event('pricing').date, '2026-12-09');
	assert.equal(event('pricing').proposed, null);
	assert.deepEqual(proposedFindings(), []);
	await ctx.close();
});
