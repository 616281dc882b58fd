import Foundation
import Synchronization
import VigilMetrics
import VigilPatterns
import VigilStore

/// The compiled metric filters of one log group, applied to each ingested event.
///
/// All filters are evaluated together by one ``FilterSet``: literal prefilters are shared and a JSON
/// event is scanned once for every JSON filter. Matching events add their metric value at the event's
/// timestamp; only a filter whose value or dimensions come from the event looks at it again. A filter
/// with a `defaultValue` emits it for each event its pattern does not match, as the API reference
/// defines it (docs/logs.md).
final class GroupFilters: Sendable {
    let filters: [MetricFilter]
    let set: FilterSet
    /// Per filter: the metric key of its dimensionless datapoints.
    let keys: [MetricKey]
    let constants: [MetricObservation?]
    let withDefault: [Int]
    let cardinality = Mutex(CardinalityGuard())

    init(_ records: [MetricFilterRecord]) throws {
        let filters = try records.flatMap { r in
            try LogsService.storedTransformations(r.transformations).map { t in
                try MetricFilter(pattern: r.pattern, transformation: LogsService.transformation(t))
            }
        }
        self.filters = filters
        set = FilterSet(filters.map(\.pattern))
        keys = filters.map { f in
            MetricKey(
                namespace: f.transformation.metricNamespace, name: f.transformation.metricName,
                unit: f.transformation.unit ?? "None")
        }
        constants = filters.map(\.constantObservation)
        withDefault = filters.indices.filter { filters[$0].transformation.defaultValue != nil }
    }

    /// Starts the cardinality guard of every filter with dimensions, for every hour of `events`, from
    /// the combinations the store already holds (`stored(key, hour)`), so that the guard counts on
    /// where it was before a restart. Asked once per filter and hour; the scan itself then needs no store.
    func seedCardinality(
        for events: ArraySlice<NewLogEvent>, stored: (MetricKey, Int64) async throws -> [String]
    ) async throws {
        let dimensioned = filters.indices.filter { !(filters[$0].transformation.dimensions ?? [:]).isEmpty }
        guard !dimensioned.isEmpty else { return }
        var hours: Set<Int64> = []
        for e in events { hours.insert(Period.floor(e.timestamp, to: 3_600_000)) }
        for k in dimensioned {
            for hour in hours.sorted() where cardinality.withLock({ !$0.knows(filter: k, hour: hour) }) {
                let combinations = try await stored(keys[k], hour)
                cardinality.withLock { $0.seed(filter: k, hour: hour, combinations: combinations) }
            }
        }
    }

    /// The datapoints `events` produce (events already accepted, in time order), and warnings. The
    /// cardinality guard counts on from ``seedCardinality(for:stored:)``.
    func datapoints(for events: ArraySlice<NewLogEvent>) -> (MinuteAggregator, [String], matches: Int) {
        var out = MinuteAggregator()
        var warnings: [String] = []
        guard !filters.isEmpty else { return (out, warnings, 0) }
        var matches = 0
        var refusedDimensions: Set<Int> = []
        var scratch = FilterSet.Scratch(set)
        var matchedInEvent = [Bool](repeating: false, count: filters.count)
        // The default values of events a filter did not match, counted per minute like the constants.
        var defaults = [(minute: Int64, count: Double)](repeating: (Int64.min, 0), count: filters.count)
        func flushDefaults(_ k: Int) {
            guard defaults[k].count > 0, let d = filters[k].transformation.defaultValue else { return }
            out.add(
                MetricDatapoint(
                    key: keys[k], timestamp: defaults[k].minute,
                    values: StatisticSet(value: d, count: defaults[k].count)))
            defaults[k].count = 0
        }
        // Constant observations (count 1 per match, the usual filter) are counted per minute here and
        // added once per filter and minute, not hashed into the aggregator per event.
        var runs = [(minute: Int64, count: Double)](repeating: (Int64.min, 0), count: filters.count)
        func flushRun(_ k: Int) {
            guard runs[k].count > 0, let o = constants[k] else { return }
            out.add(
                MetricDatapoint(
                    key: keys[k], timestamp: runs[k].minute, values: StatisticSet(value: o.value, count: runs[k].count))
            )
            runs[k].count = 0
        }
        for e in events {
            let minute = Period.floor(e.timestamp, to: 60_000)
            e.message.withUnsafeBufferPointer { message in
                set.forEachMatch(message, &scratch) { k in
                    // The pattern matched: no default value for this event, whatever follows. A match whose
                    // value field is missing or not a number produces nothing (as AWS).
                    matchedInEvent[k] = true
                    matches += 1
                    if constants[k] != nil {
                        if runs[k].minute != minute {
                            flushRun(k)
                            runs[k].minute = minute
                        }
                        runs[k].count += 1
                        return
                    }
                    guard let o = filters[k].observe(message), !o.isDefault else { return }
                    var key = keys[k]
                    if !o.dimensions.isEmpty {
                        // A value CloudWatch would refuse (empty, non-ASCII, a control character, over
                        // 1,024 characters) cannot name a series: the event is not counted, and said so.
                        for (name, value) in o.dimensions {
                            guard let reason = DimensionRules.valueProblem(value) else { continue }
                            if refusedDimensions.insert(k).inserted {
                                warnings.append(
                                    "metric filter '\(filters[k].transformation.metricName)': an event's value for dimension '\(name)' \(reason), which CloudWatch does not accept; events with such values are not counted"
                                )
                            }
                            return
                        }
                        let hour = Period.floor(e.timestamp, to: 3_600_000)
                        let admitted = cardinality.withLock {
                            $0.admit(filter: k, hour: hour, dimensions: o.dimensions)
                        }
                        switch admitted {
                        case .admitted: key = keys[k].with(dimensions: o.dimensions)
                        case .overflow(let firstTime):
                            key = keys[k].with(
                                dimensions: o.dimensions.mapValues { _ in CardinalityGuard.overflowValue })
                            if firstTime {
                                warnings.append(
                                    "metric filter '\(filters[k].transformation.metricName)' produced more than \(CardinalityGuard.limit) dimension combinations in the hour from \(hour) ms; further combinations in that hour are counted with every dimension set to '\(CardinalityGuard.overflowValue)'"
                                )
                            }
                        }
                    }
                    out.add(MetricDatapoint(key: key, timestamp: e.timestamp, value: o.value))
                }
            }
            for k in withDefault where !matchedInEvent[k] {
                if defaults[k].minute != minute {
                    flushDefaults(k)
                    defaults[k].minute = minute
                }
                defaults[k].count += 1
            }
            for k in matchedInEvent.indices where matchedInEvent[k] { matchedInEvent[k] = false }
        }
        for k in filters.indices { flushRun(k) }
        for k in withDefault { flushDefaults(k) }
        return (out, warnings, matches)
    }
}

