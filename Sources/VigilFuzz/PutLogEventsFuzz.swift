import VigilAPI
import VigilWire

/// A PutLogEvents body: the hot path's byte reader against the generic API decoder.
///
/// Property: whenever the fast reader answers, the decoder answers the same group, stream and events
/// (messages as UTF-8 bytes); the fast reader never answers for a body the decoder refuses.
enum PutLogEventsFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let fast = PutLogEventsBody(parsing: bytes) else { return }
        let input = try? APIDecoder.decode(CloudWatchLogs.PutLogEventsInput.self, from: bytes)
        precondition(input != nil, "the fast path read a body the decoder refuses")
        guard let input else { return }
        precondition(input.entity == nil, "the fast path read a body with an entity")
        precondition(
            fast.logGroupName == input.logGroupName && fast.logStreamName == input.logStreamName,
            "the fast path read other names")
        precondition(fast.events.count == input.logEvents.count, "the fast path read another number of events")
        for (a, b) in zip(fast.events, input.logEvents) {
            precondition(a.timestamp == b.timestamp, "the fast path read another timestamp")
            precondition(a.message.elementsEqual(b.message.utf8), "the fast path read another message")
        }
    }
}
