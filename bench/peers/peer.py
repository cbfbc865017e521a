#!/usr/bin/python3
"""Peers for bench/model.ts: what a data scientist would use instead of mailroute's model.

usage: /usr/bin/python3 bench/peers/peer.py {sklearn-linearsvc|sklearn-logreg|fasttext} TRAIN.jsonl TEST.jsonl SEED

Prints one JSON object: accuracy, macro_f1, coverage_098, train_s, train_cpu_s, predict_per_s, model_bytes,
peak_rss_mb; or {"missing": "..."} when the peer is not installed (this script installs nothing).
Every peer gets the same fields as mailroute: subject, sender and body, as one text (bench/model.ts
drops the records' recipients for mailroute too).
"""
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

SYSTEM, TRAIN, TEST, SEED = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def load(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            parts = [r.get("subject") or "", r.get("from") or "", r.get("body") or ""]
            texts.append("\n".join(p for p in parts if p))
            labels.append(r["label"])
    return texts, labels


def coverage_at(confidence, correct, target):
    order = sorted(range(len(confidence)), key=lambda i: -confidence[i])
    right, best = 0, 0.0
    for k, i in enumerate(order):
        right += correct[i]
        if k + 1 < len(order) and confidence[order[k + 1]] == confidence[i]:
            continue
        if right / (k + 1) >= target:
            best = (k + 1) / len(order)
    return best


def macro_f1(truth, pred):
    # scikit-learn's macro average: every target that occurs in the truth or in the predictions.
    labels = sorted(set(truth) | set(pred))
    total = 0.0
    for label in labels:
        tp = sum(1 for t, p in zip(truth, pred) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, pred) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, pred) if t == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        total += 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return total / len(labels)


def report(truth, pred, confidence, train_s, train_cpu_s, predict_s, model_bytes, peak_rss_mb, **extra):
    correct = [1 if t == p else 0 for t, p in zip(truth, pred)]
    print(json.dumps({
        **extra,
        "accuracy": sum(correct) / len(truth),
        "macro_f1": macro_f1(truth, pred),
        "coverage_098": coverage_at(confidence, correct, 0.98),
        "train_s": train_s,
        "train_cpu_s": train_cpu_s,
        "predict_per_s": len(truth) / predict_s if predict_s > 0 else None,
        "model_bytes": model_bytes,
        "peak_rss_mb": peak_rss_mb,
    }))


def run_sklearn(kind):
    try:
        import pickle
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.svm import LinearSVC
    except ImportError as e:
        print(json.dumps({"missing": f"scikit-learn ({e}); install: apt-get install python3-sklearn"}))
        return
    train_x, train_y = load(TRAIN)
    test_x, test_y = load(TEST)
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])
    if kind == "linearsvc":
        clf = LinearSVC(C=1.0, random_state=SEED)
    else:
        clf = LogisticRegression(C=10.0, max_iter=100, random_state=SEED)
    pipe = make_pipeline(features, clf)
    wall, cpu = time.perf_counter(), time.process_time()
    pipe.fit(train_x, train_y)
    train_s, train_cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    wall = time.perf_counter()
    if kind == "linearsvc":
        # Coverage only needs a confidence ordering: the top decision value serves.
        scores = pipe.decision_function(test_x)
    else:
        scores = pipe.predict_proba(test_x)
    predict_s = time.perf_counter() - wall
    classes = pipe.classes_
    best = np.argmax(scores, axis=1)
    pred = [classes[i] for i in best]
    confidence = [float(scores[r, i]) for r, i in enumerate(best)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The vectorizers' stop_words_ (the terms min_df cut) is for introspection only; scikit-learn's
    # docs say to drop it before pickling. The size is the model that serves.
    for _, vectorizer in features.transformer_list:
        vectorizer.stop_words_ = None
    model_bytes = len(pickle.dumps(pipe))
    # Logistic regression stops at max_iter=100 whether or not lbfgs has converged: say which.
    extra = {} if kind == "linearsvc" else {"iterations": int(clf.n_iter_.max()), "max_iterations": clf.max_iter}
    report(test_y, pred, confidence, train_s, train_cpu_s, predict_s, model_bytes, peak, **extra)


def clean(text):
    return " ".join(text.lower().split())


def run_fasttext():
    binary = "/usr/bin/fasttext"
    if not os.path.exists(binary):
        print(json.dumps({"missing": "fastText CLI; install: apt-get install fasttext"}))
        return
    train_x, train_y = load(TRAIN)
    test_x, test_y = load(TEST)
    with tempfile.TemporaryDirectory() as tmp:
        train_file, test_file, model = (os.path.join(tmp, n) for n in ("train.txt", "test.txt", "model"))
        # fastText's SGD reads the file in order; some train files are sorted by label, so shuffle (seeded).
        rows = list(zip(train_x, train_y))
        random.Random(SEED).shuffle(rows)
        with open(train_file, "w", encoding="utf-8") as f:
            for x, y in rows:
                f.write(f"__label__{y.replace(' ', '_')} {clean(x)}\n")
        with open(test_file, "w", encoding="utf-8") as f:
            for x in test_x:
                f.write(clean(x) + "\n")
        wall = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([binary, "supervised", "-input", train_file, "-output", model, "-epoch", "25", "-lr", "0.5",
                        "-wordNgrams", "2", "-minn", "3", "-maxn", "5", "-dim", "100", "-bucket", "200000",
                        "-thread", "1", "-seed", str(SEED), "-verbose", "0"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        train_s = time.perf_counter() - wall
        train_cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        predict = lambda path: subprocess.run([binary, "predict-prob", model + ".bin", path, "1"], check=True,
                                              capture_output=True, text=True).stdout.splitlines()
        out = predict(test_file)
        # The CLI loads its model on every call, which mailroute's and scikit-learn's speeds exclude: time
        # a one-mail call and a call on the test mails repeated to at least 50,000, and count the difference.
        copies = max(1, -(-50_000 // len(test_x)))
        one_file, many_file = os.path.join(tmp, "one.txt"), os.path.join(tmp, "many.txt")
        with open(one_file, "w", encoding="utf-8") as f:
            f.write(clean(test_x[0]) + "\n")
        with open(test_file, encoding="utf-8") as f:
            test_text = f.read()
        with open(many_file, "w", encoding="utf-8") as f:
            f.write(test_text * copies)
        wall = time.perf_counter()
        predict(one_file)
        load_s = time.perf_counter() - wall
        wall = time.perf_counter()
        predict(many_file)
        predict_s = max(time.perf_counter() - wall - load_s, 1e-3) / copies
        pred, confidence = [], []
        label_of = {y.replace(' ', '_'): y for y in set(train_y)}
        for line in out:
            parts = line.split()
            pred.append(label_of.get(parts[0][len("__label__"):], parts[0]) if parts else "")
            confidence.append(float(parts[1]) if len(parts) > 1 else 0.0)
        model_bytes = os.path.getsize(model + ".bin")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report(test_y, pred, confidence, train_s, train_cpu_s, predict_s, model_bytes, peak)


if SYSTEM == "sklearn-linearsvc":
    run_sklearn("linearsvc")
elif SYSTEM == "sklearn-logreg":
    run_sklearn("logreg")
elif SYSTEM == "fasttext":
    run_fasttext()
else:
    sys.exit(f"unknown peer {SYSTEM}")
