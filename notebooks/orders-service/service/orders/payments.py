"""Charging the card behind a circuit breaker (decision 0005)."""
from orders import settings


class Breaker:
    def __init__(self, failures=settings.BREAKER_FAILURES, open_for=settings.BREAKER_OPEN_S):
        self.failures, self.open_for = failures, open_for


def charge(order):
    ...
