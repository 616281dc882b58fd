#!/usr/bin/env python3
"""Generates VigilAPI's operation inputs and outputs from AWS's service models (botocore's JSON).

Usage: scripts/generate-api.py [path/to/botocore/data]
Writes Sources/VigilAPI/{CloudWatch,CloudWatchLogs,SNS}/Generated/*.swift.

Members keep the model's names (CodingKeys), order (the aws CLI prints in it), optionality (a member
the model requires is not optional) and widths (integer -> Int32, long -> Int64). Closed sets become
enums, except where the domain modules already define the same set (then a typealias). The output is
checked in; rerun this after adding an operation or upgrading the model.
"""
import gzip
import json
import keyword
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def botocore_data():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import botocore  # noqa: the pinned botocore of the test virtualenv

    return os.path.join(os.path.dirname(botocore.__file__), "data")


SERVICES = [
    {
        "namespace": "CloudWatch",
        "model": "cloudwatch/2010-08-01/service-2.json.gz",
        "doc": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_{op}.html",
        "operations": [
            "PutMetricData", "GetMetricStatistics", "GetMetricData", "ListMetrics",
            "PutMetricAlarm", "PutCompositeAlarm", "DescribeAlarms", "DescribeAlarmsForMetric",
            "DescribeAlarmHistory", "SetAlarmState", "DeleteAlarms", "EnableAlarmActions",
            "DisableAlarmActions", "TagResource", "UntagResource", "ListTagsForResource",
        ],
        # Closed sets the domain modules already define, with the same values.
        "aliases": {
            "StateValue": "AlarmState",
            "Statistic": "VigilMetrics.Statistic",
            "ActionsSuppressedBy": "ActionsSuppression.Cause",
        },
        # Members the model types as free strings although AWS documents a closed set.
        "member_types": {
            "TreatMissingData": "TreatMissingData",
            "EvaluateLowSampleCountPercentile": "EvaluateLowSampleCountPercentile",
        },
        "extra_enums": {
            "TreatMissingData": ["breaching", "notBreaching", "ignore", "missing"],
            "EvaluateLowSampleCountPercentile": ["evaluate", "ignore"],
        },
        "extra_aliases": {"TreatMissingData": "AlarmRule.MissingData"},
    },
    {
        "namespace": "CloudWatchLogs",
        "model": "logs/2014-03-28/service-2.json.gz",
        "doc": "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_{op}.html",
        "operations": [
            "CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy",
            "DeleteRetentionPolicy", "CreateLogStream", "DeleteLogStream", "DescribeLogStreams",
            "PutLogEvents", "GetLogEvents", "FilterLogEvents", "PutMetricFilter",
            "DescribeMetricFilters", "DeleteMetricFilter", "TestMetricFilter", "TagResource",
            "UntagResource", "ListTagsForResource", "TagLogGroup", "UntagLogGroup", "ListTagsLogGroup", "StartLiveTail",
        ],
        # One unit set for both services (metric filters publish CloudWatch metrics).
        "aliases": {"StandardUnit": "CloudWatch.StandardUnit"},
        # TestMetricFilter's extractedValues follow the fields of the event.
        "member_types": {"extractedValues": "OrderedMap<String>"},
        "extra_enums": {},
        "extra_aliases": {},
    },
    {
        "namespace": "SNS",
        "model": "sns/2010-03-31/service-2.json.gz",
        "doc": "https://docs.aws.amazon.com/sns/latest/api/API_{op}.html",
        "operations": [
            "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes",
            "Subscribe", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic",
            "GetSubscriptionAttributes", "SetSubscriptionAttributes", "ConfirmSubscription", "Publish",
            "PublishBatch", "TagResource", "UntagResource", "ListTagsForResource",
        ],
        "aliases": {},
        "member_types": {},
        "extra_enums": {},
        "extra_aliases": {},
    },
]

SWIFT_KEYWORDS = set(keyword.kwlist) | {
    "default", "protocol", "extension", "func", "var", "let", "operator", "Type", "self", "init", "where",
    "repeat", "internal", "public", "private", "static", "struct", "enum", "case", "switch", "in", "is",
}


def lower_camel(name):
    """`OKActions` -> `okActions`, `ResourceARN` -> `resourceARN`, `ARN` -> `arn`, `logGroupName` unchanged."""
    k = 0
    while k < len(name) and name[k].isupper():
        k += 1
    if k == len(name):
        return name.lower()
    if k <= 1:
        return name[:1].lower() + name[1:]
    return name[: k - 1].lower() + name[k - 1 :]


def case_name(value):
    """Enum case names from values: `GreaterThanThreshold`, `INSUFFICIENT_DATA`, `Bytes/Second`, `PT3H`."""
    if value == "None":
        return "noUnit"  # `none` would read as Optional.none
    v = value.replace("/Second", "PerSecond")
    if re.fullmatch(r"[A-Z0-9_]+", v):
        parts = v.lower().split("_")
        v = parts[0] + "".join(p.capitalize() for p in parts[1:])
        return v
    v = re.sub(r"[^A-Za-z0-9]", "", v)
    return lower_camel(v)


def prop_name(member):
    n = lower_camel(member)
    return f"`{n}`" if n in SWIFT_KEYWORDS else n


