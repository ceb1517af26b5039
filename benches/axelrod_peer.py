"""Peer benchmark: the classic noisy TFT-vs-TFT match in Python's Axelrod library.

Not part of the tests. To run (any machine with Python 3.11):

    python3 -m venv .venv
    .venv/bin/pip install axelrod==4.14.0
    .venv/bin/python benches/axelrod_peer.py [matches]

It plays `matches` independent 200-turn matches of TitForTat against TitForTat
with noise 0.05 on one core (the same game as scenarios/classic-ipd.toml) and
computes the statistics the engine and benches/peers/floor.rs compute: each
match classified as src/outcome.rs does for that scenario (window of the last
50 rounds, low 0.2, high 0.5, exchanges 25, rise 0.1; coercion needs the other
side's C throughout the window), welfare (score) sums per side and exchange
counts. It reports matches per second, nanoseconds per round, the outcome
shares and the mean score per side, to compare with
`cargo bench --bench floor` (the engine's shares, exactly the floor's).
"""

import sys
import time

import axelrod as axl

D = axl.Action.D


def classify(moves):
    """Outcome index (détente, vicious cycle, coercion, standoff) and exchanges."""
    d = [[m[i] == D for m in moves] for i in range(2)]
    n = len(moves)
    ret = [[t > 0 and d[i][t] and d[1 - i][t - 1] for t in range(n)] for i in range(2)]

    def exchange(t):
        p = [t > 0 and ret[i][t - 1] for i in range(2)]
        return (ret[0][t] and (ret[1][t] or p[1])) or (ret[1][t] and (ret[0][t] or p[0]))

    ex = [exchange(t) for t in range(n)]
    w = n - 50
    mean = [sum(d[i][w:]) / 50 for i in range(2)]
    xw = sum(ex[w:])
    if mean[0] <= 0.2 and mean[1] <= 0.2 and xw < 25:
        k = 0
    elif (mean[0] >= 0.5 and mean[1] >= 0.5) or (xw >= 25 and mean[0] >= 0.1 and mean[1] >= 0.1):
        k = 1
    elif (mean[1] == 0 and mean[0] > 0.2) != (mean[0] == 0 and mean[1] > 0.2):
        k = 2
    else:
        k = 3
    return k, sum(ex)


def main() -> None:
    matches = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    players = (axl.TitForTat(), axl.TitForTat())
    outcomes = [0, 0, 0, 0]
    welfare = [0.0, 0.0]
    exchanges = 0
    start = time.perf_counter()
    for seed in range(matches):
        match = axl.Match(players, turns=200, noise=0.05, seed=seed)
        moves = match.play()
        k, x = classify(moves)
        outcomes[k] += 1
        exchanges += x
        scores = match.final_score()
        welfare[0] += scores[0]
        welfare[1] += scores[1]
    elapsed = time.perf_counter() - start
    shares = ", ".join(f"{c / matches:.4f}" for c in outcomes)
    print(f"axelrod {axl.__version__}: {matches} matches in {elapsed:.2f} s "
          f"= {matches / elapsed:,.0f} matches/s, {elapsed / matches / 200 * 1e9:,.0f} ns/round; "
          f"shares (détente, vicious, coercion, standoff) {shares}; "
          f"mean welfare {welfare[0] / matches:.3f} {welfare[1] / matches:.3f}; "
          f"mean exchanges {exchanges / matches:.2f}")


if __name__ == "__main__":
    main()
