import Synchronization

/// Announces, in this process, each batch of log events a write has committed, in commit order (which
/// is event id order): the live-tail hub listens, so that a session sees an event as soon as it is
/// acknowledged. Batches other processes commit are not announced; their ids leave a gap between two
/// announced batches, which a listener can read from the store.
///
/// A listener runs on the writer's thread before the next write: it must only hand the batch on.
public final class LogEventFeed: Sendable {
    private let listeners = Mutex<[@Sendable (CommittedLogEvents) -> Void]>([])
    private let listening = Atomic<Bool>(false)

    public init() {}

    /// Whether anyone listens (a writer with no listener builds no batch to announce).
    public var hasListeners: Bool { listening.load(ordering: .relaxed) }

    public func listen(_ listener: @escaping @Sendable (CommittedLogEvents) -> Void) {
        listeners.withLock { $0.append(listener) }
        listening.store(true, ordering: .relaxed)
    }

    public func announce(_ batch: CommittedLogEvents) {
        for listener in listeners.withLock({ $0 }) { listener(batch) }
    }
}

/// Log events of one stream as one write stored them: ids `firstEventID ..< firstEventID + events.count`,
/// in that order (time order within the batch).
public struct CommittedLogEvents: Sendable, Equatable {
    public let group: String
    public let stream: String
    public let firstEventID: Int64
    public let ingestionTime: Int64
    public let events: [NewLogEvent]
    /// The bytes of the events' messages together.
    public let messageBytes: Int

    /// `messageBytes`, when the caller counted them already (the writer does, for the stream's stored bytes),
    /// saves counting them again.
    public init(
        group: String, stream: String, firstEventID: Int64, ingestionTime: Int64, events: [NewLogEvent],
        messageBytes: Int? = nil
    ) {
        self.group = group
        self.stream = stream
        self.firstEventID = firstEventID
        self.ingestionTime = ingestionTime
        self.events = events
        self.messageBytes = messageBytes ?? events.reduce(0) { $0 + $1.message.count }
    }

    /// The id after the last event's.
    public var endEventID: Int64 { firstEventID + Int64(events.count) }
}
