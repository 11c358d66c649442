'use strict';
/*
 * What the browser tests share: chromium's launch, the two viewports,
 * logging in, and running axe-core on a page.
 */
const fs = require('node:fs');
const { chromium } = require('playwright-core');

// The flags this machine needs: without the networking ones chromium
// calls home at start-up, which the closed network refuses. playwright
// gives each launch a fresh, empty --user-data-dir of its own.
const FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: FLAGS,
	});
}

async function login(context, base, name, password) {
	const p = await context.newPage();

	await p.goto(base + '/login');
	await p.getByLabel('Name').fill(name);
	await p.getByLabel('Password').fill(password);
	await Promise.all([p.waitForURL(base + '/'),
			   p.getByRole('button', { name: 'Log in' }).click()]);
	return p;
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'),
				  'utf8');

/*
 * axe-core's violations on the page, at any impact, as one line each
 * ("rule (impact): selector, selector: help"); [] when there are none.
 * With errorsOnly, only in what a form's error state changes: the error
 * messages and the forms with an invalid field (the rest of the page was
 * checked as it first showed; axe takes seconds over a whole deal page).
 * page.evaluate is not bound by the page's Content-Security-Policy.
 */
async function axeViolations(page, errorsOnly) {
	if (!await page.evaluate(() => typeof window.axe === 'object'))
		await page.evaluate(axeSource);
	const v = await page.evaluate(async (errorsOnly) => {
		let context = document;

		if (errorsOnly) {
			const bad = document.querySelectorAll('[aria-invalid]');

			context = [...document.querySelectorAll('.notice.error'),
				   ...[...bad].map((el) => el.closest('form'))];
			if (context.length === 0)
				return [{ id: 'no-error-shown', impact: '-',
					  nodes: [], help: 'no error shows' }];
		}
		const r = await window.axe.run(context, {
			resultTypes: ['violations'],
		});
		return r.violations;
	}, !!errorsOnly);
	return v.map((x) => `${x.id} (${x.impact}): ` +
		x.nodes.map((n) => n.target.join(' ')).join(', ') +
		`: ${x.help}`);
}

module.exports = { FLAGS, DESKTOP, PHONE, launch, login, axeViolations };
