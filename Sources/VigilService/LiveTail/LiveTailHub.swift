import Synchronization
import VigilAPI
public import VigilStore

/// Where live tails hear of log events: it listens to the store's ``LogEventFeed`` and, while any session
/// is open, keeps the batches committed since in one ring shared by every session, bounded in bytes.
///
/// Ingest pays for this only an atomic load while no session is open, and an append to the ring (and a
/// ring of the bells of the sessions tailing that group) while some are: it never waits for a session.
/// Each session reads the ring at its own pace in its own task; sessions with the same filter pattern
/// share its evaluation (``BatchMatches``), so ten sessions on one pattern cost about what one does. A
/// session that falls so far behind that the ring drops batches it has not read is told so
/// (``LiveTailError/fellBehind(lastEventID:)``) and has to resume from the store.
public final class LiveTailHub: Sendable {
    /// The ring holds at most this many bytes of messages (64 MiB by default).
    public let capacity: Int
    /// At most this many sessions are open at once (100 by default); one more is LimitExceededException.
    public let maximumSessions: Int
    /// While events keep coming, a session takes them at most this often (10 ms by default), so that each
    /// wakes and writes once per interval with all that came, not once per committed batch: at full
    /// ingest, batches commit every millisecond or less. An event after a quiet spell is taken at once.
    public let pace: Duration
    let store: any StoreBackend

    /// A batch in the ring: its events, its ``LiveTailHub/size(_:)`` (counted once as it comes), and
    /// what sessions' patterns found in it.
    struct RingBatch: Sendable {
        let events: CommittedLogEvents
        let size: Int
        let matches: BatchMatches
    }

    struct State {
        var batches: [RingBatch] = []
        /// Index of the oldest batch kept (those before it are dropped, awaiting compaction).
        var head = 0
        var bytes = 0
        /// Every id below this may have been dropped from the ring.
        var droppedBelow: Int64 = 0
        var sessions: [Int: (groups: Set<String>, bell: Doorbell)] = [:]
        var nextSession = 0
    }

    let state = Mutex(State())
    /// Whether any session is open (read on every committed batch, without the lock).
    let recording = Atomic<Bool>(false)

    public init(
        store: any StoreBackend, capacity: Int = 64 << 20, maximumSessions: Int = 100,
        pace: Duration = .milliseconds(10)
    ) {
        self.store = store
        self.pace = max(.zero, pace)
        self.capacity = max(1, capacity)
        self.maximumSessions = max(1, maximumSessions)
        store.logEventFeed.listen { [weak self] batch in self?.hear(batch) }
    }

    /// Bytes a batch is counted as: its messages and a little per event.
    static func size(_ batch: CommittedLogEvents) -> Int {
        batch.messageBytes + 32 * batch.events.count
    }

    func hear(_ batch: CommittedLogEvents) {
        guard recording.load(ordering: .relaxed) else { return }
        let size = Self.size(batch)
        let bells = state.withLock { s -> [Doorbell] in
            guard !s.sessions.isEmpty else { return [] }
            s.batches.append(RingBatch(events: batch, size: size, matches: BatchMatches()))
            s.bytes += size
            while s.bytes > capacity, s.head < s.batches.count - 1 {
                s.bytes -= s.batches[s.head].size
                s.droppedBelow = s.batches[s.head].events.endEventID
                s.head += 1
            }
            if s.head > 1_024, s.head * 2 > s.batches.count {
                s.batches.removeFirst(s.head)
                s.head = 0
            }
            return s.sessions.values.compactMap { $0.groups.contains(batch.group) ? $0.bell : nil }
        }
        for bell in bells { bell.ring() }
    }

    /// Registers a session tailing `groups`; its bell rings when a batch of one of them arrives.
    func register(groups: Set<String>, bell: Doorbell) -> Int? {
        let id = state.withLock { s -> Int? in
            guard s.sessions.count < maximumSessions else { return nil }
            s.nextSession += 1
            s.sessions[s.nextSession] = (groups, bell)
            return s.nextSession
        }
        if id != nil { recording.store(true, ordering: .relaxed) }
        return id
    }

    func unregister(_ id: Int) {
        state.withLock { s in
            s.sessions[id] = nil
            if s.sessions.isEmpty {
                recording.store(false, ordering: .relaxed)
                s.batches = []
                s.head = 0
                s.bytes = 0
            }
        }
    }

    /// How many sessions are open.
    public var sessionCount: Int { state.withLock { $0.sessions.count } }

    /// The bytes of the batches the ring holds now (at most about ``capacity``, however slowly sessions read).
    public var retainedBytes: Int { state.withLock { $0.bytes } }

    /// The batches kept that hold ids from `position` on (at most `limit` of them), and the id below which
    /// batches may have been dropped.
    func batches(from position: Int64, limit: Int) -> (batches: [RingBatch], droppedBelow: Int64) {
        state.withLock { s in
            // The first batch that ends after `position`: batches are in id order.
            var low = s.head
            var high = s.batches.count
            while low < high {
                let middle = (low + high) / 2
                if s.batches[middle].events.endEventID <= position { low = middle + 1 } else { high = middle }
            }
            return (Array(s.batches[low..<min(s.batches.count, low + limit)]), s.droppedBelow)
        }
    }

    /// Opens a session: events committed from now on (`after` nil), or from the one after id `after` on,
    /// read from the store until the session has caught up with the ring. With ``maximumSessions`` open
    /// already, LimitExceededException.
    public func open(_ filter: LiveTailFilter, after: Int64? = nil) async throws -> LiveTailSession {
        let bell = Doorbell()
        guard let id = register(groups: Set(filter.groups), bell: bell) else {
            throw CloudWatchLogsError.limitExceeded(
                "There are already \(maximumSessions) live tail sessions open, the most this server allows.")
        }
        do {
            // Ids start at 1; a hostile `after` (a client's Last-Event-ID) is clamped, never overflowed.
            let position: Int64
            if let after {
                position = min(max(after, 0), Int64.max - 1) + 1
            } else {
                position = try await store.nextEventID()
            }
            return LiveTailSession(hub: self, id: id, filter: filter, bell: bell, position: position)
        } catch {
            unregister(id)
            throw error
        }
    }
}

/// Why a live-tail session ended.
public enum LiveTailError: Error, Equatable, Sendable {
    /// The session read more slowly than events arrived, and the ring dropped events it had not read;
    /// `lastEventID` is the last id it had considered, from which a resumed session would continue.
    case fellBehind(lastEventID: Int64)
}
