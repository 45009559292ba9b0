"""The pure core: decisions, statuses and their rules, trade-offs and their analysis,
request lifecycles, the decision graph and DOT text. Standard library only."""
