#!/usr/bin/env python3
"""Regenerates Riffle's golden optimizer trajectories from the NumPy reference.

    python3 optim/src/test/python/gen_golden.py [path/to/shared/reference]

Writes optim/src/test/resources/golden/<case>.jsonl (the reference's own JSON lines) and
golden/cases.txt, one line per case:  id|command|args  where args are exactly the
arguments io.riffle.optim.tools.Trajectory takes for the same run.  GoldenTrajectoryTest
replays every case in Java and compares.
"""
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
sys.path.insert(0, REF)
import mxnet_ref as R  # noqa: E402

OUT = os.path.join(ROOT, "optim", "src", "test", "resources", "golden")

OPTS = ["sgd", "nag", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam", "signum",
        "lars", "lbsgd", "dcasgd", "ftrl", "ftml", "sgld", "lamb"]

# optimizer-specific hyperparameter sets on top of the common ones
SPECIFIC = {
    "sgd": [dict(momentum=0.9), dict(momentum=0.5, learning_rate=0.05)],
    "nag": [dict(momentum=0.5, learning_rate=0.05)],
    "adagrad": [dict(epsilon=1e-3, learning_rate=0.1)],
    "rmsprop": [dict(centered=True, learning_rate=0.01),
                dict(clip_weights=0.5, learning_rate=0.05, momentum=0.5),
                dict(centered=True, momentum=0.0, rho=0.8, epsilon=1e-4, learning_rate=0.01)],
    "adadelta": [dict(rho=0.5, epsilon=1e-3, learning_rate=0.5)],
    "adam": [dict(learning_rate=0.05, beta1=0.8, beta2=0.9)],
    "adamax": [dict(learning_rate=0.05)],
    "nadam": [dict(learning_rate=0.05, schedule_decay=0.1)],
    "signum": [dict(momentum=0.0, wd_lh=0.1, learning_rate=0.05),
               dict(momentum=0.5, wd_lh=0.2, learning_rate=0.05)],
    "lars": [dict(momentum=0.9, eta=0.5, learning_rate=0.5),
             dict(eta=0.1, epsilon=1e-3, learning_rate=1.0)],
    "lbsgd": [dict(batch_scale=2, warmup_epochs=1, updates_per_epoch=4, warmup_strategy=s,
                   learning_rate=0.2, momentum=0.5) for s in ("linear", "power2", "sqrt", "lars")]
             + [dict(batch_scale=3, warmup_epochs=2, updates_per_epoch=3, begin_epoch=1,
                     learning_rate=0.1)],
    "dcasgd": [dict(momentum=0.9, learning_rate=0.05), dict(lamda=0.5, learning_rate=0.2)],
    "ftrl": [dict(lamda1=0.1, beta=0.5, wd=0.1, learning_rate=0.3),
             dict(lamda1=0.0, beta=0.0, learning_rate=0.05)],
    "ftml": [dict(learning_rate=0.05, beta1=0.3)],
    "sgld": [dict(learning_rate=0.01, wd=0.5)],
    "lamb": [dict(learning_rate=0.05, lower_bound=0.1, upper_bound=2.0),
             dict(learning_rate=0.05, bias_correction=False)],
}

COMMON = [dict(), dict(wd=0.01, clip_gradient=0.5, rescale_grad=0.5),
          dict(wd=0.05, rescale_grad=2.0)]

SCHEDS = [
    ("factor", dict(step=3, factor=0.5), dict(learning_rate=0.05)),
    ("multifactor", dict(step=[4, 8], factor=0.3), dict()),
    ("poly", dict(max_update=15, base_lr=0.05, pwr=2, final_lr=0.005, warmup_steps=3,
                  warmup_begin_lr=0.01), dict()),
    ("cosine", dict(max_update=12, base_lr=0.05, final_lr=0.001), dict()),
]

V1_DIFFERS = ["sgd", "nag", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam",
              "signum", "lars", "lbsgd", "dcasgd", "ftml", "sgld"]


