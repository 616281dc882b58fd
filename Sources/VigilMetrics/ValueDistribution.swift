import Foundation

/// The distribution of a metric's values in one period, for percentiles: exact while it holds at most
/// ``maximumExactValues`` distinct values, then a DDSketch with ``relativeAccuracy`` relative error.
///
/// Mergeable like ``StatisticSet``: the distribution of a longer period is the merge of its minutes,
/// and merging sketches is exact (bucket counts add), so merge order never changes a result.
/// Percentiles use the nearest-rank rule: `pNN` is the smallest value with at least NN% of the values
/// at or below it. As CloudWatch, a distribution that saw a negative value, or a statistic set
/// (`StatisticValues`) whose minimum and maximum differ, has no percentiles.
/// See Masson, Rim, Lee: "DDSketch" (VLDB 2019) for the error bound.
public struct ValueDistribution: Sendable, Equatable {
    /// Distinct values kept exactly before switching to the sketch.
    public static let maximumExactValues = 64
    /// The sketch's guarantee: a percentile is within 1% of the true nearest-rank value.
    public static let relativeAccuracy = 0.01
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = Foundation.log(gamma)

    enum Storage: Sendable, Equatable {
        /// Distinct values and their counts, sorted by value.
        case exact([Double], [Double])
        /// Count of zeros, and bucket index → count for positive values.
        case sketch(zeros: Double, buckets: [Int32: Double])
        /// Percentiles are not available.
        case unavailable
    }

    var storage: Storage

    /// No values yet.
    public init() { storage = .exact([], []) }

    /// `count` observations of `value`.
    public init(value: Double, count: Double = 1) {
        self.init()
        add(value, count: count)
    }

    /// A distribution without percentiles (a statistic set with different minimum and maximum).
    public static let unavailable = ValueDistribution(storage: .unavailable)

    init(storage: Storage) { self.storage = storage }

    /// Whether percentiles can be computed.
    public var hasPercentiles: Bool { if case .unavailable = storage { false } else { true } }

    /// Adds `count` observations of `value`.
    public mutating func add(_ value: Double, count: Double = 1) {
        guard value >= 0, value.isFinite else {
            storage = .unavailable
            return
        }
        switch storage {
        case .unavailable: return
        case .exact(var values, var counts):
            storage = .unavailable  // drop the enum's reference, so the arrays are mutated in place
            var lo = 0
            var hi = values.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if values[mid] < value { lo = mid + 1 } else { hi = mid }
            }
            if lo < values.count && values[lo] == value {
                counts[lo] += count
            } else {
                values.insert(value, at: lo)
                counts.insert(count, at: lo)
            }
            if values.count > Self.maximumExactValues {
                storage = .sketch(zeros: 0, buckets: [:])
                for k in values.indices { add(values[k], count: counts[k]) }
            } else {
                storage = .exact(values, counts)
            }
        case .sketch(var zeros, var buckets):
            storage = .unavailable  // as above
            if value == 0 { zeros += count } else { buckets[Self.index(value), default: 0] += count }
            storage = .sketch(zeros: zeros, buckets: buckets)
        }
    }

    /// Adds every observation of `other`.
    public mutating func merge(_ other: ValueDistribution) {
        switch (storage, other.storage) {
        case (.unavailable, _): return
        case (_, .unavailable): storage = .unavailable
        case (_, .exact(let values, let counts)):
            for k in values.indices { add(values[k], count: counts[k]) }
        case (.exact(let values, let counts), .sketch):
            self = other
            for k in values.indices { add(values[k], count: counts[k]) }
        case (.sketch(var zeros, var buckets), .sketch(let z, let b)):
            storage = .unavailable  // as in add
            zeros += z
            for (i, c) in b { buckets[i, default: 0] += c }
            storage = .sketch(zeros: zeros, buckets: buckets)
        }
    }

    static func index(_ value: Double) -> Int32 { Int32(Foundation.ceil(Foundation.log(value) / logGamma)) }
    static func estimate(_ index: Int32) -> Double { 2 * Foundation.pow(gamma, Double(index)) / (gamma + 1) }

    /// The `percent`th percentile (0...100), nearest rank; nil when empty or unavailable.
    /// Exact in exact mode; otherwise within ``relativeAccuracy`` of the exact value.
    public func percentile(_ percent: Double) -> Double? {
        switch storage {
        case .unavailable: return nil
        case .exact(let values, let counts):
            let total = counts.reduce(0, +)
            guard total > 0 else { return nil }
            let rank = Swift.max(1, (percent / 100 * total).rounded(.up))
            var seen = 0.0
            for k in values.indices {
                seen += counts[k]
                if seen >= rank { return values[k] }
            }
            return values.last
        case .sketch(let zeros, let buckets):
            let total = zeros + buckets.values.reduce(0, +)
            guard total > 0 else { return nil }
            let rank = Swift.max(1, (percent / 100 * total).rounded(.up))
            if zeros >= rank { return 0 }
            var seen = zeros
            let sorted = buckets.keys.sorted()
            for i in sorted {
                seen += buckets[i]!
                if seen >= rank { return Self.estimate(i) }
            }
            return sorted.last.map(Self.estimate)
        }
    }

    // MARK: storage format

    /// A compact binary form for the store (little-endian; first byte: 1 exact, 2 sketch, 3 unavailable).
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        switch storage {
        case .exact(let values, let counts):
            out.append(1)
            put(UInt32(values.count))
            for k in values.indices {
                put(values[k].bitPattern)
                put(counts[k].bitPattern)
            }
        case .sketch(let zeros, let buckets):
            out.append(2)
            put(zeros.bitPattern)
            put(UInt32(buckets.count))
            for (i, count) in buckets.sorted(by: { $0.key < $1.key }) {
                put(i)
                put(count.bitPattern)
            }
        case .unavailable:
            out.append(3)
        }
        return out
    }

    /// Reads ``serialized``; nil for bytes it did not write.
    public init?(serialized bytes: [UInt8]) {
        var at = 0
        func get<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard at + MemoryLayout<T>.size <= bytes.count else { return nil }
            var v: T = 0
            withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: bytes[at..<at + MemoryLayout<T>.size]) }
            at += MemoryLayout<T>.size
            return T(littleEndian: v)
        }
        guard let kind = bytes.first else { return nil }
        at = 1
        switch kind {
        case 1:
            guard let n = get(UInt32.self) else { return nil }
            var values: [Double] = []
            var counts: [Double] = []
            for _ in 0..<n {
                guard let v = get(UInt64.self), let c = get(UInt64.self) else { return nil }
                values.append(Double(bitPattern: v))
                counts.append(Double(bitPattern: c))
            }
            storage = .exact(values, counts)
        case 2:
            guard let z = get(UInt64.self), let n = get(UInt32.self) else { return nil }
            var buckets: [Int32: Double] = [:]
            for _ in 0..<n {
                guard let i = get(Int32.self), let c = get(UInt64.self) else { return nil }
                buckets[i] = Double(bitPattern: c)
            }
            storage = .sketch(zeros: Double(bitPattern: z), buckets: buckets)
        case 3: storage = .unavailable
        default: return nil
        }
        guard at == bytes.count else { return nil }
    }
}
