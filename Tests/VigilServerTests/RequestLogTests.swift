import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing
import VigilServer
import VigilStore

/// One structured line per request: operation, status, duration, and the events a request stored.
struct RequestLogTests {
    /// Keeps the metadata of every "request" line.
    final class Lines: Sendable {
        let lines = Mutex<[[String: String]]>([])
    }

    struct Capture: LogHandler {
        let sink: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.message.description == "request" else { return }
            let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
            sink.lines.withLock { $0.append(fields) }
        }
    }

    @Test("a PutLogEvents line counts the events stored, on the fast path and the generic one alike")
    func eventsInTheLine() async throws {
        let sink = Lines()
        let logger = Logger(label: "test") { _ in Capture(sink: sink) }
        let server = try VigilHTTPServer(store: SQLiteLogStore(path: ":memory:"), logger: logger)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await RouterExchange.withServer(server) { send in
            try await withoutActuallyEscaping(send) { send in
                let call: (String, String) async throws -> Int = { operation, json in
                    try await send(
                        .post, "/",
                        [
                            HTTPField.Name("X-Amz-Target")!: "Logs_20140328.\(operation)",
                            .contentType: "application/x-amz-json-1.1",
                        ],
                        Array(json.utf8)
                    ).status
                }
                let status1 = try await call("CreateLogGroup", #"{"logGroupName":"g"}"#)
                #expect(status1 == 200)
                let status2 = try await call("CreateLogStream", #"{"logGroupName":"g","logStreamName":"s"}"#)
                #expect(status2 == 200)
                // Plain: two stored, one too old.
                let plain =
                    #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":\#(now - 20 * 86_400_000),"message":"old"},{"timestamp":\#(now),"message":"a"},{"timestamp":\#(now),"message":"b"}]}"#
                let status3 = try await call("PutLogEvents", plain)
                #expect(status3 == 200)
                // Not plain (a null member): the generic decoder, three stored.
                let generic =
                    #"{"logGroupName":"g","logStreamName":"s","sequenceToken":null,"logEvents":[{"timestamp":\#(now),"message":"c"},{"timestamp":\#(now),"message":"d"},{"timestamp":\#(now),"message":"e"}]}"#
                let status4 = try await call("PutLogEvents", generic)
                #expect(status4 == 200)
                #expect(
                    try await call(
                        "PutLogEvents",
                        #"{"logGroupName":"g","logStreamName":"nope","logEvents":[{"timestamp":\#(now),"message":"f"}]}"#
                    )
                        == 400)
            }
        }
        let lines = sink.lines.withLock { $0 }
        #expect(
            lines.map { $0["operation"] } == [
                "CreateLogGroup", "CreateLogStream", "PutLogEvents", "PutLogEvents", "PutLogEvents",
            ])
        #expect(lines.map { $0["events"] } == [nil, nil, "2", "3", nil])
        #expect(lines.map { $0["status"] } == ["200", "200", "200", "200", "400"])
        #expect(lines.allSatisfy { $0["ms"].flatMap(Double.init) != nil })
    }
}
