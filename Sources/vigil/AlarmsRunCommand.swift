import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore

/// `vigil alarms run`: the scheduler, evaluating every alarm at each minute boundary until stopped.
struct AlarmsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate every alarm at each minute boundary until SIGINT or SIGTERM; one line per state change.",
        discussion: """
            Also runs the retention sweep and the metric roll-up every 10 minutes. One scheduler runs per data \
            directory: a second one says which process holds the lease and waits, taking over within a minute \
            of that one stopping or crashing.
            """
    )
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let logs = try store.openService()
        let service = AlarmsService(store: logs.store)
        let maintenance = Maintenance(service: logs)
        let sources = StopSignals.install()
        defer { for source in sources { source.cancel() } }
        let scheduler = AlarmScheduler(
            service: service, now: { Int64(Date().timeIntervalSince1970 * 1000) },
            sleep: { ms in try? await Task.sleep(for: .milliseconds(ms)) })
        try await AWSErrorExit.run("EvaluateAlarms") {
            try await scheduler.run(
                shouldStop: { StopSignals.stopRequested },
                waiting: { lease in
                    FileHandle.standardError.write(
                        Data(
                            "vigil alarms run: waiting: another scheduler evaluates the alarms of this data directory (\(lease.holder); its lease lapses at \(UTCDateText.seconds(lease.expires)) unless renewed)\n"
                                .utf8))
                },
                holding: {
                    FileHandle.standardError.write(
                        Data(
                            "vigil alarms run: holding the scheduler lease (\(scheduler.holder)); evaluating at each minute boundary; SIGINT or SIGTERM stops\n"
                                .utf8))
                }
            ) { slot, changed in
                // One structured line per state change, written straight away (no stdout buffering).
                var lines = changed.map { r in
                    "time=\(UTCDateText.seconds(slot)) alarm=\(r.name) state=\(r.state.rawValue) reason=\(String(reflecting: r.stateReason))\n"
                }
                if let s = try? await maintenance.runIfDue(), s.expiredEvents > 0 || s.metrics != .init() {
                    lines.append(
                        "time=\(UTCDateText.seconds(slot)) maintenance expired_events=\(s.expiredEvents) rolled_up=\(s.metrics.rolledUp) deleted=\(s.metrics.deleted)\n"
                    )
                }
                if !lines.isEmpty { FileHandle.standardOutput.write(Data(lines.joined().utf8)) }
            }
        }
    }
}
