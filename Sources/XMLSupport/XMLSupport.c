#include "XMLSupport.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char *buffer;
    size_t capacity;
    size_t used;
} xs_messages;

static void xs_collect(void *context, const char *format, ...) {
    xs_messages *m = (xs_messages *)context;
    if (m == NULL || m->buffer == NULL || m->capacity == 0 || m->used + 1 >= m->capacity) return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(m->buffer + m->used, m->capacity - m->used, format, args);
    va_end(args);
    if (n > 0) {
        m->used += (size_t)n;
        if (m->used >= m->capacity) m->used = m->capacity - 1;
    }
}

static const int xs_parse_options = XML_PARSE_NONET | XML_PARSE_NOBLANKS;

static xmlDocPtr xs_read(const char *xml, size_t xml_len, xs_messages *m) {
    xmlSetGenericErrorFunc(m, xs_collect);
    xmlDocPtr doc = xmlReadMemory(xml, (int)xml_len, "document.xml", NULL, xs_parse_options);
    return doc;
}

int xs_well_formed(const char *xml, size_t xml_len, char *message, size_t message_len) {
    xs_messages m = {message, message_len, 0};
    if (message && message_len) message[0] = 0;
    xmlDocPtr doc = xs_read(xml, xml_len, &m);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (doc == NULL) return 1;
    xmlFreeDoc(doc);
    return 0;
}

int xs_validate(const char *xsd_path, const char *xml, size_t xml_len, char *message, size_t message_len) {
    xs_messages m = {message, message_len, 0};
    if (message && message_len) message[0] = 0;
    xmlSetGenericErrorFunc(&m, xs_collect);
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd_path);
    if (parser == NULL) { xmlSetGenericErrorFunc(NULL, NULL); return -1; }
    xmlSchemaSetParserErrors(parser, xs_collect, xs_collect, &m);
    xmlSchemaPtr schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (schema == NULL) { xmlSetGenericErrorFunc(NULL, NULL); return -1; }
    xmlDocPtr doc = xs_read(xml, xml_len, &m);
    if (doc == NULL) {
        xmlSchemaFree(schema);
        xmlSetGenericErrorFunc(NULL, NULL);
        return 1;
    }
    xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidErrors(valid, xs_collect, xs_collect, &m);
    int rc = xmlSchemaValidateDoc(valid, doc);
    xmlSchemaFreeValidCtxt(valid);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
    xmlSetGenericErrorFunc(NULL, NULL);
    return rc == 0 ? 0 : (rc > 0 ? 1 : -1);
}
