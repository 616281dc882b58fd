public import VigilPatterns

/// What a live-tail session shows: events of some log groups, optionally of some streams (by name or
/// name prefix), optionally matching a filter pattern.
public struct LiveTailFilter: Sendable {
    public let groups: [String]
    public let streamNames: Set<String>?
    public let streamNamePrefixes: [String]?
    public let pattern: FilterPattern?

    public init(
        groups: [String], streamNames: [String]? = nil, streamNamePrefixes: [String]? = nil,
        pattern: FilterPattern? = nil
    ) {
        self.groups = groups
        self.streamNames = streamNames.map(Set.init)
        self.streamNamePrefixes = streamNamePrefixes
        self.pattern = pattern
    }

    /// Whether the session shows events of `stream` in `group`.
    public func selects(group: String, stream: String) -> Bool {
        guard groups.contains(group) else { return false }
        if let streamNames, !streamNames.contains(stream) { return false }
        if let streamNamePrefixes, !streamNamePrefixes.contains(where: { stream.hasPrefix($0) }) { return false }
        return true
    }

    /// Whether the session shows a message (of a stream it selects).
    public func matches(_ message: [UInt8]) -> Bool {
        guard let pattern else { return true }
        return message.withUnsafeBufferPointer { pattern.matches($0) }
    }
}

/// A log event as a live tail shows it.
public struct TailedLogEvent: Sendable, Equatable {
    /// The event's id: events are numbered in the order their writes committed, across all groups.
    public let id: Int64
    public let group: String
    public let stream: String
    public let timestamp: Int64
    public let ingestionTime: Int64
    public let message: [UInt8]

    public init(id: Int64, group: String, stream: String, timestamp: Int64, ingestionTime: Int64, message: [UInt8]) {
        self.id = id
        self.group = group
        self.stream = stream
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
    }
}
