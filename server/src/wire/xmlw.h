/* xmlw: a small streaming XML writer into a GString.
 *
 * The caller owns the GString; the writer only appends. Text and attribute
 * values are escaped (&, <, >, ", ', and CR/LF/TAB in attributes, other C0
 * controls as character references where XML 1.0 allows none: they are
 * dropped). */
#ifndef MOCKAWS_WIRE_XMLW_H
#define MOCKAWS_WIRE_XMLW_H

#include <glib.h>
#include <stddef.h>

typedef struct xmlw {
    GString *out;
    GPtrArray *stack; /* open element names, owned */
    int in_start_tag;   /* a start tag is open for attributes */
} xmlw;

/* declaration: also writes <?xml version="1.0" encoding="UTF-8"?> */
void xmlw_init(xmlw *w, GString *out, int declaration);
void xmlw_start(xmlw *w, const char *name);
/* Only right after xmlw_start. */
void xmlw_attr(xmlw *w, const char *name, const char *value);
void xmlw_text(xmlw *w, const char *text, size_t len);
void xmlw_end(xmlw *w);
/* <name>text</name> */
void xmlw_element(xmlw *w, const char *name, const char *text);
void xmlw_element_len(xmlw *w, const char *name, const char *text, size_t len);
/* Closes what is still open and frees the stack. */
void xmlw_finish(xmlw *w);
void xmlw_escape(GString *out, const char *s, size_t len, int attr);

#endif
