/// How a metric filter turns a matching event into a metric datapoint (AWS's MetricTransformation).
///
/// `metricValue` is a number ("1"), a JSON selector (`$.latency`) for JSON patterns, or a field
/// (`$size`, `$7`) for space-delimited patterns. `defaultValue` is published for events that do not
/// match. Up to three `dimensions` map dimension names to fields. Reference:
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html
public struct MetricTransformation: Sendable, Equatable, Codable {
    public var metricName: String
    public var metricNamespace: String
    public var metricValue: String
    public var defaultValue: Double?
    public var dimensions: [String: String]?
    public var unit: String?

    /// Creates a transformation; nothing is validated until it is compiled with a pattern.
    public init(
        metricName: String, metricNamespace: String, metricValue: String,
        defaultValue: Double? = nil, dimensions: [String: String]? = nil, unit: String? = nil
    ) {
        self.metricName = metricName
        self.metricNamespace = metricNamespace
        self.metricValue = metricValue
        self.defaultValue = defaultValue
        self.dimensions = dimensions
        self.unit = unit
    }

    /// The units CloudWatch accepts (StandardUnit).
    public static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]
    /// One metric filter can publish at most this many dimensions.
    public static let maximumDimensions = 3
}

/// A field a metric transformation reads from a space-delimited match: `$size` or `$7`.
public enum FieldReference: Sendable, Equatable {
    case name(String)
    case position(Int)
}

/// Where a metric value or dimension value comes from.
enum ValueSource: Sendable {
    case literal(Double)
    case json(slot: Int)
    case field(FieldReference)
}

/// One datapoint produced for one event.
public struct MetricObservation: Sendable, Equatable {
    /// The value to add to the metric.
    public var value: Double
    /// Dimension name to value, empty when the transformation has none.
    public var dimensions: [String: String]
    /// True when the event did not match and this is the transformation's default value.
    public var isDefault: Bool

    /// Creates an observation.
    public init(value: Double, dimensions: [String: String], isDefault: Bool) {
        self.value = value
        self.dimensions = dimensions
        self.isDefault = isDefault
    }
}

/// A filter pattern compiled together with its metric transformation.
///
/// ```swift
/// let filter = try MetricFilter(pattern: "[ip, id, user, timestamp, request, status_code, size]",
///                               transformation: .init(metricName: "Bytes", metricNamespace: "Web", metricValue: "$size"))
/// filter.observe("127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET / HTTP/1.0\" 200 1534")?.value  // 1534
/// ```
public final class MetricFilter: Sendable {
    /// The compiled pattern.
    public let pattern: FilterPattern
    /// The transformation as given.
    public let transformation: MetricTransformation
    let value: ValueSource
    let dimensions: [(name: String, source: ValueSource)]
    let json: JSONBinding?

    /// Compiles and validates; errors name the offending parameter (InvalidParameterException).
    public init(pattern text: String, transformation: MetricTransformation) throws(FilterPatternError) {
        let pattern = try FilterPattern(text)
        self.pattern = pattern
        self.transformation = transformation
        var selectors: [JSONSelector] = []
        func source(_ raw: String, _ what: String) throws(FilterPatternError) -> ValueSource {
            let trimmed = raw.trimmingSpaces
            if trimmed.hasPrefix("$.") || trimmed == "$" {
                guard pattern.isJSON else {
                    throw FilterPatternError(
                        id: "json-field-without-json-pattern", offset: 0,
                        message: "\(what) '\(raw)' reads a json field, but the filter pattern is not a json pattern")
                }
                var parser = FilterPatternParser(trimmed)
                let selector: JSONSelector
                do { selector = try parser.parseSelector() } catch {
                    throw FilterPatternError(
                        id: "invalid-\(what.replacingSpaces)", offset: 0,
                        message: "\(what) '\(raw)' is not a valid json selector: \(error.message)")
                }
                guard parser.i == parser.bytes.count else {
                    throw FilterPatternError(
                        id: "invalid-\(what.replacingSpaces)", offset: 0,
                        message: "\(what) '\(raw)' is not a valid json selector")
                }
                selectors.append(selector)
                return .json(slot: selectors.count - 1)
            }
            if trimmed.hasPrefix("$") {
                let name = String(trimmed.dropFirst())
                guard case .delimited(let d) = pattern.syntax else {
                    throw FilterPatternError(
                        id: "field-without-delimited-pattern", offset: 0,
                        message:
                            "\(what) '\(raw)' reads a field, but the filter pattern is not a space-delimited pattern")
                }
                if let position = Int(name), position >= 1 { return .field(.position(position)) }
                guard d.fieldNames[name] != nil else {
                    throw FilterPatternError(
                        id: "unknown-field", offset: 0, message: "\(what) '\(raw)' names no field of the filter pattern"
                    )
                }
                return .field(.name(name))
            }
            if what == "metric value", let number = Double(trimmed), number.isFinite { return .literal(number) }
            throw FilterPatternError(
                id: "invalid-\(what.replacingSpaces)", offset: 0,
                message:
                    "\(what) '\(raw)' must be \(what == "metric value" ? "a number, " : "")a '$.field' of a json pattern or a '$field' of a space-delimited pattern"
            )
        }
        guard !transformation.metricName.isEmpty, transformation.metricName.utf8.count <= 255,
            !transformation.metricName.contains(where: { $0 == ":" || $0 == "*" || $0 == "$" })
        else {
            throw FilterPatternError(
                id: "invalid-metric-name", offset: 0,
                message:
                    "metric name '\(transformation.metricName)' must be 1 to 255 characters without ':', '*' or '$'")
        }
        guard !transformation.metricNamespace.isEmpty, transformation.metricNamespace.utf8.count <= 255,
            !transformation.metricNamespace.contains(where: { $0 == ":" || $0 == "*" || $0 == "$" })
        else {
            throw FilterPatternError(
                id: "invalid-metric-namespace", offset: 0,
                message:
                    "metric namespace '\(transformation.metricNamespace)' must be 1 to 255 characters without ':', '*' or '$'"
            )
        }
        guard transformation.metricValue.utf8.count <= 100, !transformation.metricValue.isEmpty else {
            throw FilterPatternError(
                id: "invalid-metric-value", offset: 0, message: "metric value must be 1 to 100 characters")
        }
        if let unit = transformation.unit, !MetricTransformation.units.contains(unit) {
            throw FilterPatternError(
                id: "invalid-unit", offset: 0, message: "unit '\(unit)' is not a cloudwatch standard unit")
        }
        value = try source(transformation.metricValue, "metric value")
        let dims = (transformation.dimensions ?? [:]).sorted { $0.key < $1.key }
        if dims.count > MetricTransformation.maximumDimensions {
            throw FilterPatternError(
                id: "too-many-dimensions", offset: 0,
                message:
                    "a metric filter can have at most \(MetricTransformation.maximumDimensions) dimensions; \(dims.count) were given"
            )
        }
        if !dims.isEmpty && transformation.defaultValue != nil {
            throw FilterPatternError(
                id: "dimensions-with-default-value", offset: 0,
                message: "a metric transformation cannot have both dimensions and a default value")
        }
        var dimensionSources: [(String, ValueSource)] = []
        // Names are CloudWatch's to check (VigilService, DimensionRules); here only their sources.
        for (name, field) in dims {
            dimensionSources.append((name, try source(field, "dimension value")))
        }
        dimensions = dimensionSources
        if case .json(let expression) = pattern.syntax {
            json = JSONBinding(expressions: [expression], extraSelectors: selectors)
        } else {
            json = nil
        }
    }

