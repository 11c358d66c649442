/*
 * techwin's only script: the copy buttons next to the champion messages.
 * Each <button data-copy="ID"> copies the text of the textarea ID and says
 * so in its live region. Without the script the text can still be
 * selected and copied by hand; everything else on the pages is plain links
 * and forms.
 */
'use strict';

function twFallbackCopy(area) {
	area.focus();
	area.select();
	try {
		return document.execCommand('copy');
	} catch (e) {
		return false;
	}
}

function twSay(button, text) {
	var live = document.getElementById(button.getAttribute('data-copy') +
					   '-status');

	if (live)
		live.textContent = text;
}

document.addEventListener('click', function (ev) {
	var button = ev.target.closest('button[data-copy]');
	var area;

	if (!button)
		return;
	area = document.getElementById(button.getAttribute('data-copy'));
	if (!area)
		return;
	if (navigator.clipboard && window.isSecureContext) {
		navigator.clipboard.writeText(area.value).then(function () {
			twSay(button, 'Copied');
		}, function () {
			twSay(button, twFallbackCopy(area) ? 'Copied' :
			      'Select the text and copy it');
		});
	} else {
		twSay(button, twFallbackCopy(area) ? 'Copied' :
		      'Select the text and copy it');
	}
});
