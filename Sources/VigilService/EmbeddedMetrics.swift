import VigilAPI
public import VigilMetrics
import VigilPatterns
public import VigilStore

/// CloudWatch's embedded metric format (EMF): a JSON log event whose `_aws.CloudWatchMetrics`
/// directives name members of the event as metric values and dimensions. Ingest turns them into
/// datapoints in the same transaction as the events, as CloudWatch Logs does.
///
/// ```json
/// {"_aws":{"Timestamp":1764064800000,"CloudWatchMetrics":[{"Namespace":"App","Dimensions":[["Service"]],
///   "Metrics":[{"Name":"Latency","Unit":"Milliseconds"}]}]},"Service":"api","Latency":[12,30]}
/// ```
/// Limits as the specification gives them: at most 30 dimension keys per dimension set, 100 metrics
/// per directive, 100 values per member. An event whose metadata breaks the structure yields no
/// metrics (it is stored all the same); a metric whose member is missing or not a number, or a
/// dimension set naming a member that is not a string, is skipped alone (docs/logs.md).
public enum EmbeddedMetrics {
    static let marker = Array("\"_aws\"".utf8)

    /// Adds the datapoints of every EMF event of `events` to `datapoints`.
    public static func extract(from events: ArraySlice<NewLogEvent>, into datapoints: inout MinuteAggregator) {
        for e in events {
            // An EMF document is a JSON object: most events are excluded by their first byte.
            guard let first = e.message.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }),
                first == UInt8(ascii: "{"),
                e.message.withUnsafeBufferPointer({ ByteSearch.contains($0, marker) })
            else { continue }
            for (key, timestamp, values, highResolution) in metrics(in: e.message) {
                for v in values {
                    datapoints.add(
                        MetricDatapoint(key: key, timestamp: timestamp, value: v), highResolution: highResolution)
                }
            }
        }
    }

    /// The metrics one event declares: key, timestamp, values, whether high resolution.
    public static func metrics(in message: [UInt8]) -> [(MetricKey, Int64, [Double], Bool)] {
        // A timestamp of milliseconds that does not fit (1e300) makes the event's metadata invalid:
        // it yields no metrics, and the event is stored all the same.
        guard let root = try? JSONValue(parsing: message), case .object(let aws)? = root["_aws"],
            case .number(let text)? = aws["Timestamp"],
            let time = try? CheckedNumber.integer(text, as: Int64.self, path: []), time >= 0,
            case .array(let directives)? = aws["CloudWatchMetrics"]
        else { return [] }
        var out: [(MetricKey, Int64, [Double], Bool)] = []
        for directive in directives {
            guard case .object(let d) = directive, case .string(let namespace)? = d["Namespace"], !namespace.isEmpty,
                namespace.utf8.count <= 255,
                case .array(let dimensionSets)? = d["Dimensions"], case .array(let metrics)? = d["Metrics"],
                metrics.count <= 100
            else { return [] }
            var sets: [[MetricKey.Dimension]] = []
            for set in dimensionSets {
                guard case .array(let names) = set, names.count <= 30 else { return [] }
                var dims: [MetricKey.Dimension] = []
                for name in names {
                    guard case .string(let n) = name else { return [] }
                    guard case .string(let v)? = root[n], DimensionRules.problem(name: n, value: v) == nil else {
                        dims = []
                        break
                    }
                    dims.append(MetricKey.Dimension(name: n, value: v))
                }
                if dims.count == names.count { sets.append(dims) }
            }
            for metric in metrics {
                guard case .object(let m) = metric, case .string(let name)? = m["Name"], !name.isEmpty else {
                    return []
                }
                var unit = "None"
                if case .string(let u)? = m["Unit"] {
                    guard MetricUnits.all.contains(u) else { continue }
                    unit = u
                }
                var resolution = 60.0
                if let r = number(m["StorageResolution"]) {
                    guard r == 1 || r == 60 else { continue }
                    resolution = r
                }
                let values: [Double]
                switch root[name] {
                case .number?: values = number(root[name]).map { [$0] } ?? []
                case .array(let list)? where list.count <= 100: values = list.compactMap(number)
                default: continue
                }
                guard !values.isEmpty || root[name] == .array([]) else { continue }
                if case .array(let list)? = root[name], values.count != list.count { continue }
                for dims in sets {
                    out.append(
                        (
                            MetricKey(namespace: namespace, name: name, dimensions: dims, unit: unit), time,
                            values, resolution == 1
                        ))
                }
            }
        }
        return out
    }

    /// A JSON number as a finite Double; nil for anything else.
    static func number(_ v: JSONValue?) -> Double? {
        guard case .number(let text)? = v, let d = Double(text), d.isFinite else { return nil }
        return d
    }
}
