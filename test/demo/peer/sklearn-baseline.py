"""How well does a strong linear model learn the demo corpus? (Debian python3-sklearn.)

Word 1-2 grams + character 3-5 grams, sublinear TF-IDF, logistic regression and a linear SVM,
trained on demo-train.jsonl and scored on demo-test.jsonl written by dump-jsonl.ts.
Usage: /usr/bin/python3 test/demo/peer/sklearn-baseline.py <dir>
"""
import html
import json
import re
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_union
from sklearn.svm import LinearSVC


def load(path):
    texts, labels, ambiguous = [], [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            body = row["body"]
            if row["html"]:
                body = re.sub(r"<style>.*?</style>", "", body, flags=re.S)
                body = html.unescape(re.sub(r"<[^>]+>", " ", body))
            texts.append(f"{row['subject']}\n{row['subject']}\n{body} {' '.join(row['attachments'])}")
            labels.append(row["label"])
            ambiguous.append(row["ambiguous"])
    return texts, labels, ambiguous


directory = sys.argv[1] if len(sys.argv) > 1 else "."
train_x, train_y, _ = load(f"{directory}/demo-train.jsonl")
test_x, test_y, test_ambiguous = load(f"{directory}/demo-test.jsonl")
features = make_union(
    TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
    TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5), min_df=2),
)
train = features.fit_transform(train_x)
test = features.transform(test_x)
for name, model in [
    ("logistic regression", LogisticRegression(C=10, max_iter=2000, class_weight="balanced")),
    ("linear SVM", LinearSVC(C=0.5)),
]:
    model.fit(train, train_y)
    predicted = model.predict(test)
    plain = [i for i, flag in enumerate(test_ambiguous) if not flag]
    unclear = [i for i, flag in enumerate(test_ambiguous) if flag]
    print(
        f"{name}: accuracy {accuracy_score(test_y, predicted):.3f}"
        f" (not ambiguous {accuracy_score([test_y[i] for i in plain], [predicted[i] for i in plain]):.3f},"
        f" ambiguous {accuracy_score([test_y[i] for i in unclear], [predicted[i] for i in unclear]):.3f})"
        f" train {len(train_y)} test {len(test_y)}"
    )
