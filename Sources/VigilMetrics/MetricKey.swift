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

    /// The dimensions as one canonical text, for storage and comparison: `name=value` pairs, sorted,
    /// joined by newlines, with `\\` escaping a backslash, `\\n` a newline and (in names) `\\=` an equals
    /// sign. The escapes make it unambiguous whatever the names and values hold: a value cannot pose as
    /// a second pair (`Role=admin\nUser=bob` as one value is `Role=admin\\nUser=bob`), and text without
    /// backslashes or newlines reads as it did before the escapes existed.
    public var canonicalDimensions: String {
        var out = ""
        for (i, d) in dimensions.enumerated() {
            if i > 0 { out += "\n" }
            Self.escape(d.name, equalsSign: true, into: &out)
            out += "="
            Self.escape(d.value, equalsSign: false, into: &out)
        }
        return out
    }

    static func escape(_ text: String, equalsSign: Bool, into out: inout String) {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || (equalsSign && $0 == 0x3D) }) else {
            out += text
            return
        }
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "=" where equalsSign: out += "\\="
            default: out.unicodeScalars.append(c)
            }
        }
    }

    /// Parses ``canonicalDimensions`` (an escape it does not know stands for the character after the
    /// backslash; a pair without `=` has an empty value).
    public static func dimensions(fromCanonical text: String) -> [Dimension] {
        var result: [Dimension] = []
        var name = ""
        var value = ""
        var inValue = false
        var escaped = false
        var any = false
        func finish() {
            if any { result.append(Dimension(name: name, value: value)) }
            name = ""
            value = ""
            inValue = false
            any = false
        }
        for c in text.unicodeScalars {
            if escaped {
                escaped = false
                let literal: Unicode.Scalar = c == "n" ? "\n" : c
                if inValue { value.unicodeScalars.append(literal) } else { name.unicodeScalars.append(literal) }
                any = true
                continue
            }
            switch c {
            case "\\": escaped = true
            case "\n": finish()
            case "=" where !inValue:
                inValue = true
                any = true
            default:
                if inValue { value.unicodeScalars.append(c) } else { name.unicodeScalars.append(c) }
                any = true
            }
        }
        finish()
        return result
    }

    public static func < (a: MetricKey, b: MetricKey) -> Bool {
        (a.namespace, a.name, a.canonicalDimensions, a.unit) < (b.namespace, b.name, b.canonicalDimensions, b.unit)
    }
}
