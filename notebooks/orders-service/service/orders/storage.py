"""The one module that talks to PostgreSQL (decision 0002)."""
import psycopg

from orders import settings


def connect() -> psycopg.Connection:
    return psycopg.connect(settings.DATABASE_URL)


def save_order(conn, order, lines, payment) -> None:
    with conn.transaction():
        conn.execute("INSERT INTO orders (id, customer_id, total) VALUES (%s, %s, %s)",
                     (order.id, order.customer_id, order.total))
        conn.executemany("INSERT INTO order_lines (order_id, sku, qty) VALUES (%s, %s, %s)",
                         [(order.id, line.sku, line.qty) for line in lines])
        conn.execute("INSERT INTO payments (order_id, reference) VALUES (%s, %s)",
                     (order.id, payment.reference))
        conn.execute("INSERT INTO outbox (order_id, type, body) VALUES (%s, 'order.placed', %s)",
                     (order.id, order.to_json()))
