# SPDX-License-Identifier: Apache-2.0
# Compares the descriptors of our proto/ files (protoc --descriptor_set_out) with the official ones
# (PyPI opentelemetry-proto, googleapis-common-protos, protobuf's well-known types): every message,
# field and enum value we define must exist there with the same name, number, type and label.
# Usage: python otlp_proto_check.py OUR.desc   (exit 0 and "N passed, 0 failed" when all match)
import importlib
import sys

from google.protobuf import descriptor_pb2, descriptor_pool

OFFICIAL_MODULES = [
    "opentelemetry.proto.common.v1.common_pb2",
    "opentelemetry.proto.resource.v1.resource_pb2",
    "opentelemetry.proto.trace.v1.trace_pb2",
    "opentelemetry.proto.metrics.v1.metrics_pb2",
    "opentelemetry.proto.logs.v1.logs_pb2",
    "opentelemetry.proto.collector.trace.v1.trace_service_pb2",
    "opentelemetry.proto.collector.metrics.v1.metrics_service_pb2",
    "opentelemetry.proto.collector.logs.v1.logs_service_pb2",
    "google.rpc.status_pb2",
    "google.rpc.error_details_pb2",
    "google.protobuf.any_pb2",
    "google.protobuf.duration_pb2",
]
# Our wire-compatible copies of Google types live in our own package.
RENAMED = {
    "h2otel.rpc.Duration": "google.protobuf.Duration",
    "h2otel.rpc.Any": "google.protobuf.Any",
    "h2otel.rpc.Status": "google.rpc.Status",
    "h2otel.rpc.RetryInfo": "google.rpc.RetryInfo",
}

for m in OFFICIAL_MODULES:
    importlib.import_module(m)
pool = descriptor_pool.Default()

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("MISMATCH:", what)


def walk_messages(prefix, messages):
    for m in messages:
        full = f"{prefix}.{m.name}"
        yield full, m
        yield from walk_messages(full, m.nested_type)


def walk_enums(prefix, file_or_msg_enums, messages):
    for e in file_or_msg_enums:
        yield f"{prefix}.{e.name}", e
    for m in messages:
        yield from walk_enums(f"{prefix}.{m.name}", m.enum_type, m.nested_type)


def official_label(fd):
    # protobuf >= 7 dropped FieldDescriptor.label; proto3 fields are either repeated or optional.
    if hasattr(fd, "label"):
        return fd.label
    if fd.is_repeated:
        return descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
    return descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL


def type_name(name):
    name = name.lstrip(".")
    return RENAMED.get(name, name)


ours = descriptor_pb2.FileDescriptorSet()
with open(sys.argv[1], "rb") as f:
    ours.ParseFromString(f.read())

for fd in ours.file:
    for full, msg in walk_messages(fd.package, fd.message_type):
        official_name = RENAMED.get(full, full)
        try:
            off = pool.FindMessageTypeByName(official_name)
        except KeyError:
            check(False, f"message {full} does not exist officially")
            continue
        check(True, full)
        for field in msg.field:
            off_field = off.fields_by_number.get(field.number)
            if off_field is None:
                check(False, f"{full}.{field.name} = {field.number}: no official field with that number")
                continue
            check(off_field.name == field.name, f"{full} #{field.number}: name {field.name} vs {off_field.name}")
            check(off_field.type == field.type, f"{full}.{field.name}: type {field.type} vs {off_field.type}")
            # proto3 `optional` (official) and our single-field oneof have the same label and wire format.
            check(official_label(off_field) == field.label, f"{full}.{field.name}: label {field.label}")
            if field.type_name:
                off_type = off_field.message_type or off_field.enum_type
                check(off_type.full_name == type_name(field.type_name),
                      f"{full}.{field.name}: type {field.type_name} vs {off_type.full_name}")
            # Presence: a field we put in a oneof must have presence officially too.
            if field.HasField("oneof_index"):
                check(off_field.containing_oneof is not None, f"{full}.{field.name}: oneof only on our side")
    for full, enum in walk_enums(fd.package, fd.enum_type, fd.message_type):
        try:
            off = pool.FindEnumTypeByName(full)
        except KeyError:
            check(False, f"enum {full} does not exist officially")
            continue
        for v in enum.value:
            off_v = off.values_by_name.get(v.name)
            check(off_v is not None and off_v.number == v.number, f"{full}.{v.name} = {v.number}")
    for svc in fd.service:
        full = f"{fd.package}.{svc.name}"
        try:
            off = pool.FindServiceByName(full)
        except KeyError:
            check(False, f"service {full} does not exist officially")
            continue
        for meth in svc.method:
            off_m = off.methods_by_name.get(meth.name)
            check(off_m is not None and off_m.input_type.full_name == type_name(meth.input_type)
                  and off_m.output_type.full_name == type_name(meth.output_type), f"{full}/{meth.name}")

print(f"otlp-proto: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
