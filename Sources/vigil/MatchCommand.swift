import ArgumentParser
import Foundation
import SystemPackage
import VigilPatterns
import VigilService

/// `vigil match`: grep with CloudWatch Logs filter patterns, one event per line, streaming.
struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Print the lines of files (or standard input) that a filter pattern matches, like grep."
    )

    @Option(
        name: .customLong("filter-pattern"), help: "The CloudWatch Logs filter pattern; each line is one log event.")
    var filterPattern: String

    @Flag(name: .customLong("count"), help: "Print only the number of matching lines.")
    var count = false

    @Argument(help: "Files to read; standard input when none is given or for -.")
    var files: [String] = []

    func run() async throws {
        let pattern: FilterPattern
        do {
            pattern = try FilterPattern(filterPattern)
        } catch {
            AWSErrorReport.print(error, operation: "TestMetricFilter", pattern: filterPattern)
            throw ExitCode(254)
        }
        let inputs = files.isEmpty ? ["-"] : files
        let output = OutputBuffer()
        var total = 0
        for path in inputs {
            var matched = 0
            do {
                try LineReader.forEachChunk(path) { chunk in
                    pattern.forEachMatchingLine(in: chunk) { range in
                        matched += 1
                        if !count {
                            output.append(UnsafeBufferPointer(rebasing: chunk[range]))
                            output.append(UInt8(ascii: "\n"))
                        }
                    }
                }
            } catch {
                output.flush()
                FileHandle.standardError.write(Data("vigil match: cannot read '\(path)': \(error)\n".utf8))
                throw ExitCode(2)
            }
            if count && inputs.count > 1 { output.append(Array("\(path):\(matched)\n".utf8)) }
            total += matched
        }
        if count && inputs.count == 1 { output.append(Array("\(total)\n".utf8)) }
        output.flush()
        if total == 0 { throw ExitCode(1) }
    }
}

/// Buffers standard output and writes it in large blocks.
final class OutputBuffer {
    var bytes: [UInt8] = []
    func append(_ b: UInt8) {
        bytes.append(b)
        if bytes.count > 1 << 20 { flush() }
    }
    func append(_ b: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: b)
        if bytes.count > 1 << 20 { flush() }
    }
    func append(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
        if bytes.count > 1 << 20 { flush() }
    }
    func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
