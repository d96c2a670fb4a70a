"""IP_ADDRESS: IPv4 and IPv6 addresses (a connection log or a router pasted in a question).

Reference: RFC 791 / RFC 4291 and RFC 5952 (text forms); checked with the standard library's
``ipaddress`` (each IPv4 octet 0-255; IPv6 groups and ``::`` compression). Every valid address
is masked: a private or dynamic address still ties a message to a device.
"""

from __future__ import annotations

import ipaddress

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer

_V4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"
_H = r"[0-9A-Fa-f]{1,4}"
_V6 = (rf"(?<![\w:.])(?:(?:{_H}:){{7}}{_H}|(?:{_H}:){{1,7}}:|(?:{_H}:){{1,6}}:{_H}"
       rf"|(?:{_H}:){{1,5}}(?::{_H}){{1,2}}|(?:{_H}:){{1,4}}(?::{_H}){{1,3}}"
       rf"|(?:{_H}:){{1,3}}(?::{_H}){{1,4}}|(?:{_H}:){{1,2}}(?::{_H}){{1,5}}"
       rf"|{_H}:(?::{_H}){{1,6}}|::(?:{_H}:){{0,5}}{_H})(?![\w:])")


class FrIpAddressRecognizer(FrPatternRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = [Pattern("IPv4", _V4, 0.6), Pattern("IPv6", _V6, 0.6)]
    CONTEXT = ["ip", "adresse", "connexion", "routeur", "box", "serveur"]

    def validate_result(self, pattern_text: str) -> bool:
        try:
            ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        return True
