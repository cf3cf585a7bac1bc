"""Interop of kstreams' Schema Registry and Avro serdes with Python's confluent-kafka.

confluent_interop.py APP [--kafka]

APP (tests/apps/avro_interop_app.cc) starts a broker, our registry and a
kstreams application that totals Avro orders per customer. Here:
  1. a confluent-kafka Producer with its AvroSerializer, through its
     SchemaRegistryClient pointed at OUR registry, registers a schema of its
     own (py.Order with two fields the application does not read) and
     produces orders to py-orders;
  2. the same SchemaRegistryClient checks what our registry answers (the
     subject's latest version, the id in the records, idempotent register);
  3. a confluent-kafka Consumer with its AvroDeserializer reads py-totals
     (written by kstreams' serdes::Avro<Total>, schema registered by it) and
     the last total per customer must equal the totals computed here from
     what was produced.
Exits 0 when they match, 1 otherwise (or after 60 s).
"""

import json
import signal
import struct
import subprocess
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, StringDeserializer, StringSerializer

ORDERS = 400
CUSTOMERS = 7
DEADLINE_S = 60

ORDER_SCHEMA = json.dumps({
    "type": "record", "name": "Order", "namespace": "py",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "customer", "type": "string"},
        {"name": "cents", "type": "long"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "quantity", "type": "int"},
    ],
})


def fail(message):
    print(f"confluent_interop: FAILED: {message}", flush=True)
    return 1


def run(app_args):
    app = subprocess.Popen(app_args, stdout=subprocess.PIPE, text=True)
    result = 1
    try:
        ready = app.stdout.readline().split()
        if len(ready) != 3 or ready[0] != "ready":
            return fail(f"the application did not start (printed {ready!r})")
        bootstrap, registry_url = ready[1], ready[2]
        print(f"broker {bootstrap}, registry {registry_url}", flush=True)
        result = check(bootstrap, registry_url)
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            code = app.wait(timeout=40)
        except subprocess.TimeoutExpired:
            app.kill()
            code = app.wait()
    # The application must also close cleanly (and, under a sanitizer, exit
    # without a report).
    if code != 0:
        return fail(f"the application exited with {code}")
    return result


def check(bootstrap, registry_url):
    registry = SchemaRegistryClient({"url": registry_url})

    # 1. Produce through confluent-kafka's AvroSerializer.
    serialize_value = AvroSerializer(registry, ORDER_SCHEMA, lambda order, ctx: order)
    serialize_key = StringSerializer("utf_8")
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    expected = {}
    ids = set()
    for i in range(ORDERS):
        customer = f"c{i % CUSTOMERS}"
        cents = 100 + (i * 37) % 900
        order = {"id": f"o{i}", "customer": customer, "cents": cents,
                 "note": None if i % 3 else f"note {i}", "quantity": 1 + i % 4}
        value = serialize_value(order, SerializationContext("py-orders", MessageField.VALUE))
        if value[0] != 0:
            return fail(f"AvroSerializer wrote magic byte {value[0]}")
        ids.add(struct.unpack(">I", value[1:5])[0])
        producer.produce("py-orders", key=serialize_key(customer), value=value)
        total = expected.setdefault(customer, {"orders": 0, "cents": 0})
        total["orders"] += 1
        total["cents"] += cents
    if producer.flush(30) != 0:
        return fail("the producer did not deliver every order in 30 s")

    # 2. What our registry tells confluent-kafka's client.
    latest = registry.get_latest_version("py-orders-value")
    if ids != {latest.schema_id}:
        return fail(f"records carry schema ids {ids}, the subject's latest is {latest.schema_id}")
    again = registry.register_schema("py-orders-value", Schema(ORDER_SCHEMA, "AVRO"))
    if again != latest.schema_id:
        return fail(f"registering the same schema again gave id {again}, not {latest.schema_id}")
    fetched = json.loads(registry.get_schema(latest.schema_id).schema_str)
    if [f["name"] for f in fetched["fields"]] != ["id", "customer", "cents", "note", "quantity"]:
        return fail(f"schema {latest.schema_id} reads back as {fetched}")
    print(f"produced {ORDERS} orders with schema id {latest.schema_id} "
          f"(subject py-orders-value version {latest.version})", flush=True)

    # 3. Read kstreams' totals back through confluent-kafka's AvroDeserializer.
    deserialize_value = AvroDeserializer(registry)
    deserialize_key = StringDeserializer("utf_8")
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-interop-check",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition("py-totals", p, OFFSET_BEGINNING) for p in range(2)])
    latest_totals = {}
    deadline = time.monotonic() + DEADLINE_S
    try:
        while latest_totals != expected and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                return fail(f"consumer: {msg.error()}")
            key = deserialize_key(msg.key(), SerializationContext("py-totals", MessageField.KEY))
            if msg.value() is None:
                latest_totals.pop(key, None)
                continue
            total = deserialize_value(msg.value(), SerializationContext("py-totals", MessageField.VALUE))
            latest_totals[key] = {"orders": total["orders"], "cents": total["cents"]}
    finally:
        consumer.close()
    for customer in sorted(expected):
        print(f"{customer}: {latest_totals.get(customer)} (expected {expected[customer]})", flush=True)
    if latest_totals != expected:
        return fail("the totals read back differ from the expected ones")
    total_schema = registry.get_latest_version("py-totals-value")
    print(f"totals match; kstreams registered py-totals-value version {total_schema.version} "
          f"(id {total_schema.schema_id})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
