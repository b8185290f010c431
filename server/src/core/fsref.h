/* fsref: files that fixtures and scenarios name. A document may name files
 * only inside the directory it is confined to (the directory of the file
 * that names them, or the server's fixtures directory for documents posted
 * to the control API), resolved with symlinks followed, and only regular
 * files of bounded size: a fixture is never a way to read /etc/passwd,
 * /proc/self/environ or /dev/zero. Messages name the file and the reason,
 * never its contents. */
#ifndef MOCKAWS_CORE_FSREF_H
#define MOCKAWS_CORE_FSREF_H

#include <jansson.h>
#include <stddef.h>

/* Largest file a fixture may name as an S3 object's body. */
#define FSREF_MAX_FILE ((size_t)256 * 1024 * 1024)
/* Largest fixture or scenario document. */
#define FSREF_MAX_DOC ((size_t)64 * 1024 * 1024)

/* Reads the file `name` (relative to dir, or absolute) names, provided it
 * resolves to a regular file inside dir of at most max bytes. dir NULL:
 * no file may be named. On success: 0, *data (g_malloc'd, NUL after *len
 * bytes) and, if real is not NULL, *real (its resolved path, g_malloc'd). */
int fsref_read(const char *dir, const char *name, size_t max, char **data, size_t *len, char **real, char *err,
               size_t errlen);

/* The same for a path a trusted caller gives (the command line, the C API):
 * any directory, but still a regular file of at most max bytes. */
int fsref_read_path(const char *path, size_t max, char **data, size_t *len, char *err, size_t errlen);

/* A JSON document from such bytes (new reference), or NULL with a message
 * that says where parsing failed but not what the file holds. what names
 * the file in the message. */
json_t *fsref_parse_json(const char *data, size_t len, const char *what, char *err, size_t errlen);

#endif