class Generator:
    def __init__(self, service, data):
        self.s = service
        self.ns = service["namespace"]
        self.model = json.load(gzip.open(os.path.join(data, service["model"])))
        self.shapes = self.model["shapes"]
        self.emitted_structs = {}
        self.enums = {}

    def struct_name(self, shape):
        for op in self.s["operations"]:
            o = self.model["operations"][op]
            if o.get("input", {}).get("shape") == shape:
                return op + "Input"
            if o.get("output", {}).get("shape") == shape:
                return op + "Output"
        return shape

    def swift_type(self, shape_name, member=None):
        if member in self.s["member_types"]:
            return self.s["member_types"][member]
        s = self.shapes[shape_name]
        t = s["type"]
        if t == "string":
            if "enum" in s:
                self.enums[shape_name] = s["enum"]
                return shape_name
            return "String"
        if t == "integer":
            return "Int32"
        if t == "long":
            return "Int64"
        if t == "double" or t == "float":
            return "Double"
        if t == "boolean":
            return "Bool"
        if t == "timestamp":
            return "Timestamp"
        if t == "list":
            return "[" + self.swift_type(s["member"]["shape"]) + "]"
        if t == "map":
            return "[String: " + self.swift_type(s["value"]["shape"]) + "]"
        if t == "structure":
            name = self.struct_name(shape_name)
            self.emitted_structs.setdefault(shape_name, name)
            return name
        if t == "blob":
            return "String"
        raise ValueError(f"{shape_name}: {t}")

    def struct(self, shape_name, doc):
        s = self.shapes[shape_name]
        name = self.struct_name(shape_name)
        required = set(s.get("required", []))
        members = list(s.get("members", {}).items())
        lines = [f"    /// {doc}", f"    public struct {name}: Codable, Sendable, Equatable {{"]
        params = []
        for m, spec in members:
            t = self.swift_type(spec["shape"], m)
            p = prop_name(m)
            opt = "" if m in required else "?"
            lines.append(f"        public var {p}: {t}{opt}")
            params.append((p, t, m in required))
        if members:
            lines.append("")
            sig = ", ".join(f"{p.strip('`')}: {t}" + ("" if req else "? = nil") for p, t, req in params)
            lines.append(f"        public init({sig}) {{")
            for p, _, _ in params:
                # A keyword is a fine label and member name, but as a value it needs its backticks.
                lines.append(f"            self.{p.strip('`')} = {p}")
            lines.append("        }")
            lines.append("")
            lines.append("        enum CodingKeys: String, CodingKey {")
            for m, _ in members:
                lines.append(f"            case {prop_name(m)} = \"{m}\"")
            lines.append("        }")
        else:
            lines.append("")
            lines.append("        public init() {}")
        lines.append("    }")
        return "\n".join(lines)

    def run(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        for f in os.listdir(out_dir):
            if f.endswith(".swift"):
                os.remove(os.path.join(out_dir, f))
        header = "// Generated by scripts/generate-api.py from AWS's service model; do not edit.\n\n"
        imports = "public import VigilAlarms\npublic import VigilMetrics\n\n" if self.ns == "CloudWatch" else ""
        op_shapes = set()
        for op in self.s["operations"]:
            o = self.model["operations"][op]
            body = []
            link = self.s["doc"].format(op=op)
            for kind in ("input", "output"):
                if kind in o:
                    shape = o[kind]["shape"]
                    op_shapes.add(shape)
                    what = "The input of" if kind == "input" else "What is returned by"
                    body.append(self.struct(shape, f"{what} {op} ({link})."))
                else:
                    name = op + ("Input" if kind == "input" else "Output")
                    body.append(f"    /// {op} returns nothing ({link}).\n    public struct {name}: Codable, Sendable, Equatable {{\n        public init() {{}}\n    }}")
            text = header + f"extension {self.ns} {{\n" + "\n\n".join(body) + "\n}\n"
            open(os.path.join(out_dir, f"{self.ns}+{op}.swift"), "w").write(text)
        # Shared structures, reached from the operations' shapes (found while generating them).
        done = set(op_shapes)
        shared = []
        while True:
            pending = [s for s in self.emitted_structs if s not in done]
            if not pending:
                break
            for shape in sorted(pending):
                done.add(shape)
                shared.append(self.struct(shape, f"{shape} in {self.ns}'s model."))
        text = header + f"extension {self.ns} {{\n" + "\n\n".join(shared) + "\n}\n"
        open(os.path.join(out_dir, f"{self.ns}+Shapes.swift"), "w").write(text)
        enums = dict(self.enums)
        enums.update(self.s["extra_enums"])
        aliases = dict(self.s["aliases"])
        aliases.update(self.s["extra_aliases"])
        parts = []
        for name in sorted(enums):
            if name in aliases:
                parts.append(f"    /// {name} in {self.ns}'s model: the domain's own type, which has the same values.\n    public typealias {name} = {aliases[name]}")
                continue
            cases = "\n".join(f"        case {case_name(v)} = \"{v}\"" for v in enums[name])
            parts.append(f"    /// {name} in {self.ns}'s model.\n    public enum {name}: String, Codable, Sendable, CaseIterable, APIEnumeration {{\n{cases}\n    }}")
        text = header + imports + f"extension {self.ns} {{\n" + "\n\n".join(parts) + "\n}\n"
        open(os.path.join(out_dir, f"{self.ns}+Enumerations.swift"), "w").write(text)


def main():
    data = botocore_data()
    for service in SERVICES:
        g = Generator(service, data)
        g.run(os.path.join(ROOT, "Sources", "VigilAPI", service["namespace"], "Generated"))
    # The checked-in style (the test command lints it).
    subprocess.run(["swift", "format", "--in-place", "--recursive", os.path.join(ROOT, "Sources", "VigilAPI")], check=True)


if __name__ == "__main__":
    main()
