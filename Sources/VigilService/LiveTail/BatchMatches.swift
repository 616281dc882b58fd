import Synchronization
import VigilPatterns
import VigilStore

/// Which events of one batch in the live-tail ring each filter pattern matches: worked out by the first
/// session that reads the batch with that pattern, and reused by every other session with the same
/// pattern text, so a batch is scanned once per distinct pattern rather than once per session.
final class BatchMatches: Sendable {
    /// Per pattern text, the indices of the matching events, in order.
    private let found = Mutex<[String: [Int]]>([:])

    /// The indices of the events of `batch` that `pattern` matches, in order.
    func indices(of pattern: FilterPattern, in batch: CommittedLogEvents) -> [Int] {
        if let known = found.withLock({ $0[pattern.text] }) { return known }
        // Outside the lock: sessions with other patterns read this batch meanwhile. Two sessions with the
        // same pattern may both scan it once; the first to finish is kept, and the answers are the same.
        var indices: [Int] = []
        batch.events.withUnsafeBufferPointer { events in
            for index in events.indices where events[index].message.withUnsafeBufferPointer({ pattern.matches($0) }) {
                indices.append(index)
            }
        }
        return found.withLock { found in
            if let known = found[pattern.text] { return known }
            found[pattern.text] = indices
            return indices
        }
    }
}
