import CMemory
import Foundation

/// Wall-clock time per phase of a run and the peak resident memory, for `--timings` and the benchmark.
struct PhaseTimes {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds
    private(set) var phases: [(name: String, seconds: Double, residentMB: Double)] = []

    /// Ends the current phase under `name`, and hands the memory the phase freed back to the system: glibc
    /// keeps freed pages in each thread's arena, so the temporaries of loading and evaluating a large
    /// cluster on both cores would otherwise stay resident through the phases after them.
    mutating func mark(_ name: String) {
        evident_release_free_memory()
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9, Self.currentResidentMB))
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

    /// Resident memory now, in MiB (Linux; 0 elsewhere).
    static var currentResidentMB: Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// One line on stderr, `key=value` pairs the benchmark script reads.
    func report(inputBytes: Int, objects: Int) {
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let load = phases.first { $0.name == "load" }?.seconds ?? 0
        var fields = ["timings:"]
        for phase in phases { fields.append("\(phase.name)=\(String(format: "%.3f", phase.seconds))") }
        for phase in phases { fields.append("rss_after_\(phase.name)_mb=\(String(format: "%.0f", phase.residentMB))") }
        fields.append("total=\(String(format: "%.3f", total))")
        fields.append("input_mb=\(String(format: "%.1f", Double(inputBytes) / 1e6))")
        fields.append("load_mb_s=\(String(format: "%.1f", load > 0 ? Double(inputBytes) / 1e6 / load : 0))")
        fields.append("objects=\(objects)")
        fields.append("peak_rss_mb=\(String(format: "%.1f", Double(Self.peakResidentBytes) / 1_048_576))")
        FileHandle.standardError.write(Data((fields.joined(separator: " ") + "\n").utf8))
    }
}
