/// The events of one PutLogEvents batch, stored as one row: the unit of `log_blocks`.
///
/// A row per batch instead of a row per event is what lets ingest keep up with hundreds of thousands
/// of events a second (SQLite's cost is per row, not per byte; `vigil bench ingest`). Events of a
/// batch are in time order, so a block is encoded as, per event, the LEB128 varint of its timestamp
/// minus the block's first timestamp, the varint of its length, and its bytes. Event ids are
/// consecutive within a block: the n-th event's id is `firstID + n`.
public enum LogBlock {
    /// Encodes `events` (in time order).
    static func encode(_ events: [NewLogEvent]) -> [UInt8] {
        let first = events.first?.timestamp ?? 0
        var out: [UInt8] = []
        out.reserveCapacity(events.reduce(0) { $0 + $1.message.count + 6 })
        for e in events {
            putVarint(UInt64(e.timestamp - first), &out)
            putVarint(UInt64(e.message.count), &out)
            out.append(contentsOf: e.message)
        }
        return out
    }

    @inline(__always)
    static func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// One decoded event: its timestamp and where its bytes are in the block.
    struct Entry {
        let timestamp: Int64
        let range: Range<Int>
    }

    /// The total length of the messages in a block (what the stream's stored bytes count); a damaged
    /// block counts what can be decoded of it.
    static func messageBytes(_ data: [UInt8]) -> Int64 {
        guard let entries = decode(data, firstTimestamp: 0) else { return 0 }
        return entries.reduce(0) { $0 + Int64($1.range.count) }
    }

    /// Decodes a block whose first event is at `firstTimestamp`; nil when the bytes are damaged.
    static func decode(_ data: [UInt8], firstTimestamp: Int64) -> [Entry]? {
        var entries: [Entry] = []
        var i = 0
        func varint() -> UInt64? {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while i < data.count, shift < 64 {
                let b = data[i]
                i += 1
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
            return nil
        }
        while i < data.count {
            guard let delta = varint(), let length = varint(), length <= UInt64(data.count - i) else { return nil }
            entries.append(Entry(timestamp: firstTimestamp + Int64(delta), range: i..<i + Int(length)))
            i += Int(length)
        }
        return entries
    }
}

/// Merges the events of time-overlapping blocks into one (timestamp, id) order, forward or backward,
/// loading a block only when its events may come next.
///
/// Blocks arrive sorted by first timestamp (forward) or last timestamp (backward); an event is emitted
/// only once no block still to come can hold an earlier (later) one.
struct BlockMerger {
    struct Event {
        let timestamp: Int64
        let id: Int64
        let stream: Int
        let block: Int
        let range: Range<Int>
    }

    let forward: Bool
    /// Events loaded and not yet emitted, as a binary heap ordered for emission.
    private var heap: [Event] = []

    init(forward: Bool) { self.forward = forward }

    func precedes(_ a: Event, _ b: Event) -> Bool {
        forward ? (a.timestamp, a.id) < (b.timestamp, b.id) : (a.timestamp, a.id) > (b.timestamp, b.id)
    }

    mutating func push(_ e: Event) {
        heap.append(e)
        var k = heap.count - 1
        while k > 0 {
            let parent = (k - 1) / 2
            guard precedes(heap[k], heap[parent]) else { break }
            heap.swapAt(k, parent)
            k = parent
        }
    }

    /// The next event, if it may be emitted before any event of a block starting (forward) or
    /// ending (backward) at `nextBlockBound`; nil when another block must be loaded first.
    mutating func pop(before nextBlockBound: Int64?) -> Event? {
        guard let top = heap.first else { return nil }
        if let bound = nextBlockBound {
            // Equal timestamps may interleave by id, so the next block is loaded first.
            guard forward ? top.timestamp < bound : top.timestamp > bound else { return nil }
        }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var k = 0
            while true {
                let l = 2 * k + 1
                let r = l + 1
                var best = k
                if l < heap.count && precedes(heap[l], heap[best]) { best = l }
                if r < heap.count && precedes(heap[r], heap[best]) { best = r }
                if best == k { break }
                heap.swapAt(k, best)
                k = best
            }
        }
        return top
    }

    var isEmpty: Bool { heap.isEmpty }
}
