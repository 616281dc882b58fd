/// What identifies one metric: namespace, name, dimensions (sorted by name) and unit.
///
/// CloudWatch identifies a metric by namespace, name and dimensions; Vigil also keeps the unit in the
/// key, so a `Unit` filter on a query selects whole series (docs/metrics.md).
public struct MetricKey: Hashable, Sendable, Comparable {
    public let namespace: String
    public let name: String
    /// Dimension name/value pairs, sorted by name.
    public let dimensions: [Dimension]
    public let unit: String

    /// One dimension of a metric.
    public struct Dimension: Hashable, Sendable, Comparable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
        public static func < (a: Dimension, b: Dimension) -> Bool { (a.name, a.value) < (b.name, b.value) }
    }

    public init(namespace: String, name: String, dimensions: [Dimension] = [], unit: String = "None") {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions.sorted()
        self.unit = unit
    }

    /// This metric with `dimensions` (name to value) instead of its own.
    public func with(dimensions: [String: String]) -> MetricKey {
        MetricKey(
            namespace: namespace, name: name, dimensions: dimensions.map { Dimension(name: $0.key, value: $0.value) },
            unit: unit)
    }

    /// The dimensions as one canonical text (`name=value` pairs joined by newlines, sorted), for storage.
    public var canonicalDimensions: String {
        dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
    }

    /// Parses ``canonicalDimensions``.
    public static func dimensions(fromCanonical text: String) -> [Dimension] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return Dimension(name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    public static func < (a: MetricKey, b: MetricKey) -> Bool {
        (a.namespace, a.name, a.canonicalDimensions, a.unit) < (b.namespace, b.name, b.canonicalDimensions, b.unit)
    }
}
