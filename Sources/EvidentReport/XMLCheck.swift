import Foundation
import XMLSupport

/// libxml2 checks of XML documents: well-formedness, and validity against an XML Schema file.
/// Nothing is fetched over the network and no external entity is expanded.
public enum XMLCheck {
    /// nil when `xml` is well-formed, else libxml2's message.
    public static func wellFormedError(_ xml: String) -> String? {
        var message = [CChar](repeating: 0, count: 4_096)
        let bytes = Array(xml.utf8)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xs_well_formed($0, buffer.count, &message, message.count)
                }
            } ?? 1
        }
        return rc == 0 ? nil : text(message)
    }

    /// nil when `xml` is valid against the schema at `xsdPath`, else the problem.
    public static func schemaError(_ xml: String, xsdPath: String) -> String? {
        var message = [CChar](repeating: 0, count: 8_192)
        let bytes = Array(xml.utf8)
        let rc = xsdPath.withCString { path in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        xs_validate(path, $0, buffer.count, &message, message.count)
                    }
                } ?? -1
            }
        }
        return rc == 0 ? nil : "rc=\(rc): \(text(message))"
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
