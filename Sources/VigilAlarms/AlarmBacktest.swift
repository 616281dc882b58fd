public import VigilMetrics

/// Runs one alarm over datapoints at chosen instants, as the scheduler would have: "what would this
/// alarm have done?" No clock, no store: `vigil backtest` feeds it a file or the store's aggregates.
///
/// At an evaluation instant T the newest period judged is the last one that ended at or before T;
/// the range reaches ``AlarmRule/evaluationRange`` periods back from it. The state starts as
/// INSUFFICIENT_DATA, like a new alarm, and carries from one instant to the next.
public struct AlarmBacktest: Sendable {
    public let alarm: MetricAlarm
    /// Period start → the merged values of the alarm's metric in it.
    let periods: [Int64: StatisticSet]

    /// Keeps the datapoints of the alarm's metric (its unit only, when it names one) and merges them into its periods.
    public init(alarm: MetricAlarm, datapoints: [MetricDatapoint]) {
        let wanted = MetricKey(namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions)
            .canonicalDimensions
        self.init(
            alarm: alarm,
            datapointsOfItsMetric: datapoints.filter { d in
                d.key.namespace == alarm.namespace && d.key.name == alarm.metricName
                    && d.key.canonicalDimensions == wanted
            })
    }

    /// For datapoints already known to be of the alarm's metric (name and dimensions; the unit is
    /// still checked): the scheduler selects them for thousands of alarms at once.
    public init(alarm: MetricAlarm, datapointsOfItsMetric datapoints: [MetricDatapoint]) {
        self.alarm = alarm
        let length = Int64(alarm.rule.periodSeconds) * 1000
        var periods: [Int64: StatisticSet] = [:]
        for d in datapoints where alarm.unit == nil || d.key.unit == alarm.unit {
            periods[Period.floor(d.timestamp, to: length), default: .empty].merge(d.values)
        }
        self.periods = periods
    }

    /// The evaluation range at `time`, oldest period first.
    public func range(at time: Int64) -> [AlarmDatapoint?] {
        let length = Int64(alarm.rule.periodSeconds) * 1000
        let newest = Period.floor(time, to: length) - length
        return (0..<alarm.rule.evaluationRange).reversed().map { back in
            let start = newest - Int64(back) * length
            guard let set = periods[start], set.sampleCount > 0, let value = alarm.statistic.value(set) else {
                return nil
            }
            return AlarmDatapoint(timestamp: start, value: value, sampleCount: set.sampleCount)
        }
    }

    /// The state at each instant of `times` (sorted first), carried between them. As on AWS, the reason
    /// is the one of the last transition: an evaluation that keeps the state does not rewrite it.
    public func run(at times: [Int64]) -> [(time: Int64, evaluation: AlarmEvaluation)] {
        var last: AlarmEvaluation?
        return times.sorted().map { t in
            let state = last?.state ?? .insufficientData
            let e = AlarmEvaluator.evaluate(alarm.rule, range: range(at: t), current: state)
            if let previous = last, e.state == previous.state { return (t, previous) }
            last = e
            return (t, e)
        }
    }
}
