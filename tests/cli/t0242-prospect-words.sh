#!/bin/sh
# t0242-prospect-words: nothing internal reaches the prospect. For every
# demo deal the summary (Markdown, HTML, PDF), the proposal (the same) and
# the messages to the champion, and the share page of each, are searched
# for the rule ids of 'techwin help check', "freshness", "technical win"
# (the seller's term; the document's own title aside), "techwin" itself
# and the deal's slug, and for the keys of its criteria where the
# criterion has a metric to be titled by (and the deal's own texts do not
# use the key).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

tw() { "$TECHWIN" "$@" 2>/dev/null; }
tw init >/dev/null
tw import "$TW_SRC"/examples/*.yaml >/dev/null

rules=$("$TECHWIN" help check |
	sed -n 's/^  \([a-z][a-z]*\(-[a-z][a-z]*\)\{1,\}\)  *\(error\|warning\): .*/\1/p')
[ "$(echo "$rules" | wc -l)" -ge 10 ] || fail "no rule list from help check: $rules"

start_server
mkdir docs
slugs=$(cd "$TW_SRC/examples" && ls *.yaml | sed 's/\.yaml$//')
for slug in $slugs; do
	d=docs/$slug
	tw summary "$slug" >"$d.summary.md"
	tw summary "$slug" --format html >"$d.summary.html"
	tw summary "$slug" --format pdf -o "$d.summary.pdf"
	pdftotext "$d.summary.pdf" "$d.summary.pdf.txt"
	rm "$d.summary.pdf"
	if tw proposal "$slug" >"$d.proposal.md"; then
		tw proposal "$slug" --format html >"$d.proposal.html"
		tw proposal "$slug" --format pdf -o "$d.proposal.pdf"
		pdftotext "$d.proposal.pdf" "$d.proposal.pdf.txt"
		rm "$d.proposal.pdf"
	fi
	for type in buying-signal compress urgency pricing next-event; do
		tw message "$slug" $type >"$d.message-$type.txt" || true
	done
	url=$("$TECHWIN" share "$slug" --base-url http://x 2>/dev/null)
	expect 200 GET "/share/${url##*/}"
	cp "$tmp/body" "$d.share.html"
done
[ "$(ls docs | wc -l)" -gt 60 ] || fail "too few documents: $(ls docs)"

# The words no document may hold, case-insensitive, as fixed strings.
{
	echo "$rules"
	echo freshness
	echo techwin
} >internal.txt
for f in docs/*; do
	# HTML as it reads: its text, not its markup (asset paths, the
	# generator tag). "Technical Win Summary" is the document's name;
	# anything else saying "technical win" is the seller talking.
	sed 's/<[^>]*>//g; s/Technical Win Summary//g; s/TECHNICAL WIN SUMMARY//g' "$f" |
		grep -i -o -F -f internal.txt -e "technical win" >hits.txt || true
	[ ! -s hits.txt ] || fail "$f says: $(sort -u hits.txt | tr '\n' ' ')"
done

# Each deal's slug, and the keys of its criteria that have a metric.
for slug in $slugs; do
	# A key the deal's own texts use (a justification written by the
	# team) is theirs to say; the documents must not add it.
	keys=$("$TECHWIN" --json deal show "$slug" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
prose = []
def walk(v, k=None):
    if isinstance(v, dict):
        for kk, vv in v.items():
            walk(vv, kk)
    elif isinstance(v, list):
        for vv in v:
            walk(vv, k)
    elif isinstance(v, str) and k not in ("key", "criteria", "after"):
        prose.append(v)
walk(d)
text = " ".join(prose)
for c in d.get("criteria", []):
    if c.get("metric") and c["key"] not in text:
        print(c["key"])')
	for f in docs/$slug.*; do
		text=$f
		case $f in *.html) sed 's/<[^>]*>//g' "$f" >plain.txt; text=plain.txt ;; esac
		grep -q -F -- "$slug" "$text" && fail "$f names the slug $slug"
		for key in $keys; do
			grep -q -w -F -- "$key" "$text" &&
				fail "$f names the criterion key $key"
		done
	done
done
true
