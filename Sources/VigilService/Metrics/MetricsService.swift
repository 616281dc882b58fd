import Foundation
public import VigilAPI
public import VigilMetrics
public import VigilStore

/// CloudWatch's metric API over the store: PutMetricData, GetMetricStatistics, ListMetrics and
/// GetMetricData, with CloudWatch's validation, limits and error names (docs/metrics.md).
public struct MetricsService: Sendable {
    public let store: any StoreBackend
    let now: @Sendable () -> Int64

    public init(store: any StoreBackend, now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func invalid(_ message: String) -> CloudWatchError { .invalid(message) }
    static func combination(_ message: String) -> CloudWatchError { .combination(message) }
    static func missing(_ name: String) -> CloudWatchError { .missing(name) }

    // MARK: PutMetricData

    /// The largest magnitude CloudWatch accepts (2^360).
    static let maximumMagnitude = Double(sign: .plus, exponent: 360, significand: 1)

    /// PutMetricData: every datum is checked before any is stored; then all are stored in one transaction.
    public func putMetricData(_ input: CloudWatch.PutMetricDataInput) async throws {
        try Self.checkNamespace(input.namespace, field: "Namespace", forWriting: true)
        let data = input.metricData ?? []
        guard !data.isEmpty else { throw Self.missing("MetricData") }
        guard data.count <= 1000 else {
            throw Self.invalid("The collection MetricData must not have a size greater than 1000.")
        }
        let at = now()
        var aggregator = MinuteAggregator()
        for (k, d) in data.enumerated() {
            let field = "MetricData.member.\(k + 1)"
            let resolution = d.storageResolution ?? 60
            guard resolution == 1 || resolution == 60 else {
                throw Self.invalid(
                    "The value \(resolution) for parameter \(field).StorageResolution is invalid; it must be 1 or 60.")
            }
            let timestamp = d.timestamp?.millisecondsSinceEpoch ?? at
            guard timestamp >= at - 14 * Self.day else {
                throw Self.invalid(
                    "The parameter \(field).Timestamp must specify a time no more than two weeks in the past.")
            }
            guard timestamp <= at + 2 * Self.hour else {
                throw Self.invalid(
                    "The parameter \(field).Timestamp must specify a time no more than two hours in the future.")
            }
            let key = try Self.key(input.namespace, d, field: field)
            for set in try Self.statisticSets(of: d, field: field) {
                aggregator.add(
                    MetricDatapoint(key: key, timestamp: timestamp, values: set), highResolution: resolution == 1)
            }
        }
        try await store.record(aggregator, now: at)
    }

    /// The series a datum belongs to, its name and dimensions checked as PutMetricData checks them.
    static func key(_ namespace: String, _ d: CloudWatch.MetricDatum, field: String) throws -> MetricKey {
        try checkName(d.metricName, field: "\(field).MetricName")
        let dimensions = Self.dimensions(d.dimensions)
        try checkDimensions(dimensions, field: "\(field).Dimensions")
        return MetricKey(
            namespace: namespace, name: d.metricName, dimensions: dimensions, unit: d.unit?.rawValue ?? "None")
    }

    /// CloudWatch's `Dimensions` as the metric store's.
    static func dimensions(_ list: [CloudWatch.Dimension]?) -> [MetricKey.Dimension] {
        (list ?? []).map { MetricKey.Dimension(name: $0.name, value: $0.value) }
    }

    /// The datapoints of PutMetricData's input, checked as PutMetricData checks them except for the age
    /// of their timestamps, which each must have: what a backtest replays.
    public static func datapoints(of input: CloudWatch.PutMetricDataInput) throws -> [MetricDatapoint] {
        var out: [MetricDatapoint] = []
        for (k, d) in (input.metricData ?? []).enumerated() {
            let field = "MetricData.member.\(k + 1)"
            guard let time = d.timestamp?.millisecondsSinceEpoch else {
                throw CloudWatchError.missing("\(field).Timestamp")
            }
            let key = try key(input.namespace, d, field: field)
            for set in try statisticSets(of: d, field: field) {
                out.append(MetricDatapoint(key: key, timestamp: time, values: set))
            }
        }
        return out
    }

    /// The statistic sets one datum contributes: exactly one of Value, StatisticValues, Values (+Counts).
    public static func statisticSets(of d: CloudWatch.MetricDatum, field: String) throws -> [StatisticSet] {
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
                let count = d.counts.map { $0[i] } ?? 1
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

    /// Checks dimensions as CloudWatch does (``DimensionRules``; at most 30, each name once), naming
    /// the member at fault: `MetricData.member.1.Dimensions.member.2.Value must contain only ASCII characters`.
    static func checkDimensions(_ dims: [MetricKey.Dimension], field: String) throws(CloudWatchError) {
        guard dims.count <= 30 else { throw invalid("The collection \(field) must not have a size greater than 30.") }
        var seen: Set<String> = []
        for (i, d) in dims.enumerated() {
            switch DimensionRules.problem(name: d.name, value: d.value) {
            case .name(let reason)?: throw invalid("The parameter \(field).member.\(i + 1).Name \(reason).")
            case .value(let reason)?: throw invalid("The parameter \(field).member.\(i + 1).Value \(reason).")
            case nil: break
            }
            guard seen.insert(d.name).inserted else {
                throw invalid("The dimension \(d.name) appears more than once in \(field).")
            }
        }
    }

    // MARK: GetMetricStatistics

    /// GetMetricStatistics. Without `Unit`, every unit the metric was published with is returned, each
    /// datapoint with its unit, as CloudWatch does.
    public func getMetricStatistics(_ input: CloudWatch.GetMetricStatisticsInput) async throws
        -> CloudWatch.GetMetricStatisticsOutput
    {
        try Self.checkNamespace(input.namespace, field: "Namespace", forWriting: false)
        try Self.checkName(input.metricName, field: "MetricName")
        let dimensions = Self.dimensions(input.dimensions)
        try Self.checkDimensions(dimensions, field: "Dimensions")
        let statistics = input.statistics ?? []
        let extendedStatistics = input.extendedStatistics ?? []
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
        var percentiles: [MetricStatistic] = []
        for (i, s) in extendedStatistics.enumerated() {
            guard let st = MetricStatistic(s), case .percentile = st else {
                throw Self.invalid(
                    "The value \(s) for parameter ExtendedStatistics.member.\(i + 1) is invalid: percentiles are written p0.0 to p100, with at most two decimals."
                )
            }
            percentiles.append(st)
        }
        let period = Int(input.period)
        let (start, end) = try checkRange(
            input.startTime.millisecondsSinceEpoch, input.endTime.millisecondsSinceEpoch, period: period,
            field: "Period")
        try Self.checkCount(start, end, period)
        let label = input.metricName
        guard periodAllowed(period, start: start) else { return .init(label: label, datapoints: []) }
        var out: [CloudWatch.Datapoint] = []
        for key in try await series(
            namespace: input.namespace, name: input.metricName, dimensions: dimensions, unit: input.unit?.rawValue)
        {
            for p in try await periods(key, start: start, end: end, period: period, percentiles: !percentiles.isEmpty) {
                func value(_ s: Statistic) -> Double? { statistics.contains(s) ? p.values.value(of: s) : nil }
                var extended: [String: Double] = [:]
                for st in percentiles { if let v = st.value(p.values) { extended[st.description] = v } }
                out.append(
                    CloudWatch.Datapoint(
                        timestamp: Timestamp(millisecondsSinceEpoch: p.timestamp), sampleCount: value(.sampleCount),
                        average: value(.average), sum: value(.sum), minimum: value(.minimum), maximum: value(.maximum),
                        unit: CloudWatch.StandardUnit(rawValue: key.unit),
                        extendedStatistics: percentiles.isEmpty ? nil : extended))
            }
        }
        out.sort {
            ($0.timestamp?.millisecondsSinceEpoch ?? 0, $0.unit?.rawValue ?? "")
                < ($1.timestamp?.millisecondsSinceEpoch ?? 0, $1.unit?.rawValue ?? "")
        }
        return .init(label: label, datapoints: out)
    }

    /// The periods of one series: GetMetricStatistics' core, for callers that hold a ``MetricKey``.
    public func statistics(_ key: MetricKey, start startTime: Int64, end endTime: Int64, period: Int) async throws
        -> [StatisticsQuery.PeriodResult]
    {
        let (start, end) = try checkRange(startTime, endTime, period: period, field: "Period")
        try Self.checkCount(start, end, period)
        guard periodAllowed(period, start: start) else { return [] }
        return try await periods(key, start: start, end: end, period: period)
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
    func series(namespace: String, name: String, dimensions: [MetricKey.Dimension], unit: String?) async throws
        -> [MetricKey]
    {
        let wanted = MetricKey(namespace: namespace, name: name, dimensions: dimensions).canonicalDimensions
        return try await store.metrics(namespace: namespace, name: name, activeSince: nil)
            .filter { $0.canonicalDimensions == wanted && (unit == nil || $0.unit == unit) }
    }

    /// The stored aggregates of one metric with start in [start, end): of every unit, or of `unit`;
    /// per second when `highResolution` (what a backtest replays).
    public func storedDatapoints(
        namespace: String, name: String, dimensions: [MetricKey.Dimension], unit: String?, start: Int64, end: Int64,
        highResolution: Bool
    ) async throws -> [MetricDatapoint] {
        var out: [MetricDatapoint] = []
        for key in try await series(namespace: namespace, name: name, dimensions: dimensions, unit: unit) {
            for (t, values) in try await store.aggregates(key, start: start, end: end, highResolution: highResolution) {
                out.append(MetricDatapoint(key: key, timestamp: t, values: values))
            }
        }
        return out
    }

    func periods(_ key: MetricKey, start: Int64, end: Int64, period: Int, percentiles: Bool = true) async throws
        -> [StatisticsQuery.PeriodResult]
    {
        guard percentiles else {
            // The store merges the periods (in SQL): no per-row work here.
            let rows = try await store.periodTotals(
                key, start: start, end: end, highResolution: period < 60, periodMilliseconds: Int64(period) * 1000)
            return rows.map { StatisticsQuery.PeriodResult(timestamp: $0.0, values: $0.1) }
        }
        let rows = try await store.aggregates(
            key, start: start, end: end, highResolution: period < 60, distributions: true)
        return StatisticsQuery.periods(rows, start: start, end: end, periodSeconds: period)
    }

    // MARK: ListMetrics

    /// ListMetrics: metrics (namespace, name, dimensions; units merged) in a stable order, 500 per page.
    public func listMetrics(_ input: CloudWatch.ListMetricsInput = .init()) async throws -> CloudWatch.ListMetricsOutput
    {
        if let namespace = input.namespace { try Self.checkNamespace(namespace, field: "Namespace", forWriting: false) }
        if let metricName = input.metricName { try Self.checkName(metricName, field: "MetricName") }
        let filters = input.dimensions ?? []
        guard filters.count <= 10 else {
            throw Self.invalid("The collection Dimensions must not have a size greater than 10.")
        }
        let offset = try PageToken.cloudWatchOffset(input.nextToken)
        var seen: Set<String> = []
        let all = try await store.metrics(
            namespace: input.namespace, name: input.metricName,
            activeSince: input.recentlyActive == nil ? nil : now() - 3 * Self.hour
        )
        .filter { key in
            filters.allSatisfy { f in
                key.dimensions.contains { $0.name == f.name && (f.value == nil || $0.value == f.value) }
            }
        }
        .map { MetricKey(namespace: $0.namespace, name: $0.name, dimensions: $0.dimensions) }
        .filter { seen.insert("\($0.namespace)\u{0}\($0.name)\u{0}\($0.canonicalDimensions)").inserted }
        let page = all.dropFirst(offset).prefix(500).map { key in
            CloudWatch.Metric(
                namespace: key.namespace, metricName: key.name,
                dimensions: key.dimensions.map { CloudWatch.Dimension(name: $0.name, value: $0.value) })
        }
        return .init(
            metrics: page,
            nextToken: offset + page.count < all.count ? PageToken.encodeOffset(offset + page.count) : nil)
    }

    // MARK: GetMetricData

    /// GetMetricData with MetricStat queries: timestamps newest first (or oldest first with
    /// `ScanBy` TimestampAscending), at most `MaxDatapoints` values in all per page.
    public func getMetricData(_ input: CloudWatch.GetMetricDataInput) async throws -> CloudWatch.GetMetricDataOutput {
        let queries = input.metricDataQueries
        guard !queries.isEmpty else { throw Self.missing("MetricDataQueries") }
        guard queries.count <= 500 else {
            throw Self.invalid("The collection MetricDataQueries must not have a size greater than 500.")
        }
        let limit = Int(input.maxDatapoints ?? 100_800)
        guard limit >= 1 else { throw Self.invalid("The parameter MaxDatapoints must be greater than 0.") }
        let ascending = input.scanBy == .timestampAscending
        let startTime = input.startTime.millisecondsSinceEpoch
        let endTime = input.endTime.millisecondsSinceEpoch
        var ids: Set<String> = []
        var computed: [(CloudWatch.MetricDataQuery, String, [(Int64, Double)])] = []
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
                guard q.metricStat == nil else {
                    throw Self.combination(
                        "The parameters \(field).MetricStat and \(field).Expression are mutually exclusive.")
                }
                throw Self.invalid(
                    "The parameter \(field).Expression is not supported by this Vigil: metric math is not built yet; use MetricStat."
                )
            }
            guard let stat = q.metricStat, let namespace = stat.metric.namespace, let name = stat.metric.metricName
            else {
                throw Self.combination(
                    "Exactly one of the parameters \(field).MetricStat and \(field).Expression must be specified, and MetricStat needs Metric (Namespace, MetricName), Period and Stat."
                )
            }
            try Self.checkNamespace(namespace, field: "\(field).MetricStat.Metric.Namespace", forWriting: false)
            let dimensions = Self.dimensions(stat.metric.dimensions)
            try Self.checkDimensions(dimensions, field: "\(field).MetricStat.Metric.Dimensions")
            guard let statistic = MetricStatistic(stat.stat) else {
                throw Self.invalid(
                    "The value \(stat.stat) for parameter \(field).MetricStat.Stat is invalid: use SampleCount, Average, Sum, Minimum, Maximum or pNN.NN."
                )
            }
            let period = Int(stat.period)
            let (start, end) = try checkRange(startTime, endTime, period: period, field: "\(field).MetricStat.Period")
            var points: [(Int64, Double)] = []
            if periodAllowed(period, start: start) {
                // All units of the metric merge when the query gives none.
                var merged: [Int64: StatisticSet] = [:]
                for key in try await series(
                    namespace: namespace, name: name, dimensions: dimensions, unit: stat.unit?.rawValue)
                {
                    let percentile = if case .percentile = statistic { true } else { false }
                    for p in try await periods(key, start: start, end: end, period: period, percentiles: percentile) {
                        merged[p.timestamp, default: .empty].merge(p.values)
                    }
                }
                for (t, set) in merged.sorted(by: { $0.key < $1.key }) {
                    if let v = statistic.value(set) { points.append((t, v)) }
                }
            }
            if !ascending { points.reverse() }
            computed.append((q, name, points))
        }
        // Page over the concatenated values of the queries that return data.
        let offset = try PageToken.cloudWatchOffset(input.nextToken)
        var skip = offset
        var budget = limit
        var results: [CloudWatch.MetricDataResult] = []
        var partial = false
        for (q, name, points) in computed where q.returnData ?? true {
            let from = min(skip, points.count)
            skip -= from
            let take = min(budget, points.count - from)
            budget -= take
            let slice = points[from..<from + take]
            let complete = from + take == points.count
            if !complete { partial = true }
            results.append(
                CloudWatch.MetricDataResult(
                    id: q.id, label: q.label ?? name,
                    timestamps: slice.map { Timestamp(millisecondsSinceEpoch: $0.0) }, values: slice.map(\.1),
                    statusCode: complete ? .complete : .partialData))
        }
        return .init(
            metricDataResults: results, nextToken: partial ? PageToken.encodeOffset(offset + limit) : nil, messages: [])
    }
}
