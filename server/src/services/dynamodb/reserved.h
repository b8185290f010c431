/* reserved: DynamoDB's reserved words, which an expression may not use as
 * attribute names ("Attribute name is a reserved keyword; reserved
 * keyword: status"): a constant sorted table searched with bsearch. */
#ifndef MOCKAWS_DYNAMODB_RESERVED_H
#define MOCKAWS_DYNAMODB_RESERVED_H

#include <stdbool.h>
#include <stddef.h>

/* Case-insensitive; name need not be NUL-terminated. */
bool ddb_reserved_word(const char *name, size_t len);
size_t ddb_reserved_count(void);

#endif
