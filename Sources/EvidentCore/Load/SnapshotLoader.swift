import Foundation

/// Turns the bytes of one snapshot or policy input into resources. It accepts what `kubectl get -o json`
/// and `-o yaml` print (a `List`), single objects, and multi-document YAML manifests; JSON is read by a
/// fast reader of our own, YAML through Yams (libyaml).
///
/// Fails (exit 2) on input that is neither JSON nor YAML, or on a document that is not a mapping;
/// skips with a warning documents that are not Kubernetes objects (no `kind`), such as a Helm values file.
public enum SnapshotLoader {
    /// The annotation whose value repeats the whole object, env values included; never kept.
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    ///
    /// `release`, when given, is told which byte ranges of `data` have been read for good, so that the
    /// caller can let a mapped file's pages go while a large input loads.
    /// JSON inputs of `parallelFrom` bytes or more read the items of a top-level List on two threads.
    public static func load(_ data: Data, path: String, release: ((Range<Int>) -> Void)? = nil,
                            parallelFrom: Int = parallelThreshold) throws(LoadError) -> Snapshot {
        if Self.looksLikeJSON(data) {
            let read: Result<Snapshot, LoadError> = data.withUnsafeBytes { raw in
                do throws(LoadError) {
                    return .success(try loadJSON(raw, path: path, release: release, parallelFrom: parallelFrom))
                } catch {
                    return .failure(error)
                }
            }
            return try read.get()
        }
        let read: Result<[YAMLReader.Document], LoadError> = data.withUnsafeBytes { raw in
            guard UTF8Text.isASCII(raw) || String(validating: raw, as: UTF8.self) != nil else {
                return .failure(LoadError("not UTF-8 text", at: SourceLocation(file: path, line: 1),
                                          hint: "a snapshot is the JSON or YAML that kubectl prints"))
            }
            do throws(LoadError) { return .success(try YAMLEventReader.read(raw, file: path)) } catch { return .failure(error) }
        }
        let documents = try read.get().map { ($0.value, $0.line, $0.itemLines) }
        var snapshot = Snapshot()
        var newest: Double?
        for document in documents {
            try addDocument(document.0, line: document.1, itemLines: document.2, path: path, to: &snapshot,
                            newest: &newest)
        }
        snapshot.newestTimestamp = newest.map { Date(timeIntervalSince1970: $0) }
        return snapshot
    }

    /// One parsed document: nothing, a List whose items become objects, or one object.
    private static func addDocument(_ value: Value, line: Int, itemLines: [Int], path: String,
                                    to snapshot: inout Snapshot, newest: inout Double?) throws(LoadError) {
        let location = SourceLocation(file: path, line: line)
        switch value {
        case .null:
            return
        case .map(let members):
            if let kind = members["kind"]?.string, kind.hasSuffix("List"), let items = members["items"],
               items.list == nil, items != .null {
                throw LoadError("the items of a \(kind) must be a list, found \(describe(items))", at: location,
                                word: "items", hint: "a snapshot is the JSON or YAML that kubectl prints")
            }
            if let kind = members["kind"]?.string, kind.hasSuffix("List"), let items = members["items"]?.list {
                readCapture(members, line: line, path: path, into: &snapshot)
                var memo = LoadMemo()
                for (i, item) in items.enumerated() {
                    let line = i < itemLines.count ? itemLines[i] : line
                    try add(typedListItem(item, of: members), at: SourceLocation(file: path, line: line),
                            to: &snapshot, newest: &newest, memo: &memo)
                }
            } else {
                var memo = LoadMemo()
                try add(value, at: location, to: &snapshot, newest: &newest, memo: &memo)
            }
        default:
            throw LoadError("expected a Kubernetes object or a List, found \(describe(value))",
                            at: location, hint: "a snapshot is the JSON or YAML that kubectl prints")
        }
    }

