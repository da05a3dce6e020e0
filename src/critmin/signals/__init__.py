"""Signals: multilingual news and policy texts about critical minerals -> supply-chain events."""
