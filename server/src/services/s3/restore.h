/* restore: the archive storage classes (GLACIER, DEEP_ARCHIVE) and
 * RestoreObject.
 *
 * An archived object keeps its bytes here (HEAD works and names its class)
 * but GET and CopyObject refuse it with InvalidObjectState until a restore
 * has finished. RestoreObject starts one (202); it finishes after the
 * server's restore delay on the server clock (--s3-restore-ms, so a test on
 * the virtual clock decides when), and the restored copy stays readable
 * until 00:00 GMT after Days days. x-amz-restore on GET / HEAD says which. */
#ifndef MOCKAWS_S3_RESTORE_H
#define MOCKAWS_S3_RESTORE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/s3/store.h"
#include "services/service.h"

/* The restore delay when the server sets none: short, so that tests see a
 * restore in progress and then done without waiting hours (live S3's
 * Standard tier takes 3-5 hours). */
#define S3_RESTORE_DEFAULT_MS 1000

/* Whether m's storage class keeps the bytes out of reach (GLACIER_IR is
 * readable directly). */
bool s3_restore_archived(const s3_meta *m);
/* 0 when o can be read at c->now_ms; else -1 with InvalidObjectState. */
int s3_restore_check_readable(svc_call *c, const s3_object *o);
/* Sets out's "Restore" (x-amz-restore) when a restore of o was asked for. */
void s3_restore_describe(svc_call *c, const s3_object *o, json_t *out);

int s3_restore_object(svc_call *c);

/* Restores still to finish, kept by when they finish so that finishing
 * them costs only those that are due: each sends its bucket's
 * ObjectRestore:Completed event when the clock reaches it (svc_def.maintain,
 * s3.c). */
typedef struct s3_restore_job s3_restore_job;
GTree *s3_restore_jobs_new(void);
/* Adds a copy of each of src's jobs to dst, for a clone of the state
 * (jobs name their version by bucket, key and vseq: no pointer to share). */
void s3_restore_jobs_copy(GTree *dst, GTree *src);
/* When the next restore finishes (INT64_MAX: none); read without the lock. */
int64_t s3_restore_due(const s3_state *st);
/* Finishes the restores due by c->now_ms. Exclusive lock. */
void s3_restore_run(svc_call *c);

#endif