    /// The `evidentCapture` record of a List written by `evident snapshot`, if there is one.
    private static func readCapture(_ list: ValueMap, line: Int, path: String, into snapshot: inout Snapshot) {
        guard let value = list[CaptureRecord.member] else { return }
        guard let record = CaptureRecord(value) else {
            snapshot.diagnostics.append(Diagnostic(
                .warning, "ignored a malformed \(CaptureRecord.member) record", at: SourceLocation(file: path, line: line)))
            return
        }
        snapshot.capture = snapshot.capture.map { $0.merged(with: record) } ?? record
    }

    /// A typed list (`PodList`) may leave kind and apiVersion out of its items: fill them in from the list.
    static func typedListItem(_ item: Value, of list: ValueMap) -> Value {
        guard case .map(var object) = item, object["kind"] == nil, let kind = list["kind"]?.string, kind != "List",
              kind.hasSuffix("List") else { return item }
        object["kind"] = .string(String(kind.dropLast(4)))
        if object["apiVersion"] == nil { object["apiVersion"] = list["apiVersion"] ?? .string("v1") }
        return .map(object)
    }

    /// Objects turned into resources as the reader hands them over, so that no List is ever held whole.
    /// The first error is kept for the end: a syntax error later in the input is reported first, as when
    /// the whole input was read before any object was looked at.
    private final class Collector {
        let path: String
        var snapshot = Snapshot()
        var newest: Double?
        var error: LoadError?
        /// Items without a kind, kept until the list's own kind is known (kubectl writes it after `items`).
        var kindless: [(item: Value, line: Int)] = []
        var memo = LoadMemo()

        init(path: String) { self.path = path }

        func accept(_ item: Value, line: Int) {
            guard error == nil else { return }
            if item["kind"] == nil, case .map = item {
                kindless.append((item, line))
                return
            }
            do throws(LoadError) {
                try SnapshotLoader.add(item, at: SourceLocation(file: path, line: line), to: &snapshot, newest: &newest,
                                       memo: &memo)
            } catch {
                self.error = error
            }
        }
    }

    /// JSON: documents read one by one; the items of a List go straight from the reader into resources.
    static func loadJSON(_ raw: UnsafeRawBufferPointer, path: String, release: ((Range<Int>) -> Void)? = nil,
                         parallelFrom: Int = parallelThreshold) throws(LoadError) -> Snapshot {
        var reader = JSONReader(bytes: raw, file: path)
        reader.release = release
        let all = Collector(path: path)
        reader.skipWhitespace()
        var first = true
        while reader.offset < raw.count {
            let collector = Collector(path: path)
            var second: Collector?
            if first, raw.count >= parallelFrom, let split = Self.itemsSplit(raw) {
                let half = Collector(path: path)
                second = half
                reader.secondHalf = JSONReader.SecondHalf(start: split.offset, line: split.line, sink: half.accept)
            }
            let secondHalf = reader.secondHalf
            first = false
            let document = try reader.readDocument(sink: collector.accept)
            reader.secondHalf = nil
            reader.skipWhitespace()
            guard all.error == nil else { continue }
            if document.streamedItems {
                if case .map(let members) = document.value, let kind = members["kind"]?.string, kind.hasSuffix("List") {
                    readCapture(members, line: document.line, path: path, into: &all.snapshot)
                    var parts = [collector]
                    if let second, secondHalf?.used == true { parts.append(second) }
                    // The items with a kind of both halves first, then the kindless ones typed by the List's
                    // kind: one thread and two give the same order (fuzzing found the halves interleaved).
                    for part in parts where all.error == nil {
                        all.error = part.error
                        all.snapshot.resources += part.snapshot.resources
                        all.snapshot.diagnostics += part.snapshot.diagnostics
                        if let t = part.newest, t > (all.newest ?? -.infinity) { all.newest = t }
                    }
                    for part in parts {
                        for (item, line) in part.kindless where all.error == nil {
                            do throws(LoadError) {
                                try add(typedListItem(item, of: members), at: SourceLocation(file: path, line: line),
                                        to: &all.snapshot, newest: &all.newest, memo: &part.memo)
                            } catch {
                                all.error = error
                            }
                        }
                    }
                    continue
                }
                // An object with `items` that is not a List: read it again, whole.
                var again = JSONReader(bytes: raw, file: path, start: document.start, line: document.line)
                let whole = try again.readDocument(sink: nil)
                do throws(LoadError) {
                    try addDocument(whole.value, line: whole.line, itemLines: whole.itemLines, path: path,
                                    to: &all.snapshot, newest: &all.newest)
                } catch {
                    all.error = error
                }
                continue
            }
            do throws(LoadError) {
                try addDocument(document.value, line: document.line, itemLines: document.itemLines, path: path,
                                to: &all.snapshot, newest: &all.newest)
            } catch {
                all.error = error
            }
        }
        if let error = all.error { throw error }
        Timestamp.collect(.string(reader.newest), into: &all.newest)
        all.snapshot.newestTimestamp = all.newest.map { Date(timeIntervalSince1970: $0) }
        return all.snapshot
    }

