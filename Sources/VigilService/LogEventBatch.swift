public import VigilAPI
public import VigilStore

/// PutLogEvents' checks on one batch: the whole batch fails for a broken rule; events outside the
/// accepted time window are reported by index and the rest are accepted.
public enum LogEventBatch {
    /// Validates `events` at `now` for a group with `retentionInDays`; returns the accepted slice's range and the rejections.
    /// `history` accepts events of any age (a replay of archived logs); the group's retention still applies.
    public static func check(
        _ events: [NewLogEvent], now: Int64, retentionInDays: Int?,
        history: Bool = false
    ) throws(CloudWatchLogsError) -> (accepted: Range<Int>, result: PutLogEventsResult) {
        guard !events.isEmpty else {
            throw .constraint("[]", "logEvents", "Member must have length greater than or equal to 1")
        }
        guard events.count <= LogsLimits.maximumBatchEvents else {
            throw .invalidParameter(
                "The batch holds \(events.count) log events; at most \(LogsLimits.maximumBatchEvents) are allowed.")
        }
        var bytes = 0
        for (k, e) in events.enumerated() {
            guard !e.message.isEmpty else {
                throw .constraint(
                    "", "logEvents.\(k + 1).member.message", "Member must have length greater than or equal to 1")
            }
            guard e.message.count <= LogsLimits.maximumMessageBytes else {
                throw .invalidParameter(
                    "Log event \(k) is \(e.message.count) bytes; an event can be at most \(LogsLimits.maximumMessageBytes) bytes (1 MB with its 26 bytes of overhead)."
                )
            }
            guard e.timestamp >= 0 else {
                throw .constraint(
                    "\(e.timestamp)", "logEvents.\(k + 1).member.timestamp",
                    "Member must have value greater than or equal to 0")
            }
            if k > 0 && e.timestamp < events[k - 1].timestamp {
                throw .invalidParameter(
                    "Log events in a single PutLogEvents request must be in chronological order (event \(k) is earlier than event \(k - 1))."
                )
            }
            bytes += e.message.count + LogsLimits.perEventOverhead
        }
        guard bytes <= LogsLimits.maximumBatchBytes else {
            throw .invalidParameter(
                "The batch is \(bytes) bytes (messages plus 26 bytes per event); at most \(LogsLimits.maximumBatchBytes) are allowed."
            )
        }
        // Sorted by time: too old, then expired, then accepted, then too new.
        let tooOldBefore = history ? Int64.min : now - LogsLimits.maximumAge
        let expiredBefore = retentionInDays.map { now - Int64($0) * 86_400_000 } ?? Int64.min
        let tooNewAfter = history ? Int64.max : now + LogsLimits.maximumFuture
        var tooOld = 0
        while tooOld < events.count && events[tooOld].timestamp < tooOldBefore { tooOld += 1 }
        var expired = tooOld
        while expired < events.count && events[expired].timestamp < expiredBefore { expired += 1 }
        var tooNew = events.count
        while tooNew > expired && events[tooNew - 1].timestamp > tooNewAfter { tooNew -= 1 }
        let accepted = expired..<tooNew
        if accepted.count > 1
            && events[accepted.upperBound - 1].timestamp - events[accepted.lowerBound].timestamp
                > LogsLimits.maximumBatchSpan
        {
            throw .invalidParameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        }
        var result = PutLogEventsResult(accepted: accepted.count)
        if tooOld > 0 { result.tooOldLogEventEndIndex = tooOld }
        if expired > tooOld { result.expiredLogEventEndIndex = expired }
        if tooNew < events.count { result.tooNewLogEventStartIndex = tooNew }
        return (accepted, result)
    }
}
