#include "XMLSupport.h"
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

typedef struct {
    char *data;
    size_t used;
    size_t capacity;
    int failed;
} xs_buffer;

static void xs_append(xs_buffer *b, const char *text, size_t n) {
    if (b->failed) return;
    if (b->used + n + 1 > b->capacity) {
        size_t capacity = (b->capacity ? b->capacity : 4096);
        while (b->used + n + 1 > capacity) capacity *= 2;
        char *grown = realloc(b->data, capacity);
        if (grown == NULL) { b->failed = 1; return; }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->used, text, n);
    b->used += n;
    b->data[b->used] = 0;
}

static void xs_append_string(xs_buffer *b, const xmlChar *text) {
    if (text) xs_append(b, (const char *)text, strlen((const char *)text));
}

static void xs_walk(xmlNodePtr node, xs_buffer *b, int raw) {
    for (; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            xs_append(b, "\001E", 2);
            xs_append_string(b, node->name);
            for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
                xs_append(b, "\001A", 2);
                xs_append_string(b, a->name);
                xs_append(b, "=", 1);
                xmlChar *value = xmlNodeListGetString(node->doc, a->children, 1);
                xs_append_string(b, value);
                xmlFree(value);
            }
            const char *name = (const char *)node->name;
            int skip = name && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0);
            xs_walk(node->children, b, raw || skip);
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && !raw) {
            xs_append(b, "\001T", 2);
            xs_append_string(b, node->content);
        } else if (node->type == XML_ENTITY_REF_NODE) {
            xs_append(b, "\001R", 2);
            xs_append_string(b, node->name);
        }
    }
}

char *xs_dump(const char *text, size_t text_len, int html) {
    xs_messages m = {NULL, 0, 0};
    xmlSetGenericErrorFunc(&m, xs_collect);
    xmlDocPtr doc = html
        ? htmlReadMemory(text, (int)text_len, "document.html", "UTF-8",
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
        : xmlReadMemory(text, (int)text_len, "document.xml", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (doc == NULL) return NULL;
    xs_buffer b = {NULL, 0, 0, 0};
    xs_append(&b, "", 0);
    xs_walk(xmlDocGetRootElement(doc), &b, 0);
    xmlFreeDoc(doc);
    if (b.failed) { free(b.data); return NULL; }
    return b.data;
}

void xs_free(char *pointer) { free(pointer); }