    /// Inputs from this size on read the items of a top-level List on two threads.
    public static let parallelThreshold = 32 << 20

    /// Where to split the top-level `items` array of a pretty-printed List (what kubectl prints) into two
    /// halves: just after the `,` that precedes an element starting on its own line, with the indentation of
    /// the first element, near the middle of the input. Only a guess: the reader checks that it lands there
    /// between two elements (a newline never occurs inside a JSON string, so only the depth can be wrong).
    static func itemsSplit(_ raw: UnsafeRawBufferPointer) -> (offset: Int, line: Int)? {
        let count = raw.count
        let key = Array(#""items""#.utf8)
        var i = 0
        var found = -1
        while i + key.count < min(count, 1 << 16) {
            if raw[i] == key[0], (0..<key.count).allSatisfy({ raw[i + $0] == key[$0] }) { found = i; break }
            i += 1
        }
        guard found >= 0 else { return nil }
        i = found + key.count
        func skipSpace() { while i < count, [0x20, 0x09, 0x0A, 0x0D].contains(raw[i]) { i += 1 } }
        skipSpace()
        guard i < count, raw[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipSpace()
        guard i < count, raw[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        skipSpace()
        guard i < count, raw[i] == UInt8(ascii: "{") else { return nil }
        var lineStart = i
        while lineStart > 0, raw[lineStart - 1] != 0x0A { lineStart -= 1 }
        let indent = i - lineStart
        // kubectl indents the items; an unindented `{` (found by fuzzing: `1...0` trapped) is no List to split.
        guard lineStart > 0, indent > 0, (lineStart..<i).allSatisfy({ raw[$0] == 0x20 }) else { return nil }
        // From the middle: a newline, `indent` spaces and `{`, after a `,` (and spaces) on the line before.
        var n = i + (count - i) / 2
        while n + indent + 1 < count {
            if raw[n] == 0x0A, raw[n + indent + 1] == UInt8(ascii: "{"),
               (1...indent).allSatisfy({ raw[n + $0] == 0x20 }) {
                var c = n - 1
                while c > i, [0x20, 0x09, 0x0D].contains(raw[c]) { c -= 1 }
                if raw[c] == UInt8(ascii: ",") {
                    return (c + 1, 1 + newlines(in: UnsafeRawBufferPointer(rebasing: raw[0..<(c + 1)])))
                }
            }
            n += 1
        }
        return nil
    }

    static func newlines(in raw: UnsafeRawBufferPointer) -> Int {
        guard var p = raw.baseAddress else { return 0 }
        let end = p + raw.count
        var lines = 0
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            lines += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return lines
    }

    static func looksLikeJSON(_ data: Data) -> Bool {
        for byte in data {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): return "text ('\(s.prefix(40))')"
        case .list: return "a list"
        case .map: return "a mapping"
        case .null: return "nothing"
        default: return "a scalar"
        }
    }

    fileprivate static func add(_ value: Value, at location: SourceLocation, to snapshot: inout Snapshot,
                                newest: inout Double?, memo: inout LoadMemo) throws(LoadError) {
        guard case .map(var object) = value else {
            throw LoadError("expected a Kubernetes object, found \(describe(value))", at: location)
        }
        guard let kind = object["kind"]?.string, let apiVersion = object["apiVersion"]?.string else {
            snapshot.diagnostics.append(Diagnostic(.warning, "skipped a document without apiVersion and kind", at: location))
            return
        }
        if let value = object["metadata"], value.map == nil, value != .null {
            throw LoadError("the metadata of a \(kind) must be a mapping, found \(describe(value))", at: location,
                            word: "metadata", hint: "a snapshot is the JSON or YAML that kubectl prints")
        }
        var metadata = object["metadata"]?.map ?? [:]
        guard let name = metadata["name"]?.string ?? metadata["generateName"]?.string else {
            snapshot.diagnostics.append(Diagnostic(.warning, "skipped a \(kind) without metadata.name", at: location))
            return
        }
        // Timestamps for snapshotTime, before managedFields go.
        Timestamp.collect(metadata["creationTimestamp"], into: &newest)
        for entry in metadata["managedFields"]?.items ?? [] { Timestamp.collect(entry["time"], into: &newest) }
        if let status = object["status"] {
            Timestamp.collect(status["startTime"], into: &newest)
            for condition in status["conditions"]?.items ?? [] {
                Timestamp.collect(condition["lastTransitionTime"], into: &newest)
                Timestamp.collect(condition["lastHeartbeatTime"], into: &newest)
            }
        }
        metadata["managedFields"] = nil
        var annotations = memo.annotations.strings(metadata["annotations"])
        if annotations.removeValue(forKey: lastApplied) != nil, case .map(var a) = metadata["annotations"] ?? .null {
            a[lastApplied] = nil
            metadata["annotations"] = .map(a)
        }
        object["metadata"] = .map(metadata)
        if kind == "Secret" {
            for field in ["data", "stringData"] {
                if let values = object[field]?.map {
                    object[field] = .map(values.mapValues { _ in .null })
                }
            }
        }
        if kind == "ConfigMap" { object["binaryData"] = nil }
        if kind == "Pod", let status = object["status"] { object["status"] = Self.podStatus(status, memo: &memo) }
        let owners: [OwnerReference] = (metadata["ownerReferences"]?.items ?? []).compactMap { ref in
            guard let kind = ref["kind"]?.string, let name = ref["name"]?.string else { return nil }
            return OwnerReference(apiVersion: ref["apiVersion"]?.string ?? "", kind: kind, name: name,
                                  uid: ref["uid"]?.string ?? "", controller: ref["controller"]?.bool ?? false)
        }
        let namespace = metadata["namespace"]?.string
        snapshot.resources.append(Resource(
            apiVersion: apiVersion, kind: kind,
            namespace: (namespace?.isEmpty ?? true) ? (Self.namespacedByDefault(kind) ? "default" : nil) : namespace,
            name: name, uid: metadata["uid"]?.string,
            labels: memo.labels.strings(metadata["labels"]), annotations: annotations, ownerReferences: owners,
            body: .map(object), source: location))
    }

    /// What checks and evidence read of a pod's status: phase, addresses, start time, and per container
    /// its name, image, image ID and readiness. Conditions and container states (most of a pod's status,
    /// repeated for every pod) are dropped.
    static func podStatus(_ status: Value, memo: inout LoadMemo) -> Value {
        guard case .map(let members) = status else { return status }
        var kept = ValueMap()
        for key in ["phase", "podIP", "podIPs", "hostIP", "startTime"] { kept[key] = members[key] }
        for key in ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"] {
            guard let list = members[key] else { continue }
            guard case .list(let entries) = list else { kept[key] = list; continue }
            let pruned = Value.list(entries.map { entry in
                guard case .map(let fields) = entry else { return entry }
                var out = ValueMap()
                for field in ["name", "image", "imageID", "ready"] { out[field] = fields[field] }
                return .map(out)
            })
            kept[key] = memo.containerStatuses.shared(pruned)
        }
        return .map(kept)
    }

    /// Kinds that live in a namespace: a manifest without `metadata.namespace` goes to `default`.
    static func namespacedByDefault(_ kind: String) -> Bool {
        !clusterScoped.contains(kind)
    }

    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
        "CustomResourceDefinition", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PriorityClass", "RuntimeClass",
        "APIService", "CSIDriver", "CSINode", "IngressClass", "GlobalNetworkPolicy", "GlobalNetworkSet", "Tier",
        "ClusterPolicy", "ClusterImagePolicy", "HostEndpoint", "IPPool", "FelixConfiguration", "BGPConfiguration",
        "ClusterPolicyReport", "ConstraintTemplate", "PodSecurityPolicy", "VolumeAttachment",
    ]
}

