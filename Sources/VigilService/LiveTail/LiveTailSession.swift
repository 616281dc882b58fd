import Synchronization
public import VigilAPI
import VigilPatterns
import VigilStore

/// One live tail: the events of its ``LiveTailFilter``, each once, in the order their writes committed,
/// from where it was opened on (``LiveTailHub/open(_:after:)``).
///
/// It reads the store until it has caught up, then the hub's ring; ids the ring never held (written by
/// another process on the same data, or before the ring began) it reads from the store, so nothing
/// committed is missed. ``close()`` (or dropping it) ends it.
public actor LiveTailSession {
    let hub: LiveTailHub
    let id: Int
    public nonisolated let filter: LiveTailFilter
    let bell: Doorbell
    /// The next id to consider: every id below it has been shown or passed over.
    public private(set) var position: Int64
    var catchingUp = true
    var closed = false
    /// When the last events were taken from the ring (for ``LiveTailHub/pace``).
    var lastTaken: ContinuousClock.Instant?

    /// Events read from the store at a time.
    static let pageSize = 1_000
    /// How often a waiting session looks in the store for what other processes wrote (one read of the
    /// next event id): their events show within this, however long the wait.
    static let storeLookInterval = Duration.milliseconds(250)
    var nextStoreLook = ContinuousClock.now

    init(hub: LiveTailHub, id: Int, filter: LiveTailFilter, bell: Doorbell, position: Int64) {
        self.hub = hub
        self.id = id
        self.filter = filter
        self.bell = bell
        self.position = position
    }

    deinit {
        if !closed { hub.unregister(id) }
    }

    /// The id of the last event considered, from which a resumed session continues (`after`).
    public var lastEventID: Int64 { position - 1 }

    /// Ends a ``next(maximum:wait:)`` that is waiting now, early (it returns what it has, perhaps nothing).
    public nonisolated func interrupt() {
        interrupted.store(true, ordering: .releasing)
        bell.ring()
    }

    /// Set by ``interrupt()``, taken by the `next` it ends (the bell alone would only wake it to wait again).
    nonisolated let interrupted = Atomic<Bool>(false)

    /// Ends the session (it no longer holds the hub's ring).
    public func close() {
        guard !closed else { return }
        closed = true
        hub.unregister(id)
    }

    /// The next events the session shows, as soon as there are any (at most `maximum`), or none after
    /// `wait`. Throws ``LiveTailError/fellBehind(lastEventID:)`` if the ring dropped events before this
    /// session read them.
    public func next(maximum: Int = 1_000, wait: Duration = .seconds(1)) async throws -> [TailedLogEvent] {
        let limit = max(1, maximum)
        var out: [TailedLogEvent] = []
        if catchingUp {
            let end = try await hub.store.nextEventID()
            if try await readStore(below: end, limit: limit, into: &out) {
                catchingUp = false
            }
            if !out.isEmpty || catchingUp { return out }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            // Events taken less than a pace ago: the next ones wait out the pace, gathering what comes meanwhile.
            if let lastTaken, clock.now < lastTaken + hub.pace, !Task.isCancelled {
                try? await Task.sleep(until: min(lastTaken + hub.pace, deadline), clock: clock)
            }
            let (batches, droppedBelow) = hub.batches(from: position, limit: 64)
            if position < droppedBelow { throw LiveTailError.fellBehind(lastEventID: lastEventID) }
            for batch in batches {
                if batch.events.firstEventID > position {
                    // Ids the ring never heard of: another process's writes.
                    guard try await readStore(below: batch.events.firstEventID, limit: limit, into: &out) else {
                        return out
                    }
                }
                take(batch.events, matches: batch.matches, below: .max, limit: limit, into: &out)
                if out.count >= limit { break }
            }
            if !out.isEmpty {
                // A full page means more is waiting: that is taken at once, not a pace later.
                lastTaken = out.count < limit ? clock.now : nil
                return out
            }
            if batches.isEmpty {
                let now = clock.now
                let waitEnds =
                    now >= deadline || Task.isCancelled || interrupted.exchange(false, ordering: .acquiringAndReleasing)
                if waitEnds || now >= nextStoreLook {
                    // Another process on the same data rings no bell here: the store knows what it wrote.
                    nextStoreLook = now + Self.storeLookInterval
                    let end = try await hub.store.nextEventID()
                    if end > position { _ = try await readStore(below: end, limit: limit, into: &out) }
                    if waitEnds || !out.isEmpty { return out }
                }
                await bell.wait(timeout: min(deadline, nextStoreLook) - now)
            }
        }
    }

    /// Reads the store from `position` up to `bound` (exclusive) until `out` holds `limit` events; true
    /// when it reached `bound`.
    func readStore(below bound: Int64, limit: Int, into out: inout [TailedLogEvent]) async throws -> Bool {
        while position < bound {
            let page = try await hub.store.committedEvents(
                groups: filter.groups, after: position - 1, limit: Self.pageSize)
            var count = 0
            for batch in page {
                count += batch.events.count
                guard batch.firstEventID < bound else {
                    position = bound
                    return true
                }
                take(batch, below: bound, limit: limit, into: &out)
                if out.count >= limit { return position >= bound }
            }
            // A short page is all there is in these groups up to the store's end, so up to `bound` too.
            if count < Self.pageSize { position = max(position, bound) }
        }
        return true
    }

    /// Considers the events of `batch` from `position` up to `bound`, until `out` holds `limit`. With
    /// `matches` (a batch of the ring), the pattern's matches are the ones other sessions found, or found
    /// here once for them.
    func take(
        _ batch: CommittedLogEvents, matches: BatchMatches? = nil, below bound: Int64, limit: Int,
        into out: inout [TailedLogEvent]
    ) {
        guard batch.endEventID > position else { return }
        guard filter.selects(group: batch.group, stream: batch.stream) else {
            position = max(position, min(batch.endEventID, bound))
            return
        }
        let start = max(0, Int(position - batch.firstEventID))
        let pattern = filter.pattern
        if let pattern, let matches {
            let indices = matches.indices(of: pattern, in: batch)
            batch.events.withUnsafeBufferPointer { events in
                for index in indices where index >= start {
                    let id = batch.firstEventID + Int64(index)
                    guard id < bound else { break }
                    out.append(Self.tailed(batch, events, index))
                    position = id + 1
                    if out.count >= limit { return }
                }
                // Every event up to the batch's end (or the bound) is considered: the rest did not match.
                position = max(position, min(batch.endEventID, bound))
            }
            return
        }
        // Through the buffers, without a retain per event: this runs for every event of every session.
        batch.events.withUnsafeBufferPointer { events in
            for index in start..<events.count {
                let id = batch.firstEventID + Int64(index)
                guard id < bound else { return }
                let matches =
                    pattern.map { p in events[index].message.withUnsafeBufferPointer { p.matches($0) } } ?? true
                if matches { out.append(Self.tailed(batch, events, index)) }
                position = id + 1
                if out.count >= limit { return }
            }
        }
    }

    /// The event at `index` of `batch` (whose events are `events`) as a tail shows it.
    static func tailed(_ batch: CommittedLogEvents, _ events: UnsafeBufferPointer<NewLogEvent>, _ index: Int)
        -> TailedLogEvent
    {
        TailedLogEvent(
            id: batch.firstEventID + Int64(index), group: batch.group, stream: batch.stream,
            timestamp: events[index].timestamp, ingestionTime: batch.ingestionTime, message: events[index].message)
    }
}
