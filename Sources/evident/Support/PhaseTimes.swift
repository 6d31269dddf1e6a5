import Foundation

/// Wall-clock time per phase of a run and the peak resident memory, for `--timings` and the benchmark.
struct PhaseTimes {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds
    private(set) var phases: [(name: String, seconds: Double)] = []

    /// Ends the current phase under `name`.
    mutating func mark(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9))
        last = now
    }

    /// Peak resident set size of this process, in bytes.
    static var peakResidentBytes: Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }

    /// One line on stderr, `key=value` pairs the benchmark script reads.
    func report(inputBytes: Int, objects: Int) {
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let load = phases.first { $0.name == "load" }?.seconds ?? 0
        var fields = ["timings:"]
        for phase in phases { fields.append("\(phase.name)=\(String(format: "%.3f", phase.seconds))") }
        fields.append("total=\(String(format: "%.3f", total))")
        fields.append("input_mb=\(String(format: "%.1f", Double(inputBytes) / 1e6))")
        fields.append("load_mb_s=\(String(format: "%.1f", load > 0 ? Double(inputBytes) / 1e6 / load : 0))")
        fields.append("objects=\(objects)")
        fields.append("peak_rss_mb=\(String(format: "%.1f", Double(Self.peakResidentBytes) / 1_048_576))")
        FileHandle.standardError.write(Data((fields.joined(separator: " ") + "\n").utf8))
    }
}
