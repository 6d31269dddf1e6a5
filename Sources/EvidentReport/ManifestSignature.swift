import Crypto
import EvidentCore
import Foundation

/// Ed25519 signatures of `manifest.json` (swift-crypto). Keys are the raw 32 bytes, written as 64 hex
/// digits or as base64; the signature file holds the base64 signature of the manifest's exact bytes.
public enum ManifestSignature {
    /// A key or signature that cannot be used.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The signature file's name beside `manifest.json`.
    public static let fileName = "manifest.json.sig"

    /// Reads a raw 32-byte key written as hex or base64 (surrounding whitespace ignored).
    public static func keyBytes(_ text: String) -> [UInt8]? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.count == 64, t.allSatisfy(\.isHexDigit) {
            let chars = Array(t)
            return stride(from: 0, to: 64, by: 2).compactMap { UInt8(String(chars[$0...$0 + 1]), radix: 16) }
        }
        if let data = Data(base64Encoded: t), data.count == 32 { return Array(data) }
        return nil
    }

    /// A new key pair: (private key, public key), each as 64 hex digits.
    public static func generate() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (Digits.hex(key.rawRepresentation), Digits.hex(key.publicKey.rawRepresentation))
    }

    /// The public key (hex) of a private key given as hex or base64.
    public static func publicKey(ofPrivate text: String) throws(Problem) -> String {
        Digits.hex(try privateKey(text).publicKey.rawRepresentation)
    }

    /// The base64 Ed25519 signature of `manifest`, with a final newline.
    public static func sign(_ manifest: Data, privateKey text: String) throws(Problem) -> String {
        let key = try privateKey(text)
        do {
            return try key.signature(for: manifest).base64EncodedString() + "\n"
        } catch {
            throw Problem(description: "cannot sign the manifest: \(error)")
        }
    }

    /// Whether `signature` (base64, as `sign` writes it) is a valid signature of `manifest` by `publicKey`.
    public static func verify(_ manifest: Data, signature: String, publicKey text: String) throws(Problem) -> Bool {
        guard let raw = keyBytes(text) else { throw Problem(description: "the public key is not 32 bytes in hex or base64") }
        let key: Curve25519.Signing.PublicKey
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        } catch {
            throw Problem(description: "not an Ed25519 public key: \(error)")
        }
        guard let sig = Data(base64Encoded: signature.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return false
        }
        return key.isValidSignature(sig, for: manifest)
    }

    private static func privateKey(_ text: String) throws(Problem) -> Curve25519.Signing.PrivateKey {
        guard let raw = keyBytes(text) else { throw Problem(description: "the private key is not 32 bytes in hex or base64") }
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw Problem(description: "not an Ed25519 private key: \(error)")
        }
    }
}
