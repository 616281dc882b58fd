import VigilPatterns

/// A PutLogEvents request body read straight from its bytes into store events, for the hot path of
/// ingest: no JSON tree, no `String` per message, no generic decoding.
///
/// It reads only the plain shape every SDK sends — one object with `logGroupName`, `logStreamName`,
/// `logEvents` (objects of `timestamp` as an integer and `message`) and optionally `sequenceToken`,
/// each once. Anything else (another member, `null`, a number written as `1e3`, a syntax error) makes
/// ``init(parsing:)`` answer nil, and the body goes through the operation's generic decoder, whose
/// answer — a value or AWS's error naming the member — is the reference: where this reader answers,
/// it answers exactly what that decoder would (the tests and the `putlogevents` fuzz target compare
/// the two).
public struct PutLogEventsBody: Equatable, Sendable {
    /// One of `logEvents`: its timestamp (ms since the epoch) and its message as UTF-8 bytes.
    public struct Event: Equatable, Sendable {
        public var timestamp: Int64
        public var message: [UInt8]

        public init(timestamp: Int64, message: [UInt8]) {
            self.timestamp = timestamp
            self.message = message
        }
    }

    public var logGroupName: String
    public var logStreamName: String
    public var events: [Event]

    /// The body's members, or nil when it is not in the plain shape.
    public init?(parsing body: [UInt8]) {
        guard
            let read = body.withUnsafeBufferPointer({ buffer -> PutLogEventsBody? in
                var reader = JSONReader(buffer)
                return try? Self.read(&reader)
            })
        else { return nil }
        self = read
    }

    public init(logGroupName: String, logStreamName: String, events: [Event]) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.events = events
    }

    /// Reads the whole body; nil (or a syntax error) when it is not in the plain shape.
    static func read(_ reader: inout JSONReader) throws(JSONSyntaxError) -> PutLogEventsBody? {
        var group: String?
        var stream: String?
        var events: [Event]?
        var token = false
        var object = try reader.beginObject(uniqueKeys: false)
        while let (key, escaped) = try reader.nextKeyBody(&object) {
            guard !escaped else { return nil }
            if reader.bytes(key, equal: "logEvents"), events == nil {
                guard let read = try readEvents(&reader) else { return nil }
                events = read
            } else if reader.bytes(key, equal: "logGroupName"), group == nil {
                guard try reader.peek() == .string else { return nil }
                group = try reader.readString()
            } else if reader.bytes(key, equal: "logStreamName"), stream == nil {
                guard try reader.peek() == .string else { return nil }
                stream = try reader.readString()
            } else if reader.bytes(key, equal: "sequenceToken"), !token {
                // Accepted and ignored, as CloudWatch Logs has done since 2023.
                guard try reader.peek() == .string else { return nil }
                _ = try reader.readStringBody()
                token = true
            } else {
                return nil
            }
        }
        try reader.end()
        guard let group, let stream, let events else { return nil }
        return PutLogEventsBody(logGroupName: group, logStreamName: stream, events: events)
    }

    /// `[{"timestamp": 1, "message": "…"}, …]`; nil when an event has another member or another type.
    static func readEvents(_ reader: inout JSONReader) throws(JSONSyntaxError) -> [Event]? {
        guard try reader.peek() == .array else { return nil }
        var events: [Event] = []
        var list = try reader.beginArray()
        while try reader.nextElement(&list) {
            guard try reader.peek() == .object else { return nil }
            var timestamp: Int64?
            var message: [UInt8]?
            var member = try reader.beginObject(uniqueKeys: false)
            while let (key, escaped) = try reader.nextKeyBody(&member) {
                guard !escaped else { return nil }
                if reader.bytes(key, equal: "timestamp"), timestamp == nil {
                    guard try reader.peek() == .number, let value = try reader.readPlainInt64() else { return nil }
                    timestamp = value
                } else if reader.bytes(key, equal: "message"), message == nil {
                    guard try reader.peek() == .string else { return nil }
                    message = try reader.readStringBytes()
                } else {
                    return nil
                }
            }
            guard let timestamp, let message else { return nil }
            events.append(Event(timestamp: timestamp, message: message))
        }
        return events
    }
}
