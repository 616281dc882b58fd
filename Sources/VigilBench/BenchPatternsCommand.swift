public import ArgumentParser
import Foundation
import VigilPatterns
import VigilService

/// `vigil bench patterns`: `vigil match --count` against grep, jq and awk on the same generated files.
public struct BenchPatternsCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Measure filter-pattern matching against grep, jq, awk (and mtail if installed) on generated corpora."
    )

    @Option(name: .customLong("size-mb"), help: "Size of each generated corpus in MiB.")
    var sizeMB = 400

    @Option(name: .customLong("data-dir"), help: "Where the corpora are written (reused when already the right size).")
    var dataDirectory = "bench-data"

    @Option(name: .customLong("runs"), help: "Runs per measurement; the fastest counts (every tool alike).")
    var runs = 3

    @Option(
        name: .customLong("only"), help: "Run only the cases whose name contains this text (e.g. \"filters vs 1\").")
    var only: String?

    public func validate() throws {
        guard sizeMB >= 1 else { throw ValidationError("--size-mb must be at least 1.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
    }

    struct Case {
        var name: String
        var corpus: String
        var pattern: String
        var baselineName: String
        /// The baseline's command; `{file}` stands for the corpus, which is appended when it does not occur.
        var baseline: [String]
        var output: Measure.Output = .count
        var environment: [String: String] = [:]
        /// A baseline that may be missing: the case is then skipped, not measured for vigil alone.
        var optional = false

        func arguments(_ file: String) -> [String] {
            baseline.contains("{file}") ? baseline.map { $0 == "{file}" ? file : $0 } : baseline + [file]
        }
    }

    /// An mtail program counting what the regex counter case counts.
    static let mtailProgram = """
        counter vigil_bench_matches
        /timeout after \\d+ms/ {
          vigil_bench_matches++
        }

        """

    public func run() async throws {
        let directory = URL(fileURLWithPath: dataDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var paths: [String: String] = [:]
        for (kind, file) in [("cloudtrail", "cloudtrail.jsonl"), ("access", "access.log"), ("application", "app.log")] {
            let url = directory.appendingPathComponent("\(file).\(sizeMB)m")
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if size < sizeMB << 20 { try BenchCorpus.write(kind, megabytes: sizeMB, to: url) }
            paths[kind] = url.path
        }
        let mtailDirectory = directory.appendingPathComponent("mtail")
        try FileManager.default.createDirectory(at: mtailDirectory, withIntermediateDirectories: true)
        try Self.mtailProgram.write(
            to: mtailDirectory.appendingPathComponent("timeouts.mtail"), atomically: true, encoding: .utf8)
        let vigil = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        print(
            "vigil bench patterns: \(sizeMB) MiB per corpus, one core per process, best of \(runs) runs; \(Machine.description)"
        )
        print(
            pad("case", 34) + pad("vigil MB/s", 12) + pad("baseline", 10) + pad("base MB/s", 11) + pad("speedup", 9)
                + "matches")
        let cases = [
            Case(
                name: "literal term ERROR", corpus: "application", pattern: "ERROR",
                baselineName: "grep -cF", baseline: ["grep", "-cF", "ERROR"]),
            Case(
                name: "rare quoted term", corpus: "application", pattern: "\"IllegalStateException: order 4242 \"",
                baselineName: "grep -cF", baseline: ["grep", "-cF", "IllegalStateException: order 4242 "]),
            Case(
                name: "JSON console sign-in failures", corpus: "cloudtrail",
                pattern: "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
                baselineName: "jq",
                baseline: [
                    "jq", "-c",
                    "select(.eventName == \"ConsoleLogin\" and .errorMessage == \"Failed authentication\") | 1",
                ], output: .lines),
            Case(
                name: "JSON root account usage", corpus: "cloudtrail",
                pattern:
                    "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
                baselineName: "jq",
                baseline: [
                    "jq", "-c",
                    "select(.userIdentity.type == \"Root\" and (.userIdentity | has(\"invokedBy\") | not) and .eventType != \"AwsServiceEvent\") | 1",
                ], output: .lines),
            Case(
                name: "JSON numeric, every event parsed", corpus: "cloudtrail",
                pattern: "{ $.requestParameters.maxResults > 990 }",
                baselineName: "jq", baseline: ["jq", "-c", "select(.requestParameters.maxResults > 990) | 1"],
                output: .lines),
            Case(
                name: "space-delimited 5xx over 40 kB", corpus: "access",
                pattern: "[ip, id, user, timestamp, request, status_code = 5*, bytes > 40000, referer, agent]",
                baselineName: "awk", baseline: ["awk", "$9 ~ /^5/ && $10 > 40000 { n++ } END { print n+0 }"]),
            Case(
                name: "regex counter", corpus: "application", pattern: #"%timeout\safter\s\d+ms%"#,
                baselineName: "grep -cE", baseline: ["grep", "-cE", "timeout after [0-9]+ms"]),
            // mtail, as a one-shot counter over the file; GOMAXPROCS=1 keeps it on one core like the others.
            Case(
                name: "regex counter vs mtail", corpus: "application", pattern: #"%timeout\safter\s\d+ms%"#,
                baselineName: "mtail",
                baseline: [
                    "mtail", "--progs", mtailDirectory.path, "--logs", "{file}", "--one_shot",
                    "--one_shot_format", "prometheus",
                ],
                output: .metric("vigil_bench_matches"), environment: ["GOMAXPROCS": "1"], optional: true),
        ]
        var failures = 0
        for c in cases where selected(c.name) {
            let file = paths[c.corpus]!
            let bytes = Double(sizeMB << 20)
            let tool = Machine.which(c.baseline[0])
            if tool == nil && c.optional {
                print(pad(c.name, 34) + "\(c.baseline[0]) not installed; skipped")
                continue
            }
            let ours = try Measure.best(of: runs) {
                try Measure.command([vigil, "match", "--count", "--filter-pattern", c.pattern, file])
            }
            guard let tool else {
                print(
                    pad(c.name, 34) + pad(Measure.rate(bytes, ours.seconds), 12)
                        + "\(c.baseline[0]) not installed; no ratio")
                continue
            }
            let base = try Measure.best(of: runs) {
                try Measure.command(
                    [tool] + c.arguments(file).dropFirst(), output: c.output, environment: c.environment)
            }
            let agree = ours.count == base.count
            if !agree { failures += 1 }
            print(
                pad(c.name, 34) + pad(Measure.rate(bytes, ours.seconds), 12) + pad(c.baselineName, 10)
                    + pad(Measure.rate(bytes, base.seconds), 11)
                    + pad(String(format: "%.1fx", base.seconds / ours.seconds), 9)
                    + (agree ? "\(ours.count)" : "MISMATCH vigil \(ours.count) vs \(base.count)"))
        }
        try manyFilters(cloudTrail: paths["cloudtrail"]!, application: paths["application"]!)
        if failures > 0 { throw ValidationError("\(failures) case(s) counted differently from their baseline.") }
    }

    /// The fewest alternating runs of each side of a many-filters comparison.
    static let manyFilterRuns = 9

    /// 100 different filters over one stream against one filter, in process, on one core.
    func manyFilters(cloudTrail: String, application: String) throws {
        let names = BenchCorpus.eventNames
        var json: [String] = []
        for i in 0..<100 {
            let name = names[i % names.count]
            let other = names[(i * 7 + 3) % names.count]
            switch i / names.count {
            case 0: json.append("{ $.eventName = \(name) }")
            case 1: json.append("{ $.eventName = \(name) && $.errorCode = \"AccessDenied\" }")
            case 2: json.append("{ ($.eventName = \(name)) || ($.eventName = \(other)) && $.userIdentity.type = Root }")
            default:
                json.append(
                    "{ $.eventName = \(name) && $.userIdentity.userName = \(BenchCorpus.users[i % BenchCorpus.users.count]) }"
                )
            }
        }
        let terms = (0..<100).map { "\"customer \($0 * 97) in\"" }
        let one = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
        for (label, file, single, many) in [
            ("JSON", cloudTrail, one, json), ("terms", application, "\"customer 4850 in\"", terms),
        ] {
            guard selected("100 \(label) filters vs 1") else { continue }
            let singleSet = FilterSet([try FilterPattern(single)])
            let manySet = FilterSet(try many.map { try FilterPattern($0) })
            // In process, a run takes a second at most: at least 9 alternating runs each, so that a slow
            // phase of the machine that hits only one side's runs does not decide the ratio.
            let (t1, t100) = try Measure.bestInterleaved(
                of: max(runs, Self.manyFilterRuns), { try Measure.inProcess(file, singleSet) },
                { try Measure.inProcess(file, manySet) })
            // Check the shared evaluation against each filter alone on the first 4 MiB.
            let sample = try Measure.firstChunk(file)
            var shared = [Int](repeating: 0, count: many.count)
            sample.withUnsafeBufferPointer { manySet.countMatches(in: $0, into: &shared) }
            let alone = manySet.patterns.map { p in
                sample.withUnsafeBufferPointer { b in
                    var n = 0
                    p.forEachMatchingLine(in: b) { _ in n += 1 }
                    return n
                }
            }
            let bytes = Double(sizeMB << 20)
            print(
                pad("100 \(label) filters vs 1", 34) + pad(Measure.rate(bytes, t100.seconds), 12) + pad("1 filter", 10)
                    + pad(Measure.rate(bytes, t1.seconds), 11)
                    + pad(String(format: "%.2fx cost", t100.seconds / t1.seconds), 12)
                    + (shared == alone ? "counts agree" : "MISMATCH"))
        }
    }

    func selected(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }

    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}

/// Timing helpers for the benchmark.
enum Measure {
    struct Result {
        var seconds: Double
        var count: Int
    }

    /// The fastest of `runs` runs; a count that changes between runs is an error.
    static func best(of runs: Int, _ measure: () throws -> Result) throws -> Result {
        var best = try measure()
        for _ in 1..<max(runs, 1) {
            let next = try measure()
            guard next.count == best.count else {
                throw ValidationError("counts differ between runs: \(best.count) and \(next.count)")
            }
            if next.seconds < best.seconds { best = next }
        }
        return best
    }

    /// The best of `runs` runs of each, alternating them so that a slow phase of the machine hits both alike.
    static func bestInterleaved(of runs: Int, _ a: () throws -> Result, _ b: () throws -> Result) throws -> (
        Result, Result
    ) {
        var bestA = try a()
        var bestB = try b()
        for _ in 1..<max(runs, 1) {
            let nextA = try a()
            let nextB = try b()
            guard nextA.count == bestA.count, nextB.count == bestB.count else {
                throw ValidationError("counts differ between runs")
            }
            if nextA.seconds < bestA.seconds { bestA = nextA }
            if nextB.seconds < bestB.seconds { bestB = nextB }
        }
        return (bestA, bestB)
    }

    static func rate(_ bytes: Double, _ seconds: Double) -> String {
        String(format: "%.0f", bytes / seconds / 1_000_000)
    }

    /// How a command reports its count.
    enum Output {
        /// It prints the count.
        case count
        /// It prints one line per match.
        case lines
        /// It prints metrics in Prometheus' text format; the count is this metric's value.
        case metric(String)
    }

    /// Runs a command, returning its wall time and the count it reported.
    static func command(_ arguments: [String], output: Output = .count, environment: [String: String] = [:]) throws
        -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardError = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        var lines = 0
        var text = Data()
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            if case .lines = output { lines += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } } else { text.append(chunk) }
        }
        process.waitUntilExit()
        let seconds = (clock.now - start).seconds
        let printed = String(decoding: text, as: UTF8.self)
        let count: Int
        switch output {
        case .lines: count = lines
        case .count: count = Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        case .metric(let name):
            // `name{labels} value`, one sample per line; comment lines start with `#`.
            let sample = printed.split(separator: "\n").first { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            count = sample.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }.map { Int($0) } ?? -1
        }
        return Result(seconds: seconds, count: count)
    }

    static func inProcess(_ path: String, _ set: FilterSet) throws -> Result {
        var counter = FilterSet.Counter(set)
        let clock = ContinuousClock()
        let start = clock.now
        try LineReader.forEachChunk(path) { set.countMatches(in: $0, counter: &counter) }
        return Result(seconds: (clock.now - start).seconds, count: counter.counts.reduce(0, +))
    }

    static func firstChunk(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path), let data = try handle.read(upToCount: 4 << 20) else {
            return []
        }
        let bytes = [UInt8](data)
        guard let last = bytes.lastIndex(of: 10) else { return bytes }
        return Array(bytes[...last])
    }
}

/// What the benchmark ran on.
enum Machine {
    static var description: String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown cpu"
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
