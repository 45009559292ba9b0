"""Order events (decision 0006): written to the outbox, relayed to Kafka by CDC."""
TOPIC = "orders.events.v1"
EVENT_TYPES = ("order.placed", "order.paid", "order.cancelled", "order.shipped")


def publish(event_type: str, body: dict) -> None:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type}")
    # the outbox row is written in the order's own transaction (see storage.save_order)