/// RFC 3339 times as Kubernetes writes them (`2026-11-01T10:00:00Z`, optional fraction and offset).
public enum Timestamp {
    static func collect(_ value: Value?, into newest: inout Double?) {
        guard let text = value?.string, let seconds = seconds(text) else { return }
        if seconds > (newest ?? -.infinity) { newest = seconds }
    }

    /// Seconds since 1970 of an RFC 3339 time (`2026-11-01T10:00:00Z`, optional fraction and offset);
    /// nil when malformed. Hand-parsed: it runs for every object of a snapshot.
    public static func seconds(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
              let mi = number(14, 2), let sec = number(17, 2), (1...12).contains(mo), (1...31).contains(d),
              h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 0x2B || b[i] == 0x2D, i + 6 == b.count, b[i + 3] == 0x3A, let oh = number(i + 1, 2), let om = number(i + 4, 2) {
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        return Double(days(year: y, month: mo, day: d) * 86_400 + h * 3_600 + mi * 60 + sec - offset) + fraction
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date, after Howard Hinnant's `days_from_civil`.
    ///
    /// Calendar arithmetic by hand: Foundation's `Calendar` and `ISO8601DateFormatter` load ICU, whose
    /// code and data are 7 MB of every run's memory for three date conversions.
    static func days(year y: Int, month mo: Int, day d: Int) -> Int {
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01, after Howard Hinnant's `civil_from_days`.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The UTC day of `date` and the whole seconds into it (fractions dropped).
    static func utc(_ date: Date) -> (year: Int, month: Int, day: Int, second: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (y, m, d) = civil(days: days)
        return (y, m, d, seconds - days * 86_400)
    }

    /// Parses an RFC 3339 time; nil when malformed.
    public static func parse(_ text: String) -> Date? { seconds(text).map { Date(timeIntervalSince1970: $0) } }

    /// Formats as RFC 3339 in UTC without fractions: `2026-11-27T07:00:00Z`.
    public static func format(_ date: Date) -> String {
        let t = utc(date)
        return PlanDate(year: t.year, month: t.month, day: t.day).description + "T" + Digits.padded(t.second / 3_600)
            + ":" + Digits.padded(t.second / 60 % 60) + ":" + Digits.padded(t.second % 60) + "Z"
    }
}

/// What consecutive objects of a snapshot usually repeat (the pods of one owner come one after another, with
/// the same labels, annotations and container statuses): the last one of each is kept, and an equal
/// successor gets its storage instead of a copy of its own.
struct LoadMemo {
    struct Last<Output> {
        private var input: ValueMap?
        private var output: Output?

        mutating func remembered(_ map: ValueMap, _ make: (ValueMap) -> Output) -> Output {
            if let input, let output, input == map { return output }
            let made = make(map)
            input = map
            output = made
            return made
        }
    }

    struct StringMaps {
        private var last = Last<[String: String]>()

        /// The string members of a labels or annotations map; empty for anything else.
        mutating func strings(_ value: Value?) -> [String: String] {
            guard case .map(let map)? = value, !map.isEmpty else { return [:] }
            return last.remembered(map) { Value.map($0).stringMap }
        }
    }

    struct Values {
        private var last: Value?

        mutating func shared(_ value: Value) -> Value {
            if let last, last == value { return last }
            last = value
            return value
        }
    }

    var labels = StringMaps()
    var annotations = StringMaps()
    var containerStatuses = Values()
}
