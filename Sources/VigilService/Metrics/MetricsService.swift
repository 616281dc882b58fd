import Foundation
public import VigilMetrics
public import VigilStore

/// CloudWatch's metric API over the store: PutMetricData, GetMetricStatistics, ListMetrics and
/// GetMetricData, with CloudWatch's validation, limits and error names (docs/metrics.md).
public struct MetricsService: Sendable {
    public let store: SQLiteLogStore
    let now: @Sendable () -> Int64

    public init(store: SQLiteLogStore, now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func invalid(_ message: String) -> ServiceError { ServiceError("InvalidParameterValue", message) }
    static func combination(_ message: String) -> ServiceError { ServiceError("InvalidParameterCombination", message) }
    static func missing(_ name: String) -> ServiceError {
        ServiceError("MissingParameter", "The parameter \(name) is required.")
    }

    // MARK: PutMetricData

    /// The largest magnitude CloudWatch accepts (2^360).
    static let maximumMagnitude = Double(sign: .plus, exponent: 360, significand: 1)

    /// PutMetricData: every datum is checked before any is stored; then all are stored in one transaction.
    public func putMetricData(namespace: String, data: [MetricDatum]) throws {
        try Self.checkNamespace(namespace, field: "Namespace", forWriting: true)
        guard !data.isEmpty else { throw Self.missing("MetricData") }
        guard data.count <= 1000 else {
            throw Self.invalid("The collection MetricData must not have a size greater than 1000.")
        }
        let at = now()
        var aggregator = MinuteAggregator()
        for (k, d) in data.enumerated() {
            let field = "MetricData.member.\(k + 1)"
            try Self.checkName(d.metricName, field: "\(field).MetricName")
            try Self.checkDimensions(d.dimensions, field: "\(field).Dimensions")
            if let unit = d.unit, !MetricUnits.all.contains(unit) {
                throw Self.invalid(
                    "The parameter \(field).Unit must be a value in the set [ \(MetricUnits.all.sorted().joined(separator: ", ")) ]."
                )
            }
            let resolution = d.storageResolution ?? 60
            guard resolution == 1 || resolution == 60 else {
                throw Self.invalid(
                    "The value \(resolution) for parameter \(field).StorageResolution is invalid; it must be 1 or 60.")
            }
            let timestamp = d.timestamp ?? at
            guard timestamp >= at - 14 * Self.day else {
                throw Self.invalid(
                    "The parameter \(field).Timestamp must specify a time no more than two weeks in the past.")
            }
            guard timestamp <= at + 2 * Self.hour else {
                throw Self.invalid(
                    "The parameter \(field).Timestamp must specify a time no more than two hours in the future.")
            }
            let sets = try Self.sets(d, field: field)
            let key = MetricKey(
                namespace: namespace, name: d.metricName, dimensions: d.dimensions, unit: d.unit ?? "None")
            for set in sets {
                aggregator.add(
                    MetricDatapoint(key: key, timestamp: timestamp, values: set), highResolution: resolution == 1)
            }
        }
        try store.record(aggregator, now: at)
    }

    /// The statistic sets one datum contributes: exactly one of Value, StatisticValues, Values (+Counts).
    static func sets(_ d: MetricDatum, field: String) throws -> [StatisticSet] {
        let given = [d.value != nil, d.statisticValues != nil, d.values != nil].filter { $0 }.count
        guard given <= 1 else {
            throw combination(
                "The parameters \(field).Value, \(field).StatisticValues and \(field).Values are mutually exclusive and you have specified more than one."
            )
        }
        if d.counts != nil && d.values == nil {
            throw combination("The parameter \(field).Counts requires \(field).Values.")
        }
        func check(_ v: Double, _ name: String) throws {
            guard v.isFinite, abs(v) <= maximumMagnitude, v == 0 || abs(v) >= 1 / maximumMagnitude else {
                throw invalid(
                    "The value \(v) for parameter \(name) is invalid: values must be finite numbers in the range -2^360 to 2^360."
                )
            }
        }
        if let v = d.value {
            try check(v, "\(field).Value")
            return [StatisticSet(value: v)]
        }
        if let s = d.statisticValues {
            for (v, name) in [
                (s.sampleCount, "SampleCount"), (s.sum, "Sum"), (s.minimum, "Minimum"), (s.maximum, "Maximum"),
            ] {
                try check(v, "\(field).StatisticValues.\(name)")
            }
            guard s.sampleCount > 0 else {
                throw invalid("The parameter \(field).StatisticValues.SampleCount must be greater than 0.")
            }
            guard s.minimum <= s.maximum else {
                throw invalid("The parameter \(field).StatisticValues.Minimum must not be greater than Maximum.")
            }
            return [StatisticSet(sampleCount: s.sampleCount, sum: s.sum, minimum: s.minimum, maximum: s.maximum)]
        }
        if let values = d.values {
            guard values.count <= 150 else {
                throw invalid("The collection \(field).Values must not have a size greater than 150.")
            }
            if let counts = d.counts, counts.count != values.count {
                throw combination("The parameters \(field).Values and \(field).Counts must be of the same size.")
            }
            var out: [StatisticSet] = []
            for (i, v) in values.enumerated() {
                try check(v, "\(field).Values.member.\(i + 1)")
                let count = d.counts?[i] ?? 1
                try check(count, "\(field).Counts.member.\(i + 1)")
                guard count >= 0 else {
                    throw invalid("The parameter \(field).Counts.member.\(i + 1) must not be negative.")
                }
                if count > 0 { out.append(StatisticSet(value: v, count: count)) }
            }
            return out
        }
        throw combination(
            "One of the parameters \(field).Value, \(field).StatisticValues or \(field).Values must be specified.")
    }

    static func checkNamespace(_ namespace: String, field: String, forWriting: Bool) throws {
        guard !namespace.isEmpty, namespace.utf8.count <= 255, namespace.first != ":",
            namespace.unicodeScalars.allSatisfy({ $0.isASCII })
        else {
            throw invalid("The parameter \(field) must be 1 to 255 ASCII characters and must not start with ':'.")
        }
        if forWriting && namespace.hasPrefix("AWS/") {
            throw invalid(
                "The value \(namespace) for parameter \(field) is invalid: namespaces beginning with 'AWS/' are reserved for AWS services."
            )
        }
    }

    static func checkName(_ name: String, field: String) throws {
        guard !name.isEmpty, name.utf8.count <= 255 else {
            throw invalid("The parameter \(field) must be 1 to 255 characters long.")
        }
    }

    static func checkDimensions(_ dims: [MetricKey.Dimension], field: String) throws {
        guard dims.count <= 30 else { throw invalid("The collection \(field) must not have a size greater than 30.") }
        var seen: Set<String> = []
        for (i, d) in dims.enumerated() {
            guard !d.name.isEmpty, d.name.utf8.count <= 255, d.name.first != ":",
                d.name.unicodeScalars.allSatisfy({ $0.isASCII }),
                d.name.contains(where: { !$0.isWhitespace })
            else {
                throw invalid(
                    "The parameter \(field).member.\(i + 1).Name must be 1 to 255 ASCII characters, not only whitespace, not starting with ':'."
                )
            }
            guard !d.value.isEmpty, d.value.utf8.count <= 1024 else {
                throw invalid("The parameter \(field).member.\(i + 1).Value must be 1 to 1024 characters long.")
            }
            guard seen.insert(d.name).inserted else {
                throw invalid("The dimension \(d.name) appears more than once in \(field).")
            }
        }
    }

    // MARK: GetMetricStatistics

    /// GetMetricStatistics. Without `unit`, every unit the metric was published with is returned, each
    /// datapoint with its unit, as CloudWatch does.
    public func getMetricStatistics(
        namespace: String, metricName: String, dimensions: [MetricKey.Dimension] = [], startTime: Int64, endTime: Int64,
        period: Int, statistics: [String] = [], extendedStatistics: [String] = [],
        unit: String? = nil
    ) throws -> (label: String, datapoints: [StatisticsDatapoint]) {
        try Self.checkNamespace(namespace, field: "Namespace", forWriting: false)
        try Self.checkName(metricName, field: "MetricName")
        try Self.checkDimensions(dimensions, field: "Dimensions")
        if statistics.isEmpty && extendedStatistics.isEmpty {
            throw Self.combination("Must specify either Statistics or ExtendedStatistics.")
        }
        if !statistics.isEmpty && !extendedStatistics.isEmpty {
            throw Self.combination(
                "The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
        }
        guard statistics.count <= 5, extendedStatistics.count <= 10 else {
            throw Self.invalid("At most 5 Statistics and 10 ExtendedStatistics may be requested.")
        }
        var wanted: [MetricStatistic] = []
        for (i, s) in statistics.enumerated() {
            guard let st = Statistic(rawValue: s) else {
                throw Self.invalid(
                    "The parameter Statistics.member.\(i + 1) must be a value in the set [ Average, Maximum, Minimum, SampleCount, Sum ]."
                )
            }
            wanted.append(.simple(st))
        }
        for (i, s) in extendedStatistics.enumerated() {
            guard let st = MetricStatistic(s), case .percentile = st else {
                throw Self.invalid(
                    "The value \(s) for parameter ExtendedStatistics.member.\(i + 1) is invalid: percentiles are written p0.0 to p100, with at most two decimals."
                )
            }
            wanted.append(st)
        }
        if let unit, !MetricUnits.all.contains(unit) {
            throw Self.invalid(
                "The parameter Unit must be a value in the set [ \(MetricUnits.all.sorted().joined(separator: ", ")) ]."
            )
        }
        let (start, end) = try checkRange(startTime, endTime, period: period, field: "Period")
        try Self.checkCount(start, end, period)
        guard periodAllowed(period, start: start) else { return (metricName, []) }
        var out: [StatisticsDatapoint] = []
        for key in try series(namespace: namespace, name: metricName, dimensions: dimensions, unit: unit) {
            for p in try periods(key, start: start, end: end, period: period, percentiles: !extendedStatistics.isEmpty)
            {
                var values: [String: Double] = [:]
                for st in wanted { if let v = st.value(p.values) { values[st.description] = v } }
                out.append(StatisticsDatapoint(timestamp: p.timestamp, unit: key.unit, values: values))
            }
        }
        out.sort { ($0.timestamp, $0.unit) < ($1.timestamp, $1.unit) }
        return (metricName, out)
    }

    /// The periods of one series: GetMetricStatistics' core, for callers that hold a ``MetricKey``.
    public func statistics(_ key: MetricKey, start startTime: Int64, end endTime: Int64, period: Int) throws
        -> [StatisticsQuery.PeriodResult]
    {
        let (start, end) = try checkRange(startTime, endTime, period: period, field: "Period")
        try Self.checkCount(start, end, period)
        guard periodAllowed(period, start: start) else { return [] }
        return try periods(key, start: start, end: end, period: period)
    }

    static func checkCount(_ start: Int64, _ end: Int64, _ period: Int) throws {
        let count = (end - start + Int64(period) * 1000 - 1) / (Int64(period) * 1000)
        guard count <= 1440 else {
            throw combination(
                "You have requested up to \(count) datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."
            )
        }
    }

    /// Checks the time range and period, and rounds the start as CloudWatch does by its age.
    func checkRange(_ startTime: Int64, _ endTime: Int64, period: Int, field: String) throws -> (Int64, Int64) {
        guard period >= 1 else { throw Self.invalid("The parameter \(field) must be greater than 0.") }
        guard [1, 5, 10, 30].contains(period) || period % 60 == 0 else {
            throw Self.invalid("The parameter \(field) must be 1, 5, 10, 30, or a multiple of 60.")
        }
        guard startTime < endTime else {
            throw Self.invalid("The parameter StartTime must be less than the parameter EndTime.")
        }
        let age = now() - startTime
        let rounding: Int64 =
            period < 60 ? 1000 : age > 63 * Self.day ? 3_600_000 : age > 15 * Self.day ? 300_000 : 60_000
        return (Period.floor(startTime, to: rounding), endTime)
    }

    /// CloudWatch returns no datapoints when the period is finer than the data kept for the start's age.
    func periodAllowed(_ period: Int, start: Int64) -> Bool {
        let age = now() - start
        if period < 60 { return age <= 3 * Self.hour }
        if age > 63 * Self.day { return period % 3600 == 0 }
        if age > 15 * Self.day { return period % 300 == 0 }
        return true
    }

    /// The stored series of one metric: one per unit, or only `unit`'s.
    func series(namespace: String, name: String, dimensions: [MetricKey.Dimension], unit: String?) throws -> [MetricKey]
    {
        let wanted = MetricKey(namespace: namespace, name: name, dimensions: dimensions).canonicalDimensions
        return try store.metrics(namespace: namespace, name: name, activeSince: nil)
            .filter { $0.canonicalDimensions == wanted && (unit == nil || $0.unit == unit) }
    }

    /// The stored aggregates of one metric with start in [start, end): of every unit, or of `unit`;
    /// per second when `highResolution` (what a backtest replays).
    public func storedDatapoints(
        namespace: String, name: String, dimensions: [MetricKey.Dimension], unit: String?, start: Int64, end: Int64,
        highResolution: Bool
    ) throws -> [MetricDatapoint] {
        try series(namespace: namespace, name: name, dimensions: dimensions, unit: unit).flatMap { key in
            try store.aggregates(key, start: start, end: end, highResolution: highResolution).map {
                MetricDatapoint(key: key, timestamp: $0.0, values: $0.1)
            }
        }
    }

    func periods(_ key: MetricKey, start: Int64, end: Int64, period: Int, percentiles: Bool = true) throws
        -> [StatisticsQuery.PeriodResult]
    {
        guard percentiles else {
            // The store merges the periods (in SQL): no per-row work here.
            let rows = try store.periodTotals(
                key, start: start, end: end, highResolution: period < 60, periodMilliseconds: Int64(period) * 1000)
            return rows.map { StatisticsQuery.PeriodResult(timestamp: $0.0, values: $0.1) }
        }
        let rows = try store.aggregates(key, start: start, end: end, highResolution: period < 60, distributions: true)
        return StatisticsQuery.periods(rows, start: start, end: end, periodSeconds: period)
    }

    // MARK: ListMetrics

    /// ListMetrics: metrics (namespace, name, dimensions; units merged) in a stable order, 500 per page.
    public func listMetrics(
        namespace: String? = nil, metricName: String? = nil, dimensions: [DimensionFilter] = [],
        recentlyActive: String? = nil, nextToken: String? = nil
    ) throws -> (metrics: [MetricKey], nextToken: String?) {
        if let namespace { try Self.checkNamespace(namespace, field: "Namespace", forWriting: false) }
        if let metricName { try Self.checkName(metricName, field: "MetricName") }
        guard dimensions.count <= 10 else {
            throw Self.invalid("The collection Dimensions must not have a size greater than 10.")
        }
        if let recentlyActive, recentlyActive != "PT3H" {
            throw Self.invalid(
                "The value \(recentlyActive) for parameter RecentlyActive is invalid; the only valid value is PT3H.")
        }
        let offset = try nextToken.map { try PageToken.decodeOffset($0) } ?? 0
        var seen: Set<String> = []
        let all = try store.metrics(
            namespace: namespace, name: metricName, activeSince: recentlyActive == nil ? nil : now() - 3 * Self.hour
        )
        .filter { key in
            dimensions.allSatisfy { f in
                key.dimensions.contains { $0.name == f.name && (f.value == nil || $0.value == f.value) }
            }
        }
        .map { MetricKey(namespace: $0.namespace, name: $0.name, dimensions: $0.dimensions) }
        .filter { seen.insert("\($0.namespace)\u{0}\($0.name)\u{0}\($0.canonicalDimensions)").inserted }
        let page = Array(all.dropFirst(offset).prefix(500))
        return (page, offset + page.count < all.count ? PageToken.encodeOffset(offset + page.count) : nil)
    }

    // MARK: GetMetricData

    /// GetMetricData with MetricStat queries: timestamps newest first (or oldest first with
    /// `ascending`), at most `maxDatapoints` values in all per page.
    public func getMetricData(
        queries: [MetricDataQuery], startTime: Int64, endTime: Int64, ascending: Bool = false,
        maxDatapoints: Int? = nil,
        nextToken: String? = nil
    ) throws -> (results: [MetricDataResult], nextToken: String?) {
        guard !queries.isEmpty else { throw Self.missing("MetricDataQueries") }
        guard queries.count <= 500 else {
            throw Self.invalid("The collection MetricDataQueries must not have a size greater than 500.")
        }
        let limit = maxDatapoints ?? 100_800
        guard limit >= 1 else { throw Self.invalid("The parameter MaxDatapoints must be greater than 0.") }
        var ids: Set<String> = []
        var computed: [(MetricDataQuery, [(Int64, Double)])] = []
        for (i, q) in queries.enumerated() {
            let field = "MetricDataQueries.member.\(i + 1)"
            guard let first = q.id.unicodeScalars.first, ("a"..."z").contains(first),
                q.id.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
                }),
                q.id.utf8.count <= 255
            else {
                throw Self.invalid(
                    "The value \(q.id) for parameter \(field).Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores."
                )
            }
            guard ids.insert(q.id).inserted else {
                throw Self.invalid("The value \(q.id) for parameter \(field).Id is used more than once.")
            }
            if q.expression != nil {
                guard q.metric == nil else {
                    throw Self.combination(
                        "The parameters \(field).MetricStat and \(field).Expression are mutually exclusive.")
                }
                throw Self.invalid(
                    "The parameter \(field).Expression is not supported by this Vigil: metric math is not built yet; use MetricStat."
                )
            }
            guard let metric = q.metric, let period = q.period, let stat = q.stat else {
                throw Self.combination(
                    "Exactly one of the parameters \(field).MetricStat and \(field).Expression must be specified, and MetricStat needs Metric, Period and Stat."
                )
            }
            try Self.checkNamespace(metric.namespace, field: "\(field).MetricStat.Metric.Namespace", forWriting: false)
            try Self.checkDimensions(metric.dimensions, field: "\(field).MetricStat.Metric.Dimensions")
            guard let statistic = MetricStatistic(stat) else {
                throw Self.invalid(
                    "The value \(stat) for parameter \(field).MetricStat.Stat is invalid: use SampleCount, Average, Sum, Minimum, Maximum or pNN.NN."
                )
            }
            let (start, end) = try checkRange(startTime, endTime, period: period, field: "\(field).MetricStat.Period")
            var points: [(Int64, Double)] = []
            if periodAllowed(period, start: start) {
                // All units of the metric merge when the query gives none.
                var merged: [Int64: StatisticSet] = [:]
                for key in try series(
                    namespace: metric.namespace, name: metric.name, dimensions: metric.dimensions,
                    unit: q.unitGiven ? metric.unit : nil)
                {
                    let percentile = if case .percentile = statistic { true } else { false }
                    for p in try periods(key, start: start, end: end, period: period, percentiles: percentile) {
                        merged[p.timestamp, default: .empty].merge(p.values)
                    }
                }
                for t in merged.keys.sorted() { if let v = statistic.value(merged[t]!) { points.append((t, v)) } }
            }
            if !ascending { points.reverse() }
            computed.append((q, points))
        }
        // Page over the concatenated values of the queries that return data.
        let offset = try nextToken.map { try PageToken.decodeOffset($0) } ?? 0
        var skip = offset
        var budget = limit
        var total = 0
        var results: [MetricDataResult] = []
        var partial = false
        for (q, points) in computed where q.returnData {
            total += points.count
            let from = min(skip, points.count)
            skip -= from
            let take = min(budget, points.count - from)
            budget -= take
            let slice = points[from..<from + take]
            let complete = from + take == points.count
            if !complete { partial = true }
            results.append(
                MetricDataResult(
                    id: q.id, label: q.label ?? q.metric!.name, timestamps: slice.map(\.0), values: slice.map(\.1),
                    statusCode: complete ? "Complete" : "PartialData"))
        }
        return (results, partial ? PageToken.encodeOffset(offset + limit) : nil)
    }
}
