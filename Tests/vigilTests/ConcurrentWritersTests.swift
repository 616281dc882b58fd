import Foundation
import Testing
import VigilMetrics
import VigilStore
import VigilTestSupport

/// Several vigil processes writing to one data directory at once wait their turn: none fails, nothing is
/// lost or stored twice (SQLite allows one writer at a time; the others must wait, not exit).
struct ConcurrentWritersTests {
    /// Seconds the writers run: 30 by default, `VIGIL_CONCURRENCY_SECONDS` to soak longer.
    static let seconds = Double(ProcessInfo.processInfo.environment["VIGIL_CONCURRENCY_SECONDS"] ?? "") ?? 30

    @Test("three ingest file --follow and a loop of put-metric-data, for 30 s on one data directory")
    func fourWriters() async throws {
        let dir = NSTemporaryDirectory() + "vigil-writers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = CLITests()
        let filter = try await cli.run([
            "logs", "put-metric-filter", "--data-dir", dir, "--log-group-name", "app", "--filter-name", "errors",
            "--filter-pattern", "ERROR", "--metric-transformations",
            #"[{"metricName":"Errors","metricNamespace":"App","metricValue":"1"}]"#,
        ])
        #expect(filter.status == 0, "\(filter.stderr)")

        let streams = ["a", "b", "c"]
        var followers: [(process: Process, output: Pipe, errors: Pipe)] = []
        for name in streams {
            let path = dir + "/\(name).log"
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let process = Process()
            process.executableURL = CLITests.binary
            process.arguments = [
                "ingest", "file", "--follow", "--data-dir", dir, "--log-group", "app", "--log-stream", name, path,
            ]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            followers.append((process, output, errors))
        }

        // Appenders: each file grows by a burst of lines every few milliseconds, a third of them errors;
        // meanwhile a fourth process after another publishes a datapoint.
        let deadline = Date().addingTimeInterval(Self.seconds)
        async let publishing = Self.publish(until: deadline, dir: dir)
        let written = try await withThrowingTaskGroup(of: (String, Int, Int).self) { group in
            for name in streams {
                group.addTask {
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/\(name).log"))
                    defer { try? handle.close() }
                    var lines = 0
                    var errors = 0
                    while Date() < deadline {
                        var burst = ""
                        for _ in 0..<20 {
                            let isError = lines % 3 == 0
                            burst += "\(name) \(lines) \(isError ? "ERROR" : "INFO") request\n"
                            lines += 1
                            errors += isError ? 1 : 0
                        }
                        try handle.write(contentsOf: Data(burst.utf8))
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return (name, lines, errors)
                }
            }
            var totals: [String: (lines: Int, errors: Int)] = [:]
            for try await (name, lines, errors) in group { totals[name] = (lines, errors) }
            return totals
        }
        let (published, failures) = try await publishing
        #expect(failures.isEmpty, "put-metric-data failed \(failures.count) times: \(failures.first ?? "")")

        let store = try SQLiteLogStore(path: dir + "/vigil.db")
        let expected = written.values.reduce(0) { $0 + $1.lines }
        for _ in 0..<2_000 {
            let stored = try await store.events(group: "app", EventQuery(limit: 10_000_000)).count
            if stored >= expected { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        for follower in followers {
            #expect(follower.process.isRunning, "a follower exited while the others wrote")
            kill(follower.process.processIdentifier, SIGTERM)
        }
        for follower in followers {
            let errors = String(decoding: await follower.errors.fileHandleForReading.dataToEnd(), as: UTF8.self)
            _ = await follower.output.fileHandleForReading.dataToEnd()
            await follower.process.exited()
            #expect(follower.process.terminationStatus == 0, "\(errors)")
            #expect(!errors.contains("SQLite error"), "\(errors)")
        }
        for name in streams {
            let events = try await store.events(group: "app", EventQuery(streamNames: [name], limit: 10_000_000))
            let lines = events.map { String(decoding: $0.message, as: UTF8.self) }
            let want = (0..<(written[name]?.lines ?? 0)).map {
                "\(name) \($0) \($0 % 3 == 0 ? "ERROR" : "INFO") request"
            }
            #expect(lines.count == want.count, "stream \(name)")
            // The first line out of place or twice, if any (printing whole arrays would bury it).
            let misplaced = zip(lines, want).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(misplaced == nil, "stream \(name): line \(misplaced?.offset ?? -1) is out of place")
        }
        let errors = try await store.aggregates(
            MetricKey(namespace: "App", name: "Errors"), start: 0, end: .max, highResolution: false)
        #expect(errors.map(\.1.sum).reduce(0, +) == Double(written.values.reduce(0) { $0 + $1.errors }))
        let puts = try await store.aggregates(
            MetricKey(namespace: "Load", name: "Puts"), start: 0, end: .max, highResolution: false)
        #expect(puts.map(\.1.sum).reduce(0, +) == Double(published))
        #expect(published > 0)
    }

    /// Runs `put-metric-data` one process after another until `deadline`: how many succeeded, and the
    /// errors of those that did not.
    static func publish(until deadline: Date, dir: String) async throws -> (Int, [String]) {
        let cli = CLITests()
        var published = 0
        var failures: [String] = []
        while Date() < deadline {
            let put = try await cli.run([
                "metrics", "put-metric-data", "--data-dir", dir, "--namespace", "Load", "--metric-name", "Puts",
                "--value", "1",
            ])
            if put.status == 0 { published += 1 } else { failures.append(put.stderr) }
        }
        return (published, failures)
    }
}
