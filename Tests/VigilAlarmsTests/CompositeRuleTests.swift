import Testing
import VigilAlarms

/// AlarmRule expressions as the CloudWatch User Guide writes them.
struct CompositeRuleTests {
    @Test("the guide's examples parse and hold when they should")
    func guideExamples() throws {
        let both = try CompositeRule(parsing: "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)")
        #expect(both.holds(["CPUUtilizationTooHigh": .alarm, "DiskReadOpsTooHigh": .alarm]))
        #expect(!both.holds(["CPUUtilizationTooHigh": .alarm, "DiskReadOpsTooHigh": .ok]))
        let deploy = try CompositeRule(parsing: "ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)")
        #expect(deploy.holds(["CPUUtilizationTooHigh": .alarm, "DeploymentInProgress": .ok]))
        #expect(!deploy.holds(["CPUUtilizationTooHigh": .alarm, "DeploymentInProgress": .alarm]))
        let grouped = try CompositeRule(
            parsing:
                "(ALARM(\"CPUUtilizationTooHigh\") OR \n ALARM(\"DiskReadOpsTooHigh\")) AND \n OK(\"NetworkOutTooHigh\")"
        )
        #expect(grouped.children == ["CPUUtilizationTooHigh", "DiskReadOpsTooHigh", "NetworkOutTooHigh"])
        #expect(grouped.holds(["DiskReadOpsTooHigh": .alarm, "NetworkOutTooHigh": .ok]))
        #expect(!grouped.holds(["DiskReadOpsTooHigh": .alarm, "NetworkOutTooHigh": .alarm]))
        #expect(try CompositeRule(parsing: "False") == .constant(false))
        #expect(
            try CompositeRule(
                parsing: "INSUFFICIENT_DATA(\"arn:aws:cloudwatch:us-east-1:123456789012:alarm:Heartbeat\")"
            ).children == ["Heartbeat"])
    }

    @Test("NOT binds tighter than AND, AND tighter than OR")
    func precedence() throws {
        let r = try CompositeRule(parsing: "ALARM(a) OR ALARM(b) AND NOT ALARM(c)")
        #expect(r == .or(.state(.alarm, "a"), .and(.state(.alarm, "b"), .not(.state(.alarm, "c")))))
    }

    @Test(
        "malformed rules are refused with the position of the problem",
        arguments: [
            ("ALARM(a) AND", "expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '(' at 12"),
            ("(ALARM(a)", "expected ')' at 9"),
            ("ALARM a", "expected '(' after ALARM at 6"),
            ("ALARM(\"a)", "unterminated alarm name at 6"),
            ("ALARM(a) ALARM(b)", "unexpected 'A' at 9"),
            ("", "expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '(' at 0"),
        ])
    func errors(_ text: String, _ message: String) {
        #expect(throws: CompositeRule.ParseError.self) { try CompositeRule(parsing: text) }
        do { _ = try CompositeRule(parsing: text) } catch { #expect(error.description == message) }
    }

    @Test("at most 100 child alarms and 500 elements")
    func limits() throws {
        let hundred = (0..<100).map { "ALARM(a\($0))" }.joined(separator: " OR ")
        #expect(try CompositeRule(parsing: hundred).children.count == 100)
        #expect(throws: CompositeRule.ParseError.self) { try CompositeRule(parsing: hundred + " OR ALARM(a100)") }
        let elements = (0..<501).map { _ in "TRUE" }.joined(separator: " AND ")
        #expect(throws: CompositeRule.ParseError.self) { try CompositeRule(parsing: elements) }
    }
}
