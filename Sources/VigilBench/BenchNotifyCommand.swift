public import ArgumentParser
import Foundation
import Logging
import Synchronization
import VigilAPI
import VigilAlarms
import VigilNotify
import VigilStore

/// `vigil bench notify`: deliveries per second from the outbox to a local receiver with 1, 10 and
/// 1,000 subscriptions (store on disk, signed envelopes, one attempt recorded per delivery), against
/// the same POSTs sent straight through the libcurl client (no store, no signature) in the same run;
/// then the latency from an alarm transition's commit to its webhook arriving (p50/p99).
public struct BenchNotifyCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract:
            "Measure webhook deliveries/s (1, 10, 1,000 subscriptions) against raw libcurl POSTs, and alarm-to-webhook latency."
    )

    @Option(name: .customLong("deliveries"), help: "Deliveries per case with 10 and 1,000 subscriptions.")
    var deliveries = 20_000

    @Option(name: .customLong("latency-samples"), help: "Alarm transitions timed for the latency case.")
    var latencySamples = 200

    @Option(name: .customLong("data-dir"), help: "Where the stores are written (and removed).")
    var dataDirectory = "bench-data"

    @Option(
        name: .customLong("subscriptions"), parsing: .upToNextOption,
        help: "The cases to run, by number of subscriptions.")
    var cases: [Int] = [1, 10, 1_000]

    @Flag(
        name: .customLong("one-core"),
        help: "Run the engine (and the raw baseline) on CPU 0 alone and the receiver on CPU 1.")
    var oneCore = false

    public func validate() throws {
        guard deliveries >= 1_000 else { throw ValidationError("--deliveries must be at least 1000.") }
        guard !cases.isEmpty, cases.allSatisfy({ (1...10_000).contains($0) }) else {
            throw ValidationError("--subscriptions takes numbers from 1 to 10000.")
        }
        guard latencySamples >= 20 else { throw ValidationError("--latency-samples must be at least 20.") }
        if oneCore, ProcessInfo.processInfo.activeProcessorCount < 2 {
            throw ValidationError("--one-core needs two CPUs: one for the engine, one for the receiver.")
        }
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("vigil bench notify: \(text)\n".utf8))
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        if oneCore, !CPUAffinity.pinProcess(to: 0) { throw ValidationError("could not pin the process to CPU 0") }
        let receiver = try BenchReceiver(cpu: oneCore ? 1 : nil)
        let key = try SigningKey.generate()
        let links = SNSEnvelope.Links(
            signingCertURL: "http://127.0.0.1:4566/_vigil/sns/SimpleNotificationService.pem",
            endpoint: "http://127.0.0.1:4566")
        let sample = try SNSEnvelope.notification(
            PublishedMessage(
                messageID: UUID().uuidString.lowercased(), topicARN: "arn:aws:sns:us-east-1:123456789012:bench",
                subject: "ALARM: \"bench\" in US East (N. Virginia)", message: String(repeating: "m", count: 700),
                timestamp: 0), subscriptionARN: "arn:aws:sns:us-east-1:123456789012:bench:x", links: links, key: key,
            version: .v1)
        print(
            "vigil bench notify: signed Notification envelopes of \(sample.utf8.count) bytes to a receiver on loopback (HTTP/1.1 keep-alive); store on disk (WAL, synchronous=FULL); \(Machine.description)\(oneCore ? "; engine pinned to CPU 0, receiver to CPU 1" : "")"
        )
        print("case                     deliveries/s   raw curl POSTs/s   ratio")
        for subscriptions in cases {
            let total = subscriptions == 1 ? max(1_000, deliveries / 10) : deliveries
            let inFlight = min(subscriptions, 256)
            Self.progress("raw libcurl, \(inFlight) in flight")
            let raw = try await Self.rawRate(
                receiver: receiver, body: Array(sample.utf8), count: total, inFlight: inFlight)
            Self.progress("\(subscriptions) subscriptions, \(total) deliveries")
            let rate = try await engineRate(
                receiver: receiver, key: key, links: links, subscriptions: subscriptions, total: total)
            let name = "\(subscriptions) subscription\(subscriptions == 1 ? "" : "s")"
            print(
                name.padding(toLength: 25, withPad: " ", startingAt: 0)
                    + Self.column(rate, 12) + Self.column(raw, 19) + "   " + Self.ratio(rate / raw))
        }
        Self.progress("latency, \(latencySamples) alarm transitions")
        let (p50, p99) = try await latency(receiver: receiver, key: key, links: links)
        print("alarm commit -> webhook arrival: p50 \(Self.ms(p50)) ms, p99 \(Self.ms(p99)) ms")
    }

    static func column(_ v: Double, _ width: Int) -> String {
        let text = String(Int(v.rounded()))
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func ratio(_ r: Double) -> String { "\(Double(Int(r * 100)) / 100)x" }

    static func ms(_ d: Duration) -> String {
        let v = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return String(Double(Int(v * 10)) / 10)
    }

    /// POSTs straight through the client, `inFlight` at a time: the transport's ceiling.
    static func rawRate(receiver: BenchReceiver, body: [UInt8], count: Int, inFlight: Int) async throws -> Double {
        let client = CurlClient()
        let url = "http://127.0.0.1:\(receiver.port)/raw"
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    var k = worker
                    while k < count {
                        _ = await client.send(WebhookRequest(url: url, headers: [], body: body))
                        k += inFlight
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        await client.shutdown()
        return Double(count) / seconds(elapsed)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func store(_ name: String) throws -> (SQLiteLogStore, String) {
        let path = dataDirectory + "/notify-\(name)-\(UUID().uuidString).db"
        return (try SQLiteLogStore(path: path), path)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Queues `total` deliveries over `subscriptions` confirmed subscribers, then times the engine
    /// delivering them all.
    func engineRate(
        receiver: BenchReceiver, key: SigningKey, links: SNSEnvelope.Links, subscriptions: Int, total: Int
    ) async throws -> Double {
        let (store, path) = try store("rate")
        defer { Self.remove(path) }
        let sns = SNSService(store: store)
        let topic = try await sns.createTopic(.init(name: "bench")).topicArn ?? ""
        for s in 0..<subscriptions {
            _ = try await sns.subscribe(
                .init(
                    topicArn: topic, protocol: "http", endpoint: "http://127.0.0.1:\(receiver.port)/s\(s)",
                    attributes: ["VigilConfirmed": "true"]))
        }
        let messages = total / subscriptions
        var published = 0
        while published < messages {
            let n = min(10, messages - published)
            _ = try await sns.publishBatch(
                .init(
                    topicArn: topic,
                    publishBatchRequestEntries: (0..<n).map {
                        .init(id: "m\($0)", message: String(repeating: "m", count: 700), subject: "bench")
                    }))
            published += n
        }
        let expected = receiver.count + messages * subscriptions
        let engine = DeliveryEngine(
            store: store, sns: sns, client: CurlClient(), key: key, links: links,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let started = ContinuousClock.now
        let task = Task { try await engine.run() }
        var seen = (count: receiver.count, at: ContinuousClock.now)
        while receiver.count < expected {
            try await Task.sleep(for: .milliseconds(2))
            if receiver.count != seen.count {
                seen = (receiver.count, .now)
            } else if ContinuousClock.now - seen.at > .seconds(30) {
                task.cancel()
                throw ValidationError(
                    "no delivery for 30 s: \(receiver.count - (expected - total)) of \(total) arrived")
            }
        }
        let elapsed = receiver.received.withLock { $0.last } - started
        task.cancel()
        _ = try? await task.value
        return Double(messages * subscriptions) / Self.seconds(elapsed)
    }

    /// The time from an alarm transition's commit (with its notification in the outbox) to the
    /// webhook arriving, one subscriber, the engine running; transitions 0–60 ms apart.
    func latency(receiver: BenchReceiver, key: SigningKey, links: SNSEnvelope.Links) async throws -> (
        Duration, Duration
    ) {
        let (store, path) = try store("latency")
        defer { Self.remove(path) }
        let sns = SNSService(store: store)
        let topic = try await sns.createTopic(.init(name: "bench")).topicArn ?? ""
        _ = try await sns.subscribe(
            .init(
                topicArn: topic, protocol: "http", endpoint: "http://127.0.0.1:\(receiver.port)/latency",
                attributes: ["VigilConfirmed": "true"]))
        let history = AlarmHistoryItem(alarmName: "bench", timestamp: 0, type: .stateUpdate, summary: "s", data: "{}")
        _ = try await store.putAlarm(
            name: "bench", definition: "{}", namespace: "N", metricName: "M", actionsEnabled: true, now: 0,
            history: history)
        let engine = DeliveryEngine(
            store: store, sns: sns, client: CurlClient(), key: key, links: links,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await engine.run() }
        var samples: [Duration] = []
        var state = AlarmState.insufficientData
        for k in 0..<latencySamples {
            let next: AlarmState = k % 2 == 0 ? .alarm : .ok
            let payload =
                #"{"AlarmName":"bench","NewStateValue":"\#(next.rawValue)","Region":"US East (N. Virginia)"}"#
            let before = receiver.count
            try await store.commit(
                [
                    AlarmTransition(
                        alarmName: "bench", from: state, state: next, reason: "r", reasonData: nil, at: Int64(k),
                        history: history, notifications: [(topic, payload)])
                ], suppression: [],
                actionHistory: { name, action, _, at, _ in
                    AlarmHistoryItem(alarmName: name, timestamp: at, type: .action, summary: action, data: "{}")
                })
            let committed = ContinuousClock.now
            let deadline = ContinuousClock.now + .seconds(30)
            while receiver.count == before {
                guard ContinuousClock.now < deadline else {
                    task.cancel()
                    throw ValidationError("an alarm's webhook did not arrive within 30 s")
                }
                try await Task.sleep(for: .microseconds(200))
            }
            samples.append(receiver.received.withLock { $0.last } - committed)
            // The next transition comes at a random moment of the engine's idle poll, not just as the
            // last delivery wakes it.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0..<60)))
            state = next
        }
        task.cancel()
        _ = try? await task.value
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}
