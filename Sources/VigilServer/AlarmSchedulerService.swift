import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import VigilAlarms
import VigilMetrics
public import VigilService
import VigilStore

/// The alarm scheduler and the retention and roll-up maintenance as one long-running service of
/// `vigil serve`: alarms are evaluated at each minute boundary (while this process holds the data
/// directory's scheduler lease), maintenance runs every 10 minutes; one log line per state change and
/// per maintenance run that did something. A graceful shutdown stops it within a second and gives the
/// lease up.
public struct AlarmSchedulerService: Service {
    let alarms: AlarmsService
    let maintenance: Maintenance
    let logger: Logger

    public init(alarms: AlarmsService, logs: LogsService, logger: Logger) {
        self.alarms = alarms
        self.maintenance = Maintenance(service: logs)
        self.logger = logger
    }

    public func run() async throws {
        let stop = Mutex(false)
        let scheduler = AlarmScheduler(
            service: alarms, now: { Int64(Date().timeIntervalSince1970 * 1000) },
            sleep: { ms in try? await Task.sleep(for: .milliseconds(ms)) })
        let logger = self.logger
        let maintenance = self.maintenance
        try await withGracefulShutdownHandler {
            try await scheduler.run(
                shouldStop: { stop.withLock { $0 } || Task.isCancelled },
                waiting: { lease in
                    logger.notice(
                        "waiting for the scheduler lease",
                        metadata: ["holder": "\(lease.holder)", "expires": "\(UTCDateText.seconds(lease.expires))"])
                },
                holding: { logger.info("holding the scheduler lease", metadata: ["holder": "\(scheduler.holder)"]) }
            ) { slot, changed in
                for r in changed {
                    logger.info(
                        "alarm state change",
                        metadata: [
                            "time": "\(UTCDateText.seconds(slot))", "alarm": "\(r.name)",
                            "state": "\(r.state.rawValue)",
                            "reason": "\(r.stateReason)",
                        ])
                }
                do {
                    if let s = try await maintenance.runIfDue(), s.expiredEvents > 0 || s.metrics != .init() {
                        logger.info(
                            "maintenance",
                            metadata: [
                                "expired_events": "\(s.expiredEvents)", "rolled_up": "\(s.metrics.rolledUp)",
                                "deleted": "\(s.metrics.deleted)",
                            ])
                    }
                } catch {
                    logger.error("maintenance failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            stop.withLock { $0 = true }
        }
    }
}
