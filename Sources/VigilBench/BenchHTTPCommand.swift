public import ArgumentParser
import Foundation
import Synchronization
import VigilAPI
import VigilPatterns
import VigilService
import VigilStore
import VigilWire

#if canImport(Glibc)
    import Glibc
#endif

/// `vigil bench http`: signed PutLogEvents over HTTP to a `vigil serve` process (batches of 100 and
/// 1,000 events, 1, 4 and 16 connections, 0 and 10 metric filters), the same load to moto's server when
/// it is installed, and in-process ingest (`LogsService.putLogEvents`) of the same batches, all in one
/// run; then the latency of small requests and of GetMetricStatistics under ingest.
public struct BenchHTTPCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "http",
        abstract:
            "Measure signed PutLogEvents over HTTP (events/s, p50/p99) against moto's server and in-process ingest, in one run.",
        discussion: """
            moto is measured when --moto-python names a python with moto[server] installed \
            (scripts/bench-http.sh installs it under .build/py-bench and passes it).
            """
    )

    @Option(name: .customLong("events"), help: "Events per Vigil case.")
    var events = 100_000

    @Option(name: .customLong("moto-events"), help: "Events per moto case (moto is far slower).")
    var motoEvents = 10_000

    @Option(name: .customLong("small-requests"), help: "Sequential one-event PutLogEvents for the latency case.")
    var smallRequests = 10_000

    @Option(name: .customLong("moto-python"), help: "A python with moto[server] installed.")
    var motoPython: String?

    @Option(name: .customLong("data-dir"), help: "Where the servers' data is written (and removed).")
    var dataDirectory = "bench-data"

    public func validate() throws {
        guard events >= 16_000 else { throw ValidationError("--events must be at least 16000.") }
        guard motoEvents >= 1_000 else { throw ValidationError("--moto-events must be at least 1000.") }
        guard smallRequests >= 100 else { throw ValidationError("--small-requests must be at least 100.") }
    }

    static let key = AccessCredentials.Key(
        name: "bench", accessKeyID: "AKIAVIGILBENCH000001", secret: "bench/secret+key")
    static let signer = SigV4Signer(
        accessKeyID: key.accessKeyID, secret: key.secret, region: "us-east-1", service: "logs")
    static let connectionCounts = [1, 4, 16]
    static let batchSizes = [100, 1_000]

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var rng = BenchCorpus.Generator(seed: 2026)
        var line = ""
        Self.progress("making \(events) application lines")
        let messages: [[UInt8]] = (0..<events).map { n in
            line.removeAll(keepingCapacity: true)
            BenchCorpus.application(&rng, n, into: &line)
            return Array(line.utf8)
        }
        let average = messages.reduce(0) { $0 + $1.count } / messages.count
        print(
            "vigil bench http: PutLogEvents signed with SigV4 over HTTP/1.1 keep-alive (a thread and a connection per client), application lines of \(average) bytes; server and clients share \(Machine.description)"
        )
        let filters = Array(BenchIngestCommand.applicationFilters.prefix(10))

        // In-process: the same batches through LogsService, the ceiling HTTP is compared with.
        var inProcess: [String: Double] = [:]
        for filterCount in [0, 10] {
            for size in Self.batchSizes {
                Self.progress("in-process, \(filterCount) filters, \(size) per batch")
                inProcess["\(filterCount)/\(size)"] = try await inProcessRate(
                    messages, now: now, batch: size, filters: Array(filters.prefix(filterCount)))
            }
        }
        print("in-process LogsService.putLogEvents, events/s:")
        for filterCount in [0, 10] {
            print(
                "  \(filterCount) filters: "
                    + Self.batchSizes.map { "\($0)/batch \(Int(inProcess["\(filterCount)/\($0)"] ?? 0))" }.joined(
                        separator: ", "))
        }

        var moto: [String: Double] = [:]
        if let motoPython {
            let server = try MotoServer(python: motoPython)
            defer { server.stop() }
            print("\nmoto server (\(server.version)), \(motoEvents) events per case, 0 filters:")
            print(pad("case", 30) + pad("events/s", 12) + pad("p50 ms", 10) + "p99 ms")
            for size in Self.batchSizes {
                for connections in Self.connectionCounts {
                    Self.progress("moto, \(size) per batch, \(connections) connections")
                    let result = try Self.load(
                        port: server.port, group: "moto-\(size)-\(connections)", filters: [], messages: messages,
                        count: motoEvents, now: now, batch: size, connections: connections)
                    moto["\(size)/\(connections)"] = result.rate
                    print(
                        pad("\(size)/batch, \(connections) conn", 30) + pad(String(Int(result.rate)), 12)
                            + pad(Self.ms(result.p50), 10) + Self.ms(result.p99))
                }
            }
        } else {
            print("\nmoto: not measured (pass --moto-python, or run scripts/bench-http.sh)")
        }

        for filterCount in [0, 10] {
            let server = try VigilServer(directory: dataDirectory + "/bench-http-\(filterCount)")
            defer { server.stop() }
            print("\nvigil serve, \(events) events per case, \(filterCount) metric filters:")
            print(
                pad("case", 30) + pad("events/s", 12) + pad("p50 ms", 10) + pad("p99 ms", 10) + pad("× moto", 10)
                    + "of in-process")
            for size in Self.batchSizes {
                for connections in Self.connectionCounts {
                    Self.progress("vigil, \(filterCount) filters, \(size) per batch, \(connections) connections")
                    let result = try Self.load(
                        port: server.port, group: "vigil-\(size)-\(connections)",
                        filters: Array(filters.prefix(filterCount)), messages: messages, count: events, now: now,
                        batch: size, connections: connections)
                    let versusMoto =
                        moto["\(size)/\(connections)"].map { String(format: "%.0f×", result.rate / $0) } ?? "-"
                    let share = result.rate / (inProcess["\(filterCount)/\(size)"] ?? .infinity)
                    print(
                        pad("\(size)/batch, \(connections) conn", 30) + pad(String(Int(result.rate)), 12)
                            + pad(Self.ms(result.p50), 10) + pad(Self.ms(result.p99), 10) + pad(versusMoto, 10)
                            + String(format: "%.0f%%", share * 100))
                }
            }
            if filterCount == 0 {
                Self.progress("vigil, \(smallRequests) one-event requests")
                let small = try smallLatency(port: server.port, now: now, count: smallRequests)
                print(
                    "\none-event PutLogEvents, \(smallRequests) sequential on one connection: p50 \(Self.ms(small.p50)) ms, p99 \(Self.ms(small.p99)) ms"
                )
            } else {
                Self.progress("vigil, GetMetricStatistics idle and under ingest")
                let (idle, busy) = try statisticsUnderLoad(
                    port: server.port, filters: Array(filters.prefix(filterCount)), messages: messages, now: now)
                print(
                    "\nGetMetricStatistics (one metric, 1 hour of 1-minute periods): idle p50 \(Self.ms(idle.p50)) ms, p99 \(Self.ms(idle.p99)) ms; under 4 connections of 1,000-event ingest p50 \(Self.ms(busy.p50)) ms, p99 \(Self.ms(busy.p99)) ms"
                )
            }
        }
        try? FileManager.default.removeItem(atPath: dataDirectory + "/bench-http-0")
        try? FileManager.default.removeItem(atPath: dataDirectory + "/bench-http-10")
    }

    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

    /// One line on standard error saying what is being measured.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("vigil bench http: \(text)\n".utf8))
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }

    // MARK: the cases

    struct LoadResult {
        let rate: Double
        let p50: Double
        let p99: Double
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// `count` events in batches of `batch`, spread over `connections` connections (a stream each), every
    /// request built and signed before the clock starts.
    static func load(
        port: Int, group: String, filters: [String], messages: [[UInt8]], count: Int, now: Int64, batch: Int,
        connections: Int, setUp: Bool = true
    ) throws -> LoadResult {
        // The setup's connection is closed before the load starts (moto serves one connection at a time).
        if setUp { try Self.setUp(port: port, group: group, streams: connections, filters: filters) }
        var requests: [[[UInt8]]] = Array(repeating: [], count: connections)
        var start = 0
        var k = 0
        let signedAt = Date()
        while start < count {
            let end = min(count, start + batch)
            let stream = "s\(k % connections)"
            requests[k % connections].append(
                Self.putLogEvents(
                    group: group, stream: stream, messages[start..<end], first: start, now: now, port: port,
                    at: signedAt))
            start = end
            k += 1
        }
        let (seconds, latencies) = try Self.drive(port: port, requests)
        return LoadResult(
            rate: Double(count) / seconds, p50: Self.percentile(latencies, 0.5), p99: Self.percentile(latencies, 0.99))
    }

    /// The group, a stream per connection and the metric filters, over a connection of their own.
    static func setUp(port: Int, group: String, streams: Int, filters: [String]) throws {
        let setup = try HTTPLoadConnection(port: port)
        try call(setup, port, "CreateLogGroup", #"{"logGroupName":"\#(group)"}"#)
        for c in 0..<streams {
            try call(setup, port, "CreateLogStream", #"{"logGroupName":"\#(group)","logStreamName":"s\#(c)"}"#)
        }
        for (n, f) in filters.enumerated() {
            var pattern: [UInt8] = []
            JSONString.append(f, quotedTo: &pattern)
            try call(
                setup, port, "PutMetricFilter",
                #"{"logGroupName":"\#(group)","filterName":"f\#(n)","filterPattern":\#(String(decoding: pattern, as: UTF8.self)),"metricTransformations":[{"metricName":"m\#(n)","metricNamespace":"Bench","metricValue":"1"}]}"#
            )
        }
    }

    func smallLatency(port: Int, now: Int64, count: Int) throws -> LoadResult {
        try Self.setUp(port: port, group: "small", streams: 1, filters: [])
        let message = Array("INFO request handled in 12 ms for customer 42".utf8)
        let signedAt = Date()
        let requests = (0..<count).map {
            Self.putLogEvents(
                group: "small", stream: "s0", [message][...], first: $0, now: now, port: port, at: signedAt)
        }
        let (seconds, latencies) = try Self.drive(port: port, [requests])
        return LoadResult(
            rate: Double(count) / seconds, p50: Self.percentile(latencies, 0.5), p99: Self.percentile(latencies, 0.99))
    }

    /// GetMetricStatistics alone, then while four connections ingest 1,000-event batches.
    func statisticsUnderLoad(port: Int, filters: [String], messages: [[UInt8]], now: Int64) throws -> (
        LoadResult, LoadResult
    ) {
        let query = try HTTPLoadConnection(port: port)
        let start = Double(now) / 1000 - 3600
        let body =
            #"{"Namespace":"Bench","MetricName":"m0","StartTime":\#(start),"EndTime":\#(start + 3660),"Period":60,"Statistics":["Sum","SampleCount"]}"#
        let request = Self.request(
            target: "GraniteServiceVersion20100801.GetMetricStatistics", contentType: "application/x-amz-json-1.0",
            body: Array(body.utf8), port: port, at: Date())
        var idle: [Double] = []
        for _ in 0..<200 {
            let t = ContinuousClock.now
            let reply = try query.exchange(request)
            guard reply.status == 200 else { throw ValidationError("GetMetricStatistics answered \(reply.status)") }
            idle.append((ContinuousClock.now - t).seconds)
        }
        let busy = Mutex<[Double]>([])
        let done = Mutex(false)
        let querying = Thread {
            while !done.withLock({ $0 }) {
                let t = ContinuousClock.now
                guard (try? query.exchange(request))?.status == 200 else { return }
                let elapsed = (ContinuousClock.now - t).seconds
                busy.withLock { $0.append(elapsed) }
            }
        }
        querying.start()
        _ = try Self.load(
            port: port, group: "under-load", filters: filters, messages: messages, count: messages.count, now: now,
            batch: 1_000, connections: 4)
        done.withLock { $0 = true }
        while querying.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
        let samples = busy.withLock { $0 }
        return (
            LoadResult(rate: 0, p50: Self.percentile(idle, 0.5), p99: Self.percentile(idle, 0.99)),
            LoadResult(rate: 0, p50: Self.percentile(samples, 0.5), p99: Self.percentile(samples, 0.99))
        )
    }

    /// The same batches in process: LogsService over a new SQLite store.
    func inProcessRate(_ messages: [[UInt8]], now: Int64, batch: Int, filters: [String]) async throws -> Double {
        let path = dataDirectory + "/bench-http-inprocess.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let service = try await BenchIngestCommand.benchService(path: path, stream: "s", filters: filters)
        let events = messages.enumerated().map {
            NewLogEvent(timestamp: now - Int64(messages.count) + Int64($0.offset), message: $0.element)
        }
        let seconds = try await BenchIngestCommand.time {
            var start = 0
            while start < events.count {
                let end = min(events.count, start + batch)
                try await service.putLogEvents(group: "bench", stream: "s", events: Array(events[start..<end]))
                start = end
            }
        }
        return Double(events.count) / seconds
    }

    // MARK: requests

    static func request(target: String, contentType: String, body: [UInt8], port: Int, at date: Date) -> [UInt8] {
        signed(
            SigV4Request(
                method: "POST", path: "/", query: "",
                headers: [
                    (name: "Host", value: "127.0.0.1:\(port)"), (name: "Content-Type", value: contentType),
                    (name: "X-Amz-Target", value: target),
                ], body: body), at: date)
    }

    /// `request` signed with the bench key, as bytes on the wire (with Content-Length when it has a body).
    static func signed(_ request: SigV4Request, at date: Date) -> [UInt8] {
        var request = request
        signer.sign(&request, at: date)
        let target = request.query.isEmpty ? request.path : request.path + "?" + request.query
        var out = Array("\(request.method) \(target) HTTP/1.1\r\n".utf8)
        for header in request.headers { out += Array("\(header.name): \(header.value)\r\n".utf8) }
        if !request.body.isEmpty || request.method != "GET" {
            out += Array("Content-Length: \(request.body.count)\r\n".utf8)
        }
        out += Array("\r\n".utf8)
        return out + request.body
    }

    /// A signed PutLogEvents of `messages`, timestamps one millisecond apart ending before `now`.
    static func putLogEvents(
        group: String, stream: String, _ messages: ArraySlice<[UInt8]>, first: Int, now: Int64, port: Int, at date: Date
    ) -> [UInt8] {
        var body = Array(#"{"logGroupName":"\#(group)","logStreamName":"\#(stream)","logEvents":["#.utf8)
        for (offset, message) in messages.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"timestamp":\#(now - 600_000 + Int64(first + offset) % 500_000),"message":"#.utf8)
            JSONString.append(String(decoding: message, as: UTF8.self), quotedTo: &body)
            body.append(UInt8(ascii: "}"))
        }
        body += Array("]}".utf8)
        return request(
            target: "Logs_20140328.PutLogEvents", contentType: "application/x-amz-json-1.1", body: body, port: port,
            at: date)
    }

    @discardableResult
    static func call(_ connection: HTTPLoadConnection, _ port: Int, _ operation: String, _ json: String) throws
        -> HTTPLoadConnection.Reply
    {
        let reply = try connection.exchange(
            request(
                target: "Logs_20140328.\(operation)", contentType: "application/x-amz-json-1.1", body: Array(json.utf8),
                port: port, at: Date()))
        guard reply.status == 200 else {
            throw ValidationError(
                "\(operation) answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
        }
        return reply
    }

    /// Sends each connection's requests in order, all connections at once; the wall time and every
    /// request's latency. A request that is not answered 200 with no rejected events stops the run.
    static func drive(port: Int, _ perConnection: [[[UInt8]]]) throws -> (Double, [Double]) {
        let latencies = Mutex<[Double]>([])
        let failure = Mutex<String?>(nil)
        let group = DispatchGroup()
        let clock = ContinuousClock()
        let start = clock.now
        // Each client connects when it starts and only if it has requests: moto's server takes one
        // connection at a time, and an idle one would keep it from the others.
        for requests in perConnection where !requests.isEmpty {
            group.enter()
            Thread {
                defer { group.leave() }
                var mine: [Double] = []
                mine.reserveCapacity(requests.count)
                do {
                    let connection = try HTTPLoadConnection(port: port)
                    for request in requests {
                        let t = clock.now
                        let reply = try connection.exchange(request)
                        guard reply.status == 200,
                            !String(decoding: reply.body, as: UTF8.self).contains("rejectedLogEventsInfo")
                        else {
                            failure.withLock {
                                $0 =
                                    "answered \(reply.status): \(String(decoding: reply.body.prefix(300), as: UTF8.self))"
                            }
                            break
                        }
                        mine.append((clock.now - t).seconds)
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                latencies.withLock { $0 += mine }
            }.start()
        }
        group.wait()
        let seconds = (clock.now - start).seconds
        if let failure = failure.withLock({ $0 }) { throw ValidationError("a request failed: \(failure)") }
        return (seconds, latencies.withLock { $0 })
    }
}

/// A `vigil serve` child process on a free loopback port, requiring the bench key's signatures.
final class VigilServer {
    let process = Process()
    let port: Int
    let directory: String

    /// `arguments` are added to `serve`'s own.
    init(directory: String, arguments: [String] = []) throws {
        self.directory = directory
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let credentials = directory + "/credentials"
        let key = BenchHTTPCommand.key
        try "[bench]\naws_access_key_id = \(key.accessKeyID)\naws_secret_access_key = \(key.secret)\n".write(
            toFile: credentials, atomically: true, encoding: .utf8)
        port = Int.random(in: 20_000..<60_000)
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments =
            [
                "serve", "--data-dir", directory + "/data", "--listen", "127.0.0.1:\(port)", "--credentials",
                credentials,
            ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForPort(port, process)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// moto's server (`python -m moto.server`) on a free loopback port.
final class MotoServer {
    let process = Process()
    let port: Int
    let version: String

    init(python: String) throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import moto; print(moto.__version__)"]
        let pipe = Pipe()
        probe.standardOutput = pipe
        try probe.run()
        probe.waitUntilExit()
        version =
            "moto "
            + String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard probe.terminationStatus == 0 else {
            throw ValidationError("\(python) has no moto: pip install \"moto[server]\"")
        }
        port = Int.random(in: 20_000..<60_000)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "moto.server", "-p", "\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForPort(port, process)
    }

    /// SIGKILL: the server keeps nothing, and a python started by Foundation's Process inherits a signal
    /// mask that keeps SIGTERM from it.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Returns once something accepts connections on the port (15 s at most).
func waitForPort(_ port: Int, _ process: Process) throws {
    for _ in 0..<300 {
        if (try? HTTPLoadConnection.connectOnce(port)).map({ close($0) }) != nil { return }
        guard process.isRunning else { throw ValidationError("the server on port \(port) exited at once") }
        Thread.sleep(forTimeInterval: 0.05)
    }
    throw ValidationError("nothing listens on port \(port)")
}
