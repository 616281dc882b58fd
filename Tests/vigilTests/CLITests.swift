import Foundation
import Testing
import VigilTestSupport

/// End-to-end tests of the real `vigil` binary.
struct CLITests {
    /// The built `vigil`, next to the test bundle.
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("vigil").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("vigil")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `arguments` on a Dispatch thread (waiting for a process must not hold one of
    /// the few threads every async test shares).
    func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try self.runBlocking(arguments, stdin: stdin) })
            }
        }
    }

    func runBlocking(_ arguments: [String], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // No run of the CLI in these tests takes minutes: one that does is hung, and fails rather than hangs.
        let watchdog = Watchdog(process, seconds: 300)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self) + watchdog.verdict)
    }

    /// Runs `arguments` against the store in `dataDirectory`, expects exit status 0, returns standard output.
    func output(_ arguments: [String], dataDirectory: String) async throws -> String {
        let r = try await run(arguments + ["--data-dir", dataDirectory])
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return r.stdout
    }

    @Test("test-pattern prints the aws logs test-metric-filter JSON")
    func testPattern() async throws {
        let r = try await run([
            "test-pattern", "--filter-pattern", "{ $.eventName = ConsoleLogin }",
            "--log-event-messages", #"{"eventName":"ConsoleLogin"}"#, #"{"eventName":"Other"}"#,
        ])
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                {
                    "matches": [
                        {
                            "eventNumber": 1,
                            "eventMessage": "{\\"eventName\\":\\"ConsoleLogin\\"}",
                            "extractedValues": {}
                        }
                    ]
                }

                """)
    }

    @Test("test-pattern reads messages from standard input with --log-events-file -")
    func testPatternStdin() async throws {
        let r = try await run(
            ["test-pattern", "--filter-pattern", "[a, b > 2]", "--log-events-file", "-"], stdin: "x 1\ny 3\n")
        #expect(r.status == 0)
        #expect(
            r.stdout.contains("\"eventNumber\": 2") && r.stdout.contains("\"$b\": \"3\"")
                && !r.stdout.contains("\"eventNumber\": 1"))
    }

    @Test(
        "an empty pattern, written --filter-pattern= as scripts do, matches every event; a value after = is kept",
        arguments: [
            (["--filter-pattern="], 2), (["--filter-pattern", ""], 2), (["--filter-pattern=-DEBUG"], 1),
            (["--filter-pattern=a=b"], 0),
        ])
    func emptyPattern(_ pattern: [String], _ matches: Int) async throws {
        let r = try await run(["test-pattern"] + pattern + ["--log-event-messages", "INFO one", "DEBUG two"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "\"eventNumber\"").count - 1 == matches, "\(r.stdout)")
    }

    @Test("an invalid pattern exits non-zero with the AWS error name and the position")
    func invalidPattern() async throws {
        let r = try await run(["test-pattern", "--filter-pattern", "{ $.eventName }", "--log-event-messages", "x"])
        #expect(r.status == 254)
        #expect(r.stdout.isEmpty)
        #expect(
            r.stderr.contains(
                "An error occurred (InvalidParameterException) when calling the TestMetricFilter operation: expected a comparison operator after '$.eventName' at 14"
            ))
        #expect(r.stderr.contains("{ $.eventName }\n              ^"))
    }

    @Test("match prints matching lines, or their count, like grep")
    func match() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-match-\(UUID().uuidString).log")
        try "ERROR WARN message\nERROR message\nWARN message\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let lines = try await run(["match", "--filter-pattern", "ERROR -WARN", file.path])
        #expect(lines.status == 0 && lines.stdout == "ERROR message\n")
        let count = try await run(["match", "--filter-pattern", "?ERROR ?WARN", "--count", file.path])
        #expect(count.status == 0 && count.stdout == "3\n")
        let none = try await run(["match", "--filter-pattern", "FATAL", "--count"], stdin: "ERROR\n")
        #expect(none.status == 1 && none.stdout == "0\n")
    }
}
