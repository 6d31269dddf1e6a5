import ArgumentParser
import EvidentCore
import EvidentReport
import Foundation

/// `evident verify DIR`: re-hashes a report folder against its manifest.json.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a report folder and its inputs against manifest.json and say whether anything changed.",
        discussion: """
            With --public-key, manifest.json.sig must be a valid Ed25519 signature of manifest.json by that key \
            (`evident audit --sign-key`); `evident verify --generate-key NAME` writes NAME.key and NAME.pub. \
            Every report the manifest lists is looked for in DIR; every input at the path the audit was given \
            (relative paths from the current folder, or from --inputs). Inputs read from stdin or built in are \
            not checked; inputs that are not found are reported, and fail the check only with --require-inputs.

            EXIT CODES
              0  every report (and every input found) is as the manifest says
              1  something changed or a report is missing
              2  DIR has no readable manifest.json
            """
    )

    @Argument(help: ArgumentHelp("The report folder (with manifest.json).", valueName: "dir"))
    var directory: String = "evident-report"

    @Option(name: .long, help: ArgumentHelp("An Ed25519 public key file: check manifest.json.sig with it.", valueName: "file"))
    var publicKey: String?

    @Option(name: .long, help: ArgumentHelp("Write a new key pair to NAME.key (private) and NAME.pub, and exit.", valueName: "name"))
    var generateKey: String?

    @Option(name: .long, help: ArgumentHelp("The folder that input paths are relative to (default: the current one).", valueName: "dir"))
    var inputs: String?

    @Flag(name: .long, help: "Fail when an input cannot be found.")
    var requireInputs = false

    func run() throws {
        if let generateKey {
            let pair = ManifestSignature.generate()
            let fm = FileManager.default
            for path in [generateKey + ".key", generateKey + ".pub"] where fm.fileExists(atPath: path) {
                throw CLIError.invalid("\(path) exists; not overwriting a key")
            }
            guard fm.createFile(atPath: generateKey + ".key", contents: Data((pair.privateKey + "\n").utf8),
                                attributes: [.posixPermissions: 0o600]),
                  fm.createFile(atPath: generateKey + ".pub", contents: Data((pair.publicKey + "\n").utf8)) else {
                throw CLIError.invalid("cannot write \(generateKey).key / .pub")
            }
            print("wrote \(generateKey).key (keep it secret) and \(generateKey).pub")
            return
        }
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        let data = try Inputs.read(manifestPath, limit: Limits.defaultSnapshotBytes)
        guard let manifest = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              manifest["manifestVersion"] as? Int == 1,
              let reports = manifest["reports"] as? [[String: Any]] else {
            throw CLIError.invalid("\(manifestPath): not an evident manifest (manifestVersion 1)")
        }
        var problems = 0
        var lines: [String] = []
        if let publicKey {
            let key = try Inputs.text(try Inputs.read(publicKey), path: publicKey)
            let sigPath = (directory as NSString).appendingPathComponent(ManifestSignature.fileName)
            if let sig = FileManager.default.contents(atPath: sigPath) {
                do {
                    if try ManifestSignature.verify(data, signature: String(decoding: sig, as: UTF8.self), publicKey: key) {
                        lines.append("ok       signature of manifest.json")
                    } else {
                        lines.append("BAD      signature of manifest.json: not signed by this key, or the manifest changed")
                        problems += 1
                    }
                } catch {
                    throw CLIError.invalid("--public-key: \(error)")
                }
            } else {
                lines.append("MISSING  \(ManifestSignature.fileName)")
                problems += 1
            }
        }
        func check(_ label: String, path: String, entry: [String: Any], required: Bool) {
            guard let expected = entry["sha256"] as? String else {
                lines.append("INVALID  \(label): no sha256 in the manifest")
                problems += 1
                return
            }
            guard let bytes = FileManager.default.contents(atPath: path) else {
                lines.append("MISSING  \(label) (\(path))")
                if required { problems += 1 }
                return
            }
            if Digest.sha256(bytes) == expected && (entry["bytes"] as? Int).map({ $0 == bytes.count }) ?? true {
                lines.append("ok       \(label)")
            } else {
                lines.append("CHANGED  \(label): sha256 \(Digest.sha256(bytes)), the manifest says \(expected)")
                problems += 1
            }
        }
        for report in reports {
            guard let file = report["file"] as? String, !file.contains("/"), file != ".." else {
                lines.append("INVALID  a report entry without a plain file name")
                problems += 1
                continue
            }
            check("report \(file)", path: (directory as NSString).appendingPathComponent(file), entry: report, required: true)
        }
        for input in manifest["inputs"] as? [[String: Any]] ?? [] {
            guard let path = input["path"] as? String, path != "-", !path.hasPrefix("builtin:") else { continue }
            let resolved = path.hasPrefix("/") || inputs == nil ? path : ((inputs ?? ".") as NSString).appendingPathComponent(path)
            check("input \(path)", path: resolved, entry: input, required: requireInputs)
        }
        for line in lines { print(Terminal.clean(line)) }
        if problems > 0 {
            print("verify: \(problems) problem\(problems == 1 ? "" : "s"): the folder is not what evident wrote")
            throw ExitCode(1)
        }
        print("verify: every report\(requireInputs ? " and input" : "") matches manifest.json")
    }
}
