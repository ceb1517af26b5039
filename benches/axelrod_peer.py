"""Peer benchmark: the classic noisy TFT-vs-TFT match in Python's Axelrod library.

Not part of the tests. To run (any machine with Python 3.11):

    python3 -m venv /tmp/axl-venv
    /tmp/axl-venv/bin/pip install axelrod==4.14.0
    /tmp/axl-venv/bin/python benches/axelrod_peer.py [matches]

It plays `matches` independent 200-turn matches of TitForTat against TitForTat
with noise 0.05 on one core (the same game as scenarios/classic-ipd.toml),
reports matches per second and nanoseconds per round, and the mean score per
turn as a cross-check (theory: 2.25 in the stationary regime, about 2.29 over
200 turns from mutual cooperation; `simulate scenarios/classic-ipd.toml`
reports the same quantity as welfare / 200).
"""

import sys
import time

import axelrod as axl


def main() -> None:
    matches = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    players = (axl.TitForTat(), axl.TitForTat())
    total = 0.0
    start = time.perf_counter()
    for seed in range(matches):
        match = axl.Match(players, turns=200, noise=0.05, seed=seed)
        match.play()
        total += match.final_score_per_turn()[0]
    elapsed = time.perf_counter() - start
    print(f"axelrod {axl.__version__}: {matches} matches in {elapsed:.2f} s "
          f"= {matches / elapsed:,.0f} matches/s, {elapsed / matches / 200 * 1e9:,.0f} ns/round; "
          f"mean score per turn {total / matches:.4f}")


if __name__ == "__main__":
    main()