    /// The datapoint `message` produces: the metric value when it matches (nil when the value field
    /// is missing or not a number), the default value when it does not match, else nil.
    public func observe(_ message: UnsafeBufferPointer<UInt8>) -> MetricObservation? {
        let noMatch = transformation.defaultValue.map { MetricObservation(value: $0, dimensions: [:], isDefault: true) }
        if let prefilter = pattern.prefilter, !prefilter.contains(message) { return noMatch }
        switch pattern.syntax {
        case .json:
            let binding = json!
            var values = JSONValues(slotCount: binding.trie.slotCount)
            guard binding.scan(message, into: &values), binding.program.evaluate(0, values, message) else {
                return noMatch
            }
            func text(_ source: ValueSource) -> String? {
                switch source {
                case .literal(let v): return MetricFilter.format(v)
                case .field: return nil
                case .json(let k):
                    let slot = binding.extraSlots[k]
                    guard let ref = values.first(slot),
                        ref.kind == .string || ref.kind == .number || ref.kind == .trueValue || ref.kind == .falseValue
                    else { return nil }
                    return JSONMatcher.withText(ref, message) { String(decoding: $0, as: UTF8.self) }
                }
            }
            return observation(text)
        case .delimited(let d):
            guard let match = pattern.delimited!.match(message) else { return noMatch }
            return observation { source in
                switch source {
                case .literal(let v): return MetricFilter.format(v)
                case .json: return nil
                case .field(let reference):
                    return match.field(reference, d).map {
                        String(decoding: UnsafeBufferPointer(rebasing: message[$0]), as: UTF8.self)
                    }
                }
            }
        default:
            guard pattern.matches(message) else { return noMatch }
            return observation { source in
                if case .literal(let v) = source { return MetricFilter.format(v) } else { return nil }
            }
        }
    }

    /// What every match produces when the value is a number and there are no dimensions (the usual
    /// "count 1 per match" filter), so that ingest need not look at a matching event again.
    public var constantObservation: MetricObservation? {
        guard case .literal(let v) = value, dimensions.isEmpty else { return nil }
        return MetricObservation(value: v, dimensions: [:], isDefault: false)
    }

    /// The datapoint `message` produces (see ``observe(_:)-(UnsafeBufferPointer<UInt8>)``).
    public func observe(_ message: String) -> MetricObservation? {
        var copy = message
        return copy.withUTF8 { observe($0) }
    }

    func observation(_ text: (ValueSource) -> String?) -> MetricObservation? {
        guard let raw = text(value),
            let number = raw.utf8.withContiguousStorageIfAvailable({ JSONText.parseDouble($0) })
                ?? JSONText.parseDouble(Array(raw.utf8)),
            number.isFinite
        else { return nil }
        var dims: [String: String] = [:]
        for (name, source) in dimensions {
            guard let v = text(source), !v.isEmpty else { return nil }
            dims[name] = v
        }
        return MetricObservation(value: number, dimensions: dims, isDefault: false)
    }

    static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }
}

extension JSONText {
    static func parseDouble(_ bytes: [UInt8]) -> Double? { bytes.withUnsafeBufferPointer { parseDouble($0) } }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
    var replacingSpaces: String { String(map { $0 == " " ? "-" : $0 }) }
}
