import Foundation
import Testing
import VigilMetrics
import VigilStore
import VigilTestSupport

/// `vigil serve` driven by the real clients: boto3 and the aws CLI (pinned, installed by
/// scripts/python-clients.sh, which the test command runs) against the binary on a loopback port.
struct ServeEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The python with boto3 and awscli (``TestPython/path``).
    static var python: String? { TestPython.path }

    /// A running server on a free loopback port over a new data directory.
    final class Server {
        var process: Process
        let port: Int
        let directory: String
        var endpoint: String { "http://127.0.0.1:\(port)" }

        /// `arguments` are added to `serve`'s own.
        init(_ arguments: [String] = []) async throws {
            directory = NSTemporaryDirectory() + "vigil-serve-\(UUID().uuidString)"
            var attempt = 0
            while true {
                // A port the kernel just found free (bound to port 0, then released): a random one could be
                // another test's server, which a slow start here would not reveal within the wait below.
                let port = Self.freePort() ?? Int.random(in: 20_000..<60_000)
                let p = Process()
                p.executableURL = CLITests.binary
                p.arguments = ["serve", "--data-dir", directory, "--listen", "127.0.0.1:\(port)"] + arguments
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                // A port in use ends the process at once; otherwise it serves.
                try await Task.sleep(for: .milliseconds(300))
                attempt += 1
                if p.isRunning || attempt == 10 {
                    self.port = port
                    self.process = p
                    return
                }
            }
        }

        /// A loopback port no socket holds now.
        static func freePort() -> Int? {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
        }

        /// A new server on the same data directory and port, once this one has stopped.
        func restart() throws {
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = ["serve", "--data-dir", directory, "--listen", "127.0.0.1:\(port)"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            process = p
        }

        func stop() async {
            if process.isRunning {
                process.terminate()
                await expectExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Waits for the server to exit after `signal` was sent: SIGTERM drains and stops within seconds
        /// (live-tail sessions end, requests finish), so one still running after 30 s is a shutdown bug,
        /// reported, and killed so that the run goes on.
        func expectExit(after signal: String = "SIGTERM") async {
            let stopped = await process.exited(within: 30)
            #expect(stopped, "vigil serve on port \(port) was still running 30 s after \(signal)")
        }
    }

    /// Runs `body` with a new server (started with `arguments`), which is stopped after it, however it ends.
    static func withServer<T>(_ arguments: [String] = [], _ body: (Server) async throws -> T) async throws -> T {
        let server = try await Server(arguments)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Runs a client script of Tests/Clients against a new server (started with `serverArguments`); the
    /// script must end with `ok`. `then` sees the server before it is stopped.
    static func expectOK(
        _ script: String, arguments: [String] = [], serverArguments: [String] = [],
        then: (Server) async throws -> Void = { _ in }
    ) async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer(serverArguments) { server in
            let r = try await Self.run(python, [Self.root + "/Tests/Clients/" + script, server.endpoint] + arguments)
            #expect(r.status == 0 && r.output.hasSuffix("ok\n"), "\(r.output)")
            try await then(server)
        }
    }

    /// Returns once the server answers its health check (the clients' own `wait_for`).
    static func waitUntilServing(_ server: Server, _ python: String) async throws {
        let clients = Self.root + "/Tests/Clients"
        let ready = try await Self.run(
            python,
            [
                "-c",
                "import sys; sys.path.insert(0, '\(clients)'); import vigil_clients; vigil_clients.wait_for('\(server.endpoint)')",
            ])
        #expect(ready.status == 0, "\(ready.output)")
    }

    /// Runs the aws CLI at `path` against `server` with throwaway credentials, waiting out the server's
    /// start (the CLI retries refused connections only a few times).
    static func aws(_ path: String, _ server: Server, _ arguments: [String]) async throws -> (
        status: Int32, output: String
    ) {
        let env = [
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        ]
        var last: (status: Int32, output: String) = (0, "")
        for _ in 0..<50 {
            last = try await run(path, ["--endpoint-url", server.endpoint] + arguments, environment: env)
            if !last.output.contains("Could not connect") { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (
        status: Int32, output: String
    ) {
        try await ChildProcess.run(executable, arguments, environment: environment)
    }

    @Test(
        "boto3 and a webhook receiver: topics, the confirmation flow, signed notifications with SNS's headers, raw delivery, an alarm's message, retries"
    )
    func boto3SNS() async throws {
        try await Self.expectOK("sns_e2e.py")
    }

    @Test("boto3 runs every CloudWatch Logs operation, with modeled exceptions and pagination to the end")
    func boto3Logs() async throws {
        try await Self.expectOK("logs_e2e.py")
    }

    @Test(
        "StartLiveTail through boto3, the aws CLI and a frame decoder of the test's own: refusals, the filter, arrival within 100 ms, an update every second, 500 events a second, a Host with the SDKs' stream- prefix"
    )
    func liveTail() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.expectOK(
            "live_tail_e2e.py", arguments: ["--aws", (python as NSString).deletingLastPathComponent + "/aws"])
    }

    @Test(
        "GET /_vigil/tail through curl: events as they are written, a reconnect with Last-Event-ID or ?since= that sees every event exactly once, refusals"
    )
    func liveTailServerSentEvents() async throws {
        try await Self.expectOK("live_tail_sse_e2e.py")
    }

    @Test(
        "aws logs tail's own protocol (FilterLogEvents interleaved, paginated; --follow's polling from the newest timestamp with eventId dedup) shows every event once"
    )
    func awsLogsTail() async throws {
        try await Self.expectOK("aws_logs_tail_e2e.py")
    }

    @Test(
        "vigil tail --endpoint-url: the filtered history, then --follow through a SIGKILL and restart of the server, every event once, and Ctrl-C exits 0"
    )
    func remoteTail() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        let work = NSTemporaryDirectory() + "vigil-remote-tail-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let r = try await Self.run(
            python, [Self.root + "/Tests/Clients/remote_tail_e2e.py", CLITests.binary.path, work])
        #expect(r.status == 0 && r.output.hasSuffix("ok\n"), "\(r.output)")
    }

    @Test("with --live-tail-max-session 2s a session ends with SessionTimeoutException after two seconds")
    func liveTailTimeout() async throws {
        try await Self.expectOK("live_tail_timeout_e2e.py", serverArguments: ["--live-tail-max-session", "2s"])
    }

    @Test(
        "SIGTERM ends an open live tail at once with SessionStreamingException, and an open SSE stream with its comment, and the server exits 0"
    )
    func liveTailShutdown() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in
            let r = try await Self.run(
                python,
                [
                    Self.root + "/Tests/Clients/live_tail_shutdown_e2e.py", server.endpoint,
                    "\(server.process.processIdentifier)",
                ])
            #expect(r.status == 0 && r.output.hasSuffix("ok\n"), "\(r.output)")
            await server.expectExit()
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        }
    }

    /// The protocols of CloudWatch's model that boto3 is made to speak (botocore's default is awsJson 1.0).
    static let cloudWatchProtocols = ["json", "query", "smithy-rpc-v2-cbor"]

    @Test(
        "boto3 runs every CloudWatch operation on each protocol of its model, with modeled exceptions and pagination",
        arguments: cloudWatchProtocols)
    func boto3CloudWatch(_ protocolName: String) async throws {
        try await Self.expectOK("cloudwatch_e2e.py", arguments: [protocolName])
    }

    @Test(
        "GET /metrics is Prometheus text: requests by operation and status, latency histograms, events ingested and filter matches as sent"
    )
    func prometheusMetrics() async throws {
        try await Self.expectOK("metrics_e2e.py")
    }

    @Test(
        "the server's scheduler moves a breaching alarm to ALARM at the next minute, counted in /metrics; SIGTERM exits 0"
    )
    func alarmFires() async throws {
        try await Self.expectOK("alarm_fires_e2e.py") { server in
            server.process.terminate()
            await server.expectExit()
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        }
    }

    @Test(
        "SIGKILL during PutLogEvents from four clients, then a restart: every acknowledged batch is stored once, nothing twice, metric sums equal the matching events"
    )
    func crashDuringIngest() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in try await Self.ingestThroughAKill(server, python: python) }
    }

    /// ``crashDuringIngest()`` on `server` (a function of its own: as a closure, its body crashed the
    /// compiler's SendNonSendable pass in Swift 6.3.1).
    static func ingestThroughAKill(_ server: Server, python: String) async throws {
        let ackPath = server.directory + "-ack.txt"
        defer { try? FileManager.default.removeItem(atPath: ackPath) }
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: python)
        writer.arguments = [Self.root + "/Tests/Clients/put_stream_e2e.py", server.endpoint, ackPath, "4"]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        // Let the clients get going, then kill the server without warning.
        let acknowledged = { @Sendable in
            (try? String(contentsOfFile: ackPath, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
        for _ in 0..<200 where acknowledged().count < 40 { try await Task.sleep(for: .milliseconds(50)) }
        kill(server.process.processIdentifier, SIGKILL)
        await server.process.exited()
        await writer.exited()
        let acked = acknowledged()
        #expect(acked.count >= 40, "the clients had acknowledged batches before the kill")
        // Restart on the same data directory: it serves again, and the store holds what was acknowledged.
        try server.restart()
        let store = try SQLiteLogStore(path: server.directory + "/vigil.db")
        let events = try await store.events(group: "crash", EventQuery(limit: 20_000_000))
        let messages = events.map { String(decoding: $0.message, as: UTF8.self) }
        #expect(Set(messages).count == messages.count, "no event is stored twice")
        var batches: [String: Int] = [:]
        for m in messages {
            let parts = m.split(separator: " ")
            if parts.count == 4 { batches["\(parts[1]) \(parts[2])", default: 0] += 1 }
        }
        for batch in acked { #expect(batches[batch] == 100, "acknowledged batch \(batch) is stored whole") }
        #expect(batches.values.allSatisfy { $0 == 100 }, "a batch is stored whole or not at all")
        let errors = messages.filter { $0.hasPrefix("ERROR") }.count
        let sums = try await store.aggregates(
            MetricKey(namespace: "Crash", name: "Errors"), start: 0, end: Int64.max / 2, highResolution: false)
        #expect(sums.map { $0.1.sum }.reduce(0, +) == Double(errors))
    }

    @Test(
        "SIGKILL during a burst of 10,000 deliveries to a slow receiver, then a restart: every message reaches every subscriber"
    )
    func crashDuringDelivery() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in
            // The script kills the server itself once 2,000 deliveries have arrived; this restarts it.
            let receiver = Process()
            receiver.executableURL = URL(fileURLWithPath: python)
            receiver.arguments = [
                Self.root + "/Tests/Clients/notify_crash_e2e.py", server.endpoint,
                "\(server.process.processIdentifier)",
            ]
            let output = Pipe()
            receiver.standardOutput = output
            receiver.standardError = output
            try receiver.run()
            for _ in 0..<2400 {
                guard server.process.isRunning, receiver.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let killed = !server.process.isRunning && server.process.terminationReason == .uncaughtSignal
            if killed { try server.restart() }
            let text = String(decoding: await output.fileHandleForReading.dataToEnd(), as: UTF8.self)
            await receiver.exited()
            #expect(killed, "the server was killed by the receiver")
            #expect(receiver.terminationStatus == 0 && text.contains("ok\n"), "\(text)")
        }
    }

    static let credentials = """
        [admin]
        aws_access_key_id = AKIAVIGILADMIN000001
        aws_secret_access_key = admin/secret+key

        [ingest]
        aws_access_key_id = AKIAVIGILINGEST00001
        aws_secret_access_key = ingest-secret
        allowed_actions = logs:PutLogEvents, logs:CreateLogStream, cloudwatch:PutMetricData
        """

    @Test(
        "with --credentials every request is checked: boto3 signing with a listed key is let in, a wrong secret, an unknown key, no signature or a tampered presigned URL is refused, allowed actions bound a key"
    )
    func signatureVersion4() async throws {
        let file = NSTemporaryDirectory() + "vigil-credentials-\(UUID().uuidString)"
        try Self.credentials.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await Self.expectOK("auth_e2e.py", serverArguments: ["--credentials", file])
    }

    @Test(
        "an address other machines reach needs --credentials or --allow-anonymous; a bad credentials file names its line"
    )
    func listeningBeyondLoopback() async throws {
        let refused = try await Self.run(CLITests.binary.path, ["serve", "--listen", "0.0.0.0:4599"])
        #expect(refused.status == 64 && refused.output.contains("give --credentials FILE"), "\(refused.output)")
        let file = NSTemporaryDirectory() + "vigil-credentials-\(UUID().uuidString)"
        try "[a]\naws_access_key_id = A\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let bad = try await Self.run(
            CLITests.binary.path, ["serve", "--listen", "0.0.0.0:4599", "--credentials", file])
        #expect(
            bad.status == 64 && bad.output.contains("\(file):1: [a] has no aws_secret_access_key."), "\(bad.output)")
        let both = try await Self.run(
            CLITests.binary.path, ["serve", "--credentials", file, "--allow-anonymous"])
        #expect(both.status == 64 && both.output.contains("contradict"), "\(both.output)")
    }

    @Test(
        "requests spanning a restart: botocore's retries carry a call over the server's absence, and a page token from before pages on after"
    )
    func spanningARestart() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in
            let tokenFile = server.directory + "-token"
            defer { try? FileManager.default.removeItem(atPath: tokenFile) }
            let script = Self.root + "/Tests/Clients/restart_e2e.py"
            let before = try await Self.run(python, [script, server.endpoint, "before", tokenFile])
            #expect(before.status == 0 && before.output.hasSuffix("ok\n"), "\(before.output)")
            server.process.terminate()
            await server.expectExit()
            // The client starts while nothing listens; the server comes back a second later.
            let after = Process()
            after.executableURL = URL(fileURLWithPath: python)
            after.arguments = [script, server.endpoint, "after", tokenFile]
            let pipe = Pipe()
            after.standardOutput = pipe
            after.standardError = pipe
            try after.run()
            try await Task.sleep(for: .seconds(1))
            try server.restart()
            let output = String(decoding: await pipe.fileHandleForReading.dataToEnd(), as: UTF8.self)
            await after.exited()
            #expect(after.terminationStatus == 0 && output.hasSuffix("ok\n"), "\(output)")
        }
    }

    @Test("a body that trickles in slower than --read-timeout is answered 408 in time, and others are served meanwhile")
    func slowBody() async throws {
        try await Self.expectOK("slow_body_e2e.py", serverArguments: ["--read-timeout", "2"])
    }

    @Test("SIGTERM waits for the request in flight; a second SIGTERM exits at once")
    func secondSignal() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in
            try await Self.waitUntilServing(server, python)
            // A request in flight: its head sent, its body not (the server waits up to --read-timeout for it).
            let slow = Process()
            slow.executableURL = URL(fileURLWithPath: python)
            slow.arguments = [
                "-c",
                "import socket, time; s = socket.create_connection(('127.0.0.1', \(server.port))); s.sendall(b'POST / HTTP/1.1\\r\\nHost: x\\r\\nX-Amz-Target: Logs_20140328.DescribeLogGroups\\r\\nContent-Length: 100\\r\\n\\r\\n{'); time.sleep(60)",
            ]
            try slow.run()
            defer { slow.terminate() }
            try await Task.sleep(for: .milliseconds(500))
            kill(server.process.processIdentifier, SIGTERM)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(server.process.isRunning, "the first SIGTERM waits for the request in flight")
            let second = ContinuousClock.now
            kill(server.process.processIdentifier, SIGTERM)
            await server.expectExit(after: "a second SIGTERM")
            // Waiting for the request would take until its body read timeout (30 s), 28 s from here.
            #expect(ContinuousClock.now - second < .seconds(15))
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 128 + SIGTERM)
        }
    }

    @Test("a port in use is one line naming it, without the usage text")
    func portInUse() async throws {
        let python = try #require(Self.python, "boto3 is not installed: run scripts/python-clients.sh")
        try await Self.withServer { server in
            try await Self.waitUntilServing(server, python)
            // `timeout` keeps a second server that did start (it must not) from hanging the test.
            let second = try await Self.run(
                "/usr/bin/timeout",
                [
                    "10", CLITests.binary.path, "serve", "--data-dir", server.directory + "-second", "--listen",
                    "127.0.0.1:\(server.port)",
                ])
            defer { try? FileManager.default.removeItem(atPath: server.directory + "-second") }
            #expect(second.status == 1, "\(second.output)")
            #expect(
                second.output.contains("port \(server.port) on 127.0.0.1 is in use by another process."),
                "\(second.output)"
            )
            #expect(!second.output.contains("Usage"), "\(second.output)")
        }
    }

    @Test("the aws CLI talks to it unmodified with --endpoint-url")
    func awsCLI() async throws {
        let python = try #require(Self.python, "the aws CLI is not installed: run scripts/python-clients.sh")
        let awsPath = (python as NSString).deletingLastPathComponent + "/aws"
        try await Self.withServer { server in
            func aws(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await Self.aws(awsPath, server, arguments)
            }
            let identity = try await aws(["sts", "get-caller-identity"])
            #expect(
                identity.status == 0 && identity.output.contains(#""Account": "123456789012""#), "\(identity.output)")
            #expect(try await aws(["logs", "create-log-group", "--log-group-name", "cli"]).status == 0)
            let described = try await aws(["logs", "describe-log-groups"])
            #expect(
                described.status == 0 && described.output.contains(#""logGroupName": "cli""#), "\(described.output)")
            let alarm = try await aws([
                "cloudwatch", "put-metric-alarm", "--alarm-name", "cli", "--metric-name", "Errors", "--namespace",
                "App",
                "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                "--comparison-operator", "GreaterThanThreshold",
            ])
            #expect(alarm.status == 0, "\(alarm.output)")
            let alarms = try await aws(["cloudwatch", "describe-alarms", "--alarm-names", "cli"])
            #expect(alarms.output.contains(#""StateValue": "INSUFFICIENT_DATA""#), "\(alarms.output)")
            let bad = try await aws([
                "cloudwatch", "set-alarm-state", "--alarm-name", "nope", "--state-value", "OK", "--state-reason", "x",
            ])
            #expect(
                bad.status == 255
                    && bad.output.contains(
                        "An error occurred (ResourceNotFound) when calling the SetAlarmState operation: The alarm nope does not exist."
                    ), "\(bad.output)")
            let missing = try await aws(["logs", "describe-log-streams", "--log-group-name", "nope"])
            #expect(
                missing.status == 255
                    && missing.output.contains(
                        "An error occurred (ResourceNotFoundException) when calling the DescribeLogStreams operation: The specified log group does not exist."
                    ), "\(missing.status) \(missing.output)")
        }
    }
}
