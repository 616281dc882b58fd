import Testing
import VigilMetrics

/// A metric's dimensions as one text: unambiguous whatever they hold, and CloudWatch's rules for them.
struct MetricKeyTests {
    static func key(_ pairs: [(String, String)]) -> MetricKey {
        MetricKey(namespace: "App", name: "m", dimensions: pairs.map { .init(name: $0.0, value: $0.1) })
    }

    @Test("a value holding a newline and '=' is not another pair (the issue's Role/User example)")
    func valueCannotPoseAsPair() {
        let one = Self.key([("Role", "admin\nUser=bob")])
        let two = Self.key([("Role", "admin"), ("User", "bob")])
        #expect(one.canonicalDimensions != two.canonicalDimensions)
        #expect(MetricKey.dimensions(fromCanonical: one.canonicalDimensions) == one.dimensions)
        #expect(MetricKey.dimensions(fromCanonical: two.canonicalDimensions) == two.dimensions)
    }

    @Test(
        "hostile names and values read back as written",
        arguments: [
            [("Path", #"C:\temp\new"#)], [("a=b", "c")], [("=", "=")], [(#"\"#, #"\\n"#)], [("k", "line1\nline2\n")],
            [("k", "")], [("Zoë", "naïve ✓")], [("a", "1"), ("b", "x\ny=z"), ("c", #"\="#)],
        ])
    func roundTrip(pairs: [(String, String)]) {
        let key = Self.key(pairs)
        #expect(MetricKey.dimensions(fromCanonical: key.canonicalDimensions) == key.dimensions)
    }

    @Test(
        "distinct dimension lists never share a text",
        arguments: [
            ([("a", "b\nc=d")], [("a", "b"), ("c", "d")]),
            ([("a=b", "c")], [("a", "b=c")]),
            ([("a", #"b\"#)], [("a", "b")]),
            ([("a", #"\n"#)], [("a", "\n")]),
        ])
    func injective(first: [(String, String)], second: [(String, String)]) {
        #expect(Self.key(first).canonicalDimensions != Self.key(second).canonicalDimensions)
    }

    @Test("dimensions without backslashes or newlines keep the text they always had")
    func compatible() {
        #expect(
            Self.key([("Role", "a=b"), ("InstanceId", "i-123")]).canonicalDimensions == "InstanceId=i-123\nRole=a=b")
        #expect(Self.key([]).canonicalDimensions == "")
    }

    static let accepted: [(String, String)] = [
        ("a", "b"), (String(repeating: "n", count: 255), String(repeating: "v", count: 1024)), ("a:b", " x "),
        ("Instance Id", "i-0abc"), ("=", "="),
    ]

    @Test("CloudWatch accepts these dimensions (its Dimension reference)", arguments: accepted)
    func accepts(name: String, value: String) {
        #expect(DimensionRules.problem(name: name, value: value) == nil)
    }

    static let refused: [(String, String, DimensionRules.Problem)] = [
        ("", "v", .name("must not be empty")),
        (String(repeating: "n", count: 256), "v", .name("is 256 characters long; at most 255 are allowed")),
        (":aws", "v", .name("must not start with ':'")),
        ("   ", "v", .name("must contain at least one non-whitespace character")),
        ("Zoë", "v", .name("must contain only ASCII characters")),
        ("a\tb", "v", .name("must not contain ASCII control characters")),
        ("n", "", .value("must not be empty")),
        ("n", String(repeating: "v", count: 1025), .value("is 1025 characters long; at most 1024 are allowed")),
        ("n", " ", .value("must contain at least one non-whitespace character")),
        ("n", "admin\nUser=bob", .value("must not contain ASCII control characters")),
        ("n", "a\u{7F}", .value("must not contain ASCII control characters")),
        ("n", "naïve", .value("must contain only ASCII characters")),
    ]

    @Test("CloudWatch refuses these, and the reason says which part and why", arguments: refused)
    func refuses(name: String, value: String, problem: DimensionRules.Problem) {
        #expect(DimensionRules.problem(name: name, value: value) == problem)
    }
}
