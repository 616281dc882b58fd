import ArgumentParser
import Foundation
import VigilService
import VigilStore

/// `vigil maintain`: the retention sweep and the metric roll-up, once.
struct MaintainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintain",
        abstract:
            "Delete events past their group's retention and roll old metric data up (CloudWatch's schedule), once."
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let service = try store.openService()
        let s = try await Maintenance(service: service).run()
        print(
            "\(s.expiredEvents) expired events deleted; \(s.metrics.rolledUp) metric rows rolled up, \(s.metrics.deleted) past retention deleted"
        )
    }
}
