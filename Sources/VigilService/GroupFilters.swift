public import VigilMetrics
import VigilPatterns
import VigilStore
import Foundation

/// The compiled metric filters of one log group, applied to each ingested event.
///
/// Matching events add their metric value at the event's timestamp. A filter with a `defaultValue`
/// reports it once for each minute of a batch in which it matched nothing (docs/logs.md).
final class GroupFilters: Sendable {
    let filters: [MetricFilter]

    init(_ records: [MetricFilterRecord]) throws {
        filters = try records.flatMap { r in
            try LogsService.decodeTransformations(r.transformations).map { t in try MetricFilter(pattern: r.pattern, transformation: t) }
        }
    }

    /// The datapoints `events` produce (events already accepted, in time order).
    func datapoints(for events: ArraySlice<NewLogEvent>) -> MinuteAggregator {
        var out = MinuteAggregator()
        guard !filters.isEmpty else { return out }
        for filter in filters {
            let t = filter.transformation
            let unit = t.unit ?? "None"
            var minutesWithoutMatch: Set<Int64> = []
            var minutesWithMatch: Set<Int64> = []
            for e in events {
                let observation = e.message.withUnsafeBufferPointer { filter.observe($0) }
                let minute = Period.floor(e.timestamp, to: 60_000)
                guard let o = observation else { continue }
                if o.isDefault {
                    minutesWithoutMatch.insert(minute)
                    continue
                }
                minutesWithMatch.insert(minute)
                let key = MetricKey(namespace: t.metricNamespace, name: t.metricName,
                                    dimensions: o.dimensions.map { MetricKey.Dimension(name: $0.key, value: $0.value) }, unit: unit)
                out.add(MetricDatapoint(key: key, timestamp: e.timestamp, value: o.value))
            }
            if let d = t.defaultValue {
                let key = MetricKey(namespace: t.metricNamespace, name: t.metricName, unit: unit)
                for minute in minutesWithoutMatch.subtracting(minutesWithMatch) {
                    out.add(MetricDatapoint(key: key, timestamp: minute, value: d))
                }
            }
        }
        return out
    }
}
