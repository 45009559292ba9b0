"""HTTP handlers (decision 0003): every error is application/problem+json."""
from orders import events, payments, storage


def create_order(request):
    order = request.order()
    with storage.connect() as conn:
        payment = payments.charge(order)
        storage.save_order(conn, order, order.lines, payment)
    return 201, order


def cancel_order(request, order_id):
    events.publish("order.cancelled", {"order_id": order_id})
    return 202, None
