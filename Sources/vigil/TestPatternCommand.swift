import ArgumentParser
import Foundation
import VigilAPI
import VigilPatterns
import VigilService

/// `vigil test-pattern`: the `aws logs test-metric-filter` operation, offline.
struct TestPatternCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-pattern",
        abstract: "Test a filter pattern against log event messages; prints what `aws logs test-metric-filter` prints."
    )

    @Option(name: .customLong("filter-pattern"), help: "The CloudWatch Logs filter pattern to test.")
    var filterPattern: String

    @Option(
        name: .customLong("log-event-messages"), parsing: .upToNextOption,
        help: "The log event messages to test (1 to 50).")
    var logEventMessages: [String] = []

    @Option(name: .customLong("log-events-file"), help: "A file with one message per line, or - for standard input.")
    var logEventsFile: String?

    func validate() throws {
        if logEventMessages.isEmpty && logEventsFile == nil {
            throw ValidationError("Give messages with --log-event-messages or a file with --log-events-file.")
        }
    }

    func run() async throws {
        var messages = logEventMessages
        if let path = logEventsFile {
            let data: Data
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("Cannot read --log-events-file '\(path)'.")
                }
                data = contents
            }
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map {
                    $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
                }
            if lines.last == "" { lines.removeLast() }
            messages += lines
        }
        do {
            try CLIJSON.print(
                try LogsService.testMetricFilter(.init(filterPattern: filterPattern, logEventMessages: messages)))
        } catch let error as FilterPatternError {
            AWSErrorReport.print(error, operation: "TestMetricFilter", pattern: filterPattern)
            throw ExitCode(254)
        }
    }
}

/// Prints an error the way the `aws` CLI does, with a caret under the offending spot of the pattern.
enum AWSErrorReport {
    static func print(_ error: FilterPatternError, operation: String, pattern: String) {
        var text =
            "An error occurred (\(error.awsErrorName)) when calling the \(operation) operation: \(error.description)\n"
        if error.id != "message-count" && error.id != "empty-message" {
            text += error.caretDiagram(for: pattern) + "\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
