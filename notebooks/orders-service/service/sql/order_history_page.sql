-- One page of a customer's order history, newest first (decision 0008): keyset pagination.
SELECT id, created_at, status, total
FROM orders
WHERE customer_id = %(customer_id)s
  AND (created_at, id) < (%(cursor_created_at)s, %(cursor_id)s)
ORDER BY created_at DESC, id DESC
LIMIT %(page_size)s;
