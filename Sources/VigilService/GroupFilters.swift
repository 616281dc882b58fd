public import VigilMetrics
import VigilPatterns
import VigilStore
import Foundation

/// The compiled metric filters of one log group, applied to each ingested event.
///
/// All filters are evaluated together by one ``FilterSet``: literal prefilters are shared and a JSON
/// event is scanned once for every JSON filter. Matching events add their metric value at the event's
/// timestamp; only a filter whose value or dimensions come from the event looks at it again. A filter
/// with a `defaultValue` reports it once for each minute of a batch in which it matched nothing
/// (docs/logs.md).
final class GroupFilters: Sendable {
    let filters: [MetricFilter]
    let set: FilterSet
    /// Per filter: the metric key of its dimensionless datapoints.
    let keys: [MetricKey]
    let constants: [MetricObservation?]
    let withDefault: [Int]

    init(_ records: [MetricFilterRecord]) throws {
        let filters = try records.flatMap { r in
            try LogsService.decodeTransformations(r.transformations).map { t in try MetricFilter(pattern: r.pattern, transformation: t) }
        }
        self.filters = filters
        set = FilterSet(filters.map(\.pattern))
        keys = filters.map { f in
            MetricKey(namespace: f.transformation.metricNamespace, name: f.transformation.metricName, unit: f.transformation.unit ?? "None")
        }
        constants = filters.map(\.constantObservation)
        withDefault = filters.indices.filter { filters[$0].transformation.defaultValue != nil }
    }

    /// The datapoints `events` produce (events already accepted, in time order).
    func datapoints(for events: ArraySlice<NewLogEvent>) -> MinuteAggregator {
        var out = MinuteAggregator()
        guard !filters.isEmpty else { return out }
        var scratch = FilterSet.Scratch(set)
        var matchedInEvent = [Bool](repeating: false, count: filters.count)
        var minutesWithMatch = [Set<Int64>](repeating: [], count: filters.count)
        var minutesWithoutMatch = [Set<Int64>](repeating: [], count: filters.count)
        for e in events {
            let minute = Period.floor(e.timestamp, to: 60_000)
            e.message.withUnsafeBufferPointer { message in
                set.forEachMatch(message, &scratch) { k in
                    // A match whose value field is missing or not a number produces nothing (as AWS).
                    guard let o = constants[k] ?? filters[k].observe(message), !o.isDefault else { return }
                    matchedInEvent[k] = true
                    let key = o.dimensions.isEmpty ? keys[k] : keys[k].with(dimensions: o.dimensions)
                    out.add(MetricDatapoint(key: key, timestamp: e.timestamp, value: o.value))
                }
            }
            for k in withDefault {
                if matchedInEvent[k] { minutesWithMatch[k].insert(minute) } else { minutesWithoutMatch[k].insert(minute) }
            }
            for k in matchedInEvent.indices where matchedInEvent[k] { matchedInEvent[k] = false }
        }
        for k in withDefault {
            let d = filters[k].transformation.defaultValue!
            for minute in minutesWithoutMatch[k].subtracting(minutesWithMatch[k]) {
                out.add(MetricDatapoint(key: keys[k], timestamp: minute, value: d))
            }
        }
        return out
    }
}
