import Testing

@testable import VigilWire

/// Subscription filter policies, with the examples of SNS's "Filter policy constraints" and
/// "attribute string value matching" pages.
@Suite struct FilterPolicyTests {
    func policy(_ json: String) throws -> FilterPolicy { try FilterPolicy(json: json) }
    func string(_ name: String, _ value: String) -> MessageAttribute {
        MessageAttribute(name: name, dataType: "String", value: value)
    }

    @Test func everyKeyMustMatchAndAnyValueOfAKeyMay() throws {
        let p = try policy(#"{"store":["example_corp","other"],"event":[{"prefix":"order-"}]}"#)
        #expect(p.matches(attributes: [string("store", "example_corp"), string("event", "order-placed")]))
        #expect(p.matches(attributes: [string("store", "other"), string("event", "order-cancelled")]))
        #expect(!p.matches(attributes: [string("store", "example_corp"), string("event", "refund")]))
        #expect(!p.matches(attributes: [string("store", "example_corp")]))
    }

    @Test func numericRangesAndNumbers() throws {
        let p = try policy(#"{"price_usd":[{"numeric":[">=",100,"<",200]}],"count":[3]}"#)
        func number(_ name: String, _ v: String) -> MessageAttribute {
            MessageAttribute(name: name, dataType: "Number", value: v)
        }
        #expect(p.matches(attributes: [number("price_usd", "100"), number("count", "3.0")]))
        #expect(!p.matches(attributes: [number("price_usd", "200"), number("count", "3")]))
        #expect(!p.matches(attributes: [number("price_usd", "150"), number("count", "4")]))
    }

    @Test func anythingButExistsSuffixAndIgnoringCase() throws {
        let p = try policy(
            #"{"interest":[{"anything-but":["rugby","tennis"]}],"source":[{"exists":false}],"name":[{"suffix":".png"}],"team":[{"equals-ignore-case":"Security"}]}"#
        )
        let ok = [string("interest", "soccer"), string("name", "a.png"), string("team", "SECURITY")]
        #expect(p.matches(attributes: ok))
        #expect(!p.matches(attributes: ok + [string("source", "web")]))
        #expect(!p.matches(attributes: [string("interest", "rugby")] + ok.dropFirst()))
        // anything-but does not match a missing attribute.
        #expect(!p.matches(attributes: Array(ok.dropFirst())))
    }

    @Test func aStringArrayMatchesWhenAnElementDoes() throws {
        let p = try policy(#"{"interests":["soccer"]}"#)
        let a = MessageAttribute(name: "interests", dataType: "String.Array", value: #"["rugby","soccer"]"#)
        #expect(p.matches(attributes: [a]))
    }

    @Test func onTheBodyKeysNest() throws {
        let p = try policy(#"{"NewStateValue":["ALARM"],"Trigger":{"Namespace":["CloudTrailMetrics"]}}"#)
        #expect(p.matches(body: #"{"NewStateValue":"ALARM","Trigger":{"Namespace":"CloudTrailMetrics"}}"#))
        #expect(!p.matches(body: #"{"NewStateValue":"OK","Trigger":{"Namespace":"CloudTrailMetrics"}}"#))
        #expect(!p.matches(body: #"{"NewStateValue":"ALARM"}"#))
        #expect(!p.matches(body: "not json"))
    }

    @Test(arguments: [
        "", "[]", "{}", #"{"a":"b"}"#, #"{"a":[]}"#, #"{"a":[{"wildcard":"x"}]}"#, #"{"a":[{"numeric":[">"]}]}"#,
        #"{"a":[{"numeric":["~",1]}]}"#, #"{"a":[{"numeric":[">",1e400]}]}"#, #"{"a":[{"prefix":"x","suffix":"y"}]}"#,
    ])
    func refusesWhatIsNotAPolicy(_ json: String) {
        #expect(throws: FilterPolicy.Invalid.self) { try FilterPolicy(json: json) }
    }
}
