import ArgumentParser
import Foundation
import VigilAPI
import VigilPatterns

/// JSON on the command line, both ways: arguments such as `--cli-input-json` or `--metric-data`
/// (inline, or `file://path`) decoded by the one API decoder, so a bad member is the same AWS error
/// the server will answer; outputs printed as the aws CLI prints them.
enum CLIJSON {
    /// The bytes of a JSON argument: the text itself, or the file it names as `file://path` (or as a
    /// bare path when `bareFilePath`, as `--cli-input-json FILE` allows).
    static func bytes(_ argument: String, option: String, bareFilePath: Bool = false) throws -> [UInt8] {
        var path: String?
        if argument.hasPrefix("file://") {
            path = String(argument.dropFirst(7))
        } else if bareFilePath, !argument.drop(while: { $0.isWhitespace }).hasPrefix("{") {
            path = argument
        }
        guard let path else { return Array(argument.utf8) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(option): there is no file \(path).")
        }
        guard !isDirectory.boolValue else {
            throw ValidationError("\(option): \(path) is a directory, not a JSON file.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(option): \(path) cannot be read.")
        }
        return [UInt8](data)
    }

    /// Decodes a CloudWatch input (or a part of one standing at `path`) from a JSON argument.
    static func cloudWatch<T: Decodable>(
        _ type: T.Type, _ argument: String, option: String, at path: [APIInputError.PathElement] = [],
        bareFilePath: Bool = false
    ) throws -> T {
        let value = try parse(try bytes(argument, option: option, bareFilePath: bareFilePath), option: option)
        do { return try APIDecoder.decode(type, from: value, at: path) } catch { throw CloudWatchError(error) }
    }

    /// Decodes a CloudWatch Logs input (or a part of one standing at `path`) from a JSON argument.
    static func cloudWatchLogs<T: Decodable>(
        _ type: T.Type, _ argument: String, option: String, at path: [APIInputError.PathElement] = []
    ) throws -> T {
        let value = try parse(try bytes(argument, option: option), option: option)
        do { return try APIDecoder.decode(type, from: value, at: path) } catch { throw CloudWatchLogsError(error) }
    }

    /// Decodes an SNS input (or a part of one) from a JSON argument; a bad member is SNS's error.
    static func sns<T: Decodable>(
        _ type: T.Type, _ argument: String, option: String, at path: [APIInputError.PathElement] = []
    ) throws -> T {
        let value = try parse(try bytes(argument, option: option), option: option)
        do { return try APIDecoder.decode(type, from: value, at: path) } catch { throw SNSError(error) }
    }

    /// The JSON value of an argument; a syntax error names the option, the line and the column.
    static func parse(_ bytes: [UInt8], option: String) throws -> JSONValue {
        do { return try JSONValue(parsing: bytes) } catch {
            throw ValidationError("\(option) is not valid JSON: \(error).")
        }
    }

    /// One value of a closed set given as a flag (`--unit Seconds`), refused as the API refuses it.
    static func cloudWatchValue<T: Decodable>(_ type: T.Type, _ text: String, member: String) throws -> T {
        do { return try APIDecoder.decode(type, from: .string(text), at: [.member(member)]) } catch {
            throw CloudWatchError(error)
        }
    }

    /// ``cloudWatchValue(_:_:member:)`` for CloudWatch Logs.
    static func cloudWatchLogsValue<T: Decodable>(_ type: T.Type, _ text: String, member: String) throws -> T {
        do { return try APIDecoder.decode(type, from: .string(text), at: [.member(member)]) } catch {
            throw CloudWatchLogsError(error)
        }
    }

    /// A time given as a flag: ISO 8601 (or seconds since the epoch), as the API takes it.
    static func timestamp(_ text: String, member: String) throws -> Timestamp {
        let value: JSONValue = Double(text) != nil ? .number(text) : .string(text)
        do { return try APIDecoder.decode(Timestamp.self, from: value, at: [.member(member)]) } catch {
            throw CloudWatchError(error)
        }
    }

    /// Prints an output as the aws CLI does.
    static func print(_ output: some Encodable) throws {
        Swift.print(try AWSCLIJSON.text(output))
    }
}

/// Prints AWS-shaped errors as the aws CLI does and exits with 254, as it does for service errors.
enum AWSErrorExit {
    static func run(_ operation: String, _ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as any AWSServiceError {
            try report(operation, code: error.code.queryCode, message: error.message)
        }
    }

    static func report(_ operation: String, code: String, message: String) throws -> Never {
        FileHandle.standardError.write(
            Data("\nAn error occurred (\(code)) when calling the \(operation) operation: \(message)\n".utf8))
        throw ExitCode(254)
    }
}
