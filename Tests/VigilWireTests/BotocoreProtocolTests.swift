import Foundation
import Testing
import VigilPatterns
import VigilWire

/// The protocol tests botocore carries (generated from Smithy's protocol test suites), read from the
/// server's side: each case's serialized request body, decoded by Vigil's codec into the member tree
/// an operation reads, must hold exactly the case's params. (BotocoreProtocols/README.md says where
/// the files come from.)
///
/// Cases that use what no CloudWatch input has (maps, flattened lists, renamed members) or that test
/// an SDK's own behaviour (filling an idempotency token, compressing a body it shows empty) are
/// skipped, by rule, not by name.
struct BotocoreProtocolTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("BotocoreProtocols")

    /// One case: its id, params, serialized body and the shapes of its suite.
    struct Case: CustomStringConvertible {
        let id: String
        let params: [String: Any]
        let body: String
        let input: String?
        let shapes: [String: [String: Any]]
        var description: String { id }
    }

    static func cases(_ file: String) throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        let suites = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return suites.flatMap { suite -> [Case] in
            let shapes = suite["shapes"] as? [String: [String: Any]] ?? [:]
            return (suite["cases"] as? [[String: Any]] ?? []).map { c in
                let given = c["given"] as? [String: Any]
                return Case(
                    id: c["id"] as? String ?? "?", params: c["params"] as? [String: Any] ?? [:],
                    body: (c["serialized"] as? [String: Any])?["body"] as? String ?? "",
                    input: (given?["input"] as? [String: Any])?["shape"] as? String, shapes: shapes)
            }
        }
    }

    /// Whether every shape reachable from `name` is one a CloudWatch input can have.
    static func supported(_ name: String?, _ shapes: [String: [String: Any]], seen: Set<String> = []) -> Bool {
        guard let name, !seen.contains(name), let shape = shapes[name] else { return true }
        let seen = seen.union([name])
        switch shape["type"] as? String {
        case "map": return false
        case "list":
            let member = shape["member"] as? [String: Any]
            if shape["flattened"] as? Bool == true || member?["locationName"] != nil { return false }
            return supported(member?["shape"] as? String, shapes, seen: seen)
        case "structure":
            let members = shape["members"] as? [String: [String: Any]] ?? [:]
            return members.values.allSatisfy {
                $0["locationName"] == nil && $0["flattened"] == nil && $0["idempotencyToken"] == nil
                    && supported($0["shape"] as? String, shapes, seen: seen)
            }
        default: return true
        }
    }

    /// Where `tree` differs from `expected` (a param of shape `name`), or nil. `text`: every scalar
    /// arrives as text (awsQuery).
    static func difference(
        _ tree: JSONValue, _ expected: Any, shape name: String?, _ shapes: [String: [String: Any]], text: Bool,
        at path: String
    ) -> String? {
        let shape = name.flatMap { shapes[$0] } ?? [:]
        let type = shape["type"] as? String ?? "structure"
        func scalar() -> String? {
            switch tree {
            case .string(let s): return s
            case .number(let n): return n
            case .bool(let b): return text ? nil : (b ? "true" : "false")
            default: return nil
            }
        }
        switch type {
        case "structure":
            guard case .object(let object) = tree, let expected = expected as? [String: Any] else {
                return "\(path): expected a structure, found \(tree.kindDescription)"
            }
            let members = shape["members"] as? [String: [String: Any]] ?? [:]
            let present = expected.filter { !($0.value is NSNull) }
            let keys = Set(object.members.map(\.key)).subtracting(["Action", "Version"])
            guard keys == Set(present.keys) else {
                return "\(path): members \(keys.sorted()) ≠ \(present.keys.sorted())"
            }
            for (key, value) in present {
                guard let member = object[key] else { continue }
                if let problem = difference(
                    member, value, shape: members[key]?["shape"] as? String, shapes, text: text, at: "\(path).\(key)")
                {
                    return problem
                }
            }
            return nil
        case "list":
            let expected = expected as? [Any] ?? []
            // awsQuery sends an empty list as an empty value, which the API decoder reads as [].
            if text, expected.isEmpty, case .string("") = tree { return nil }
            guard case .array(let elements) = tree, elements.count == expected.count else {
                return "\(path): expected \(expected.count) elements, found \(tree)"
            }
            let member = (shape["member"] as? [String: Any])?["shape"] as? String
            for (k, (e, x)) in zip(elements, expected).enumerated() {
                if let problem = difference(e, x, shape: member, shapes, text: text, at: "\(path)[\(k)]") {
                    return problem
                }
            }
            return nil
        case "boolean":
            if text { return scalar() == ((expected as? Bool) == true ? "true" : "false") ? nil : "\(path): \(tree)" }
            guard case .bool(let b) = tree, b == expected as? Bool else { return "\(path): \(tree) ≠ \(expected)" }
            return nil
        case "blob":
            guard let s = scalar(), let bytes = Data(base64Encoded: s), let x = expected as? String,
                bytes == Data(x.utf8)
            else { return "\(path): \(tree) is not base64 of \(expected)" }
            return nil
        case "timestamp":
            guard let s = scalar(), let seconds = (expected as? NSNumber)?.doubleValue else {
                return "\(path): \(tree)"
            }
            if let n = Double(s), n == seconds { return nil }
            if let date = ISO8601DateFormatter().date(from: s), date.timeIntervalSince1970 == seconds { return nil }
            return "\(path): \(s) is not the time \(seconds)"
        case "integer", "long", "short", "byte", "float", "double":
            guard let s = scalar() else { return "\(path): \(tree) is not a number" }
            if let word = expected as? String {  // "NaN", "Infinity", "-Infinity"
                return s == word ? nil : "\(path): \(s) ≠ \(word)"
            }
            guard let n = Double(s), let x = (expected as? NSNumber)?.doubleValue, Float(n) == Float(x) else {
                return "\(path): \(s) ≠ \(expected)"
            }
            return nil
        default:  // string, enums
            guard let s = scalar(), s == "\(expected)" else { return "\(path): \(tree) ≠ \(expected)" }
            return nil
        }
    }

    @Test("Smithy RPC v2 CBOR: every input case's body decodes into exactly its params")
    func rpcV2CBOR() throws {
        let cases = try Self.cases("smithy-rpc-v2-cbor.json")
        #expect(cases.count >= 15)
        var checked = 0
        for c in cases where Self.supported(c.input, c.shapes) {
            guard let bytes = Data(base64Encoded: c.body) else {
                Issue.record("\(c.id): the body is not base64")
                continue
            }
            // An empty body is an input with no members, as the server reads it.
            let tree = bytes.isEmpty ? .object(JSONObject()) : try CBORMembers.tree(CBOR.decode([UInt8](bytes)))
            let problem = Self.difference(tree, c.params, shape: c.input, c.shapes, text: false, at: c.id)
            #expect(problem == nil, "\(problem ?? "")")
            checked += 1
        }
        #expect(checked >= 12)
    }

    @Test("awsQuery: every input case CloudWatch's shapes allow reads into exactly its params")
    func awsQuery() throws {
        let cases = try Self.cases("query.json")
        #expect(cases.count >= 30)
        var checked = 0
        for c in cases where Self.supported(c.input, c.shapes) && !c.body.isEmpty {
            let form = try #require(AWSQueryForm(Array(c.body.utf8)), "\(c.id)")
            let tree = try AWSQueryMembers.tree(form.parameters)
            let problem = Self.difference(tree, c.params, shape: c.input, c.shapes, text: true, at: c.id)
            #expect(problem == nil, "\(problem ?? "")")
            checked += 1
        }
        #expect(checked >= 19)
    }
}
