#!/usr/bin/env python3
"""bench/scipy_relsim.py -- relsim's equations in plain Python, integrated by scipy's solve_ivp
(LSODA): the peer of the benchmark (bench/run.sh).

A straightforward port, written the way a modeller would: the model as `relsim bench FILE
--export model.json` writes it (every parameter by name, the time tables, the events, the
event edges), the right-hand side as one Python function with the math module, and
solve_ivp with LSODA between the event edges (as relsim integrates piecewise, so that no step
meets a jump), at relsim's tolerances. The equations, tables and event shapes follow
model/equations.inc and model/model.c line by line.

  scipy_relsim.py model.json --series out.csv      # one run, the indicators as series.csv
  scipy_relsim.py model.json --runs N              # N timed runs: runs per second
  scipy_relsim.py model.json --compare series.csv  # deviation from relsim's series.csv
"""
import argparse
import bisect
import csv
import json
import math
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

STOCKS = ["a", "K", "s", "R", "G", "rd_b", "e", "F"]
LOWER = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
UPPER = [math.inf, math.inf, 1.0, 1.0, math.inf, 1.0, 1.0, math.inf]
POSITIVE = [True, True, False, False, False, False, False, True]
INDICATORS = STOCKS + ["Y", "r", "tfp_growth", "gdp_growth", "mpk", "rd_total", "rd_inv_share",
                       "basic_share", "indep_share", "closure", "net_relational", "B", "C", "P",
                       "rd_public", "a_mfg", "sub_share", "rd_oecd", "profit_growth", "g_pot",
                       "relief", "erosion"]
CHANNELS = ["tfp", "yen", "bubble", "burst", "pressure", "asian_crisis", "public_rd", "reform",
            "entry", "basic", "erosion"]


class Table:
    """Piecewise linear in time, flat beyond the ends, with its exact primitive."""

    def __init__(self, t, v):
        self.t, self.v = list(t), list(v)
        self.cum = [self._primitive(x) for x in self.t]

    def _segment(self, x):
        return min(max(bisect.bisect_right(self.t, x) - 1, 0), len(self.t) - 2)

    def eval(self, x):
        t, v = self.t, self.v
        if len(t) == 1 or x <= t[0]:
            return v[0]
        if x >= t[-1]:
            return v[-1]
        j = self._segment(x)
        w = (x - t[j]) / (t[j + 1] - t[j])
        return v[j] + w * (v[j + 1] - v[j])

    def _primitive(self, x):
        t, v = self.t, self.v
        if len(t) == 1 or x <= t[0]:
            return (x - t[0]) * v[0]
        total = 0.0
        for j in range(len(t) - 1):
            a, b = t[j], t[j + 1]
            if x <= a:
                break
            hi = min(x, b)
            total += 0.5 * (v[j] + self.eval(hi)) * (hi - a)
        if x > t[-1]:
            total += (x - t[-1]) * v[-1]
        return total

    def primitive(self, x):
        t, v = self.t, self.v
        if len(t) == 1 or x <= t[0]:
            return (x - t[0]) * v[0]
        if x >= t[-1]:
            return self.cum[-1] + (x - t[-1]) * v[-1]
        j = self._segment(x)
        h = x - t[j]
        slope = (v[j + 1] - v[j]) / (t[j + 1] - t[j])
        return self.cum[j] + h * (v[j] + 0.5 * slope * h)


def event_shape(ev, t, seg_mid):
    if not ev["enabled"]:
        return 0.0
    shape, start, end = ev["shape"], ev["start"], ev["end"]
    if shape == "step":
        return 1.0 if seg_mid > start else 0.0
    if shape == "pulse":
        return 1.0 if start < seg_mid < end else 0.0
    if shape == "ramp":
        if t <= start:
            return 0.0
        if t >= end:
            return 1.0
        return (t - start) / (end - start)
    if shape == "smooth_pulse":
        if t <= start or t >= end:
            return 0.0
        return math.sin(math.pi * (t - start) / (end - start)) ** 2
    raise ValueError("unknown shape " + shape)


