public import VigilAPI

/// What PutLogEvents answers: which events were rejected (AWS's `rejectedLogEventsInfo`), by index range.
public struct PutLogEventsResult: Sendable, Equatable {
    /// Index of the first event more than 2 hours in the future (inclusive); later events are too new too.
    public var tooNewLogEventStartIndex: Int?
    /// Exclusive end of the events older than 14 days.
    public var tooOldLogEventEndIndex: Int?
    /// Exclusive end of the events older than the group's retention (including those too old).
    public var expiredLogEventEndIndex: Int?
    /// How many events were stored.
    public var accepted: Int
    /// Problems Vigil reports beyond AWS's answer, e.g. a metric filter over its dimension cardinality.
    public var warnings: [String] = []
    /// The deprecated `nextSequenceToken` (see ``SequenceToken``).
    public var nextSequenceToken: String?

    public init(
        tooNewLogEventStartIndex: Int? = nil, tooOldLogEventEndIndex: Int? = nil, expiredLogEventEndIndex: Int? = nil,
        accepted: Int
    ) {
        self.tooNewLogEventStartIndex = tooNewLogEventStartIndex
        self.tooOldLogEventEndIndex = tooOldLogEventEndIndex
        self.expiredLogEventEndIndex = expiredLogEventEndIndex
        self.accepted = accepted
    }

    public var hasRejections: Bool {
        tooNewLogEventStartIndex != nil || tooOldLogEventEndIndex != nil || expiredLogEventEndIndex != nil
    }
}

extension PutLogEventsResult {
    /// The operation's output: `nextSequenceToken`, and `rejectedLogEventsInfo` when events were rejected.
    public var output: CloudWatchLogs.PutLogEventsOutput {
        .init(
            nextSequenceToken: nextSequenceToken,
            rejectedLogEventsInfo: hasRejections
                ? .init(
                    tooNewLogEventStartIndex: tooNewLogEventStartIndex.map { Int32(clamping: $0) },
                    tooOldLogEventEndIndex: tooOldLogEventEndIndex.map { Int32(clamping: $0) },
                    expiredLogEventEndIndex: expiredLogEventEndIndex.map { Int32(clamping: $0) }) : nil)
    }
}
