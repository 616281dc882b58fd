import Synchronization

/// The events one request stored, counted where they are committed, for that request's log line.
///
/// The server gives each request one (`IngestTally.$current.withValue(IngestTally()) { … }`); ingest
/// outside a request has none and counts nothing here.
public final class IngestTally: Sendable {
    /// The tally of the request this task serves, if any.
    @TaskLocal public static var current: IngestTally?

    let stored = Atomic<Int>(0)

    public init() {}

    /// Events committed so far.
    public var events: Int { stored.load(ordering: .relaxed) }

    func add(_ events: Int) { stored.add(events, ordering: .relaxed) }
}
