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