def hp_text(hp):
    return " ".join(f"{k}={v}" for k, v in hp.items())


def sched_obj(name, kw):
    cls = {"factor": R.FactorScheduler, "multifactor": R.MultiFactorScheduler,
           "poly": R.PolyScheduler, "cosine": R.CosineScheduler}[name]
    return cls(**kw)


def sched_text(name, kw):
    def val(v):
        return "[" + ",".join(str(x) for x in v) + "]" if isinstance(v, list) else str(v)
    return name + " " + ",".join(f"{k}={val(v)}" for k, v in kw.items())


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def add(cid, opt, problem, seed, steps, hp, sched=None):
        buf = io.StringIO()
        sobj = sched_obj(*sched) if sched else None
        R.run(opt, steps, seed, problem, dict(hp), scheduler=sobj, out=buf)
        with open(os.path.join(OUT, cid + ".jsonl"), "w") as f:
            f.write(buf.getvalue())
        args = f"run --opt {opt} --steps {steps} --seed {seed} --problem {problem}"
        if hp:
            args += " --hp " + hp_text(hp)
        if sched:
            args += " --sched " + sched_text(*sched)
        cases.append(f"{cid}|{args}")

    seed = 1
    for opt in OPTS:
        variants = [dict(c) for c in COMMON] + [dict(s) for s in SPECIFIC.get(opt, [])]
        for i, hp in enumerate(variants):
            for problem in ("quadratic", "logistic"):
                if opt == "lbsgd":
                    hp.setdefault("version", "1.x")
                add(f"{opt}-{i}-{problem}", opt, problem, seed, 20, hp)
                seed += 1
        for j, (name, kw, extra) in enumerate(SCHEDS):
            hp = dict(extra)
            if opt == "lbsgd":
                hp["version"] = "1.x"
            add(f"{opt}-sched-{name}", opt, "quadratic" if j % 2 == 0 else "logistic", seed, 16,
                hp, (name, kw))
            seed += 1
        if opt in V1_DIFFERS:
            for i, hp in enumerate([dict(version="1.x"),
                                    dict(version="1.x", wd=0.02, clip_gradient=0.3)]):
                for problem in ("quadratic", "logistic"):
                    add(f"{opt}-v1-{i}-{problem}", opt, problem, seed, 20, hp)
                    seed += 1
            add(f"{opt}-v1-sched", opt, "quadratic", seed, 16, dict(version="1.x"),
                ("factor", dict(step=4, factor=0.5, base_lr=0.03)))
            seed += 1
    # begin_num_update shifts t and the scheduler's first argument
    add("adam-begin-num-update", "adam", "quadratic", seed, 10,
        dict(begin_num_update=5, learning_rate=0.05), ("factor", dict(step=7, factor=0.5)))
    seed += 1
    # SVRG and YellowFin: the reference's own commands
    for args in ("svrg --epochs 6 --seed 3", "svrg --epochs 6 --seed 4 --reset",
                 "svrg --epochs 5 --seed 5 --batch-size 16 --update-freq 1",
                 "svrg --epochs 7 --seed 6 --batch-size 7 --update-freq 3",
                 "yellowfin --steps 60 --seed 2", "yellowfin --steps 80 --seed 9",
                 "closedloop --steps 60 --seed 2 --tau 4", "closedloop --steps 40 --seed 5 --tau 1"):
        cid = args.replace(" --", "-").replace(" ", "")
        buf = io.StringIO()
        old = sys.stdout
        sys.stdout = buf
        try:
            R.main(args.split())
        finally:
            sys.stdout = old
        with open(os.path.join(OUT, cid + ".jsonl"), "w") as f:
            f.write(buf.getvalue())
        cases.append(f"{cid}|{args}")
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")
    print(f"{len(cases)} cases written to {OUT}")


if __name__ == "__main__":
    main()
