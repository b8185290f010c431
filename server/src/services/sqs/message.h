/* message: what SQS checks and computes of a message's contents: the
 * characters a body may hold, message attributes (names, types, values,
 * their size) and the MD5 digests SendMessage and ReceiveMessage answer,
 * which the SDKs recompute and compare (docs/AWS-FACTS.md, "SQS"). Pure
 * functions of their input. */
#ifndef MOCKAWS_SQS_MESSAGE_H
#define MOCKAWS_SQS_MESSAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether body (len bytes, UTF-8) holds only the characters SQS accepts:
 * #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
bool sqs_body_chars_ok(const char *body, size_t len);

/* The lowercase hex MD5 of len bytes. */
void sqs_md5_hex(const char *data, size_t len, char out[33]);

/* The MD5 of a message attribute map (MessageAttributes or
 * MessageSystemAttributes, as the input tree has them) by AWS's
 * algorithm: names sorted, each name, data type, transport byte (1 for
 * String and Number, 2 for Binary) and value, every string preceded by its
 * length as 4 bytes big-endian. "" for an empty or absent map. */
void sqs_md5_attributes(json_t *attrs, char out[33]);

/* Checks a MessageAttributes map: at most 10, names and data types as SQS
 * allows, a value of the type's kind. NULL when it is fine, else the
 * message of InvalidParameterValue (g_malloc'd). *size gets the bytes the
 * attributes count for in the message size (names, types and values). */
char *sqs_attributes_check(json_t *attrs, bool system, size_t *size);

#endif
