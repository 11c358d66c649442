#!/bin/sh
# gen-deals.sh N DIR [SEED]: write N deal plan files DIR/d00001.yaml ...
# for the fault tests (an import to kill, a disk to fill). Each deal has 3
# criteria (two measured), 2 events, 1 risk and 1 phase, so an import
# writes rows into every child table and history. One awk process writes
# them all: a shell loop takes minutes for 10k files. The same N and SEED
# give the same files with the same awk (srand(SEED) fixes rand()); the
# values only need to be valid, not realistic.
set -eu

[ $# -ge 2 ] || { echo "usage: gen-deals.sh N DIR [SEED]" >&2; exit 2; }
n=$1
dir=$2
seed=${3:-1}
mkdir -p "$dir"

awk -v n="$n" -v dir="$dir" -v seed="$seed" '
# A date in 2026 from a day offset 0..335: months of 28 days keep every
# date valid without a calendar.
function day(off) {
	return sprintf("2026-%02d-%02d", int(off / 28) + 1, off % 28 + 1)
}
BEGIN {
	srand(seed)
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/d%05d.yaml", dir, i)
		slug = sprintf("deal-%05d", i)
		start = int(rand() * 200)
		printf "version: 1\ndeal:\n  slug: %s\n", slug > f
		printf "  account: Account %d\n  stage: poc\n", i > f
		printf "  value: %d\n", 1000 * (1 + int(rand() * 900)) > f
		printf "  currency: USD\n  ae: AE %d\n", i % 17 > f
		printf "  se: SE %d\n  procurement_days: %d\n", i % 11,
			5 + i % 20 > f
		printf "  poc:\n    start: %s\n    end: %s\n", day(start),
			day(start + 20) > f
		printf "criteria:\n" > f
		for (c = 1; c <= 3; c++) {
			req = 10 + int(rand() * 90)
			printf "  - key: c%d\n    metric: Metric %d of %s\n",
				c, c, slug > f
			printf "    unit: ms\n    at_most: %d\n", req > f
			if (c < 3)
				printf "    measured: %d\n    measured_on: %s\n",
					req - 5, day(start + 10 + c) > f
			printf "    outcome: Outcome %d\n", c > f
		}
		printf "events:\n" > f
		printf "  - key: readout\n    kind: technical\n" > f
		printf "    title: POC readout\n    date: %s\n    done: %s\n",
			day(start + 20), day(start + 20) > f
		printf "  - key: pricing\n    kind: commercial\n" > f
		printf "    title: Pricing call\n    date: %s\n", day(start + 23) > f
		printf "    after: readout\n" > f
		printf "risks:\n  - key: capacity\n" > f
		printf "    title: Capacity before peak\n    kind: scaling\n" > f
		printf "    deadline: 2027-03-01\n    buffer: 2w\n" > f
		printf "    duration: 6w\n" > f
		printf "phases:\n  - number: 1\n    name: Phase one\n" > f
		printf "    scope: First site\n    price: %d\n", 500 * i > f
		printf "    criteria: [c1, c2]\n    duration: 8w\n" > f
		close(f)
	}
}'
