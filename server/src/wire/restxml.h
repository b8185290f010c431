/* restxml: the REST-XML protocol (S3), `wire_rest_xml` in wire.h.
 *
 * Requests name their operation by method, path and query, matched against
 * every operation's http.requestUri template ("/{Bucket}/{Key+}?uploads").
 * Several operations may share one template (S3's PutObject, CopyObject,
 * UploadPart and UploadPartCopy are all PUT /{Bucket}/{Key+}); the model
 * alone ranks them (see restxml_match_operations) and what it cannot tell
 * apart is left to the caller. */
#ifndef MOCKAWS_WIRE_RESTXML_H
#define MOCKAWS_WIRE_RESTXML_H

#include <glib.h>
#include <stddef.h>

#include "http.h"
#include "model.h"
#include "wire.h"

/* Output lists in one listing order. S3 mixes two flattened lists in one
 * sequence (ListObjectVersions: <Version> and <DeleteMarker> elements by
 * key, then newest first), which model order (all of one, then all of the
 * other) cannot say. A flattened list member marked "x-mockaws-xml-interleave"
 * (MF_XML_INTERLEAVE) is written together with its structure's other such
 * members, where the first of them stands, items in ascending order of the
 * integer each carries under this key (the handler's listing position; it
 * is not a model member, so nothing else writes it). Items without one come
 * after, in model order. */
#define RESTXML_ORDER_KEY "x-mockaws-order"

/* The operations whose http.method and http.requestUri match the request,
 * best first. Ranking, most important first:
 *   1. the number of query literals the template requires ("?uploads",
 *      "?list-type=2"),
 *   2. the number of literal characters in the template's path,
 *   3. whether every required member bound to a header or a query
 *      parameter is present in the request,
 *   4. how many such required bindings the request carries (so that
 *      PUT /b/k with x-amz-copy-source ranks CopyObject over PutObject, and
 *      ?partNumber&uploadId ranks UploadPart over both),
 *   5. operations not marked "deprecated" before those that are,
 *   6. operations mockaws implements before trimmed ones (MF_TRIMMED): the
 *      model cannot tell ListBuckets from ListDirectoryBuckets, both GET /,
 *      which S3 tells apart by endpoint.
 * A path with one trailing '/' too many ("/bucket/") matches a template
 * that ends in a label only when nothing matches it exactly.
 *
 * Writes up to max names (borrowed from the model: valid as long as it) of
 * the candidates that tie for first place and returns how many tie (which
 * may exceed max). 0 when no operation matches method and path. */
size_t restxml_match_operations(const model *m, const http_request *req, const char **names,
                                size_t max);

/* The S3 "host id" (x-amz-id-2 header, <HostId> in error bodies) derived
 * from a request id: the same request id always gives the same host id, so
 * the core's header and the error body agree without passing it around.
 * Appends to out. */
void restxml_host_id(GString *out, const char *request_id);

#endif
