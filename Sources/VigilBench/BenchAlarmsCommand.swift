public import ArgumentParser
import Foundation
import Synchronization
import VigilAPI
import VigilMetrics
import VigilService
import VigilStore

/// `vigil bench alarms`: evaluation ticks over thousands of alarms while metric data keeps arriving.
public struct BenchAlarmsCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract: "Time alarm evaluation ticks for N/10, N/2 and N alarms on as many metrics, with live ingest."
    )

    @Option(name: .customLong("alarms"), help: "The largest number of alarms (one metric each).") var alarms = 10_000
    @Option(name: .customLong("data-dir"), help: "Where the benchmark databases are written (and removed).")
    var dataDirectory = "bench-data"
    @Option(name: .customLong("runs"), help: "Steady ticks per size; the fastest counts.") var runs = 3

    public func validate() throws {
        guard alarms >= 10 else { throw ValidationError("--alarms must be at least 10.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        print(
            "vigil bench alarms: 1-minute alarms (Sum ≥ threshold, 3 of 5), each on its own metric with 30 minutes of data; one writer keeps ingesting during the ticks; \(Machine.description)"
        )
        print(
            "alarms".padding(toLength: 10, withPad: " ", startingAt: 0)
                + "first tick (all change)".padding(toLength: 26, withPad: " ", startingAt: 0)
                + "steady tick".padding(toLength: 14, withPad: " ", startingAt: 0) + "µs per alarm (steady)")
        var perAlarm: [Double] = []
        for size in [alarms / 10, alarms / 2, alarms] {
            let (first, steady) = try await measure(size)
            perAlarm.append(steady / Double(size) * 1e6)
            print(
                "\(size)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "%.0f ms", first * 1000).padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%.0f ms", steady * 1000).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(format: "%.1f", perAlarm.last!))
        }
        print(
            String(
                format: "growth: per-alarm cost at %d alarms is %.2fx the cost at %d (1.00x is linear)", alarms,
                perAlarm[2] / perAlarm[0], alarms / 10))
    }

    /// Seconds of the first tick (every alarm leaves INSUFFICIENT_DATA) and of the fastest steady tick.
    func measure(_ size: Int) async throws -> (Double, Double) {
        let path = dataDirectory + "/bench-alarms.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteLogStore(path: path)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let minute: Int64 = 60_000
        let base = now - now % minute
        var data = MinuteAggregator()
        for k in 0..<size {
            let key = MetricKey(namespace: "Bench", name: "m\(k)")
            for back in 1...30 {
                data.add(
                    MetricDatapoint(key: key, timestamp: base - Int64(back) * minute, value: Double((k + back) % 7)))
            }
        }
        try await store.record(data, now: now)
        let service = AlarmsService(store: store)
        try await service.putMetricAlarms(
            (0..<size).map { k in
                CloudWatch.PutMetricAlarmInput(
                    alarmName: "alarm-\(k)", alarmActions: ["arn:aws:sns:us-east-1:123456789012:bench"],
                    metricName: "m\(k)", namespace: "Bench", statistic: .sum, period: 60, evaluationPeriods: 5,
                    datapointsToAlarm: 3, threshold: 4, comparisonOperator: .greaterThanOrEqualToThreshold)
            })
        // Live ingest: another thread publishes datapoints for random metrics while ticks run.
        let stop = Atomic<Bool>(false)
        let writer = Task.detached {
            var k = 0
            while !stop.load(ordering: .relaxed) {
                var batch = MinuteAggregator()
                for _ in 0..<100 {
                    batch.add(
                        MetricDatapoint(
                            key: MetricKey(namespace: "Bench", name: "m\(k % size)"), timestamp: base, value: 1))
                    k += 7
                }
                try? await store.record(batch, now: Int64(Date().timeIntervalSince1970 * 1000))
            }
        }
        let clock = ContinuousClock()
        var t0 = clock.now
        try await service.evaluate(at: base)
        let first = (clock.now - t0).seconds
        var steady = Double.infinity
        for _ in 0..<runs {
            t0 = clock.now
            try await service.evaluate(at: base)
            steady = min(steady, (clock.now - t0).seconds)
        }
        stop.store(true, ordering: .relaxed)
        await writer.value
        return (first, steady)
    }
}