class Model:
    def __init__(self, spec):
        self.p = spec["params"]
        self.tab = {k: Table(d["t"], d["v"]) for k, d in spec["tables"].items()}
        self.events = spec["events"]
        self.edges = spec["edges"]
        p = self.p
        self.t0, self.t1 = p["span.start"], p["span.end"]
        self.K0 = p["production.alpha"] / p["initial.return"]
        self.Z = 1.0 / (p["initial.a"] * self.K0 ** p["production.alpha"])
        self.prim0 = {k: tab.primitive(self.t0) for k, tab in self.tab.items()}

    def initial_state(self):
        p = self.p
        return [p["initial.a"], self.K0, p["initial.s"], p["initial.R"], p["initial.G"],
                p["initial.rd_b"], p["initial.e"], p["initial.F"]]

    def flows(self, t, y, seg_mid):
        """Every auxiliary of the system at (t, y), as G_(eval_flows) in equations.inc."""
        p = self.p
        w = p["numerics.smooth"]

        def pos(x):
            return 0.5 * (x + math.sqrt(x * x + w * w))

        ch = dict.fromkeys(CHANNELS, 0.0)
        for ev in self.events:
            shape = event_shape(ev, t, seg_mid)
            if shape != 0.0:
                ch[ev["channel"]] += ev["magnitude"] * shape
        gf = self.tab["g_f"].eval(t)
        n = self.tab["labor_growth"].eval(t)
        rdf = self.tab["rd_frontier"].eval(t)
        rdp = self.tab["rd_public"].eval(t) + ch["public_rd"]
        lnA = self.tab["g_f"].primitive(t) - self.prim0["g_f"]
        lnL = self.tab["labor_growth"].primitive(t) - self.prim0["labor_growth"]
        alpha = p["production.alpha"]
        W = self.Z * math.exp(lnA + (1.0 - alpha) * lnL)
        a, K, s, R, G, rdb = y[0], y[1], y[2], y[3], y[4], y[5]
        f = {"ch": ch, "gf": gf, "n": n, "rdf": rdf, "rdp": rdp}
        f["Y"] = Y = W * a * K ** alpha
        f["r"] = r = alpha * Y / K
        f["am"] = am = p["tfp.w_mfg"] * a
        f["amm"] = amm = am ** p["tfp.m"]
        f["B"] = B = p["tfp.beta"] * R * pos(1.0 - am)
        f["C"] = C = p["tfp.gamma"] * R * amm
        rd = rdb + rdp
        f["ga"] = ga = ((p["tfp.lambda"] + p["tfp.mu"] * rd / rdf) * (1.0 - a) + B - C
                        + p["tfp.eta"] * (rd - rdf) - ch["tfp"])
        f["gK"] = gK = s * Y / K - p["production.delta"]
        f["gY"] = gY = ga + gf + alpha * gK + (1.0 - alpha) * n
        f["gpot"] = gpot = (ga + gf) / (1.0 - alpha) + n
        sraw = (p["investment.s0"] + p["investment.sigma_R"] * R
                + p["investment.sigma_r"] * (r - p["investment.r_ref"])
                + p["investment.sigma_g"] * (gpot - p["investment.g_norm"])
                + p["investment.sigma_b"] * ch["bubble"])
        f["sstar"] = pos(sraw) - pos(sraw - p["investment.s_max"])
        f["P"] = P = pos(C - B) + ch["burst"] + ch["pressure"]
        gr = G / p["ties.G_full"]
        f["relief"] = relief = p["ties.omega_s"] * (gr - pos(gr - 1.0))
        q = P * (1.0 - relief) - p["ties.omega"] * G
        f["erosion"] = p["ties.kappa_e"] * (1.0 + ch["erosion"]) * pos(q)
        f["gfree"] = 1.0 - G / p["asia.G_max"]
        f["gpi"] = gpi = gY - gK
        rdraw = (p["rd.rho0"] + p["rd.rho_a"] * (am - pos(am - 1.0)) + p["rd.rho_pi"] * gpi
                 - p["rd.rho_R"] * R * amm - p["rd.rho_b"] * ch["bubble"])
        f["rdstar"] = pos(rdraw) - pos(rdraw - p["rd.rd_max"])
        eraw = p["startup.e0"] + p["startup.e_g"] * gY - p["startup.e_R"] * R + ch["entry"]
        f["estar"] = pos(eraw) - pos(eraw - p["startup.e_max"])
        f["x"] = (p["startup.x0"] + p["startup.x_g"] * pos(p["startup.g_ref"] - gY)
                  + p["startup.x_b"] * ch["burst"])
        return f

    @staticmethod
    def clamp(y):
        return [yi if POSITIVE[i] else min(max(yi, LOWER[i]), UPPER[i]) for i, yi in enumerate(y)]

    def rhs(self, t, y_in, seg_mid):
        p = self.p
        w = p["numerics.smooth"]
        y = self.clamp(y_in)
        f = self.flows(t, y, seg_mid)
        ch = f["ch"]
        R, G = y[3], y[4]
        pos_bc = 0.5 * ((f["B"] - f["C"]) + math.sqrt((f["B"] - f["C"]) ** 2 + w * w))
        return [
            y[0] * f["ga"],
            y[2] * f["Y"] - p["production.delta"] * y[1],
            (f["sstar"] - y[2]) / p["investment.tau_s"],
            p["ties.kappa_b"] * (1.0 - R) * pos_bc - f["erosion"] * R - ch["reform"] * R,
            (p["asia.chi"] * R * (f["P"] + ch["yen"]) * f["gfree"] - p["asia.delta_G"] * G
             - ch["asian_crisis"] * (1.0 - p["asia.b_R"] * R) * G),
            (f["rdstar"] - y[5]) / p["rd.tau_rd"],
            (f["estar"] - y[6]) / p["startup.tau_e"],
            (y[6] - f["x"]) * y[7],
        ]

    def indicators(self, t, y_in, seg_mid):
        p = self.p
        y = self.clamp(y_in)
        f = self.flows(t, y, seg_mid)
        R, rdb, rdp = y[3], y[5], f["rdp"]
        dK = y[2] * f["Y"] - p["production.delta"] * y[1]
        return list(y) + [
            f["Y"], f["r"], f["ga"] + f["gf"], f["gY"], f["gY"] * f["Y"] / dK, rdb + rdp,
            rdb / (rdb + y[2]),
            ((p["rd.theta_pub"] * rdp + p["rd.theta_b"] * (1.0 - p["rd.theta_R"] * R) * rdb)
             / (rdp + rdb) + f["ch"]["basic"]),
            p["startup.indep_max"] * (1.0 - R) ** p["startup.indep_nu"], f["x"],
            f["B"] - f["C"], f["B"], f["C"], f["P"], rdp, f["am"], p["measure.w_sub"] * R,
            p["measure.w_rd"] * (rdb + rdp), f["gpi"], f["gpot"], f["relief"], f["erosion"],
        ]

    def output_times(self):
        t0, t1, h = self.t0, self.t1, self.p["span.output_step"]
        times, i = [], 0
        while t0 + i * h <= t1 - 1e-9:
            times.append(t0 + i * h)
            i += 1
        return times + [t1]

    def run(self):
        """One run: solve_ivp (LSODA) segment by segment; the indicators on the output grid."""
        p = self.p
        tout = self.output_times()
        rtol, atol = p["solver.rtol"], p["solver.atol"]
        bounds = [self.t0] + [e for e in self.edges if self.t0 < e < self.t1] + [self.t1]
        y = self.initial_state()
        states = {}
        if tout[0] == self.t0:
            states[0] = list(y)
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            mid = 0.5 * (lo + hi)
            inside = [i for i, t in enumerate(tout) if lo < t <= hi]
            t_eval = sorted(set([tout[i] for i in inside] + [hi]))
            sol = solve_ivp(self.rhs, (lo, hi), y, method="LSODA", t_eval=t_eval, rtol=rtol,
                            atol=atol, args=(mid,))
            if not sol.success:
                raise RuntimeError("solve_ivp failed in [%g, %g]: %s" % (lo, hi, sol.message))
            for i in inside:
                states[i] = list(sol.y[:, t_eval.index(tout[i])])
            y = list(sol.y[:, -1])
        rows = []
        for i, t in enumerate(tout):
            # The flows of the segment that starts at t (the last row: the one that ends there),
            # as fill_indicators in sim/sim.c.
            lo, hi = self.t0, tout[-1]
            for e in self.edges:
                if (e < t) if i == len(tout) - 1 else (e <= t):
                    lo = e
                elif e < hi:
                    hi = e
                    break
            rows.append([t] + self.indicators(t, states[i], 0.5 * (lo + hi)))
        return rows


