/// A log group as DescribeLogGroups returns it.
public struct LogGroupRecord: Sendable, Equatable {
    public let name: String
    /// Milliseconds since the epoch.
    public let creationTime: Int64
    public let retentionInDays: Int?
    public let metricFilterCount: Int
    public let storedBytes: Int64
}

/// A log stream as DescribeLogStreams returns it.
public struct LogStreamRecord: Sendable, Equatable {
    public let name: String
    public let creationTime: Int64
    public let firstEventTimestamp: Int64?
    public let lastEventTimestamp: Int64?
    public let lastIngestionTime: Int64?
    public let storedBytes: Int64
}

/// An event to store: its timestamp (ms) and message bytes, kept exactly as received.
public struct NewLogEvent: Sendable, Equatable {
    public let timestamp: Int64
    public let message: [UInt8]
    public init(timestamp: Int64, message: [UInt8]) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// A stored event with its position: `id` orders events ingested into the database.
public struct StoredLogEvent: Sendable, Equatable {
    public let id: Int64
    public let streamName: String
    public let timestamp: Int64
    public let ingestionTime: Int64
    public let message: [UInt8]
}

/// A metric filter as stored: its pattern text and its transformations, encoded by the service.
public struct MetricFilterRecord: Sendable, Equatable {
    public let logGroupName: String
    public let name: String
    public let pattern: String
    /// The metricTransformations, as the JSON the API takes.
    public let transformations: String
    public let creationTime: Int64
    public init(logGroupName: String, name: String, pattern: String, transformations: String, creationTime: Int64) {
        self.logGroupName = logGroupName
        self.name = name
        self.pattern = pattern
        self.transformations = transformations
        self.creationTime = creationTime
    }
}

/// Which events a read returns: time range, streams, order and a cursor after the last one returned.
public struct EventQuery: Sendable {
    public var streamNames: [String]?
    public var streamNamePrefix: String?
    /// Inclusive start and exclusive end, in milliseconds.
    public var startTime: Int64?
    public var endTime: Int64?
    /// Continue after this (timestamp, id) in the query's order.
    public var after: EventCursor?
    public var forward = true
    public var limit = 10_000

    public init(
        streamNames: [String]? = nil, streamNamePrefix: String? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
        after: EventCursor? = nil, forward: Bool = true, limit: Int = 10_000
    ) {
        self.streamNames = streamNames
        self.streamNamePrefix = streamNamePrefix
        self.startTime = startTime
        self.endTime = endTime
        self.after = after
        self.forward = forward
        self.limit = limit
    }
}

/// A position in (timestamp, id) order.
public struct EventCursor: Sendable, Equatable, Hashable {
    public let timestamp: Int64
    public let id: Int64
    public init(timestamp: Int64, id: Int64) {
        self.timestamp = timestamp
        self.id = id
    }
}

/// How DescribeLogStreams orders streams.
public enum StreamOrder: String, Sendable {
    case logStreamName = "LogStreamName"
    case lastEventTime = "LastEventTime"
}