/// CloudWatch Logs' guard on metric filter dimensions: at most 1,000 distinct dimension combinations
/// per filter and hour. AWS may disable such a filter; Vigil keeps counting the first 1,000
/// combinations of the hour as they are and counts the rest in one overflow series (every dimension
/// `OTHER`), so sums stay whole, and reports the overflow once per filter and hour.
struct CardinalityGuard {
    static let limit = 1_000
    static let overflowValue = "OTHER"
    /// Per filter: hour → the combinations seen (canonical text).
    var seen: [Int: [Int64: Set<String>]] = [:]
    var overflowing: Set<[Int64]> = []

    enum Admission: Equatable {
        case admitted
        case overflow(firstTime: Bool)
    }

    /// Whether the combinations of `filter` in `hour` are known (seeded or seen since the start).
    func knows(filter: Int, hour: Int64) -> Bool { seen[filter]?[hour] != nil }

    /// Starts `filter`'s `hour` from the combinations the store already holds (canonical text); the
    /// overflow series among them marks the hour as already reported.
    mutating func seed(filter: Int, hour: Int64, combinations: [String]) {
        var hours = seen[filter, default: [:]]
        defer { seen[filter] = hours }
        Self.makeRoom(&hours, for: hour)
        var known = hours[hour, default: []]
        for c in combinations {
            if Self.isOverflow(c) {
                overflowing.insert([Int64(filter), hour])
            } else if known.count < Self.limit {
                known.insert(c)
            }
        }
        hours[hour] = known
    }

    mutating func admit(filter: Int, hour: Int64, dimensions: [String: String]) -> Admission {
        let combination = MetricKey(namespace: "", name: "").with(dimensions: dimensions).canonicalDimensions
        var hours = seen[filter, default: [:]]
        defer { seen[filter] = hours }
        Self.makeRoom(&hours, for: hour)
        if hours[hour, default: []].contains(combination) { return .admitted }
        if hours[hour, default: []].count < Self.limit {
            hours[hour, default: []].insert(combination)
            return .admitted
        }
        return .overflow(firstTime: overflowing.insert([Int64(filter), hour]).inserted)
    }

    /// Late events may reach older hours; only the last few are kept.
    static func makeRoom(_ hours: inout [Int64: Set<String>], for hour: Int64) {
        if hours[hour] == nil, hours.count >= 4, let oldest = hours.keys.min(), oldest < hour { hours[oldest] = nil }
    }

    /// Whether a canonical combination is the overflow series (every value `OTHER`).
    static func isOverflow(_ canonical: String) -> Bool {
        let dimensions = MetricKey.dimensions(fromCanonical: canonical)
        return !dimensions.isEmpty && dimensions.allSatisfy { $0.value == overflowValue }
    }
}
