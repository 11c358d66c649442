/*
 * Per-request memory for jansson in techwin serve. A handler builds a JSON
 * tree of hundreds of small values, writes it out and frees it: with
 * malloc that was two fifths of a GET /api/deals/{slug}. Between
 * json_arena_enter() and json_arena_leave() every jansson allocation of
 * the calling thread comes from a bump arena and json_decref() frees
 * nothing; leaving releases it all at once. No json_t made inside may be
 * used after leaving. Outside, jansson uses malloc and free as before.
 */
#ifndef TW_JSON_ARENA_H
#define TW_JSON_ARENA_H

/* Route jansson's allocations through the arena (once per process). */
void json_arena_install(void);
void json_arena_enter(void);
void json_arena_leave(void);

#endif
