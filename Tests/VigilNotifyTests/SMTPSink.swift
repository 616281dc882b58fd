import Foundation
import VigilTestSupport

/// Tests/Clients/smtp_sink.py (aiosmtpd) on a loopback port: the messages it accepted, as it saw them.
final class SMTPSink: Sendable {
    struct Mail: Sendable {
        let from: String
        let recipients: [String]
        /// The message as sent, CRLF line ends.
        let data: String
        let tls: Bool
        let login: String?

        /// A header's value (unfolded), by name.
        func header(_ name: String) -> String? {
            let head = data.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":")
            {
                return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        /// The base64 body, decoded.
        var body: String {
            let encoded = data.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                .replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? "(not base64)"
        }
    }

    let directory: String
    let process: Process
    let input: Pipe
    let port: Int

    /// Starts the sink (`--tls`, `--auth USER:PASSWORD`, `--reject CODE` as the script takes them).
    init(_ arguments: [String] = []) async throws {
        guard let python = TestPython.path else { throw TestPython.Missing() }
        directory = NSTemporaryDirectory() + "vigil-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestPython.root + "/Tests/Clients/smtp_sink.py", directory] + arguments
        input = Pipe()
        process.standardInput = input
        try process.run()
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let p = Int(text) {
                port = p
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            process.terminate()
            throw SinkDidNotStart()
        }
        self.port = port
    }

    struct SinkDidNotStart: Error {}

    /// The sink's certificate (with `--tls`), for the client's CA file.
    var certificate: String { directory + "/ca.pem" }

    var mails: [Mail] {
        var out: [Mail] = []
        for n in 1... {
            guard let data = FileManager.default.contents(atPath: directory + "/mail-\(n).json"),
                let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else { break }
            out.append(
                Mail(
                    from: o["mail_from"] as? String ?? "", recipients: o["rcpt_tos"] as? [String] ?? [],
                    data: o["data"] as? String ?? "", tls: o["tls"] as? Bool ?? false, login: o["login"] as? String))
        }
        return out
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
