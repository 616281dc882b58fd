import Foundation

/// The key a client signs with, found where the aws CLI looks: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, else the profile `AWS_PROFILE` (or `default`) of the
/// shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, or `~/.aws/credentials`).
///
/// None found is not an error: a `vigil serve` on loopback without `--credentials` takes unsigned
/// requests, and one that requires signatures answers with its own error.
public struct ClientCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secret: String
    public var sessionToken: String?

    public init(accessKeyID: String, secret: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.sessionToken = sessionToken
    }

    /// The credentials `environment` points at, if any.
    public static func find(in environment: [String: String]) -> Self? {
        if let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        {
            return Self(accessKeyID: id, secret: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        }
        let path =
            environment["AWS_SHARED_CREDENTIALS_FILE"]
            ?? environment["HOME"].map { $0 + "/.aws/credentials" }
        guard let path, let data = FileManager.default.contents(atPath: path) else { return nil }
        return profile(environment["AWS_PROFILE"] ?? "default", in: String(decoding: data, as: UTF8.self))
    }

    /// The keys of section `[name]` of an INI credentials file; other sections and settings are passed over.
    public static func profile(_ name: String, in text: String) -> Self? {
        var values: [String: String] = [:]
        var inSection = false
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                inSection = section == name || section == "profile \(name)"
                continue
            }
            guard inSection, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values["aws_access_key_id"], !id.isEmpty,
            let secret = values["aws_secret_access_key"], !secret.isEmpty
        else { return nil }
        return Self(accessKeyID: id, secret: secret, sessionToken: values["aws_session_token"])
    }
}
