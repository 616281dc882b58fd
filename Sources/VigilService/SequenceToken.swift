import Synchronization

/// PutLogEvents' `nextSequenceToken`: deprecated by CloudWatch Logs since 2023 (a token sent back is
/// ignored, and batches to one stream may run in parallel), but still in the answer, and older agents
/// read it (and pass it back) without checking that it is there. Vigil answers one shaped like AWS's:
/// 56 decimal digits, growing with every batch a process accepts.
enum SequenceToken {
    static let issued = Atomic<UInt64>(0)

    /// The next token, for a batch ingested at `milliseconds` since the epoch.
    static func next(at milliseconds: Int64) -> String {
        let count = issued.add(1, ordering: .relaxed).newValue
        return "49" + padded(String(max(0, milliseconds)), 20) + padded(String(count), 34)
    }

    static func padded(_ digits: String, _ width: Int) -> String {
        String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
