import Foundation
import Testing
import VigilMetrics

/// Percentiles: exact for few distinct values, within 1% beyond, mergeable in any order.
struct ValueDistributionTests {
    /// The nearest-rank percentile of `values`, computed the slow way.
    static func nearestRank(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    static func values(seed: UInt64, count: Int, distinct: Int? = nil) -> [Double] {
        var state = seed
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            if let distinct { return Double(Int(next() * Double(distinct))) * 2.5 }
            return exp(next() * 12 - 2)  // log-uniform over six orders of magnitude, like latencies
        }
    }

    static let percents: [Double] = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]

    @Test("exact while there are at most 64 distinct values, including zeros and repeats")
    func exactForFewValues() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let values = Self.values(seed: seed, count: 500, distinct: 64)
            var d = ValueDistribution()
            for v in values { d.add(v) }
            for p in Self.percents { #expect(d.percentile(p) == Self.nearestRank(values, p), "seed \(seed) p\(p)") }
        }
    }

    @Test("within 1% of the exact value with many distinct values")
    func boundedError() {
        for seed in 1...10 as ClosedRange<UInt64> {
            let values = Self.values(seed: seed, count: 20_000)
            var d = ValueDistribution()
            for v in values { d.add(v) }
            for p in Self.percents {
                let exact = Self.nearestRank(values, p)
                let estimate = d.percentile(p)!
                #expect(
                    abs(estimate - exact) <= ValueDistribution.relativeAccuracy * exact + 1e-12,
                    "seed \(seed) p\(p): \(estimate) vs \(exact)")
            }
        }
    }

    @Test("merging parts in any order equals adding every value to one distribution")
    func mergeOrder() {
        let values = Self.values(seed: 99, count: 6_000)
        var whole = ValueDistribution()
        for v in values { whole.add(v) }
        let parts = stride(from: 0, to: values.count, by: 1_000).map { start in
            var d = ValueDistribution()
            for v in values[start..<start + 1_000] { d.add(v) }
            return d
        }
        for order in [Array(parts.indices), parts.indices.reversed(), [3, 0, 5, 1, 4, 2]] {
            var merged = ValueDistribution()
            for k in order { merged.merge(parts[k]) }
            for p in Self.percents { #expect(merged.percentile(p) == whole.percentile(p)) }
        }
    }

    @Test("the stored form reads back equal, for exact, sketch and unavailable distributions")
    func serialization() {
        var exact = ValueDistribution(value: 3, count: 4)
        exact.add(0)
        var sketch = ValueDistribution()
        for v in Self.values(seed: 5, count: 1_000) { sketch.add(v) }
        for d in [exact, sketch, ValueDistribution.unavailable, ValueDistribution()] {
            #expect(ValueDistribution(serialized: d.serialized) == d)
        }
        #expect(
            ValueDistribution(serialized: [9]) == nil
                && ValueDistribution(serialized: exact.serialized.dropLast().map { $0 }) == nil)
    }

    @Test(
        "as CloudWatch: no percentiles once a value is negative, or for a statistic set with different minimum and maximum"
    )
    func unavailable() {
        var d = ValueDistribution(value: 5)
        d.add(-1)
        #expect(d.percentile(50) == nil && !d.hasPercentiles)
        #expect(StatisticSet(sampleCount: 3, sum: 9, minimum: 1, maximum: 5).percentile(50) == nil)
        #expect(StatisticSet(sampleCount: 3, sum: 15, minimum: 5, maximum: 5).percentile(99) == 5)
        var merged = StatisticSet(value: 2)
        merged.merge(StatisticSet(sampleCount: 2, sum: 4, minimum: 1, maximum: 3))
        #expect(merged.percentile(50) == nil)
    }
}
