public import VigilAPI
public import VigilAlarms
public import VigilMetrics

/// What `vigil backtest` reports: the alarm's state and reason at each instant asked for.
public struct BacktestOutput: Encodable, Sendable, Equatable {
    public struct Evaluation: Encodable, Sendable, Equatable {
        public var timestamp: Timestamp
        public var state: AlarmState
        public var reason: String
    }

    public var evaluations: [Evaluation]
}

extension AlarmsService {
    /// Evaluates `alarm` over `datapoints` at each of `times` (ascending), as the scheduler would have:
    /// the state starts as INSUFFICIENT_DATA and carries from one instant to the next.
    public static func backtest(_ alarm: MetricAlarm, datapoints: [MetricDatapoint], at times: [Int64])
        -> BacktestOutput
    {
        let run = AlarmBacktest(alarm: alarm, datapoints: datapoints).run(at: times)
        return BacktestOutput(
            evaluations: run.map { t, e in
                .init(timestamp: Timestamp(millisecondsSinceEpoch: t), state: e.state, reason: e.reason)
            })
    }
}