def read_series(path):
    with open(path) as fp:
        lines = [line for line in fp if not line.startswith("#")]
    reader = csv.reader(lines)
    header = next(reader)
    return header, [[float(x) for x in row] for row in reader]


def deviation(rows, ref_header, ref_rows, columns):
    """The largest |ours - ref| over the rows, relative to each column's largest |ref|."""
    worst, where = 0.0, ""
    for name in columns:
        c = ref_header.index(name)
        oc = 1 + INDICATORS.index(name)
        scale = max(abs(r[c]) for r in ref_rows) or 1.0
        for r, o in zip(ref_rows, rows):
            d = abs(o[oc] - r[c]) / scale
            if d > worst:
                worst, where = d, "%s in %g" % (name, r[0])
    return worst, where


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="JSON written by relsim bench FILE --export PATH")
    ap.add_argument("--series", help="write one run's indicators to this CSV")
    ap.add_argument("--runs", type=int, default=0, help="timed runs")
    ap.add_argument("--compare", help="relsim's series.csv of the same scenario")
    a = ap.parse_args()
    with open(a.model) as fp:
        model = Model(json.load(fp))
    rows = model.run()
    if a.series:
        with open(a.series, "w") as fp:
            fp.write("year," + ",".join(INDICATORS) + "\n")
            for r in rows:
                fp.write(",".join("%.12g" % x for x in r) + "\n")
    if a.compare:
        header, ref = read_series(a.compare)
        if len(ref) != len(rows):
            sys.exit("scipy_relsim: %d rows, relsim %d" % (len(rows), len(ref)))
        ds, ws = deviation(rows, header, ref, STOCKS)
        da, wa = deviation(rows, header, ref, [n for n in INDICATORS if n != "mpk"])
        dm, wm = deviation(rows, header, ref, ["mpk"])
        print("scipy_relsim: deviation from relsim: stocks %.3g (%s), indicators but mpk %.3g "
              "(%s), mpk %.3g (%s), all %.3g" % (ds, ws, da, wa, dm, wm, max(da, dm)))
    if a.runs > 0:
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(a.runs):
            model.run()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print("scipy_relsim: %d runs, runs per second %.2f (CPU) %.2f (wall)"
              % (a.runs, a.runs / cpu, a.runs / wall))


if __name__ == "__main__":
    main()
