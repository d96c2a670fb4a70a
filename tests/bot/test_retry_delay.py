"""``bot.handling.retry_delay``: capped exponential backoff with jitter."""

from bot.handling import retry_delay


def test_doubles_from_base_then_stays_under_the_cap_with_jitter():
    for failures, nominal in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (50, 3.0), (2000, 3.0)]:
        delays = [retry_delay(failures, 0.5, 3.0) for _ in range(200)]
        assert all(nominal * 0.5 <= d <= nominal for d in delays), (failures, min(delays), max(delays))
        assert len(set(delays)) > 1  # jittered: clients cut off together do not retry together
