/*
 * Fuzz target: the login rate limiter's state machine (web/auth.h)
 * against a model that keeps every failure. The input: byte 0 the
 * attempts per address (1 to 4; an account gets RL_ACCOUNT_FACTOR times
 * as many), byte 1 the window (1 to 32 seconds), then two bytes per step:
 * the first's low two bits say what happens, its next three bits pick one
 * of 7 addresses (7: none) and its top three one of 7 accounts (7: none);
 * the second is an argument.
 *
 *	0  a failed login: rate_limiter_attempt
 *	1  a successful one: rate_limiter_attempt, then when it may go on
 *	   rate_limiter_success
 *	2  rate_limiter_check
 *	3  the clock moves on by the argument modulo 64 seconds, and every
 *	   address and account is checked
 *
 * Invariants, each an abort() when broken:
 *   - every check and attempt answers what the model says: an address is
 *     blocked while its last max failures lie within the window, an
 *     account while its last RL_ACCOUNT_FACTOR * max do; the address is
 *     checked first; a refused attempt counts nothing;
 *   - a successful login changes nothing for any address (its own gets
 *     back the one attempt) or for any other account: it can neither
 *     free a blocked one nor block a free one.
 */
#include "fuzz.h"

#include "web/auth.h"

#include <stdio.h>
#include <string.h>

#define KEYS 7
#define STEPS_MAX 4096

/* Every failure of one address or account, oldest first. */
struct model_key {
	long long t[STEPS_MAX];
	int n;
};

static struct model_key maddr[KEYS], macct[KEYS];
static char addrs[KEYS][16], users[KEYS][16];

static const char *const verdicts[] = { "open", "address", "account" };

static bool
model_blocked(const struct model_key *k, int max, int window, long long now)
{
	return k->n >= max && now - k->t[k->n - max] < window;
}

static enum rl_block
model_check(int a, int u, int max, int window, long long now)
{
	if (a < KEYS && model_blocked(&maddr[a], max, window, now))
		return RL_ADDRESS;
	if (u < KEYS && model_blocked(&macct[u], max * RL_ACCOUNT_FACTOR,
				      window, now))
		return RL_ACCOUNT;
	return RL_OPEN;
}

static void
expect(enum rl_block got, enum rl_block want, const char *what, int a,
       int u, long long now)
{
	if (got != want)
		fuzz_fail("%s(%s, %s) at %lld: %s, the model says %s", what,
			  a < KEYS ? addrs[a] : "-", u < KEYS ? users[u] : "-",
			  now, verdicts[got], verdicts[want]);
}

/* Whether each address and each account alone is blocked. */
static void
snapshot(struct rate_limiter *rl, long long now, enum rl_block *a,
	 enum rl_block *u)
{
	for (int i = 0; i < KEYS; i++) {
		a[i] = rate_limiter_check(rl, addrs[i], NULL, now);
		u[i] = rate_limiter_check(rl, NULL, users[i], now);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rate_limiter *rl;
	enum rl_block a0[KEYS], u0[KEYS], a1[KEYS], u1[KEYS];
	long long now = 1000;
	int max, window;

	if (size < 2)
		return 0;
	max = 1 + data[0] % 4;
	window = 1 + data[1] % 32;
	rl = rate_limiter_new(max, window);
	memset(maddr, 0, sizeof(maddr));
	memset(macct, 0, sizeof(macct));
	for (int i = 0; i < KEYS; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "192.0.2.%d", i);
		snprintf(users[i], sizeof(users[i]), "user%d", i);
	}
	for (size_t i = 2; i + 1 < size && i / 2 < STEPS_MAX; i += 2) {
		int op = data[i] & 3, a = (data[i] >> 2) & 7;
		int u = data[i] >> 5, arg = data[i + 1];
		const char *addr = a < KEYS ? addrs[a] : NULL;
		const char *user = u < KEYS ? users[u] : NULL;
		enum rl_block want = model_check(a, u, max, window, now), got;

		switch (op) {
		case 0:
		case 1:
			if (op == 1)
				snapshot(rl, now, a0, u0);
			got = rate_limiter_attempt(rl, addr, user, now);
			expect(got, want, "attempt", a, u, now);
			if (got != RL_OPEN)
				break;
			if (a < KEYS)
				maddr[a].t[maddr[a].n++] = now;
			if (u < KEYS)
				macct[u].t[macct[u].n++] = now;
			if (op == 0)
				break;
			rate_limiter_success(rl, addr, user);
			if (a < KEYS)
				maddr[a].n--;
			if (u < KEYS)
				macct[u].n = 0;
			snapshot(rl, now, a1, u1);
			for (int k = 0; k < KEYS; k++) {
				if (a1[k] != a0[k])
					fuzz_fail("%s's login from %s made "
						  "%s %s", user ? user : "-",
						  addr ? addr : "-", addrs[k],
						  verdicts[a1[k]]);
				if (k != u && u1[k] != u0[k])
					fuzz_fail("%s's login from %s made "
						  "%s %s", user ? user : "-",
						  addr ? addr : "-", users[k],
						  verdicts[u1[k]]);
			}
			break;
		case 2:
			expect(rate_limiter_check(rl, addr, user, now), want,
			       "check", a, u, now);
			break;
		default:
			now += arg % 64;
			for (int x = 0; x <= KEYS; x++)
				for (int y = 0; y <= KEYS; y++)
					expect(rate_limiter_check(
						       rl, x < KEYS ? addrs[x]
								    : NULL,
						       y < KEYS ? users[y]
								: NULL,
						       now),
					       model_check(x, y, max, window,
							   now),
					       "check", x, y, now);
			break;
		}
	}
	rate_limiter_free(rl);
	return 0;
}
