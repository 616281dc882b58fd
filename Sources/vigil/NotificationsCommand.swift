import ArgumentParser
import Foundation
import VigilMetrics
import VigilService
import VigilStore

/// `vigil notifications`: recent deliveries (subscription, status, attempts, latency, last error), the
/// dead-letter list, and redrive.
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Show recent webhook deliveries, list dead letters, and send dead letters again.",
        subcommands: [Recent.self, Status.self, DeadLetters.self, Redrive.self], defaultSubcommand: Recent.self)

    /// One line per delivery, newest first.
    static func table(_ rows: [DeliveryRecord]) -> String {
        var lines = ["ID\tSTATUS\tATTEMPTS\tLATENCY_MS\tTYPE\tMESSAGE_ID\tSUBSCRIPTION\tLAST"]
        for r in rows {
            let last = r.lastError ?? r.lastStatus.map { "HTTP \($0)" } ?? "-"
            let latency = r.latencyMilliseconds.map(String.init) ?? "-"
            lines.append(
                "\(r.id)\t\(r.status.rawValue)\t\(r.attempts)\t\(latency)\t\(r.delivery.kind.rawValue)\t\(r.delivery.messageID)\t\(r.delivery.subscriptionARN)\t\(last)"
            )
        }
        return lines.joined(separator: "\n")
    }

    struct Recent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recent", abstract: "Recent deliveries, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only deliveries in this status: pending, delivered or dead.") var status: String?
        @Option(help: "How many (1 to 10000).") var limit = 50

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000.") }
            if let status, DeliveryRecord.Status(rawValue: status) == nil {
                throw ValidationError("--status must be pending, delivered or dead, not '\(status)'.")
            }
        }

        func run() async throws {
            let rows = try await store.openService().store.deliveries(
                status: status.flatMap(DeliveryRecord.Status.init(rawValue:)), limit: limit)
            print(NotificationsCommand.table(rows))
        }
    }

    /// Deliveries by status, then every destination whose circuit breaker has opened, with its state.
    static func status(
        counts: [DeliveryRecord.Status: Int], oldestPending: Int64?, destinations: [DestinationHealth]
    ) -> String {
        var lines = [
            "DELIVERIES\t"
                + DeliveryRecord.Status.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: "\t")
                + (oldestPending.map { "\toldest pending published \(UTCDateText.isoZulu($0))" } ?? "")
        ]
        lines.append("DESTINATION\tCIRCUIT\tFAILURES\tRETRY_AT\tCHANGED\tLAST_ERROR")
        for d in destinations {
            let retry = d.state == .closed ? "-" : UTCDateText.isoZulu(d.retryAt)
            lines.append(
                "\(d.destination)\t\(d.state.rawValue)\t\(d.failures)\t\(retry)\t\(UTCDateText.isoZulu(d.changed))\t\(d.lastError ?? "-")"
            )
        }
        return lines.joined(separator: "\n")
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Deliveries by status, and the circuit breaker of each destination that has failed.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let s = try store.openService().store
            let (counts, oldest) = try await s.deliveryCounts()
            print(
                NotificationsCommand.status(
                    counts: counts, oldestPending: oldest, destinations: try await s.destinations()))
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters", abstract: "Deliveries that failed for good, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "How many (1 to 10000).") var limit = 100

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000.") }
        }

        func run() async throws {
            print(
                NotificationsCommand.table(try await store.openService().store.deliveries(status: .dead, limit: limit)))
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redrive",
            abstract: "Send dead letters again (all of them, or those --id names), from their first attempt.")
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("id"), help: "A dead letter's id (repeatable).") var ids: [Int64] = []

        func run() async throws {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let n = try await store.openService().store.redrive(ids: ids.isEmpty ? nil : ids, now: now)
            print("\(n) dead letters queued again")
        }
    }
}
