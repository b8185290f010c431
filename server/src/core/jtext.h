/* jtext: client bytes in JSON. JSON carries only UTF-8, while a client may
 * send any bytes (an S3 key, a metadata value, a header). The one rule,
 * applied wherever mockaws writes JSON (control answers, journal, logs,
 * state dumps):
 *
 *   a string whose bytes are not UTF-8 is written with each invalid byte
 *   replaced by U+FFFD, and, where the exact bytes matter (a member of an
 *   object in the journal or a state dump), a sibling member "<name>_base64"
 *   carries the exact bytes. Loading takes "<name>_base64" back.
 *
 * Internally strings may hold raw bytes (json_stringn_nocheck); these
 * helpers are where they turn into what JSON can carry. */
#ifndef MOCKAWS_CORE_JTEXT_H
#define MOCKAWS_CORE_JTEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A JSON string for the bytes, invalid UTF-8 replaced (new reference,
 * never NULL). s NULL: JSON null. */
json_t *jtext_stringn(const char *s, size_t len);
json_t *jtext_string(const char *s);

/* obj[name] = the bytes as jtext_stringn writes them, plus
 * obj[name "_base64"] when they are not UTF-8. s NULL: obj[name] = null. */
void jtext_set(json_t *obj, const char *name, const char *s, size_t len);

/* Rewrites every string in the tree that JSON cannot carry by the rule
 * above (object members get the "_base64" sibling, array elements and
 * member names only the replacement). Linear in the tree. */
void jtext_sanitize(json_t *v);

/* The inverse for documents being loaded: wherever an object has both
 * "<name>" and "<name>_base64" and the first is what jtext_set writes for
 * the bytes of the second (bytes that are not UTF-8), "<name>" gets those bytes back and the sibling
 * goes. Other members, including a lone "<name>_base64", stay as they are. */
void jtext_restore(json_t *v);

/* Strict base64 (the standard alphabet, padded): *out g_malloc'd,
 * NUL-terminated after *len bytes. False on anything else. */
bool jtext_base64_decode(const char *text, size_t text_len, char **out, size_t *len);

/* Whether the tree holds anything jtext_sanitize would rewrite. */
bool jtext_needs_sanitize(const json_t *v);

/* Takes the reference to v; returns v itself when JSON can carry it as it
 * is, else a sanitized deep copy (v's parts may be shared with live state,
 * which is never rewritten). NULL stays NULL. */
json_t *jtext_safe(json_t *v);

/* json_dumps that never loses the document: a tree holding bytes JSON
 * cannot carry is written as its sanitized copy. NULL only when jansson
 * cannot write at all (out of memory). free() the result. */
char *jtext_dumps(const json_t *v, size_t flags);

#endif
