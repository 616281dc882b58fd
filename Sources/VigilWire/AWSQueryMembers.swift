public import VigilPatterns

/// The awsQuery protocol's request side: a form's flat names (`MetricData.member.1.Dimensions.member.2.Name`)
/// as the tree of members an operation decodes, lists from their `member.N` entries in index order.
///
/// Every value is text; the API decoder reads numbers and booleans from it in this protocol
/// (`textScalars`), and an empty value where a list is expected is an empty list, as awsQuery sends one.
public enum AWSQueryMembers {
    /// The deepest name a form may use (CloudWatch's deepest input, GetMetricData's
    /// `MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name`, has 9 parts).
    public static let maximumNameParts = 32

    /// A form name that cannot be a member path.
    public struct MalformedName: Error, Equatable {
        public let name: String
        public let reason: String
    }

    /// A node of the tree while it is built: a value, named members, or list elements by index.
    final class Node {
        var text: String?
        var members: [String: Node] = [:]
        var memberOrder: [String] = []
        var elements: [Int: Node] = [:]
        /// A map's entries by index (`Attributes.entry.1.key`, `.value`; SNS's MessageAttributes name
        /// them `Name` and `Value`).
        var entries: [Int: Node] = [:]

        func member(_ name: String) -> Node {
            if let node = members[name] { return node }
            let node = Node()
            members[name] = node
            memberOrder.append(name)
            return node
        }

        func element(_ index: Int) -> Node {
            if let node = elements[index] { return node }
            let node = Node()
            elements[index] = node
            return node
        }

        func entry(_ index: Int) -> Node {
            if let node = entries[index] { return node }
            let node = Node()
            entries[index] = node
            return node
        }

        /// Lists take precedence over members, members over a value (a name given both ways is read the
        /// richer way).
        var value: JSONValue {
            if !elements.isEmpty { return .array(elements.keys.sorted().compactMap { elements[$0]?.value }) }
            if !entries.isEmpty {
                // In index order; an entry without a key is left out, a later entry of a key wins.
                var map: [JSONMember] = []
                for index in entries.keys.sorted() {
                    guard let e = entries[index], let key = (e.members["key"] ?? e.members["Name"])?.text else {
                        continue
                    }
                    let value = (e.members["value"] ?? e.members["Value"])?.value ?? .null
                    map.removeAll { $0.key == key }
                    map.append(JSONMember(key, value))
                }
                return .object(JSONObject(map))
            }
            if !members.isEmpty {
                return .object(
                    JSONObject(memberOrder.compactMap { name in members[name].map { JSONMember(name, $0.value) } }))
            }
            return .string(text ?? "")
        }
    }

    /// The members of a form (its `Action` and `Version` among them, which no input declares).
    public static func tree(_ parameters: [String: String]) throws(MalformedName) -> JSONValue {
        let root = Node()
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= maximumNameParts else {
                throw MalformedName(name: String(name.prefix(200)), reason: "has more than \(maximumNameParts) parts")
            }
            guard !parts.contains(where: \.isEmpty) else {
                throw MalformedName(name: name, reason: "has an empty part")
            }
            var node = root
            var index = 0
            while index < parts.count {
                if parts[index] == "member" || parts[index] == "entry", index + 1 < parts.count {
                    guard let n = Int(parts[index + 1]), n >= 1, n <= 1_000_000 else {
                        throw MalformedName(
                            name: name,
                            reason: "numbers a list \(parts[index]) '\(parts[index + 1])', not 1 or more")
                    }
                    node = parts[index] == "member" ? node.element(n) : node.entry(n)
                    index += 2
                } else {
                    node = node.member(String(parts[index]))
                    index += 1
                }
            }
            node.text = value
        }
        return root.value
    }
}
