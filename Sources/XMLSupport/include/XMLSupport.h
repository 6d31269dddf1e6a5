#ifndef XMLSUPPORT_H
#define XMLSUPPORT_H
#include <stddef.h>

/// Validates the XML document `xml` (length `xml_len`) against the XML Schema file at `xsd_path`.
/// Returns 0 when valid, 1 when invalid, -1 when the schema or document could not be read. The first
/// errors are written into `message` (at most `message_len` bytes, NUL-terminated).
/// Never fetches anything over the network and never expands external entities.
int xs_validate(const char *xsd_path, const char *xml, size_t xml_len, char *message, size_t message_len);

/// Checks that `xml` is well-formed XML. Returns 0 when it is, 1 otherwise (message as above).
int xs_well_formed(const char *xml, size_t xml_len, char *message, size_t message_len);

/// Parses `text` as HTML (`html` non-zero, libxml2's HTML parser) or XML, without network access or entity
/// expansion, and returns the document as lines a test can read: for every element `\x01E` and its name,
/// for every attribute `\x01A` name `=` value, for every text node outside script and style `\x01T` and
/// its text (entities decoded). NULL when the text does not parse (XML: is not well-formed). Free with
/// `xs_free`.
char *xs_dump(const char *text, size_t text_len, int html);

/// Frees what `xs_dump` returned.
void xs_free(char *pointer);

#endif
