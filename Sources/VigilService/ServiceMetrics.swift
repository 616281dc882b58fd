import Metrics
import VigilAlarms

/// What the engine reports through swift-metrics (a no-op until a process bootstraps a backend, as
/// `vigil serve` does with Prometheus): events stored, metric-filter matches, alarm states and the
/// duration of each evaluation tick. The names follow Prometheus' conventions.
enum ServiceMetrics {
    static let eventsIngested = "vigil_log_events_ingested_total"
    static let filterMatches = "vigil_metric_filter_matches_total"
    static let alarms = "vigil_alarms"
    static let tickSeconds = "vigil_alarm_tick_seconds"

    /// A committed batch: its events and the (event, filter) pairs that matched.
    static func ingested(events: Int, filterMatches matches: Int) {
        Counter(label: eventsIngested).increment(by: events)
        IngestTally.current?.add(events)
        if matches > 0 { Counter(label: filterMatches).increment(by: matches) }
    }

    /// The number of alarms in each state after a tick (every state, zero included).
    static func alarmStates(_ counts: [AlarmState: Int]) {
        for state in [AlarmState.ok, .alarm, .insufficientData] {
            Gauge(label: alarms, dimensions: [("state", state.rawValue)]).record(counts[state] ?? 0)
        }
    }

    /// One evaluation tick's duration.
    static func tick(nanoseconds: Int64) {
        Timer(label: tickSeconds, preferredDisplayUnit: .seconds).recordNanoseconds(nanoseconds)
    }
}
